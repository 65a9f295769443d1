/**
 * Writes functions/core/rules/transliterations.json.gz, the table the slug's transliteration
 * reads at run time: the npm `unidecode` package's tables, corrected by Python Unidecode's own
 * transliterations (the contract's slugs follow Python's) where the two give different slugs.
 *
 *   node scripts/generate-transliterations.ts            # from the committed overrides
 *   node scripts/generate-transliterations.ts --python   # first refresh the overrides from Debian's python3-unidecode
 *
 * A table rather than the package at run time: it is read only when a name is not ASCII, and it
 * keeps 300 kB of tables out of the bundle that every cold start parses.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import unidecode from 'unidecode';
import { slugify } from '../functions/core/rules/slug.ts';

const OVERRIDES = new URL('./unidecode-python-overrides.json', import.meta.url);
const TABLE = new URL('../functions/core/rules/transliterations.json.gz', import.meta.url);
/** Python Unidecode knows nothing past this plane. */
const LAST_CODE_POINT = 0x2ffff;

const isSurrogate = (codePoint: number) => codePoint >= 0xd800 && codePoint <= 0xdfff;

/** Python's transliteration of each code point whose slug differs from the npm package's. */
const pythonOverrides = (): Record<string, string> => {
  const python = execFileSync(
    '/usr/bin/python3',
    [
      '-c',
      `import json, sys
from unidecode import unidecode
json.dump({c: unidecode(chr(c)) for c in range(0x80, ${LAST_CODE_POINT + 1}) if not 0xD800 <= c <= 0xDFFF}, sys.stdout)`,
    ],
    { maxBuffer: 256 * 1024 * 1024 },
  );
  const transliterations = JSON.parse(python.toString('utf8')) as Record<string, string>;
  const overrides: Record<string, string> = {};
  for (const [codePoint, text] of Object.entries(transliterations)) {
    const character = String.fromCodePoint(Number(codePoint));
    // Slugs of `a<char>a`: slugify works on runs of text, so equal here means equal in any name.
    if (slugify(`a${unidecode(character)}a`) !== slugify(`a${text}a`)) overrides[codePoint] = text;
  }
  return overrides;
};

/** The table: for each block of 256 code points that has any transliteration, its 256 strings (ASCII's are empty: it is itself). */
export const transliterationTable = (overrides: Readonly<Record<string, string>>): Buffer => {
  const blocks: Record<string, string[]> = {};
  for (let block = 0; block <= LAST_CODE_POINT >> 8; block++) {
    const texts: string[] = [];
    for (let offset = 0; offset < 256; offset++) {
      const codePoint = (block << 8) | offset;
      if (codePoint < 0x80 || isSurrogate(codePoint)) texts.push('');
      else texts.push(overrides[codePoint] ?? unidecode(String.fromCodePoint(codePoint)));
    }
    if (texts.some(Boolean)) blocks[block] = texts;
  }
  return gzipSync(JSON.stringify(blocks), { level: 9 });
};

export const committedOverrides = (): Record<string, string> =>
  JSON.parse(readFileSync(OVERRIDES, 'utf8')) as Record<string, string>;

if (import.meta.main) {
  if (process.argv.includes('--python')) {
    const overrides = pythonOverrides();
    writeFileSync(OVERRIDES, `${JSON.stringify(overrides)}\n`);
    console.log(`${Object.keys(overrides).length} overrides from Python Unidecode`);
  }
  const table = transliterationTable(committedOverrides());
  writeFileSync(TABLE, table);
  console.log(`transliterations.json.gz: ${table.length} bytes`);
}
