import { describe, expect, it } from "vitest";
import {
  ACTION_MS,
  INFO_MS,
  KEPT,
  dismissToast,
  expireToasts,
  lifetime,
  messageLine,
  nextExpiry,
  pushToast,
  type Toast,
} from "./toasts";

let id = 0;
const toast = (text: string, at: number, kind: Toast["kind"] = "info", action?: Toast["action"]): Toast => ({
  id: ++id,
  text,
  kind,
  action,
  at,
});
const texts = (queue: Toast[]) => queue.map((t) => t.text);

describe("the message line", () => {
  it("shows the newest message and counts the older ones behind it", () => {
    let queue: Toast[] = [];
    for (const [i, text] of ["Saved version 2", "Saved version 3", "no such scenario", "Restored"].entries()) {
      queue = pushToast(queue, toast(text, i * 100, text.startsWith("no") ? "error" : "info"));
    }
    const line = messageLine(queue);
    expect(line.newest?.text).toBe("Restored");
    expect(texts(line.older)).toEqual(["no such scenario", "Saved version 3", "Saved version 2"]);
    expect(messageLine([])).toEqual({ newest: null, older: [] });
  });
  it("lets information fade and keeps errors until they are dismissed", () => {
    const undo = { label: "Undo", run: () => {} };
    const queue = [toast("Deleted", 0, "info", undo), toast("bad address", 0, "error"), toast("Saved", 0)];
    expect(queue.map(lifetime)).toEqual([ACTION_MS, null, INFO_MS]);
    expect(texts(expireToasts(queue, INFO_MS - 1))).toEqual(["Deleted", "bad address", "Saved"]);
    expect(texts(expireToasts(queue, INFO_MS))).toEqual(["Deleted", "bad address"]);
    expect(texts(expireToasts(queue, ACTION_MS))).toEqual(["bad address"]);
    expect(texts(expireToasts(queue, 10 * ACTION_MS))).toEqual(["bad address"]);
    expect(nextExpiry(queue)).toBe(INFO_MS);
    expect(nextExpiry(expireToasts(queue, INFO_MS))).toBe(ACTION_MS);
    expect(nextExpiry(expireToasts(queue, ACTION_MS))).toBeNull();
  });
  it("puts an error replaced by a newer message behind it, back on the line when that one goes", () => {
    const error = toast("bo is not an email address", 0, "error");
    let queue = pushToast([], error);
    queue = pushToast(queue, toast("Opened outbox", 1000));
    expect(messageLine(queue).newest?.text).toBe("Opened outbox");
    expect(messageLine(queue).older).toEqual([error]);
    queue = expireToasts(queue, 1000 + INFO_MS);
    expect(messageLine(queue)).toEqual({ newest: error, older: [] });
    expect(dismissToast(queue, error.id)).toEqual([]);
  });
  it("counts a message repeated at once instead of stacking it", () => {
    let queue = pushToast([], toast("network down", 0, "error"));
    queue = pushToast(queue, toast("network down", 500, "error"));
    queue = pushToast(queue, toast("network down", 900, "info"));
    expect(queue.map((t) => [t.text, t.kind, t.count ?? 1])).toEqual([
      ["network down", "info", 1],
      ["network down", "error", 2],
    ]);
    // The repeat shows for as long as a new message would.
    const info = pushToast(pushToast([], toast("Saved", 0)), toast("Saved", 3000));
    expect(info).toHaveLength(1);
    expect(nextExpiry(info)).toBe(3000 + INFO_MS);
  });
  it("holds a bounded history, dropping the oldest", () => {
    let queue: Toast[] = [];
    for (let i = 0; i < KEPT + 5; i++) queue = pushToast(queue, toast(`error ${i}`, i, "error"));
    expect(queue).toHaveLength(KEPT);
    expect(queue[0].text).toBe(`error ${KEPT + 4}`);
    expect(queue.at(-1)?.text).toBe("error 5");
  });
});
