// The library's size as the project library screen words it: one line, and the details behind
// it. Sizes are written as the command line writes them (1000-based, one decimal: "1.4 MB").
import type { LibraryInfo } from "../api/types";

const UNITS = ["B", "KB", "MB", "GB", "TB"];

/** Bytes as the analyst reads them: "740 B", "1.4 MB". */
export function bytesText(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  if (unit === 0) return `${bytes} B`;
  let text = tenths(value);
  // 999,950 bytes round up to "1000.0 KB": that is 1.0 MB.
  if (text === "1000.0" && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
    text = tenths(value);
  }
  return `${text} ${UNITS[unit]}`;
}

/** One decimal, an exact tie going to the even digit as Rust writes it (1250 B is "1.2 KB" here
 *  and in `studio library`); toFixed would round it up. Only x.25 and x.75 are exact ties. */
function tenths(x: number): string {
  if (Number.isInteger(x * 4) && !Number.isInteger(x * 2)) {
    const down = Math.floor(x * 10);
    return ((down % 2 === 0 ? down : down + 1) / 10).toFixed(1);
  }
  return x.toFixed(1);
}

/** How long something is kept: "90 days", or "for good" (the core's null). */
export function keptText(days: number | null): string {
  if (days == null) return "for good";
  return count(days, "day");
}

const count = (n: number, what: string) => `${n.toLocaleString("en-US")} ${what}${n === 1 ? "" : "s"}`;

/** The footer's line: "Library 12.3 MB · exports 2.1 MB (kept 90 days) · /path/library.db". */
export function libraryLine(info: LibraryInfo): string {
  return [
    `Library ${bytesText(info.total_bytes)}`,
    `exports ${bytesText(info.exports_bytes)} (kept ${keptText(info.export_retention_days)})`,
    info.path,
  ].join(" · ");
}

/** What the line adds up, row by row, for its expanded details. */
export function libraryDetails(info: LibraryInfo): [string, string][] {
  return [
    ["In all", `${bytesText(info.total_bytes)}`],
    ["Library file", `${bytesText(info.library_bytes)} — ${info.path}`],
    [
      "Exports",
      `${bytesText(info.exports_bytes)} in ${count(info.exports_files, "file")}, kept ${keptText(info.export_retention_days)} — ${info.exports_dir}`,
    ],
    ["Imported data files", bytesText(info.imported_sources_bytes)],
    ["Outbox", bytesText(info.outbox_bytes)],
    [
      "Holds",
      `${count(info.projects, "project")}, ${count(info.task_boards, "task board")} with ${count(info.tasks, "task")}`,
    ],
    ["Finished task boards", `kept ${keptText(info.task_retention_days)}`],
  ];
}
