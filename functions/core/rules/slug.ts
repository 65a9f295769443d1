import { SLUG_MAX_LENGTH } from './slug-candidate.ts';

/** The slug of a name that has no letters or digits (Django's model name). */
const FALLBACK_SLUG = 'customer';

/** ASCII transliteration as Python's Unidecode writes it (see transliterations.ts). */
export type Transliterate = (text: string) => string;

/** Python's ASCII `\s`, which also counts U+001C–U+001F. */
const SPACE = '\\t\\n\\v\\f\\r\\x1c-\\x1f ';
const NOT_SLUG_CHARACTER = new RegExp(`[^A-Za-z0-9_${SPACE}-]`, 'g');
const SEPARATOR_RUN = new RegExp(`[${SPACE}-]+`, 'g');

/** Django's `slugify` (without allow_unicode). */
export const slugify = (text: string): string =>
  text
    .normalize('NFKD')
    .replace(/[^\x00-\x7f]/g, '')
    .toLowerCase()
    .replace(NOT_SLUG_CHARACTER, '')
    .replace(SEPARATOR_RUN, '-')
    .replace(/^[-_]+|[-_]+$/g, '');

/** The slug before any `-N` suffix: the full name transliterated and slugified, at most 50 characters. */
export const slugBase = (firstName: string, lastName: string, transliterate: Transliterate): string =>
  (slugify(transliterate(`${firstName} ${lastName}`)) || FALLBACK_SLUG).slice(0, SLUG_MAX_LENGTH);
