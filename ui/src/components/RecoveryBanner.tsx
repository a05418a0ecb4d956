// The crash-recovery banner: edits a session acknowledged and then lost to a crash, offered
// back above the workbench (not a dialog: the project stays usable). Recover merges them in;
// Discard asks first, in the banner itself, since it cannot be undone.
import { useEffect, useRef, useState } from "react";
import type { RecoveryOffer } from "../api/types";
import { LISTED, discardQuestion, editTime, offerView } from "../state/recovery";

interface Props {
  offer: RecoveryOffer;
  /** What the banner says of the edits (a crash's, unless told). */
  headline?: string;
  /** The first action's name: Recover, or Apply for edits a team server kept. */
  recoverLabel?: string;
  testId?: string;
  /** Each resolves once the core has answered (its errors are the caller's to show). */
  recover: () => Promise<void>;
  discard: () => Promise<void>;
}

export function RecoveryBanner({
  offer,
  headline,
  recoverLabel = "Recover",
  testId = "recovery",
  recover,
  discard,
}: Props) {
  const [expanded, setExpanded] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const keep = useRef<HTMLButtonElement>(null);
  const discardButton = useRef<HTMLButtonElement>(null);
  const count = offer.edits.length;
  const view = offerView(offer, expanded, headline);
  // The question names a count: another crash changes it, so it is asked again.
  const [askedFor, setAskedFor] = useState(count);
  if (askedFor !== count) {
    setAskedFor(count);
    setConfirming(false);
  }
  useEffect(() => {
    if (confirming) keep.current?.focus();
  }, [confirming]);

  const act = async (what: () => Promise<void>) => {
    setBusy(true);
    try {
      await what();
    } finally {
      setBusy(false);
    }
  };
  const cancel = () => {
    setConfirming(false);
    // Back where the analyst was: on Discard.
    requestAnimationFrame(() => discardButton.current?.focus());
  };

  return (
    <section
      className="banner recovery"
      aria-labelledby={`${testId}-headline`}
      data-testid={testId}
      onKeyDown={(e) => {
        if (e.key === "Escape" && confirming) {
          // Not the message line's Escape as well.
          e.preventDefault();
          cancel();
        }
      }}
    >
      <div className="recovery-body">
        <p id={`${testId}-headline`} className="recovery-headline" role="alert" data-testid={`${testId}-headline`}>
          {view.headline}
        </p>
        {view.foldable && (
          // One toggle that stays where it is, so focus stays on it.
          <button
            className="link small"
            aria-expanded={expanded}
            aria-controls={`${testId}-edits`}
            onClick={() => setExpanded(!expanded)}
          >
            {expanded ? `Show only the latest ${LISTED}` : `Show ${view.earlier} earlier edits`}
          </button>
        )}
        <ol id={`${testId}-edits`} className="recovery-edits" data-testid={`${testId}-edits`}>
          {view.listed.map((edit, i) => (
            // Keyed by place in the whole offer: folding keeps each edit's row.
            <li key={view.earlier + i}>
              <time className="muted small" dateTime={edit.created_at} title={edit.created_at}>
                {editTime(edit.created_at)}
              </time>
              <span>{edit.summary}</span>
            </li>
          ))}
        </ol>
      </div>
      <div className="recovery-actions">
        {confirming ? (
          <>
            <span className="recovery-question" role="alert" data-testid="discard-question">
              {discardQuestion(count)}
            </span>
            <button className="danger" disabled={busy} onClick={() => act(discard)} data-testid="confirm-discard">
              Discard for good
            </button>
            <button ref={keep} disabled={busy} onClick={cancel}>
              Keep them
            </button>
          </>
        ) : (
          <>
            <button
              className="primary"
              disabled={busy}
              onClick={() => act(recover)}
              title="Merge these edits into the project"
              data-testid="recover"
            >
              {recoverLabel}
            </button>
            <button
              ref={discardButton}
              disabled={busy}
              onClick={() => setConfirming(true)}
              title="Drop these edits (asks first)"
              data-testid="discard"
            >
              Discard…
            </button>
          </>
        )}
      </div>
    </section>
  );
}
