import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { Transliterate } from './rules/slug.ts';

const gunzipAsync = promisify(gunzip);

/** Made by scripts/generate-transliterations.ts; it sits beside this module, in the source tree and in the bundle. */
const TABLE_FILE = new URL('./transliterations.json.gz', import.meta.url);

let loaded: Promise<Transliterate> | undefined;

// biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII text needs no transliteration.
const ASCII = /^[\x00-\x7f]*$/;

/**
 * Python Unidecode's transliteration, from a table of 256-code-point blocks read on first use and
 * kept for the life of the process. Code points without an entry transliterate to nothing, as in Python.
 */
export const loadTransliteration = (): Promise<Transliterate> => {
  loaded ??= readFile(TABLE_FILE)
    .then((compressed) => gunzipAsync(compressed))
    .then((json) => {
      const blocks = JSON.parse(json.toString('utf8')) as Record<string, string[]>;
      return (text: string) => {
        if (ASCII.test(text)) return text;
        let ascii = '';
        for (const character of text) {
          const codePoint = character.codePointAt(0) ?? 0;
          ascii += codePoint < 0x80 ? character : (blocks[codePoint >> 8]?.[codePoint & 0xff] ?? '');
        }
        return ascii;
      };
    });
  return loaded;
};
