import fc from 'fast-check';
import { signupFields } from '../../functions/core/rules/signup-form.ts';

/** One request as a client could send it, headers and body as text. */
export interface HostileRequest {
  method: string;
  headers: Record<string, string>;
  body: string;
}

const SPECIAL_UNITS = [
  '\u0000',
  '\ud800',
  '\udfff',
  '\ud83d',
  '\ufeff',
  '\u202e',
  '\u200b',
  '\u0301',
  '"',
  '\\',
  '%',
  '&',
  '=',
  '@',
  '\n',
  '\u{1F600}',
  'é',
];

/** Any code point, lone surrogates and NUL included, weighted towards the characters that break parsers. */
const unit = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.constantFrom(...SPECIAL_UNITS) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
);
export const hostileText = (maxLength = 30) => fc.string({ unit, maxLength });

/** Names a plain object inherits or treats specially: as a field, a header or a query key, each is only a name. */
export const INHERITED_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'] as const;

const HOSTILE_KEYS = [
  ...signupFields,
  ...INHERITED_NAMES,
  'prototype',
  'slug',
  'is_staff',
  'address',
  'last_purchase_date',
  'non_field_errors',
  'detail',
];
const hostileKey = fc.oneof(fc.constantFrom(...HOSTILE_KEYS), hostileText(12));

/** JSON text of any shape; objects are written by hand so that `__proto__` and repeated keys reach the parser. */
const jsonText: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileText().map((text) => JSON.stringify(text)),
    fc.constantFrom(
      'null',
      'true',
      'false',
      '0',
      '-0',
      '1.0',
      '1e999',
      '-1e-999',
      '12345678901234567890123',
      '0.1e1',
    ),
    fc.double().map((number) => JSON.stringify(number)),
    fc.array(tie('value'), { maxLength: 4 }).map((items) => `[${items.join(',')}]`),
    fc
      .array(fc.tuple(hostileKey, tie('value')), { maxLength: 6 })
      .map((entries) => `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(',')}}`),
  ),
})).value;

const VALID = {
  email: 'hostile@example.com',
  first_name: 'Hostile',
  last_name: 'Input',
  password: 'Xq7#hostile-pass',
  password2: 'Xq7#hostile-pass',
  date_of_birth: '1990-01-15',
};

/** A signup the contract accepts, then fields replaced by values of any shape, and keys added. */
const nearlyValidJson = fc
  .tuple(
    fc.emailAddress(),
    fc.oneof(fc.constant({}), fc.dictionary(fc.constantFrom(...signupFields), jsonText, { maxKeys: 2 })),
    fc.array(fc.tuple(hostileKey, jsonText), { maxLength: 3 }),
  )
  .map(([email, replaced, added]) => {
    const entries = Object.entries({ ...VALID, email }).map(([key, value]) => [key, JSON.stringify(value)]);
    const merged = entries.map(([key, value]) => [key, replaced[key as keyof typeof replaced] ?? value]);
    return `{${[...merged, ...added].map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(',')}}`;
  });

/** Truncated, with a raw NUL or lone surrogate put in, or left as it is. */
const damaged = (text: fc.Arbitrary<string>) =>
  fc
    .tuple(
      text,
      fc.nat(),
      fc.oneof(
        { weight: 3, arbitrary: fc.constant('none') },
        { weight: 4, arbitrary: fc.constantFrom('truncate', '\u0000', '\ud800', '\udc00', '}', '"') },
      ),
    )
    .map(([body, at, damage]) => {
      if (damage === 'none' || body.length === 0) return body;
      const cut = at % body.length;
      return damage === 'truncate' ? body.slice(0, cut) : body.slice(0, cut) + damage + body.slice(cut);
    });

const percentEscape = fc.oneof(
  fc.integer({ min: 0, max: 255 }).map((byte) => `%${byte.toString(16).padStart(2, '0')}`),
  fc.constantFrom('%', '%z', '%zz', '%E0%A4', '%ED%A0%80', '%00', '%C0%AF', '+'),
);
const formText = fc
  .array(
    fc.tuple(
      fc.oneof(hostileKey, fc.constantFrom('__proto__[x]', 'constructor[prototype][polluted]', 'a[b][c]')),
      fc.array(fc.oneof(hostileText(6), percentEscape), { maxLength: 4 }).map((parts) => parts.join('')),
    ),
    { maxLength: 8 },
  )
  .map((pairs) => pairs.map(([key, value]) => `${key}=${value}`).join('&'));

/** Bodies around the 16 KiB limit, counted in UTF-8 bytes: ASCII, two-byte and four-byte characters. */
const largeBody = fc
  .tuple(fc.integer({ min: 16 * 1024 - 64, max: 16 * 1024 + 64 }), fc.constantFrom('x', 'é', '\u{1F600}'))
  .map(([bytes, filler]) => {
    const head = JSON.stringify({ ...VALID, email: 'big@example.com', padding: '' }).slice(0, -2);
    const fillerBytes = Buffer.byteLength(filler);
    return `${head}${filler.repeat(Math.max(0, Math.floor((bytes - head.length - 2) / fillerBytes)))}"}`;
  });

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON;CHARSET=UTF-8',
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=latin1',
  'text/plain',
  'text/html; charset=utf-8',
  'multipart/form-data; boundary=xyz',
  'application/xml',
  '*/*',
  'application/*',
  '*/json',
  'json',
  ';',
  '',
];
const contentType = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 40 }) },
);

const idempotencyKey = fc.oneof(
  fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 40 }),
  fc.constantFrom('', ' ', 'k'.repeat(255), 'k'.repeat(256)),
);

export interface HostileRequestOptions {
  /** Only what can cross HTTP: header values in visible ASCII (bodies are sent as UTF-8 either way). */
  overHttp?: boolean;
}

const asciiOnly = (text: string) => /^[\x20-\x7e]*$/.test(text);

/** A body and the Content-Type it goes with: mostly its own, sometimes any other or none. */
const typedBody = (overHttp: boolean) => {
  const anyType = overHttp ? contentType.filter(asciiOnly) : contentType;
  const withType = (body: fc.Arbitrary<string>, own: string[]) =>
    fc.tuple(
      body,
      fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom<string | undefined>(...own) },
        { weight: 2, arbitrary: anyType },
        { weight: 1, arbitrary: fc.constant(undefined) },
      ),
    );
  const json = ['application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON;CHARSET=UTF-8'];
  return fc.oneof(
    { weight: 4, arbitrary: withType(damaged(jsonText), json) },
    { weight: 5, arbitrary: withType(damaged(nearlyValidJson), json) },
    { weight: 2, arbitrary: withType(formText, ['application/x-www-form-urlencoded']) },
    { weight: 1, arbitrary: withType(largeBody, json) },
    { weight: 1, arbitrary: withType(hostileText(60), json) },
    { weight: 1, arbitrary: withType(fc.constant(''), json) },
  );
};

/** Requests of random shape, type, size and Unicode, mostly to the signup itself. */
export const hostileRequests = ({
  overHttp = false,
}: HostileRequestOptions = {}): fc.Arbitrary<HostileRequest> =>
  fc
    .record({
      method: fc.oneof(
        { weight: 12, arbitrary: fc.constant('POST') },
        { weight: 1, arbitrary: fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH') },
      ),
      typed: typedBody(overHttp),
      idempotencyKey: fc.option(
        overHttp ? idempotencyKey.filter((key) => /^[\x21-\x7e]+$/.test(key)) : idempotencyKey,
        { nil: undefined, freq: 4 },
      ),
      inheritedHeader: fc.option(fc.constantFrom(...INHERITED_NAMES), { nil: undefined, freq: 4 }),
    })
    .map(({ method, typed: [body, type], idempotencyKey: key, inheritedHeader }) => ({
      method,
      headers: {
        ...(type === undefined ? {} : { 'Content-Type': type }),
        ...(key === undefined ? {} : { 'Idempotency-Key': key }),
        // Computed: a literal `__proto__:` would set the prototype instead of adding a header.
        ...(inheritedHeader === undefined ? {} : { [inheritedHeader]: 'x' }),
      },
      body,
    }));

/** The shapes the contract answers in, by status: problems say `detail`, field errors list messages. */
export const contractShapeProblems = (status: number, body: unknown): string[] => {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return ['the body is not a JSON object'];
  const fields = body as Record<string, unknown>;
  const keys = Object.keys(fields);
  if (status === 201) {
    const expected = [
      'address',
      'date_of_birth',
      'email',
      'first_name',
      'last_name',
      'last_purchase_date',
      'slug',
    ];
    return JSON.stringify(keys.sort()) === JSON.stringify(expected)
      ? []
      : [`201 with keys ${keys.join(', ')}`];
  }
  const isDetail = keys.length === 1 && typeof fields.detail === 'string';
  if (status !== 400) return isDetail ? [] : [`${status} without a lone detail`];
  if (isDetail) return [];
  const allowed = new Set<string>([...signupFields, 'non_field_errors']);
  const wrong = keys.filter(
    (key) =>
      !allowed.has(key) ||
      !Array.isArray(fields[key]) ||
      (fields[key] as unknown[]).length === 0 ||
      !(fields[key] as unknown[]).every((message) => typeof message === 'string'),
  );
  return keys.length > 0 && wrong.length === 0 ? [] : [`400 with keys ${keys.join(', ')}`];
};
