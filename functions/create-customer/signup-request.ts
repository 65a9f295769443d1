import httpJsonBodyParser from '@middy/http-json-body-parser';
import httpUrlencodeBodyParser from '@middy/http-urlencode-body-parser';
import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { problems } from './http-problems.ts';
import type { KeyedRequest } from './idempotency-records.ts';
import { isFloatLiteral, type JsonNumber } from './rules/python-text.ts';
import { type SubmittedFields, signupFields } from './rules/signup-form.ts';

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

/** The parsed body replaces the text body once the request middleware has run. */
export type SignupEvent = Omit<APIGatewayProxyEvent, 'body'> & { body: unknown };
export type SignupRequest = Request<SignupEvent, APIGatewayProxyResult, Error, Context, SignupRequestState>;

interface MediaType {
  main: string;
  sub: string;
}

const parseMediaType = (value: string): MediaType => {
  const [main = '', sub = ''] = (value.split(';')[0] ?? '').trim().toLowerCase().split('/');
  return { main, sub };
};

/** Django REST framework's media-type match, wildcards included. */
const accepts = (parser: MediaType, request: MediaType): boolean =>
  (parser.sub === request.sub || request.sub === '*') && (parser.main === request.main || request.main === '*');

const JSON_MEDIA_TYPE = parseMediaType('application/json');
const FORM_MEDIA_TYPE = parseMediaType('application/x-www-form-urlencoded');

/** The parser for a Content-Type, tried in Django REST framework's order: JSON, then form. */
const bodyKindOf = (contentType: string): BodyKind | undefined => {
  const mediaType = parseMediaType(contentType);
  if (accepts(JSON_MEDIA_TYPE, mediaType)) return 'json';
  if (accepts(FORM_MEDIA_TYPE, mediaType)) return 'form';
  return undefined;
};

// middy's parsers do the parsing; the choice between them is Django REST framework's, made above.
const jsonBodyParser = httpJsonBodyParser({ disableContentTypeCheck: true });
const formBodyParser = httpUrlencodeBodyParser({ disableContentTypeCheck: true });

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

const parseJson = async (request: SignupRequest): Promise<void> => {
  try {
    await jsonBodyParser.before?.(request as never);
  } catch (error) {
    const cause = (error as { cause?: { message?: unknown } }).cause;
    const words = typeof cause?.message === 'string' ? cause.message : (error as Error).message;
    throw problems.malformedJson(withoutExcerpt(words) || PARSER_WORDS_FALLBACK);
  }
};

/**
 * The request's envelope, before any field is read: the route, the method, the body's size and
 * media type, and the body parsed by middy's JSON or urlencoded parser. An empty body is `{}`.
 */
export const signupRequest = (): MiddlewareObj<SignupEvent, APIGatewayProxyResult, Error, Context, SignupRequestState> => ({
  before: async (request) => {
    const { event } = request;
    if (!SIGNUP_PATHS.has(event.path)) throw problems.notFound();
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
    else await formBodyParser.before?.(request as never);
  },
});

/** After the validator: the body, now known to be an object, becomes the submitted signup fields. */
export const signupFieldsFromBody = (): MiddlewareObj<SignupEvent, APIGatewayProxyResult, Error, Context, SignupRequestState> => ({
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
  const root: unknown = JSON.parse(rawBody, function (this: unknown, key, value, context?: { source?: string }) {
    if (typeof value === 'number' && context?.source !== undefined) found.push({ holder: this, key, literal: context.source });
    return value;
  } as (key: string, value: unknown) => unknown);
  return new Map(found.filter((entry) => entry.holder === root).map((entry) => [entry.key, entry.literal]));
};

/**
 * The signup fields of a parsed body. JSON numbers keep their literal text (Python's `str(1.0)` is
 * "1.0"); a form field sent twice counts once, with its last value, as Django's QueryDict does.
 */
export const submittedFields = (body: Record<string, unknown>, state: SignupRequestState): SubmittedFields => {
  const fields: Record<string, unknown> = {};
  let literals: Map<string, string> | undefined;
  for (const field of signupFields) {
    if (!Object.hasOwn(body, field)) continue;
    let value = body[field];
    if (state.bodyKind === 'form' && Array.isArray(value)) value = value.at(-1);
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
