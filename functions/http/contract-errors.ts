import type { APIGatewayProxyResult } from 'aws-lambda';
import { StoreUnavailableError } from '../core/customer-store.ts';
import type { ApiEvent, ApiMiddleware, ApiRequestState } from './api-request.ts';
import { HttpProblem, problems } from './http-problems.ts';
import type { Outcome } from './outcome.ts';
import { pythonTypeName } from './python-numbers.ts';
import { TimeBudgetExceededError } from './time-budget.ts';

/** How long a client should wait before retrying when the store is unavailable. */
export const RETRY_AFTER_SECONDS = 1;

/** An answer with what became of the request; the telemetry takes the outcome off before it leaves. */
export interface Answer extends APIGatewayProxyResult {
  outcome?: Outcome;
}

export const jsonResponse = (
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResult => ({
  statusCode,
  headers: { 'Content-Type': 'application/json', ...headers },
  body: body === undefined ? '' : JSON.stringify(body),
});

export const answer = (
  statusCode: number,
  body: unknown,
  outcome: Outcome,
  headers: Record<string, string> = {},
): Answer => ({ ...jsonResponse(statusCode, body, headers), outcome });

const isValidatorRejection = (error: unknown): boolean =>
  (error as { cause?: { package?: unknown } }).cause?.package === '@middy/validator';

/** A failure of the request itself, in the contract's words, or undefined for a failure of ours. */
const requestProblem = (error: unknown, event: ApiEvent, state: ApiRequestState): HttpProblem | undefined => {
  if (error instanceof HttpProblem) return error;
  if (error instanceof StoreUnavailableError) return problems.storeUnavailable(RETRY_AFTER_SECONDS);
  if (error instanceof TimeBudgetExceededError) return problems.timeBudgetExceeded(RETRY_AFTER_SECONDS);
  if (isValidatorRejection(error)) {
    return event.body === null
      ? problems.noData()
      : problems.notADictionary(pythonTypeName(event.body, state.rawBody));
  }
  return undefined;
};

/**
 * The error handler, registered last so that it runs first: every failure becomes the contract's
 * JSON, and an unexpected one a bare 500 (the telemetry logs its details, never the client).
 */
export const contractErrors = (): ApiMiddleware => ({
  onError: (request) => {
    const problem = requestProblem(request.error, request.event, request.internal) ?? problems.serverError();
    // Set, not returned: a returned response would skip the CORS, security headers' and telemetry's onError.
    request.response = answer(problem.statusCode, problem.body, problem.outcome, problem.headers);
  },
});
