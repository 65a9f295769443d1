/**
 * The curated edge cases of the differential runs: where our API and the Django oracle disagreed,
 * and the subtle rules that agree and must stay so. `edge-cases.test.ts` replays the recorded file.
 *
 * Re-record after changing the list (needs Debian's python3-django, -djangorestframework, -unidecode):
 *   npx node test/oracle/edge-cases.ts        (writes test/oracle/edge-cases.json)
 *
 * The cases run in order on one empty store: each uses its own e-mail and, unless it is about slug
 * suffixes, its own name, so that one wrong answer does not change the slugs of later ones.
 * No date here depends on today.
 */
import { writeFileSync } from 'node:fs';
import { recordWithOracle } from './django-oracle.ts';
import type { OracleCase } from './oracle-case.ts';

const PATH = '/api/v1/customers/';
const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';
const PASSWORD = 'Kx9#mQ2!vR7$';

const cases: OracleCase[] = [];
const add = (
  id: string,
  note: string,
  body: string,
  contentType: string | null = JSON_TYPE,
  method = 'POST',
) => {
  cases.push({
    id,
    note,
    method,
    path: PATH,
    headers: contentType === null ? {} : { 'Content-Type': contentType },
    body,
  });
};

/** A JSON signup whose fields are valid unless overridden; values are raw JSON when wrapped in `raw`. */
interface Raw {
  raw: string;
}
const raw = (text: string): Raw => ({ raw: text });
const signup = (id: string, fields: Record<string, unknown> = {}): string => {
  const all: Record<string, unknown> = {
    email: `${id}@example.com`,
    first_name: 'Edge',
    last_name: id.replace(/[^a-z]/g, ' '),
    password: PASSWORD,
    password2: PASSWORD,
    ...fields,
  };
  return `{${Object.entries(all)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => {
      const text =
        typeof value === 'object' && value !== null && 'raw' in value
          ? (value as Raw).raw
          : JSON.stringify(value);
      return `${JSON.stringify(key)}: ${text}`;
    })
    .join(', ')}}`;
};
const jsonCase = (id: string, note: string, fields: Record<string, unknown> = {}) =>
  add(id, note, signup(id, fields));
const form = (id: string, fields: string) =>
  `email=${id}%40example.com&password=${encodeURIComponent(PASSWORD)}&password2=${encodeURIComponent(PASSWORD)}&${fields}`;

// --- Request envelope -------------------------------------------------------------------------
// A computed key: `__proto__` written plainly in an object literal would set the prototype.
jsonCase('proto-key', 'an unknown "__proto__" key is ignored like any other', {
  ['__proto__']: raw('{"is_staff": true}'),
});
jsonCase('constructor-prototype', 'an unknown "constructor" object with a "prototype" is ignored', {
  constructor: raw('{"prototype": {}}'),
});
add(
  'huge-int',
  'an integer of over 4,300 digits is a JSON parse error (Python refuses to read it)',
  `{"first_name": ${'1'.repeat(4301)}}`,
);
add(
  'int-4300-digits',
  'an integer of 4,300 digits is read, and is too long',
  `{"first_name": ${'1'.repeat(4300)}}`,
);
add(
  'media-type-three-parts',
  'application/json/x is not application/json',
  signup('media-type-three-parts'),
  'application/json/x',
);
add(
  'media-type-star-subtype-extra',
  'application/*/json is not matched by any parser',
  '[]',
  'application/*/json',
);
add(
  'media-type-upper',
  'media types are case-insensitive',
  signup('media-type-upper'),
  'APPLICATION/JSON; Charset=UTF-8',
);
add('media-type-any', '*/* is read as JSON', '[]', '*/*');
add('media-type-any-application-form', 'application/* is read as JSON, even a form', 'a=1', 'application/*');
add(
  'media-type-text-plain',
  'text/plain: 415 with the type as sent',
  signup('media-type-text-plain'),
  'text/plain; charset=utf-8',
);
add(
  'media-type-none',
  'no Content-Type with a body: 415 application/octet-stream',
  signup('media-type-none'),
  null,
);
add('media-type-multipart', 'multipart/form-data is not accepted', 'x', 'multipart/form-data; boundary=x');
add(
  'media-type-vnd-json',
  'application/vnd.api+json is not application/json',
  '{}',
  'application/vnd.api+json',
);
add('body-empty', 'an empty body is {}', '', 'text/plain');
add('body-whitespace', 'a body of white space is malformed JSON', ' \n', JSON_TYPE);
add('body-bom', 'a byte-order mark before JSON is malformed JSON', `\ufeff${signup('body-bom')}`);
add('body-nan', 'NaN is not JSON', '{"first_name": NaN}');
add('body-null', 'null: No data provided', 'null');
add('body-list', 'a list is not a dictionary', '[{}]');
add('body-str', 'a string is not a dictionary', '"{}"');
add('body-int-minus-zero', '-0 is an int', '-0');
add('body-float-exponent', '1E400 is a float', '1E400');
add('body-bool', 'true is a bool', 'true');
add('deep-nesting-500', 'nesting 500 deep is read', `${'['.repeat(500)}${']'.repeat(500)}`);
add('method-put', 'PUT is not allowed', signup('method-put'), JSON_TYPE, 'PUT');
add('method-delete', 'DELETE is not allowed', '', JSON_TYPE, 'DELETE');

// --- Form encoding ----------------------------------------------------------------------------
add(
  'form-blank-date',
  'a blank date_of_birth in a form is null',
  form('form-blank-date', 'first_name=Blank&last_name=Date&date_of_birth='),
  FORM_TYPE,
);
add(
  'form-date-key-only',
  'date_of_birth without "=" in a form is null',
  form('form-date-key-only', 'first_name=Key&last_name=Only&date_of_birth'),
  FORM_TYPE,
);
add(
  'form-last-wins',
  'a field sent twice counts with its last value',
  form('form-last-wins', 'first_name=First&first_name=Second&last_name=Wins'),
  FORM_TYPE,
);
add(
  'form-semicolon',
  '";" does not separate fields',
  form('form-semicolon', 'first_name=Semi;last_name=Colon&last_name=Sep'),
  FORM_TYPE,
);
add(
  'form-bracket-key',
  'first_name[] is another field',
  form('form-bracket-key', 'first_name[]=Br&last_name=Acket'),
  FORM_TYPE,
);
add(
  'form-raw-utf8-and-percent',
  'raw UTF-8 beside a literal "%" is kept as sent',
  form('form-raw-utf8-and-percent', 'first_name=Greta&last_name=Müller+100%'),
  FORM_TYPE,
);
add(
  'form-raw-emoji-bad-escape',
  'a raw emoji beside a bad escape is kept as sent',
  form('form-raw-emoji-bad-escape', 'first_name=Ann😀%zz&last_name=Emoji'),
  FORM_TYPE,
);
add(
  'form-raw-utf8-and-bad-utf8-escape',
  'raw UTF-8 beside an escape of invalid UTF-8 is kept as sent',
  form('form-raw-utf8-and-bad-utf8-escape', 'first_name=José%C3&last_name=Mixed'),
  FORM_TYPE,
);
add(
  'form-raw-emoji-and-bad-utf8-escape',
  'a raw emoji beside an escape of invalid UTF-8 is kept as sent',
  form('form-raw-emoji-and-bad-utf8-escape', 'first_name=Ann😀%FF&last_name=Mixed+Emoji'),
  FORM_TYPE,
);
add(
  'form-truncated-utf8',
  'a truncated UTF-8 escape becomes U+FFFD',
  form('form-truncated-utf8', 'first_name=Jos%C3&last_name=Trunc'),
  FORM_TYPE,
);
add(
  'form-latin1-charset',
  'percent-escapes are read in the declared charset',
  form('form-latin1-charset', 'first_name=Jos%E9&last_name=Latin'),
  `${FORM_TYPE}; charset=latin-1`,
);
add(
  'form-plus-vs-2b',
  '"+" is a space, "%2B" a plus',
  form('form-plus-vs-2b', 'first_name=A+B%2BC&last_name=Plus'),
  FORM_TYPE,
);

// --- E-mail -------------------------------------------------------------------------------------
jsonCase('email-dotless-i', 'ı in the local part: Python\u2019s re.IGNORECASE matches it with [A-Z]', {
  email: 'ı-dotless@example.com',
});
jsonCase('email-dotted-capital-i', 'İ in the local part, likewise', { email: 'İ-dotted@example.com' });
jsonCase('email-long-s-kelvin', 'ſ and the Kelvin sign in the local part', {
  email: 'ſ\u212a-fold@example.com',
});
jsonCase('email-numeric-domain', 'a domain of digits only is no host name', { email: 'numeric@123' });
jsonCase('email-numeric-domain-dot', 'nor with a trailing dot', { email: 'numeric-dot@123.' });
jsonCase('email-hex-domain', 'nor a hexadecimal number', { email: 'hex@0x7f' });
jsonCase('email-idn-numeric-tld', 'an IDN with a numeric last label', { email: 'idn-numeric@münchen.12' });
jsonCase('email-idn-zwj', 'a zero-width joiner in a domain label (IDNA 2003 maps it to nothing)', {
  email: 'zwj@exam\u200dple.com',
});
jsonCase('email-idn-zwnj', 'a zero-width non-joiner between Latin letters', {
  email: 'zwnj@exam\u200cple.com',
});
jsonCase('email-idn-leading-mark', 'a label that starts with a combining mark', {
  email: 'mark@\u0301abc.com',
});
jsonCase('email-idn-bad-ace-label', 'an invalid xn-- label beside a Unicode one', {
  email: 'ace@xn--a.ü.com',
});
jsonCase('email-idn-unassigned', 'a code point unassigned in Unicode 3.2', {
  email: 'unassigned@a\u0378b.com',
});
jsonCase('email-idn-emoji', 'an emoji domain', { email: 'emoji@💩.la' });
jsonCase('email-idn-sharp-s', 'ß in a domain', { email: 'sharp-s@straße.de' });
jsonCase('email-idn-ideographic-dot', 'U+3002 separates labels', { email: 'ideo@example\u3002com' });
jsonCase('email-ipv4-literal', 'an IPv4 literal', { email: 'ip4@[192.168.0.1]' });
jsonCase('email-ipv4-leading-zero', 'an IPv4 literal with a leading zero', { email: 'ip4-zero@[01.2.3.4]' });
jsonCase('email-ipv6-literal', 'an IPv6 literal', { email: 'ip6@[2001:db8::1]' });
jsonCase('email-ipv6-tag', 'an IPv6 literal with the IPv6: tag', { email: 'ip6-tag@[IPv6:::1]' });
jsonCase('email-localhost', 'localhost', { email: 'local@localhost' });
jsonCase('email-localhost-upper', 'LOCALHOST is not in the allow-list', { email: 'local-upper@LOCALHOST' });
jsonCase('email-quoted', 'a quoted local part', { email: '"quoted local"@example.com' });
jsonCase('email-quoted-unicode', 'a quoted local part with non-ASCII', { email: '"é"@example.com' });
jsonCase('email-trailing-dot', 'a trailing dot in the domain', { email: 'dot@example.com.' });
jsonCase('email-trim-nel', 'U+0085 and U+00A0 are trimmed', { email: '\u0085\u00a0nel@example.com\u001c' });
jsonCase('email-bom', 'U+FEFF is not trimmed', { email: '\ufeffbom@example.com' });
jsonCase('email-254', '254 characters', { email: `${'a'.repeat(242)}@example.com` });
jsonCase('email-255', '255 characters', { email: `${'a'.repeat(243)}@example.com` });
jsonCase('email-321', '321 characters: too long, and not an address', {
  email: `${'a'.repeat(309)}@example.com`,
});
jsonCase('email-number', 'a number is turned into text, and is no address', { email: raw('12345') });
jsonCase('email-bool', 'a boolean is no address', { email: true });
jsonCase('email-nul-surrogate', 'NUL and a lone surrogate', { email: raw('"a\\u0000\\ud800@example.com"') });
jsonCase('email-upper-domain', 'the domain is lower-cased, the local part kept', {
  email: 'Mixed.Case@EXAMPLE.ORG',
});
jsonCase('dup-upper-domain', 'a duplicate in another case', { email: 'MIXED.case@example.org' });
jsonCase('dup-idn-base', 'an IDN address', { email: 'idn-dup@münchen.de' });
jsonCase('dup-idn-punycode', 'its punycode spelling is another address', {
  email: 'idn-dup@xn--mnchen-3ya.de',
});
jsonCase('dup-kelvin-base', 'an address with a K', { email: 'kelvin-dup@example.com' });
jsonCase('dup-kelvin-sign', 'the same with the Kelvin sign is another address', {
  email: '\u212aelvin-dup@example.com',
});
jsonCase('dup-and-more-errors', 'a duplicate is reported with the other errors', {
  email: 'kelvin-dup@EXAMPLE.com',
  first_name: '',
  password: 'short',
  password2: 'other',
});

// --- Names --------------------------------------------------------------------------------------
jsonCase('name-float', '1.0 is the text "1.0"', { first_name: raw('1.0'), last_name: 'Float One' });
jsonCase('name-float-exponent', '1e16 is "1e+16"', { first_name: raw('1e16'), last_name: 'Float Exp' });
jsonCase('name-float-small', '1e-7 is "1e-07"', { first_name: raw('1e-7'), last_name: 'Float Small' });
jsonCase('name-minus-zero', '-0 is "0"', { first_name: raw('-0'), last_name: 'Minus Zero' });
jsonCase('name-inf', '1e400 is "inf"', { first_name: raw('1e400'), last_name: 'Infinity' });
jsonCase('name-huge-int', 'a 151-digit integer is too long', { first_name: raw('1'.repeat(151)) });
jsonCase('name-bool', 'a boolean is not a string', { first_name: false });
jsonCase('name-list', 'a list is not a string', { last_name: ['Doe'] });
jsonCase('name-whitespace-unicode', 'U+0085, U+00A0 and U+3000 only: blank', {
  first_name: '\u0085\u00a0\u3000',
});
jsonCase('name-bom-only', 'U+FEFF only is not blank', { first_name: '\ufeff', last_name: 'Bom Only' });
jsonCase('name-150-emoji', '150 emoji are 150 characters', {
  first_name: '😀'.repeat(150),
  last_name: 'Emoji Ok',
});
jsonCase('name-151-emoji', '151 emoji are too long', { first_name: '😀'.repeat(151) });
jsonCase('name-combining-150', '75 letters with combining accents are 150 characters', {
  first_name: 'e\u0301'.repeat(75),
  last_name: 'Combining',
});
jsonCase('name-nul', 'NUL', { last_name: 'Nul\u0000Name' });
jsonCase('name-lone-surrogate', 'a lone surrogate, written as a JSON escape', {
  first_name: raw('"Jo\\ud800hn"'),
});
jsonCase('name-reversed-pair', 'a low surrogate before a high one', { first_name: raw('"\\ude00\\ud83d"') });
jsonCase('name-surrogate-too-long', 'too long, NUL and a surrogate at once', {
  first_name: raw(`"${'A'.repeat(150)}\\u0000\\udbff"`),
});
jsonCase('name-escaped-pair', 'a surrogate pair written as escapes is one emoji', {
  first_name: raw('"Pair \\ud83d\\ude00"'),
  last_name: 'Escaped',
});

// --- Slugs --------------------------------------------------------------------------------------
for (let i = 1; i <= 3; i++)
  jsonCase(`slug-punctuation-${i}`, 'a name without letters is "customer"', {
    first_name: '!!!',
    last_name: '???',
  });
jsonCase('slug-customer-name', 'the name "Customer -" takes the next customer slug', {
  first_name: 'Customer',
  last_name: '-',
});
jsonCase('slug-sam-lee-1', 'Sam Lee', { first_name: 'Sam', last_name: 'Lee' });
jsonCase('slug-sam-lee-2', 'Sam Lee again: -2', { first_name: 'Sam', last_name: 'Lee' });
jsonCase('slug-sam-lee-2-name', 'the name "Sam Lee 2" finds sam-lee-2 taken', {
  first_name: 'Sam',
  last_name: 'Lee 2',
});
jsonCase('slug-transliterated', 'Cyrillic, Greek, CJK and accents', {
  first_name: 'Иван Γιώργος',
  last_name: '小龙 Núñez',
});
jsonCase('slug-long-1', 'a base of 50 characters', {
  first_name: 'Maximiliana-Theodora-Konstantina',
  last_name: 'Wolfeschlegelstein',
});
jsonCase('slug-long-2', 'its -2 cuts the base to 48', {
  first_name: 'Maximiliana-Theodora-Konstantina',
  last_name: 'Wolfeschlegelstein',
});
jsonCase('slug-cut-hyphen-1', 'a base whose cut ends in "-"', {
  first_name: 'b'.repeat(47),
  last_name: 'c d',
});
jsonCase('slug-cut-hyphen-2', 'cut before the suffix', { first_name: 'b'.repeat(47), last_name: 'c d' });
jsonCase('slug-underscores', 'underscores and hyphens at the ends are stripped', {
  first_name: '__Under',
  last_name: 'Score--',
});
jsonCase('slug-symbols', 'letter-like symbols', { first_name: 'ǅemal Æsa ß', last_name: 'ﬁ Ⅻ ² ⓐ 𝐀' });

// --- Passwords ----------------------------------------------------------------------------------
const pw = (id: string, note: string, password: unknown, fields: Record<string, unknown> = {}) =>
  jsonCase(id, note, { password, password2: password, ...fields });
pw('pw-superscript-digits', 'superscript digits are entirely numeric', '¹²³⁴⁵⁶⁷⁸⁹');
pw('pw-arabic-indic-digits', 'Arabic-Indic digits are entirely numeric', '٨٠٤١٧٢٦٣٩');
pw('pw-circled-ten', 'circled ten is numeric but not a digit', '⑩⑩⑩⑩⑩⑩⑩⑩');
pw('pw-common-nbsp', 'a common password inside U+00A0 is common', '\u00a0password\u00a0');
pw('pw-common-bom', 'inside U+FEFF it is not', '\ufeffpassword');
pw('pw-common-upper', 'upper case is lower-cased first', 'QWERTY123');
pw('pw-72-bytes', '24 euro signs are 72 bytes', '€'.repeat(24));
pw('pw-73-bytes', 'one byte more is too long', `${'€'.repeat(24)}a`);
pw('pw-spaces-kept', 'spaces around a password are kept', '  Secure P@ss 9  ');
pw('pw-spaces-only', 'eight spaces are a password, too short by nothing', '        ');
pw('pw-number', 'a number is turned into text', raw('80417263951'));
pw('pw-similar-part', 'similar to a part of a hyphenated first name', 'pierre12345', {
  first_name: 'Jean-Pierre',
});
pw('pw-similar-padded-name', 'the name is compared stripped', 'bartholomew1', {
  first_name: '\u00a0Bartholomew\u00a0',
});
pw('pw-similar-domain', 'similar to the e-mail domain', 'wonderland1', {
  email: 'pw-similar-domain@wonderland.org',
});
pw('pw-similar-number-name', 'a name given as a number is not compared', '12345678901x', {
  first_name: raw('12345678901'),
});
pw('pw-all-rules', 'similar, short, common and numeric at once', '1234567', { first_name: '1234567' });
jsonCase('pw2-number-same-text', 'password2 as a number equal to the password text', {
  password: '80417263951',
  password2: raw('80417263951'),
});
jsonCase('pw2-password-number', 'a numeric password is never compared', {
  password: raw('80417263951'),
  password2: 'something-else',
});
jsonCase('pw2-password-nul', 'a password with NUL is still compared', {
  password: `${PASSWORD}\u0000`,
  password2: 'other-Kx9#mQ2!',
});
jsonCase('pw2-blank-password', 'a blank password is not compared', {
  password: '',
  password2: 'other-Kx9#mQ2!',
});
jsonCase('pw2-trailing-space', 'a trailing space makes them differ', { password2: `${PASSWORD} ` });

// --- Dates of birth -------------------------------------------------------------------------------
const dob = (id: string, note: string, date: unknown) => jsonCase(id, note, { date_of_birth: date });
dob('dob-one-digit', 'one-digit month and day are padded', '1990-1-5');
dob('dob-trailing-newline', 'a trailing newline is allowed', '1990-01-15\n');
dob('dob-two-newlines', 'two are not', '1990-01-15\n\n');
dob('dob-arabic-indic', 'Arabic-Indic digits', '١٩٩٠-٠١-١٥');
dob('dob-fullwidth', 'fullwidth digits', '１９９０-０１-１５');
dob('dob-leap', 'Feb 29 of a leap year', '2000-02-29');
dob('dob-non-leap', 'Feb 29 of 1900', '1900-02-29');
dob('dob-year-zero', 'year 0000', '0000-01-01');
dob('dob-year-one', 'year 0001', '0001-01-01');
dob('dob-far-future', 'far in the future', '2999-01-01');
dob('dob-empty', 'an empty string', '');
dob('dob-number', 'a number', raw('19900115'));
dob('dob-list', 'a list', ['1990-01-15']);
dob('dob-null', 'null is allowed', null);
dob('dob-leading-space', 'a leading space', ' 1990-01-15');

export const edgeCases: readonly OracleCase[] = cases;

if (import.meta.main) {
  const recorded = await recordWithOracle(cases);
  const target = new URL('./edge-cases.json', import.meta.url);
  writeFileSync(target, `${JSON.stringify(recorded, null, 1)}\n`);
  console.log(`${recorded.length} edge cases recorded to ${target.pathname}`);
}
