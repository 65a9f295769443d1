import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { Transliterate } from './slug.ts';

/** Made by scripts/generate-transliterations.ts; it sits beside this module, in the source tree and in the bundle. */
const TABLE_FILE = new URL('./transliterations.json.gz', import.meta.url);

const ASCII = /^[\x00-\x7f]*$/;

let blocks: Record<string, string[]> | undefined;

/**
 * The table of 256-code-point blocks, read when the first name that is not ASCII needs it: most
 * names are ASCII, and a process that only sees those never reads it. Read synchronously because
 * the rules ask for it in the middle of a synchronous check; it happens once per process (~3 ms).
 */
const table = (): Record<string, string[]> => {
  blocks ??= JSON.parse(gunzipSync(readFileSync(TABLE_FILE)).toString('utf8')) as Record<string, string[]>;
  return blocks;
};

/** Python Unidecode's transliteration. Code points without an entry transliterate to nothing, as in Python. */
export const transliterate: Transliterate = (text) => {
  if (ASCII.test(text)) return text;
  const known = table();
  let ascii = '';
  for (const character of text) {
    const codePoint = character.codePointAt(0) ?? 0;
    ascii += codePoint < 0x80 ? character : (known[codePoint >> 8]?.[codePoint & 0xff] ?? '');
  }
  return ascii;
};
