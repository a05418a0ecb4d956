import { describe, expect, it } from "vitest";
import type { Presence } from "../api/types";
import { initials, isOwner, nameOf, onItem, onWorkbench } from "./people";

const at = (user_id: string, workbench: Presence["workbench"], item?: Presence["item"]): Presence => ({
  user_id,
  display_name: user_id,
  color: "#000000",
  workbench,
  item: item ?? null,
  peer: "p",
});

describe("people", () => {
  it("names and initials", () => {
    expect(nameOf({ user_id: "u1", display_name: "  " })).toBe("u1");
    expect(nameOf({ user_id: "u1", display_name: "Ada" })).toBe("Ada");
    expect(initials("Ada Byron Lovelace")).toBe("AL");
    expect(initials("bea")).toBe("B");
    expect(initials(" ")).toBe("?");
  });

  it("owners, and who is where but me", () => {
    const list = [
      { user_id: "a", role: "owner" as const, last_active: "" },
      { user_id: "b", role: "editor" as const, last_active: "" },
    ];
    expect(isOwner(list, "a")).toBe(true);
    expect(isOwner(list, "b")).toBe(false);
    const users = [at("a", "data"), at("b", "scenario", { kind: "scenario", id: "s1" }), at("c", "scenario")];
    expect(onWorkbench(users, "scenario", "c").map((u) => u.user_id)).toEqual(["b"]);
    expect(onItem(users, "scenario", "s1", "a").map((u) => u.user_id)).toEqual(["b"]);
    expect(onItem(users, "scenario", "s1", "b")).toEqual([]);
  });
});
