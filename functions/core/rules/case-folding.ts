import { readFileSync } from 'node:fs';

/** Made by scripts/generate-case-folding.ts; it sits beside this module, in the source tree and in the bundle. */
const TABLE_FILE = new URL('./case-folding.json', import.meta.url);

const ASCII = /^[\x00-\x7f]*$/;

/** What each folded code point folds to, by its name in CaseFolding.txt's style (`U+00DF`). */
let folds: Record<string, string> | undefined;

/**
 * The table, read when the first text that is not ASCII needs it: most addresses are ASCII. Looked
 * up as parsed, with no map built from it, so that the first such address costs only the parse.
 */
const table = (): Record<string, string> => {
  folds ??= JSON.parse(readFileSync(TABLE_FILE, 'utf8')) as Record<string, string>;
  return folds;
};

const foldOne = (character: string, known: Record<string, string>): string => {
  if (character < '\x80') return character.toLowerCase();
  const name = `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
  // Own keys only: the text is the client's, and a plain object inherits names.
  return Object.hasOwn(known, name) ? (known[name] ?? character) : character;
};

/**
 * Unicode's full case folding (statuses C and F), as Python's `str.casefold()`: `ß` and `ẞ` are
 * "ss", `ſ` is "s", `K` (Kelvin) is "k", `İ` is "i̇"; the dotless `ı` stays itself, since only
 * Turkic folding, which depends on the language, joins it to `i`. On ASCII it is `toLowerCase()`.
 */
export const foldCase = (text: string): string => {
  if (ASCII.test(text)) return text.toLowerCase();
  const known = table();
  let folded = '';
  for (const character of text) folded += foldOne(character, known);
  return folded;
};
