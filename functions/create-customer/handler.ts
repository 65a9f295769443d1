import type { IdempotencyRecords, RequestDigests } from '../core/idempotency-records.ts';
import { messages } from '../core/rules/messages.ts';
import type { SubmittedFields } from '../core/rules/signup-form.ts';
import type { SignupOutcome, SignupRetry } from '../core/signup.ts';
import { answer, contractErrors, RETRY_AFTER_SECONDS } from '../http/contract-errors.ts';
import validateSignupEvent from '../http/generated/validate-signup-event.js';
import { idempotency } from '../http/idempotency.ts';
import { postRoute } from '../http/post-route.ts';
import type { Telemetry } from '../http/telemetry.ts';

export interface SignupHandlerOptions {
  signup: (fields: SubmittedFields, retry?: SignupRetry, signal?: AbortSignal) => Promise<SignupOutcome>;
  /** Where requests with an Idempotency-Key are remembered. */
  idempotencyRecords: IdempotencyRecords;
  /** The digests the records are made with (`requestDigests` of the signup secret). */
  requestDigests: RequestDigests;
  /** Origins allowed to call the API from a browser (CORS). */
  corsOrigins: readonly string[];
  telemetry: Telemetry;
  /** Answer 503 this long before Lambda's own timeout would cut the request off. */
  timeoutEarlyInMillis?: number;
}

/**
 * `POST /api/v1/customers/`: the API's common middlewares (post-route.ts), the idempotency after
 * the body is checked, the errors, the signup last.
 */
export const createHandler = ({
  signup,
  idempotencyRecords,
  requestDigests,
  corsOrigins,
  telemetry,
  timeoutEarlyInMillis,
}: SignupHandlerOptions) =>
  postRoute({
    route: 'signup',
    validateEvent: validateSignupEvent,
    corsOrigins,
    corsRequestHeaders: 'Content-Type,Idempotency-Key',
    telemetry,
    ...(timeoutEarlyInMillis === undefined ? {} : { timeoutEarlyInMillis }),
  })
    .use(
      idempotency({
        records: idempotencyRecords,
        digests: requestDigests,
        retryAfterSeconds: RETRY_AFTER_SECONDS,
      }),
    )
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
