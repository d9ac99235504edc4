/**
 * A value as error messages show it: one short line, whatever the input. Strings and compound
 * values are cut to 60 characters with their length named, non-finite numbers are written as
 * such (JSON would print `null`), and nested values are never walked deeper than one level, so
 * a value nested a million deep costs no recursion.
 */

/** Characters of a value shown before it is cut. */
export const SHOWN_CHARACTERS = 60;

/** `text` cut to `max` characters, with its length named when cut. */
export function truncate(text: string, max = SHOWN_CHARACTERS): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length.toLocaleString('en')} characters)`;
}

/** One level of a value: primitives as JSON, non-finite numbers by name, containers as `[…]` / `{…}`. */
function shallow(v: unknown): string {
  if (typeof v === 'number') return String(v); // Infinity, -Infinity and NaN by name (JSON would say null)
  if (typeof v === 'string') return JSON.stringify(v.length > SHOWN_CHARACTERS ? v.slice(0, SHOWN_CHARACTERS + 1) : v);
  if (v === null || typeof v === 'boolean') return String(v);
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return v.length ? '[…]' : '[]';
  if (typeof v === 'object') return Object.keys(v).length ? '{…}' : '{}';
  return typeof v;
}

/** A value for "got …" in one line: `"fast"`, `Infinity`, `[1, 2, […]]`, `"aaaa…" (1,048,576 characters)`. */
export function showValue(v: unknown): string {
  if (typeof v === 'string') return v.length <= SHOWN_CHARACTERS ? JSON.stringify(v) : `${JSON.stringify(v.slice(0, SHOWN_CHARACTERS))}… (${v.length.toLocaleString('en')} characters)`;
  if (Array.isArray(v)) {
    const items = v.slice(0, 8).map(shallow).join(', ');
    return truncate(`[${items}${v.length > 8 ? ', …' : ''}]`) + (v.length > 8 ? ` (${v.length.toLocaleString('en')} items)` : '');
  }
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v);
    const items = keys.slice(0, 8).map((k) => `${JSON.stringify(truncate(k, 20))}: ${shallow((v as Record<string, unknown>)[k])}`).join(', ');
    return truncate(`{${items}${keys.length > 8 ? ', …' : ''}}`) + (keys.length > 8 ? ` (${keys.length.toLocaleString('en')} keys)` : '');
  }
  return shallow(v);
}
