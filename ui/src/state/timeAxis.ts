// Ticks as dates, as the core reads them from the data (crates/studio-model/src/time_axis.rs):
// tick 0 is the period starting at `start`; each tick a day, a week, a month, a quarter or a
// year. The charts and sentences name periods ("2028 Q1") where the data has a calendar.
import type { TimeAxis } from "../api/types";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The first day of `tick`'s period: [year, month (1–12), day]. */
export function periodStart(axis: TimeAxis, tick: number): [number, number, number] {
  const [y, m, d] = axis.start.split("-").map(Number);
  const months = { month: 1, quarter: 3, year: 12 }[axis.step as string];
  if (months !== undefined) {
    const index = y * 12 + (m - 1) + months * tick;
    const year = Math.floor(index / 12);
    const month = (index % 12) + 1;
    return [year, month, Math.min(d, daysIn(year, month))];
  }
  const days = axis.step === "week" ? 7 * tick : tick;
  const date = new Date(Date.UTC(y, m - 1, d + days));
  return [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
}

/** A tick's period as people name it: "2019 Q2", "Mar 2019", "2019", "2019-03-31". */
export function periodLabel(axis: TimeAxis, tick: number): string {
  const [y, m, d] = periodStart(axis, tick);
  switch (axis.step) {
    case "year":
      return String(y);
    case "quarter":
      return `${y} Q${Math.floor((m - 1) / 3) + 1}`;
    case "month":
      return `${MONTHS[m - 1]} ${y}`;
    default:
      return `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
  }
}

/** "2028 Q1 (tick 40)" with a calendar, "tick 40" without. */
export function when(axis: TimeAxis | null | undefined, tick: number): string {
  return axis ? `${periodLabel(axis, tick)} (tick ${tick})` : `tick ${tick}`;
}
