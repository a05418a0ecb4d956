// The crash-recovery banner's words: what it says of an offer of edits a crashed session left,
// and which of them it lists. The core decides what is offered and in what order (the order
// the edits were made); this only words it.
import type { RecoveryOffer, UnsavedEdit, UnsentEdits } from "../api/types";

/** How many edits the banner lists before it folds the earlier ones away. */
export const LISTED = 3;

/** "1 unsaved edit", "3 unsaved edits". */
export function unsavedEdits(n: number): string {
  return `${n} unsaved edit${n === 1 ? "" : "s"}`;
}

export interface OfferView {
  headline: string;
  /** The edits shown, newest last. */
  listed: UnsavedEdit[];
  /** How many earlier edits are folded away (0 when expanded). */
  earlier: number;
  /** Whether there are enough to fold at all (the banner then offers to fold or unfold). */
  foldable: boolean;
}

/** The banner for an offer: every edit when expanded or few, else the newest `LISTED`
 *  (folding away a single edit would save no room, so one more than that is shown whole). */
export function offerView(offer: RecoveryOffer, expanded = false, headline?: string): OfferView {
  const n = offer.edits.length;
  const foldable = n > LISTED + 1;
  const listed = foldable && !expanded ? offer.edits.slice(n - LISTED) : offer.edits;
  return {
    headline: headline ?? `${unsavedEdits(n)} from a session that ended unexpectedly`,
    listed,
    earlier: n - listed.length,
    foldable,
  };
}

/** The question Discard asks before it drops them. */
export function discardQuestion(n: number): string {
  return `Discard ${n === 1 ? "this unsaved edit" : `these ${n} unsaved edits`} for good? This cannot be undone.`;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const two = (n: number) => String(n).padStart(2, "0");

/** When an edit was made, in local time: "14:02:31" today, "3 Mar 14:02:31" another day (a
 *  crash's edits come in bursts, so seconds tell them apart). */
export function editTime(iso: string, now: Date = new Date()): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const time = `${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}`;
  const today =
    at.getFullYear() === now.getFullYear() && at.getMonth() === now.getMonth() && at.getDate() === now.getDate();
  if (today) return time;
  const year = at.getFullYear() === now.getFullYear() ? "" : ` ${at.getFullYear()}`;
  return `${at.getDate()} ${MONTHS[at.getMonth()]}${year} ${time}`;
}

/** A team server's kept edits as the banner lists them: "Data workbench: override value". */
export function unsentOffer(unsent: UnsentEdits): RecoveryOffer {
  return {
    project_id: unsent.project_id,
    edits: unsent.edits.map((u) => ({
      summary: `${u.edit.workbench[0].toUpperCase()}${u.edit.workbench.slice(1)} workbench: ${u.edit.action.replace(/_/g, " ")}`,
      created_at: u.at,
    })),
  };
}

/** "2 edits the team server could not save while its database was away: kept for you". */
export function unsentHeadline(n: number): string {
  return `${n === 1 ? "1 edit" : `${n} edits`} the team server could not save while its database was away: kept for you`;
}
