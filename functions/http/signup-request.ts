import type { MiddlewareObj, Request } from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { KeyedRequest } from '../core/idempotency-records.ts';
import { isFloatLiteral, type JsonNumber } from '../core/rules/python-text.ts';
import { type SubmittedFields, signupFields } from '../core/rules/signup-form.ts';
import { formCharset, parseFormBody } from './form-body.ts';
import { problems } from './http-problems.ts';

const SIGNUP_PATHS = new Set(['/api/v1/customers', '/api/v1/customers/']);
const MAX_BODY_BYTES = 16 * 1024;
/** What HTTP assumes of a body sent without a Content-Type. */
const DEFAULT_MEDIA_TYPE = 'application/octet-stream';

export type BodyKind = 'json' | 'form' | 'empty';

/** What the middlewares learn of a request and hand on: the body for the handler, the rest for the answer. */
export interface SignupRequestState extends Record<string, unknown> {
  bodyKind: BodyKind;
  rawBody: string;
  /** When the request began (`performance.now()`), for its latency. */
  startedAt: number;
  /** The Idempotency-Key this request claimed, if it sent one. */
  claimedKey?: KeyedRequest;
  /** The key's record could not be written after the answer was decided: the answer stands. */
  idempotencyFault?: 'not-remembered' | 'not-forgotten';
}

/**
 * The parsed body replaces the text body once the request middleware has run; a request that claimed
 * an Idempotency-Key carries the digest of its key and body for the signup (`keyedDigest`).
 */
export type SignupEvent = Omit<APIGatewayProxyEvent, 'body'> & { body: unknown; keyedDigest?: string };
export type SignupRequest = Request<SignupEvent, APIGatewayProxyResult, Error, Context, SignupRequestState>;
/** A middleware of the signup handler: its event, answer, context and shared state. */
export type SignupMiddleware = MiddlewareObj<
  SignupEvent,
  APIGatewayProxyResult,
  Error,
  Context,
  SignupRequestState
>;

interface MediaType {
  main: string;
  sub: string;
}

/** Django REST framework's reading: the type before the parameters, split at its first slash only. */
const parseMediaType = (value: string): MediaType => {
  const type = (value.split(';')[0] ?? '').trim().toLowerCase();
  const slash = type.indexOf('/');
  return slash < 0 ? { main: type, sub: '' } : { main: type.slice(0, slash), sub: type.slice(slash + 1) };
};

/** Django REST framework's media-type match, wildcards included. */
const accepts = (parser: MediaType, request: MediaType): boolean =>
  (parser.sub === request.sub || request.sub === '*') &&
  (parser.main === request.main || request.main === '*');

const JSON_MEDIA_TYPE = parseMediaType('application/json');
const FORM_MEDIA_TYPE = parseMediaType('application/x-www-form-urlencoded');

/** The parser for a Content-Type, tried in Django REST framework's order: JSON, then form. */
const bodyKindOf = (contentType: string): BodyKind | undefined => {
  const mediaType = parseMediaType(contentType);
  if (accepts(JSON_MEDIA_TYPE, mediaType)) return 'json';
  if (accepts(FORM_MEDIA_TYPE, mediaType)) return 'form';
  return undefined;
};

// middy's parser reads JSON; whether a body is JSON is Django REST framework's choice, made above.
const jsonBodyParser = httpJsonBodyParser({ disableContentTypeCheck: true });

const bodyText = (event: SignupEvent): string => {
  const body = event.body;
  if (typeof body !== 'string') return '';
  return event.isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
};

const PARSER_WORDS_FALLBACK = 'Invalid or malformed JSON was provided';
/** V8's "Unexpected token 'x', <the text around it> is not valid JSON". */
const QUOTED_EXCERPT = /^(Unexpected token '.+?'), .* is not valid JSON$/s;

/** The parser's words without the text it quotes, which may be the password: the token says enough. */
const withoutExcerpt = (words: string): string => words.replace(QUOTED_EXCERPT, '$1 in JSON');

/** Python's `int()` refuses literals this long (CPython 3.11's guard), so Django's JSON parser does. */
const MAX_INT_DIGITS = 4300;
const LONG_DIGIT_RUN = new RegExp(`\\d{${MAX_INT_DIGITS + 1}}`);

/** The parse error Python's JSON parser gives for an integer literal over 4,300 digits, if the body has one. */
const tooLongIntegerWords = (rawBody: string): string | undefined => {
  if (!LONG_DIGIT_RUN.test(rawBody)) return undefined;
  let digits = 0;
  JSON.parse(rawBody, (_key, value, context?: { source?: string }) => {
    const literal = context?.source;
    if (typeof value === 'number' && literal !== undefined && !isFloatLiteral(literal)) {
      digits = Math.max(digits, literal.replace('-', '').length);
    }
    return value;
  });
  return digits > MAX_INT_DIGITS
    ? `Exceeds the limit (${MAX_INT_DIGITS} digits) for integer string conversion: value has ${digits} digits; use sys.set_int_max_str_digits() to increase the limit`
    : undefined;
};

const isForbiddenKeyRejection = (error: unknown): boolean =>
  (error as { statusCode?: unknown }).statusCode === 422 &&
  (error as Error).message === 'Forbidden key in JSON body';

const parseJson = async (request: SignupRequest): Promise<void> => {
  try {
    await jsonBodyParser.before?.(request as never);
  } catch (error) {
    if (!isForbiddenKeyRejection(error)) {
      const cause = (error as { cause?: { message?: unknown } }).cause;
      const words = typeof cause?.message === 'string' ? cause.message : (error as Error).message;
      throw problems.malformedJson(withoutExcerpt(words) || PARSER_WORDS_FALLBACK);
    }
    // middy refuses `__proto__` and `constructor.prototype` keys, guarding code that merges bodies into
    // objects. The contract ignores unknown keys, and this body is only ever read field by field with
    // Object.hasOwn, so such a body is parsed plainly (JSON.parse makes `__proto__` an own key).
    request.event.body = JSON.parse(request.internal.rawBody);
  }
  const words = tooLongIntegerWords(request.internal.rawBody);
  if (words !== undefined) throw problems.malformedJson(words);
};

/**
 * The request's envelope, before any field is read: the route, the method, the body's size and
 * media type, and the body parsed by middy's JSON or urlencoded parser. An empty body is `{}`.
 */
export const signupRequest = (): SignupMiddleware => ({
  before: async (request) => {
    const { event } = request;
    // API Gateway names the resource matched: behind a custom domain, `path` also holds its base path.
    if (!SIGNUP_PATHS.has(event.resource || event.path)) throw problems.notFound();
    if (event.httpMethod === 'OPTIONS') throw problems.preflight();
    if (event.httpMethod !== 'POST') throw problems.methodNotAllowed(event.httpMethod);

    const rawBody = bodyText(event);
    if (Buffer.byteLength(rawBody, 'utf8') > MAX_BODY_BYTES) throw problems.bodyTooLarge();
    request.internal.rawBody = rawBody;
    if (rawBody === '') {
      request.internal.bodyKind = 'empty';
      event.body = {};
      return;
    }
    const contentType = event.headers?.['content-type'] ?? DEFAULT_MEDIA_TYPE;
    const kind = bodyKindOf(contentType);
    if (kind === undefined) throw problems.unsupportedMediaType(contentType);
    request.internal.bodyKind = kind;
    event.body = rawBody;
    event.isBase64Encoded = false;
    if (kind === 'json') await parseJson(request);
    else {
      // A field sent twice counts once, with its last value, as in Django's QueryDict.
      const fields = parseFormBody(rawBody, formCharset(contentType));
      event.body = Object.fromEntries([...fields].map(([name, values]) => [name, values.at(-1)]));
    }
  },
});

/** After the validator: the body, now known to be an object, becomes the submitted signup fields. */
export const signupFieldsFromBody = (): SignupMiddleware => ({
  before: (request) => {
    request.event.body = submittedFields(request.event.body as Record<string, unknown>, request.internal);
  },
});

/** Python's name for the type of a JSON value that is not an object, as the contract reports it. */
export const pythonTypeName = (value: unknown, rawBody: string): string => {
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return isFloatLiteral(rawBody.trim()) ? 'float' : 'int';
  return 'dict';
};

/** The literal text of each top-level number in a JSON body (Node 22+ passes it to the reviver). */
const topLevelNumberLiterals = (rawBody: string): Map<string, string> => {
  const found: { holder: unknown; key: string; literal: string }[] = [];
  const root: unknown = JSON.parse(rawBody, function (
    this: unknown,
    key,
    value,
    context?: { source?: string },
  ) {
    if (typeof value === 'number' && context?.source !== undefined)
      found.push({ holder: this, key, literal: context.source });
    return value;
  } as (key: string, value: unknown) => unknown);
  return new Map(found.filter((entry) => entry.holder === root).map((entry) => [entry.key, entry.literal]));
};

/**
 * The signup fields of a parsed body. JSON numbers keep their literal text (Python's `str(1.0)` is
 * "1.0").
 */
export const submittedFields = (
  body: Record<string, unknown>,
  state: SignupRequestState,
): SubmittedFields => {
  const fields: Record<string, unknown> = {};
  let literals: Map<string, string> | undefined;
  for (const field of signupFields) {
    if (!Object.hasOwn(body, field)) continue;
    let value = body[field];
    // A form cannot send null: Django REST framework reads an empty nullable field as null.
    if (state.bodyKind === 'form' && field === 'date_of_birth' && value === '') value = null;
    if (typeof value === 'number') {
      literals ??= topLevelNumberLiterals(state.rawBody);
      value = { jsonNumber: literals.get(field) ?? String(value) } satisfies JsonNumber;
    }
    fields[field] = value;
  }
  return fields;
};
