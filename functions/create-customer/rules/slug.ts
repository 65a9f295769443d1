import unidecode from 'unidecode';
import { SLUG_MAX_LENGTH } from './slug-candidate.ts';
import overrides from './unidecode-overrides.json' with { type: 'json' };

/** The slug of a name that has no letters or digits (Django's model name). */
const FALLBACK_SLUG = 'customer';

const pythonOverrides: Readonly<Record<string, string>> = overrides;

/**
 * ASCII transliteration as Python's Unidecode writes it: the npm `unidecode` tables, corrected where
 * Python's differ in a way a slug can see (see scripts/generate-unidecode-overrides.ts).
 */
export const transliterate = (text: string): string => {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII text needs no transliteration.
  if (/^[\x00-\x7f]*$/.test(text)) return text;
  let ascii = '';
  for (const character of text) {
    const codePoint = character.codePointAt(0) ?? 0;
    if (codePoint < 0x80) ascii += character;
    else ascii += pythonOverrides[codePoint] ?? unidecode(character);
  }
  return ascii;
};

/** Python's ASCII `\s`, which also counts U+001C–U+001F. */
const SPACE = '\\t\\n\\v\\f\\r\\x1c-\\x1f ';
const NOT_SLUG_CHARACTER = new RegExp(`[^A-Za-z0-9_${SPACE}-]`, 'g');
const SEPARATOR_RUN = new RegExp(`[${SPACE}-]+`, 'g');

/** Django's `slugify` (without allow_unicode). */
export const slugify = (text: string): string =>
  text
    .normalize('NFKD')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: Django drops what is not ASCII.
    .replace(/[^\x00-\x7f]/g, '')
    .toLowerCase()
    .replace(NOT_SLUG_CHARACTER, '')
    .replace(SEPARATOR_RUN, '-')
    .replace(/^[-_]+|[-_]+$/g, '');

/** The slug before any `-N` suffix: the full name transliterated and slugified, at most 50 characters. */
export const slugBase = (firstName: string, lastName: string): string =>
  (slugify(transliterate(`${firstName} ${lastName}`)) || FALLBACK_SLUG).slice(0, SLUG_MAX_LENGTH);
