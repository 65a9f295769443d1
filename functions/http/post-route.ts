import middy from '@middy/core';
import httpCors from '@middy/http-cors';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpSecurityHeaders from '@middy/http-security-headers';
import validator, { type Options as ValidatorOptions } from '@middy/validator';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import type { ApiEvent, ApiMiddleware, ApiRequest, ApiRequestState } from './api-request.ts';
import { requestBody } from './request-body.ts';
import { routes } from './routes.ts';
import { routing } from './routing.ts';
import { fieldsFromBody } from './submitted-fields.ts';
import { type Telemetry, telemetry } from './telemetry.ts';
import { TimeBudgetExceededError } from './time-budget.ts';

/** How long before Lambda's own timeout a function answers 503 by default. */
export const TIMEOUT_EARLY_MS = 500;

/** A validator compiled at build time (scripts/compile-schemas.ts). */
export type CompiledValidator = (data: unknown) => boolean;

export interface PostRouteOptions {
  route: keyof typeof routes;
  /** The route's event schema, compiled: the body must be a JSON object (a dictionary). */
  validateEvent: CompiledValidator;
  /** Origins allowed to call the API from a browser (CORS). */
  corsOrigins: readonly string[];
  /** The request headers a browser may send besides the CORS-safelisted ones. */
  corsRequestHeaders: string;
  telemetry: Telemetry;
  /** Answer 503 this long before Lambda's own timeout would cut the request off. */
  timeoutEarlyInMillis?: number;
}

/**
 * Answers hold personal data, and a 400 may too: no browser or proxy cache may keep them. Every
 * answer says so, so that no new answer can forget it.
 */
const noStore = (): ApiMiddleware => {
  const addHeader = (request: ApiRequest) => {
    if (request.response)
      request.response.headers = { ...request.response.headers, 'Cache-Control': 'no-store' };
  };
  return { after: addHeader, onError: addHeader };
};

/**
 * What every POST route of the API does before its own work: telemetry, headers, CORS, the route,
 * the body, the validator, the route's fields. The route adds its own middlewares, the error
 * handler last, then its handler. middy runs `after` and `onError` in reverse order, so the
 * telemetry, registered first, sees each answer last, with every header on it.
 */
export const postRoute = ({
  route,
  validateEvent,
  corsOrigins,
  corsRequestHeaders,
  telemetry: telemetryClients,
  timeoutEarlyInMillis = TIMEOUT_EARLY_MS,
}: PostRouteOptions) =>
  middy<ApiEvent, APIGatewayProxyResult, Error, Context, ApiRequestState>({
    timeoutEarlyInMillis,
    timeoutEarlyResponse: () => {
      throw new TimeBudgetExceededError('the time budget ran out');
    },
  })
    .use(telemetry(telemetryClients, route))
    .use(httpHeaderNormalizer())
    .use(httpSecurityHeaders())
    .use(noStore())
    .use(
      httpCors({
        origins: [...corsOrigins],
        methods: 'POST,OPTIONS',
        headers: corsRequestHeaders,
        // A browser script may read when to retry a 503 or a 409.
        exposeHeaders: 'Retry-After',
        maxAge: 600,
      }),
    )
    .use(routing(routes[route]))
    .use(requestBody())
    // middy's types call a compiled schema `Ajv`; at run time it takes the compiled function, as here.
    .use(validator({ eventSchema: validateEvent as unknown as ValidatorOptions['eventSchema'] }))
    .use(fieldsFromBody(routes[route]));
