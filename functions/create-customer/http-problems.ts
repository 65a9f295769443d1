/**
 * The HTTP answers that are not a signup's outcome, as values with names. Middlewares throw them;
 * the error handler turns each into the contract's JSON and nothing else reaches the client.
 */
export class HttpProblem extends Error {
  override name = 'HttpProblem';
  readonly statusCode: number;
  /** The JSON body; none for a preflight's 204. */
  readonly body: Record<string, unknown> | undefined;
  readonly headers: Record<string, string>;

  constructor(statusCode: number, body: Record<string, unknown> | undefined, headers: Record<string, string> = {}) {
    super(`HTTP ${statusCode}`);
    this.statusCode = statusCode;
    this.body = body;
    this.headers = headers;
  }
}

const detail = (statusCode: number, text: string, headers?: Record<string, string>) =>
  new HttpProblem(statusCode, { detail: text }, headers);

export const problems = {
  /** A CORS preflight ends here too, so that the CORS and security headers are added as for any answer. */
  preflight: () => new HttpProblem(204, undefined),
  notFound: () => detail(404, 'Not found.'),
  methodNotAllowed: (method: string) =>
    detail(405, `Method "${method}" not allowed.`, { Allow: 'POST, OPTIONS' }),
  bodyTooLarge: () => detail(413, 'Request body is too large.'),
  unsupportedMediaType: (mediaType: string) => detail(415, `Unsupported media type "${mediaType}" in request.`),
  malformedJson: (parserWords: string) => detail(400, `JSON parse error - ${parserWords}`),
  notADictionary: (pythonType: string) =>
    new HttpProblem(400, { non_field_errors: [`Invalid data. Expected a dictionary, but got ${pythonType}.`] }),
  noData: () => new HttpProblem(400, { non_field_errors: ['No data provided'] }),
  storeUnavailable: (retryAfterSeconds: number) =>
    detail(503, 'Service temporarily unavailable, try again later.', { 'Retry-After': String(retryAfterSeconds) }),
  serverError: () => detail(500, 'A server error occurred.'),
} as const;
