import middy from '@middy/core';
import httpCors from '@middy/http-cors';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpSecurityHeaders from '@middy/http-security-headers';
import validator, { type Options as ValidatorOptions } from '@middy/validator';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import type { IdempotencyRecords } from '../core/idempotency-records.ts';
import { messages } from '../core/rules/messages.ts';
import type { SubmittedFields } from '../core/rules/signup-form.ts';
import type { SignupOutcome, SignupRetry } from '../core/signup.ts';
import { answer, contractErrors, RETRY_AFTER_SECONDS } from '../http/contract-errors.ts';
import validateSignupEvent from '../http/generated/validate-signup-event.js';
import { idempotency } from '../http/idempotency.ts';
import {
  type SignupEvent,
  type SignupMiddleware,
  type SignupRequest,
  type SignupRequestState,
  signupFieldsFromBody,
  signupRequest,
} from '../http/signup-request.ts';
import { type Telemetry, telemetry } from '../http/telemetry.ts';
import { TimeBudgetExceededError } from '../http/time-budget.ts';

/** How long before Lambda's own timeout the function answers 503 by default. */
export const TIMEOUT_EARLY_MS = 500;

export interface SignupHandlerOptions {
  signup: (fields: SubmittedFields, retry?: SignupRetry, signal?: AbortSignal) => Promise<SignupOutcome>;
  /** Where requests with an Idempotency-Key are remembered. */
  idempotencyRecords: IdempotencyRecords;
  /** Origins allowed to call the API from a browser (CORS). */
  corsOrigins: readonly string[];
  telemetry: Telemetry;
  /** Answer 503 this long before Lambda's own timeout would cut the request off. */
  timeoutEarlyInMillis?: number;
}

/**
 * A 201 holds the customer and a replay or a 400 may too: no browser or proxy cache may keep them.
 * Every answer says so, so that no new answer can forget it.
 */
const noStore = (): SignupMiddleware => {
  const addHeader = (request: SignupRequest) => {
    if (request.response)
      request.response.headers = { ...request.response.headers, 'Cache-Control': 'no-store' };
  };
  return { after: addHeader, onError: addHeader };
};

/**
 * The HTTP edge: middleware first (telemetry, headers, CORS, envelope, validator, idempotency,
 * errors), the signup last. middy runs `after` and `onError` in reverse order, so the telemetry,
 * registered first, sees each answer last, with every header on it.
 */
export const createHandler = ({
  signup,
  idempotencyRecords,
  corsOrigins,
  telemetry: telemetryClients,
  timeoutEarlyInMillis = TIMEOUT_EARLY_MS,
}: SignupHandlerOptions) =>
  middy<SignupEvent, APIGatewayProxyResult, Error, Context, SignupRequestState>({
    timeoutEarlyInMillis,
    timeoutEarlyResponse: () => {
      throw new TimeBudgetExceededError('the time budget ran out');
    },
  })
    .use(telemetry(telemetryClients))
    .use(httpHeaderNormalizer())
    .use(httpSecurityHeaders())
    .use(noStore())
    .use(
      httpCors({
        origins: [...corsOrigins],
        methods: 'POST,OPTIONS',
        headers: 'Content-Type,Idempotency-Key',
        // A browser script may read when to retry a 503 or a 409.
        exposeHeaders: 'Retry-After',
        maxAge: 600,
      }),
    )
    .use(signupRequest())
    // middy's types call a compiled schema `Ajv`; at run time it takes the compiled function, as here.
    .use(validator({ eventSchema: validateSignupEvent as unknown as ValidatorOptions['eventSchema'] }))
    .use(signupFieldsFromBody())
    .use(idempotency({ records: idempotencyRecords, retryAfterSeconds: RETRY_AFTER_SECONDS }))
    .use(contractErrors())
    // middy aborts `signal` when it answers 503 ahead of Lambda's timeout: the signup writes nothing after.
    .handler(async (event, _context, { signal }) => {
      const outcome = await signup(
        event.body as SubmittedFields,
        event.keyedDigest === undefined ? undefined : { keyedDigest: event.keyedDigest },
        signal,
      );
      if (outcome.outcome === 'created') return answer(201, outcome.customer, 'created');
      if (outcome.outcome === 'accepted') return answer(202, { detail: messages.signupAccepted }, 'accepted');
      return answer(400, outcome.errors, outcome.emailTaken ? 'email-taken' : 'invalid-fields');
    });
