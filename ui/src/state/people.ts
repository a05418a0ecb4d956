// Small rules about people: how a collaborator is named, their initials, who owns a project, and
// who is on which workbench.
import type { Collaborator, Presence, Workbench } from "../api/types";

/** A collaborator's name: their display name, else their id. */
export function nameOf(c: Pick<Collaborator, "display_name" | "user_id">): string {
  return c.display_name?.trim() || c.user_id;
}

/** Up to two initials: "Ada Lovelace" → "AL", "bea" → "B". */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return "?";
  const letters = words.length === 1 ? [words[0][0]] : [words[0][0], words[words.length - 1][0]];
  return letters.join("").toUpperCase();
}

/** Whether `userId` owns the project. */
export function isOwner(collaborators: Collaborator[], userId: string): boolean {
  return collaborators.some((c) => c.user_id === userId && c.role === "owner");
}

/** The users on `workbench`, but me. */
export function onWorkbench(users: Presence[], workbench: Workbench, me: string): Presence[] {
  return users.filter((u) => u.workbench === workbench && u.user_id !== me);
}

/** The users on an item (a scenario, a source…), but me. */
export function onItem(users: Presence[], kind: string, id: string, me: string): Presence[] {
  return users.filter((u) => u.item?.kind === kind && u.item.id === id && u.user_id !== me);
}
