// The report's sections in their order: tick to include, drag a row (HTML5 drag and drop), or
// move it with Alt+↑ / Alt+↓ or its buttons. Moves are announced for screen readers.
import { useEffect, useRef, useState } from "react";
import { onItem } from "../state/people";
import { type SectionRow, moveRow, sectionLabel, toggleRow } from "../state/report";
import type { PaneProps } from "./pane";
import { Avatars } from "./People";

interface Props {
  name: string;
  rows: SectionRow[];
  onChange: (rows: SectionRow[]) => void;
  /** Who else is on which section; the section I work on is told to them. */
  people?: PaneProps["people"];
}

export function SectionList({ name, rows, onChange, people }: Props) {
  const [dragging, setDragging] = useState<number | null>(null);
  const [over, setOver] = useState<number | null>(null);
  const [said, setSaid] = useState("");
  // The section I last worked on, as told to my collaborators.
  const told = useRef<string | null>(null);
  const workOn = (id: string) => {
    if (told.current === id) return;
    told.current = id;
    people?.focus({ kind: "section", id });
  };
  // Moving a row moves its DOM node, which drops focus: it goes back to the same control of
  // the moved row (its checkbox when that control is now disabled).
  const refocus = useRef<{ id: string; control: number } | null>(null);
  const items = useRef(new Map<string, HTMLLIElement>());
  useEffect(() => {
    const want = refocus.current;
    refocus.current = null;
    const controls = want
      ? [...(items.current.get(want.id)?.querySelectorAll<HTMLInputElement | HTMLButtonElement>("input, button") ?? [])]
      : [];
    const control = controls[want?.control ?? 0];
    (control && !control.disabled ? control : controls[0])?.focus();
  }, [rows]);

  const move = (from: number, to: number, focus = true) => {
    const next = moveRow(rows, from, to);
    if (next === rows) return;
    const id = rows[from].id;
    if (focus) {
      const controls = [...(items.current.get(id)?.querySelectorAll("input, button") ?? [])];
      refocus.current = { id, control: Math.max(0, controls.indexOf(document.activeElement as Element)) };
    }
    setSaid(`Moved ${sectionLabel(id)} to position ${next.findIndex((r) => r.id === id) + 1} of ${rows.length}`);
    onChange(next);
  };
  const onKey = (e: React.KeyboardEvent, i: number) => {
    if (!e.altKey || (e.key !== "ArrowUp" && e.key !== "ArrowDown")) return;
    e.preventDefault();
    move(i, e.key === "ArrowUp" ? i - 1 : i + 1);
  };

  return (
    <>
      <ol className="sections" data-testid={name.toLowerCase().replace(" ", "-")} aria-label={`${name}, in order`}>
        {rows.map((r, i) => {
          const label = sectionLabel(r.id);
          return (
            <li
              key={r.id}
              ref={(el) => {
                if (el) items.current.set(r.id, el);
                else items.current.delete(r.id);
              }}
              draggable
              className={[
                "section-row",
                r.included ? "" : "excluded",
                over === i && dragging !== i ? "drop-target" : "",
              ]
                .join(" ")
                .trim()}
              data-testid={`section-${r.id}`}
              onKeyDown={(e) => onKey(e, i)}
              onFocus={() => workOn(r.id)}
              onDragStart={(e) => {
                setDragging(i);
                e.dataTransfer.effectAllowed = "move";
                e.dataTransfer.setData("text/plain", r.id);
              }}
              onDragOver={(e) => {
                if (dragging == null) return;
                e.preventDefault();
                e.dataTransfer.dropEffect = "move";
                setOver(i);
              }}
              onDrop={(e) => {
                e.preventDefault();
                if (dragging != null) move(dragging, i, false);
                setDragging(null);
                setOver(null);
              }}
              onDragEnd={() => {
                setDragging(null);
                setOver(null);
              }}
            >
              <span className="handle" aria-hidden="true" title="Drag to reorder">
                ⠿
              </span>
              <label className="check grow-1">
                <input
                  type="checkbox"
                  aria-label={`Include ${label}`}
                  aria-keyshortcuts="Alt+ArrowUp Alt+ArrowDown"
                  checked={r.included}
                  onChange={() => onChange(toggleRow(rows, r.id))}
                />
                {label}
              </label>
              <Avatars users={onItem(people?.users ?? [], "section", r.id, "")} max={3} />
              <button
                type="button"
                className="icon small-icon"
                aria-label={`Move ${label} up`}
                disabled={i === 0}
                onClick={() => move(i, i - 1)}
              >
                ↑
              </button>
              <button
                type="button"
                className="icon small-icon"
                aria-label={`Move ${label} down`}
                disabled={i === rows.length - 1}
                onClick={() => move(i, i + 1)}
              >
                ↓
              </button>
            </li>
          );
        })}
      </ol>
      <p className="sr-only" aria-live="polite">
        {said}
      </p>
    </>
  );
}
