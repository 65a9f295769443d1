import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { StoreUnavailableError } from './customer-store.ts';
import { HttpProblem, problems } from './http-problems.ts';
import { pythonTypeName, type SignupEvent, type SignupRequestState } from './signup-request.ts';

/** How long a client should wait before retrying when the store is unavailable. */
const RETRY_AFTER_SECONDS = 1;

export const jsonResponse = (
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResult => ({
  statusCode,
  headers: { 'Content-Type': 'application/json', ...headers },
  body: body === undefined ? '' : JSON.stringify(body),
});

const isValidatorRejection = (error: unknown): boolean =>
  (error as { cause?: { package?: unknown } }).cause?.package === '@middy/validator';

/** A failure of the request itself, in the contract's words, or undefined for a failure of ours. */
const requestProblem = (error: unknown, event: SignupEvent, state: SignupRequestState): HttpProblem | undefined => {
  if (error instanceof HttpProblem) return error;
  if (error instanceof StoreUnavailableError) return problems.storeUnavailable(RETRY_AFTER_SECONDS);
  if (isValidatorRejection(error)) {
    return event.body === null ? problems.noData() : problems.notADictionary(pythonTypeName(event.body, state.rawBody));
  }
  return undefined;
};

/**
 * The error handler, registered last so that it runs first: every failure becomes the contract's
 * JSON, and an unexpected one a bare 500 (its details go to the log, never to the client).
 */
export const contractErrors = (
  logUnexpected: (error: unknown) => void,
): MiddlewareObj<SignupEvent, APIGatewayProxyResult, Error, Context, SignupRequestState> => ({
  onError: (request) => {
    let problem = requestProblem(request.error, request.event, request.internal);
    if (problem === undefined) {
      logUnexpected(request.error);
      problem = problems.serverError();
    }
    // Set, not returned: a returned response would skip the CORS and security headers' onError.
    request.response = jsonResponse(problem.statusCode, problem.body, problem.headers);
  },
});
