// Edits a team server kept for this user when its database could not save them, offered back
// above the workbench as a crash's are: Apply sends them again in order, Discard drops them
// (asking first). Asked for when the project opens and when the server says some are kept.
import { useCallback, useEffect, useState } from "react";
import type { Backend } from "../api/backend";
import type { ProjectState, UnsentEdits } from "../api/types";
import { unsavedEdits, unsentHeadline, unsentOffer } from "../state/recovery";
import { RecoveryBanner } from "./RecoveryBanner";
import type { Notify } from "./ui";

interface Props {
  backend: Backend;
  projectId: string;
  /** The project as it stands once they are applied. */
  applied: (state: ProjectState) => void;
  notify: Notify;
  fail: (e: unknown) => void;
}

export function UnsentBanner({ backend, projectId, applied, notify, fail }: Props) {
  const [unsent, setUnsent] = useState<UnsentEdits | null>(null);
  const ask = useCallback(() => {
    // Nothing kept, or no team server to keep it: no banner.
    backend
      .unsentEdits(projectId)
      .then(setUnsent)
      .catch(() => setUnsent(null));
  }, [backend, projectId]);
  useEffect(() => {
    ask();
    return backend.watch(projectId, (event) => {
      if (event.type === "unsent_available") ask();
    });
  }, [backend, projectId, ask]);
  if (!unsent || unsent.edits.length === 0) return null;

  const apply = async () => {
    try {
      const result = await backend.applyUnsent(projectId);
      applied(result.state);
      setUnsent({ ...unsent, edits: result.still_kept });
      const refused = result.refused.length
        ? `; ${result.refused.length} no longer apply: ${result.refused[0].why}`
        : "";
      const kept = result.still_kept.length ? `; ${unsavedEdits(result.still_kept.length)} still kept` : "";
      notify(`Applied ${result.applied} kept edit${result.applied === 1 ? "" : "s"}${refused}${kept}`);
    } catch (e) {
      fail(e);
    }
  };
  const discard = async () => {
    try {
      const { discarded } = await backend.discardUnsent(projectId);
      setUnsent(null);
      notify(`Discarded ${discarded} kept edit${discarded === 1 ? "" : "s"}`);
    } catch (e) {
      fail(e);
    }
  };
  return (
    <RecoveryBanner
      offer={unsentOffer(unsent)}
      headline={unsentHeadline(unsent.edits.length)}
      recoverLabel="Apply"
      testId="unsent"
      recover={apply}
      discard={discard}
    />
  );
}
