/**
 * The one way a string reaches generated JavaScript (or JSON written inside code): as an
 * escaped literal that is valid JSON and valid JavaScript alike. Besides what JSON escapes, it
 * escapes U+2028/U+2029 (line breaks to older JavaScript), every control, format, surrogate,
 * private-use and unassigned character, and `<`, so `</script>` cannot end an inline script.
 */

const UNSAFE = /[\\"<]|[^\p{L}\p{M}\p{N}\p{P}\p{S}\p{Zs}]/gu;
const SHORT: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

const unit = (code: number) => `\\u${code.toString(16).padStart(4, '0')}`;

function escapeChar(c: string): string {
  const short = SHORT[c];
  if (short) return short;
  // \uXXXX per UTF-16 code unit: JSON has no other form for characters outside the BMP.
  let out = '';
  for (let i = 0; i < c.length; i++) out += unit(c.charCodeAt(i));
  return out;
}

/** A double-quoted JavaScript/JSON string literal whose value is `s`, code unit for code unit. */
export function jsString(s: string): string {
  return `"${s.replace(UNSAFE, escapeChar)}"`;
}

/** A JavaScript (and JSON) literal for plain data: numbers, booleans, null, strings, arrays, objects. */
export function jsLiteral(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null';
  if (typeof v === 'string') return jsString(v);
  if (Array.isArray(v)) return `[${v.map(jsLiteral).join(', ')}]`;
  if (typeof v === 'object') return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${jsString(k)}: ${jsLiteral(x)}`).join(', ')}}`;
  throw new Error(`jsLiteral: cannot write a ${typeof v} as JavaScript`);
}
