import type { Outcome } from './outcome.ts';

/**
 * The HTTP answers that are not a signup's outcome, as values with names. Middlewares throw them;
 * the error handler turns each into the contract's JSON and nothing else reaches the client.
 */
export class HttpProblem extends Error {
  override name = 'HttpProblem';
  readonly statusCode: number;
  /** The JSON body; none for a preflight's 204. */
  readonly body: Record<string, unknown> | undefined;
  readonly outcome: Outcome;
  readonly headers: Record<string, string>;

  constructor(
    statusCode: number,
    body: Record<string, unknown> | undefined,
    outcome: Outcome,
    headers: Record<string, string> = {},
  ) {
    super(`HTTP ${statusCode}`);
    this.statusCode = statusCode;
    this.body = body;
    this.outcome = outcome;
    this.headers = headers;
  }
}

const detail = (statusCode: number, text: string, outcome: Outcome, headers?: Record<string, string>) =>
  new HttpProblem(statusCode, { detail: text }, outcome, headers);

const retryAfter = (seconds: number) => ({ 'Retry-After': String(seconds) });

export const problems = {
  /** A CORS preflight ends here too, so that the CORS and security headers are added as for any answer. */
  preflight: () => new HttpProblem(204, undefined, 'preflight'),
  notFound: () => detail(404, 'Not found.', 'not-found'),
  methodNotAllowed: (method: string) =>
    detail(405, `Method "${method}" not allowed.`, 'method-not-allowed', { Allow: 'POST, OPTIONS' }),
  bodyTooLarge: () => detail(413, 'Request body is too large.', 'body-too-large'),
  unsupportedMediaType: (mediaType: string) =>
    detail(415, `Unsupported media type "${mediaType}" in request.`, 'unsupported-media-type'),
  malformedJson: (parserWords: string) => detail(400, `JSON parse error - ${parserWords}`, 'malformed-body'),
  notADictionary: (pythonType: string) =>
    new HttpProblem(
      400,
      { non_field_errors: [`Invalid data. Expected a dictionary, but got ${pythonType}.`] },
      'malformed-body',
    ),
  noData: () => new HttpProblem(400, { non_field_errors: ['No data provided'] }, 'malformed-body'),
  invalidIdempotencyKey: () =>
    detail(400, 'Idempotency-Key must be 1 to 255 characters.', 'invalid-idempotency-key'),
  idempotencyKeyReused: () =>
    detail(422, 'Idempotency-Key was used with another request.', 'idempotency-key-reused'),
  /** With Retry-After: the first request ends within the function's time budget. */
  idempotencyInProgress: (retryAfterSeconds: number) =>
    detail(
      409,
      'A request with this Idempotency-Key is in progress.',
      'idempotency-in-progress',
      retryAfter(retryAfterSeconds),
    ),
  /** The first answer to a request with this Idempotency-Key, again. */
  replay: (statusCode: number, body: Record<string, unknown>) =>
    new HttpProblem(statusCode, body, 'replayed'),
  storeUnavailable: (retryAfterSeconds: number) =>
    detail(
      503,
      'Service temporarily unavailable, try again later.',
      'store-unavailable',
      retryAfter(retryAfterSeconds),
    ),
  /** The same answer as a store fault's, under another outcome: a slow hash is not the store's fault. */
  timeBudgetExceeded: (retryAfterSeconds: number) =>
    detail(
      503,
      'Service temporarily unavailable, try again later.',
      'time-budget-exceeded',
      retryAfter(retryAfterSeconds),
    ),
  serverError: () => detail(500, 'A server error occurred.', 'server-error'),
} as const;
