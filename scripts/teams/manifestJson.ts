/**
 * The manifest as JSON: finding and filling its `${{NAME}}` placeholders, and visiting every
 * string with its JSON pointer (for problem messages).
 */

/** A `${{NAME}}` placeholder (spaces inside the braces are tolerated, as Teams Toolkit does). */
export const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** A JSON value as `JSON.parse` returns it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const pointerPart = (key: string | number): string => String(key).replace(/~/g, '~0').replace(/\//g, '~1');

export /** Calls `visit` on every string value and object key of `value`, with its JSON pointer. */
function walkStrings(value: Json, visit: (text: string, pointer: string) => void, pointer = ''): void {
  if (typeof value === 'string') visit(value, pointer || '/');
  else if (Array.isArray(value)) value.forEach((item, i) => walkStrings(item, visit, `${pointer}/${i}`));
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const at = `${pointer}/${pointerPart(key)}`;
      visit(key, `${at} (key)`);
      walkStrings(item, visit, at);
    }
  }
}

export /** A copy of `value` with every placeholder in its string values replaced (values are set, so no JSON escaping issue). */
function fill(value: Json, values: Record<string, string>): Json {
  if (typeof value === 'string') return value.replace(PLACEHOLDER, (whole, name: string) => values[name] ?? whole);
  if (Array.isArray(value)) return value.map((item) => fill(item, values));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fill(item, values)]));
  }
  return value;
}
