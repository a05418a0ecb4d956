// How values read to the analyst: a real minus sign, a dash for nothing, and no JSON
// punctuation (no brackets, nulls or quotes) for values the core answers as JSON.

/** What a cell shows when there is nothing to show. */
export const NOTHING = "—";
/** U+2212, the minus sign, for negative numbers. */
export const MINUS = "\u2212";

/** A number as it is written, with a real minus sign. */
export function numberText(x: number): string {
  return typographicMinus(String(x));
}

/** A number with its sign always written: "+0.5", "−0.2". */
export function signed(x: number, digits?: number): string {
  const text = digits == null ? String(Math.abs(x)) : Math.abs(x).toFixed(digits);
  return `${x < 0 && Number(text) !== 0 ? MINUS : "+"}${text}`;
}

/** A hyphen-minus before a number (" -0.2") written as a minus sign; hyphens in names stay. */
export function typographicMinus(text: string): string {
  return text.replace(/(^|[\s(:=])-(?=\.?\d)/g, `$1${MINUS}`);
}

/** Any value as words: text as it is, lists joined, records as "key value", nothing as a dash. */
export function valueText(value: unknown): string {
  const text = inner(value);
  return text === "" ? NOTHING : text;
}

function inner(value: unknown): string {
  if (value == null) return "";
  if (typeof value === "number") return numberText(value);
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map(inner).filter(Boolean).join(", ");
  if (typeof value === "object") {
    return Object.entries(value)
      .map(([k, v]) => {
        const text = inner(v);
        if (text === "") return "";
        return v !== null && typeof v === "object" ? `${k} (${text})` : `${k} ${text}`;
      })
      .filter(Boolean)
      .join(", ");
  }
  return String(value);
}
