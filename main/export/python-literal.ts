/**
 * The one way a string reaches generated Python: as an escaped literal. Names, titles and
 * settings come from project files people share, so nothing they hold may end a literal,
 * start a line or change how Python reads the file (docs/security.md, "Code in exports").
 *
 * Escaped: backslash and double quote; every control, format, surrogate, private-use,
 * unassigned and line/paragraph-separator character (so no line break, NUL, bidi override
 * or lone surrogate is written raw). Letters, marks, digits, punctuation, symbols and spaces
 * of any script stay as they are, so non-English names stay readable.
 */

const UNSAFE = /[\\"]|[^\p{L}\p{M}\p{N}\p{P}\p{S}\p{Zs}]/gu;
const SHORT: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeChar(c: string): string {
  const short = SHORT[c];
  if (short) return short;
  const code = c.codePointAt(0) as number;
  if (code < 0x100) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code < 0x10000) return `\\u${code.toString(16).padStart(4, '0')}`;
  return `\\U${code.toString(16).padStart(8, '0')}`;
}

/** The text of a double-quoted Python literal, without the quotes; it never contains a raw line break. */
function escapeText(s: string): string {
  return s.replace(UNSAFE, escapeChar);
}

/** A Python `str` literal whose value is `s`, code unit for code unit (a lone surrogate stays one). */
export function pyString(s: string): string {
  return `"${escapeText(s)}"`;
}

/**
 * A docstring made of `lines`: each line escaped on its own (a line break inside one is written
 * `\n`), so the text cannot close the docstring or add a line of its own (no coding cookie).
 * Lines after the first are indented by `indent`.
 */
export function pyDocstring(lines: readonly string[], indent = ''): string {
  return `"""${lines.map((l, i) => (i === 0 || l === '' ? '' : indent) + escapeText(l)).join('\n')}"""`;
}

/**
 * A Python literal for a JS value: `True`/`False`/`None`, numbers (non-finite ones as
 * `1e999`), strings through pyString, arrays as tuples (Keras's and PyTorch's habit
 * for shapes and sizes), plain objects as dicts with string keys. `indent` pretty-prints dicts.
 */
export function pyLiteral(v: unknown, indent = 0, depth = 0): string {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'float("nan")';
    if (!Number.isFinite(v)) return v > 0 ? '1e999' : '-1e999'; // Python reads 1e999 as infinity
    return String(v);
  }
  if (typeof v === 'string') return pyString(v);
  if (Array.isArray(v)) return `(${v.map((x) => pyLiteral(x, indent, depth + 1)).join(', ')}${v.length === 1 ? ',' : ''})`;
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).map(([k, x]) => `${pyString(k)}: ${pyLiteral(x, indent, depth + 1)}`);
    if (!indent || entries.length === 0) return `{${entries.join(', ')}}`;
    const pad = ' '.repeat(indent * (depth + 1));
    return `{\n${entries.map((e) => `${pad}${e},`).join('\n')}\n${' '.repeat(indent * depth)}}`;
  }
  throw new Error(`pyLiteral: cannot write a ${typeof v} as Python`);
}
