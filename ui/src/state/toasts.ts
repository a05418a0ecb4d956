// The message line's queue: messages newest first; the line shows the newest and counts the
// rest. Information fades after a while (longer when it offers an action, such as Undo); an
// error stays until it is dismissed: replaced on the line by a newer message, it waits behind
// it, and comes back when that one goes.

export interface Toast {
  id: number;
  text: string;
  kind: "info" | "error";
  action?: { label: string; run: () => void };
  /** When it was shown (or last repeated), in milliseconds. */
  at: number;
  /** How many times in a row it came (absent: once). */
  count?: number;
}

export const INFO_MS = 4000;
export const ACTION_MS = 8000;
/** The most messages held; older ones are dropped. */
export const KEPT = 20;

/** How long a message stays, in milliseconds; null: until dismissed. */
export function lifetime(t: Toast): number | null {
  if (t.kind === "error") return null;
  return t.action ? ACTION_MS : INFO_MS;
}

/** The queue with `toast` first. The same message again at once is counted, not stacked. */
export function pushToast(queue: Toast[], toast: Toast): Toast[] {
  const [newest, ...rest] = queue;
  if (newest && newest.text === toast.text && newest.kind === toast.kind && !newest.action && !toast.action) {
    return [{ ...newest, at: toast.at, count: (newest.count ?? 1) + 1 }, ...rest];
  }
  return [toast, ...queue].slice(0, KEPT);
}

export function dismissToast(queue: Toast[], id: number): Toast[] {
  return queue.filter((t) => t.id !== id);
}

const endOf = (t: Toast) => {
  const ms = lifetime(t);
  return ms == null ? null : t.at + ms;
};

/** The queue without the messages whose time is up at `now`. */
export function expireToasts(queue: Toast[], now: number): Toast[] {
  const kept = queue.filter((t) => {
    const end = endOf(t);
    return end == null || end > now;
  });
  return kept.length === queue.length ? queue : kept;
}

/** When the next message fades, or null when none will. */
export function nextExpiry(queue: Toast[]): number | null {
  const ends = queue.map(endOf).filter((e): e is number => e != null);
  return ends.length ? Math.min(...ends) : null;
}

/** What the line shows: the newest message, and the older ones, newest first. */
export function messageLine(queue: Toast[]): { newest: Toast | null; older: Toast[] } {
  return { newest: queue[0] ?? null, older: queue.slice(1) };
}
