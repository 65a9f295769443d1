/**
 * Writes functions/create-customer/rules/unidecode-overrides.json: the code points where the npm
 * `unidecode` package and Python's Unidecode (which the contract's slugs follow) give slugs that
 * differ, with Python's transliteration. Needs Debian's python3-unidecode; run it after upgrading
 * either library: `node scripts/generate-unidecode-overrides.ts`.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import unidecode from 'unidecode';
import { slugify } from '../functions/create-customer/rules/slug.ts';

const python = execFileSync(
  '/usr/bin/python3',
  [
    '-c',
    `import json, sys
from unidecode import unidecode
json.dump({c: unidecode(chr(c)) for c in range(0x80, 0x110000) if not 0xD800 <= c <= 0xDFFF}, sys.stdout)`,
  ],
  { maxBuffer: 256 * 1024 * 1024 },
);
const pythonTransliterations = JSON.parse(python.toString('utf8')) as Record<string, string>;

// Compare the slugs of `a<char>a`: slugify is applied per run of text, so equal slugs here mean
// equal slugs in any name.
const overrides: Record<string, string> = {};
for (const [codePoint, pythonText] of Object.entries(pythonTransliterations)) {
  const character = String.fromCodePoint(Number(codePoint));
  if (slugify(`a${unidecode(character)}a`) !== slugify(`a${pythonText}a`)) overrides[codePoint] = pythonText;
}
const target = new URL('../functions/create-customer/rules/unidecode-overrides.json', import.meta.url);
writeFileSync(target, `${JSON.stringify(overrides)}\n`);
console.log(`${Object.keys(overrides).length} overrides written`);
