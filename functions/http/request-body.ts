import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { ApiEvent, ApiMiddleware, ApiRequest } from './api-request.ts';
import { formCharset, parseFormBody } from './form-body.ts';
import { problems } from './http-problems.ts';
import { DEFAULT_MEDIA_TYPE, parserFor } from './media-types.ts';
import { tooLongIntegerWords } from './python-numbers.ts';

const MAX_BODY_BYTES = 16 * 1024;

// middy's parser reads JSON; whether a body is JSON is Django REST framework's choice (media-types.ts).
const jsonBodyParser = httpJsonBodyParser({ disableContentTypeCheck: true });

const bodyText = (event: ApiEvent): string => {
  const body = event.body;
  if (typeof body !== 'string') return '';
  return event.isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
};

const PARSER_WORDS_FALLBACK = 'Invalid or malformed JSON was provided';
/** V8's "Unexpected token 'x', <the text around it> is not valid JSON". */
const QUOTED_EXCERPT = /^(Unexpected token '.+?'), .* is not valid JSON$/s;

/** The parser's words without the text it quotes, which may be the password: the token says enough. */
const withoutExcerpt = (words: string): string => words.replace(QUOTED_EXCERPT, '$1 in JSON');

const isForbiddenKeyRejection = (error: unknown): boolean =>
  (error as { statusCode?: unknown }).statusCode === 422 &&
  (error as Error).message === 'Forbidden key in JSON body';

const parseJson = async (request: ApiRequest): Promise<void> => {
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
 * The body, before any field is read: its size and media type, then parsed by middy's JSON parser
 * or as Django reads a urlencoded form. An empty body is `{}`.
 */
export const requestBody = (): ApiMiddleware => ({
  before: async (request) => {
    const { event } = request;
    const rawBody = bodyText(event);
    if (Buffer.byteLength(rawBody, 'utf8') > MAX_BODY_BYTES) throw problems.bodyTooLarge();
    request.internal.rawBody = rawBody;
    if (rawBody === '') {
      request.internal.bodyKind = 'empty';
      event.body = {};
      return;
    }
    const contentType = event.headers?.['content-type'] ?? DEFAULT_MEDIA_TYPE;
    const kind = parserFor(contentType);
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
