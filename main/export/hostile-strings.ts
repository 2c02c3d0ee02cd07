import fc from 'fast-check';

/**
 * Strings an attacker would put in a project's name, a layer's name or a data set's class names
 * to break out of generated code: quotes and triple quotes of both kinds, backslashes (a trailing
 * one, `\N{`, `\x`), every line break Python or JavaScript knows, NUL, lone surrogates, a bidi
 * override, a coding cookie with UTF-7's encoded newline, `</script>` and template-literal syntax.
 */
export const HOSTILE_PIECES = [
  '"',
  "'",
  '"""',
  "'''",
  '\\',
  '\\N{',
  '\\x',
  '\\u12',
  '\n',
  '\r',
  '\r\n',
  '\0',
  '\u2028',
  '\u2029',
  '\u0085',
  '\u000b',
  '\u000c',
  '\ud800',
  '\udfff',
  '\u202e',
  '\ufeff',
  '😀',
  'é',
  '# -*- coding: utf-7 -*-',
  '+AAo-',
  '</script>',
  '${x}',
  '`',
  '*/',
  '#',
  '__import__("os").system("echo pwned")',
  ' ',
] as const;

/** Hostile pieces mixed with arbitrary code points (surrogates included), up to 12 parts. */
export const hostileString = (): fc.Arbitrary<string> =>
  fc
    .array(fc.oneof(fc.constantFrom(...HOSTILE_PIECES), fc.string({ unit: 'binary', maxLength: 6 }), fc.string({ maxLength: 6 })), { maxLength: 12 })
    .map((parts) => parts.join(''));

/** `n` hostile strings from a fixed seed (reproducible in CI), the pieces alone first. */
export function hostileSamples(n: number, seed = 14): string[] {
  return [...HOSTILE_PIECES, HOSTILE_PIECES.join(''), ...fc.sample(hostileString(), { numRuns: Math.max(0, n - HOSTILE_PIECES.length - 1), seed })];
}
