import middy from '@middy/core';
import httpCors from '@middy/http-cors';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpSecurityHeaders from '@middy/http-security-headers';
import validator, { type Options as ValidatorOptions } from '@middy/validator';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { answer, contractErrors, RETRY_AFTER_SECONDS } from './contract-errors.ts';
import validateSignupEvent from './generated/validate-signup-event.js';
import { idempotency } from './idempotency.ts';
import type { IdempotencyRecords } from './idempotency-records.ts';
import type { SubmittedFields } from './rules/signup-form.ts';
import type { SignupOutcome, SignupRetry } from './signup.ts';
import {
  type SignupEvent,
  type SignupRequestState,
  signupFieldsFromBody,
  signupRequest,
} from './signup-request.ts';
import { type Telemetry, telemetry } from './telemetry.ts';
import { TimeBudgetExceededError } from './time-budget.ts';

/** How long before Lambda's own timeout the function answers 503 by default. */
export const TIMEOUT_EARLY_MS = 500;

export interface SignupHandlerOptions {
  signup: (fields: SubmittedFields, retry?: SignupRetry) => Promise<SignupOutcome>;
  /** Where requests with an Idempotency-Key are remembered. */
  idempotencyRecords: IdempotencyRecords;
  /** Origins allowed to call the API from a browser (CORS). */
  corsOrigins: readonly string[];
  telemetry: Telemetry;
  /** Answer 503 this long before Lambda's own timeout would cut the request off. */
  timeoutEarlyInMillis?: number;
}

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
    .handler(async (event) => {
      const outcome = await signup(
        event.body as SubmittedFields,
        event.keyedDigest === undefined ? undefined : { keyedDigest: event.keyedDigest },
      );
      if (outcome.outcome === 'created') return answer(201, outcome.customer, 'created');
      return answer(400, outcome.errors, outcome.emailTaken ? 'email-taken' : 'invalid-fields');
    });
