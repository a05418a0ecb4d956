import { describe, expect, it } from "vitest";
import type { LibraryInfo } from "../api/types";
import fixture from "../api/fixtures/library_info.json";
import { bytesText, keptText, libraryDetails, libraryLine } from "./library";

const info = (over: Partial<LibraryInfo> = {}): LibraryInfo => ({ ...(fixture as LibraryInfo), ...over });

describe("the library's size", () => {
  it("writes bytes 1000-based with one decimal, as the command line does", () => {
    const check = (bytes: number, text: string) => expect([bytes, bytesText(bytes)]).toEqual([bytes, text]);
    check(0, "0 B");
    check(999, "999 B");
    check(1000, "1.0 KB");
    check(1_400_000, "1.4 MB");
    check(12_345_678, "12.3 MB");
    check(2_100_000_000, "2.1 GB");
    check(7_000_000_000_000_000, "7000.0 TB");
    // An exact tie goes to the even digit, as Rust's {:.1} does (toFixed would say 1.3 KB).
    check(1250, "1.2 KB");
    check(1750, "1.8 KB");
    check(1050, "1.1 KB");
    // What rounds to 1000 of one unit is one of the next.
    check(999_950, "1.0 MB");
    check(999_949, "999.9 KB");
  });
  it("says how long things are kept, null being for good", () => {
    expect(keptText(90)).toBe("90 days");
    expect(keptText(1)).toBe("1 day");
    expect(keptText(null)).toBe("for good");
  });
  it("makes one line of the total, the exports and the file", () => {
    const line = libraryLine(
      info({ total_bytes: 12_300_000, exports_bytes: 2_100_000, path: "/home/ana/.studio/library.db" }),
    );
    expect(line).toBe("Library 12.3 MB · exports 2.1 MB (kept 90 days) · /home/ana/.studio/library.db");
    expect(libraryLine(info({ export_retention_days: null }))).toContain("exports 0 B (kept for good)");
  });
  it("details every part and count, in words", () => {
    const rows = Object.fromEntries(
      libraryDetails(info({ library_bytes: 5_000_000, exports_files: 1, outbox_bytes: 2500 })),
    );
    expect(rows["Library file"]).toBe("5.0 MB — /home/analyst/.futureos-studio/library.db");
    expect(rows["Exports"]).toBe("0 B in 1 file, kept 90 days — /home/analyst/.futureos-studio/exports");
    expect(rows["Outbox"]).toBe("2.5 KB");
    expect(rows["Holds"]).toBe("1 project, 1 task board with 6 tasks");
    expect(rows["Finished task boards"]).toBe("kept 30 days");
    expect(libraryDetails(info({ task_retention_days: null })).at(-1)).toEqual([
      "Finished task boards",
      "kept for good",
    ]);
  });
});
