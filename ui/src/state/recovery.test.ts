import { describe, expect, it } from "vitest";
import type { RecoveryOffer } from "../api/types";
import fixture from "../api/fixtures/recovery_offer.json";
import { LISTED, discardQuestion, editTime, offerView, unsavedEdits, unsentHeadline, unsentOffer } from "./recovery";

const offer = (n: number): RecoveryOffer => ({
  project_id: "p",
  edits: Array.from({ length: n }, (_, i) => ({
    summary: `Overrode 'r1_${i}' with ${i} (crash test)`,
    created_at: new Date(2026, 2, 3, 14, 0, i).toISOString(),
  })),
});

describe("the crash-recovery banner", () => {
  it("says how many edits a crashed session left, in the singular for one", () => {
    expect(offerView(fixture).headline).toBe("1 unsaved edit from a session that ended unexpectedly");
    expect(offerView(offer(3)).headline).toBe("3 unsaved edits from a session that ended unexpectedly");
    expect(unsavedEdits(0)).toBe("0 unsaved edits");
  });
  it("lists a few edits whole, in the core's order, newest last", () => {
    for (const n of [1, LISTED, LISTED + 1]) {
      const view = offerView(offer(n));
      expect(view.listed).toEqual(offer(n).edits);
      expect(view.earlier).toBe(0);
      expect(view.foldable).toBe(false);
    }
  });
  it("folds away the earlier ones of many, until expanded", () => {
    const many = offer(10);
    const folded = offerView(many);
    expect(folded.listed.map((e) => e.summary)).toEqual(many.edits.slice(10 - LISTED).map((e) => e.summary));
    expect(folded.earlier).toBe(10 - LISTED);
    expect(folded.foldable).toBe(true);
    // The headline counts them all, folded or not.
    expect(folded.headline).toMatch(/^10 unsaved edits/);
    const all = offerView(many, true);
    expect(all.listed).toEqual(many.edits);
    expect(all.earlier).toBe(0);
    expect(all.foldable).toBe(true);
  });
  it("asks before discarding, since it cannot be undone", () => {
    expect(discardQuestion(1)).toBe("Discard this unsaved edit for good? This cannot be undone.");
    expect(discardQuestion(4)).toBe("Discard these 4 unsaved edits for good? This cannot be undone.");
  });
  it("writes an edit's time in local time, with the day when it is not today", () => {
    const now = new Date(2026, 2, 3, 18, 30);
    expect(editTime(new Date(2026, 2, 3, 14, 2, 31).toISOString(), now)).toBe("14:02:31");
    expect(editTime(new Date(2026, 2, 2, 9, 5, 7).toISOString(), now)).toBe("2 Mar 09:05:07");
    expect(editTime(new Date(2025, 11, 31, 23, 59, 59).toISOString(), now)).toBe("31 Dec 2025 23:59:59");
    // Not a time: shown as the core sent it.
    expect(editTime("yesterday", now)).toBe("yesterday");
  });
});

describe("the banner of edits a team server kept", () => {
  it("lists each kept edit by workbench and action, at the time it was refused", () => {
    const edit = { project_id: "p", user_id: "u", workbench: "data", action: "override_value", payload: {} } as const;
    const kept = unsentOffer({
      project_id: "p",
      edits: [{ at: "2026-12-07T08:20:00.000Z", why: "the database cannot be reached", edit }],
      expires_in_secs: 86_000,
    });
    expect(kept.edits).toEqual([{ summary: "Data workbench: override value", created_at: "2026-12-07T08:20:00.000Z" }]);
    expect(offerView(kept, false, unsentHeadline(1)).headline).toBe(
      "1 edit the team server could not save while its database was away: kept for you",
    );
    expect(unsentHeadline(3)).toMatch(/^3 edits /);
  });
});
