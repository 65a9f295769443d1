import { messages } from '../core/rules/messages.ts';
import type { FieldErrors } from '../core/rules/signup-form.ts';
import type { VerifyCustomer, VerifyField } from '../core/verification.ts';
import { answer, contractErrors } from '../http/contract-errors.ts';
import validateVerifyEvent from '../http/generated/validate-verify-event.js';
import type { Outcome } from '../http/outcome.ts';
import { postRoute } from '../http/post-route.ts';
import type { Telemetry } from '../http/telemetry.ts';

export interface VerifyHandlerOptions {
  verify: VerifyCustomer;
  /** Origins allowed to call the API from a browser (CORS). */
  corsOrigins: readonly string[];
  telemetry: Telemetry;
  /** Answer 503 this long before Lambda's own timeout would cut the request off. */
  timeoutEarlyInMillis?: number;
}

/** Why a verify request was refused, for the metrics: a dead link and a wrong password are watched apart. */
const refusal = (errors: FieldErrors<VerifyField>): Outcome => {
  if (errors.token?.includes(messages.linkInvalid)) return 'invalid-token';
  if (errors.password?.includes(messages.wrongPassword)) return 'wrong-password';
  return 'invalid-fields';
};

/**
 * `POST /api/v1/customers/verify/`: the API's common middlewares (post-route.ts), then the use case,
 * which checks the fields (missing ones included, as the signup's rules do) and answers with the
 * customer or the contract's field errors.
 */
export const createVerifyHandler = ({
  verify,
  corsOrigins,
  telemetry,
  timeoutEarlyInMillis,
}: VerifyHandlerOptions) =>
  postRoute({
    route: 'verify',
    validateEvent: validateVerifyEvent,
    corsOrigins,
    corsRequestHeaders: 'Content-Type',
    telemetry,
    ...(timeoutEarlyInMillis === undefined ? {} : { timeoutEarlyInMillis }),
  })
    .use(contractErrors())
    // middy aborts `signal` when it answers 503 ahead of Lambda's timeout: the use case writes nothing after.
    .handler(async (event, _context, { signal }) => {
      const outcome = await verify(event.body as { token?: unknown; password?: unknown }, signal);
      if (outcome.outcome === 'verified') return answer(200, outcome.customer, 'verified');
      return answer(400, outcome.errors, refusal(outcome.errors));
    });
