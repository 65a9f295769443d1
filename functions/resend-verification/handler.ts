import { messages } from '../core/rules/messages.ts';
import type { ResendVerification } from '../core/verification.ts';
import { answer, contractErrors } from '../http/contract-errors.ts';
import validateResendEvent from '../http/generated/validate-resend-event.js';
import { postRoute } from '../http/post-route.ts';
import type { Telemetry } from '../http/telemetry.ts';

export interface ResendHandlerOptions {
  resend: ResendVerification;
  /** Origins allowed to call the API from a browser (CORS). */
  corsOrigins: readonly string[];
  telemetry: Telemetry;
  /** Answer 503 this long before Lambda's own timeout would cut the request off. */
  timeoutEarlyInMillis?: number;
}

/**
 * `POST /api/v1/customers/verify/resend/`: the API's common middlewares (post-route.ts), then the
 * use case. The answer is the same 202 whatever the address holds, so that it tells no one who has
 * an account; only an address the signup would refuse is a 400.
 */
export const createResendHandler = ({
  resend,
  corsOrigins,
  telemetry,
  timeoutEarlyInMillis,
}: ResendHandlerOptions) =>
  postRoute({
    route: 'resend',
    validateEvent: validateResendEvent,
    corsOrigins,
    corsRequestHeaders: 'Content-Type',
    telemetry,
    ...(timeoutEarlyInMillis === undefined ? {} : { timeoutEarlyInMillis }),
  })
    .use(contractErrors())
    .handler(async (event, _context, { signal }) => {
      const outcome = await resend(event.body as { email?: unknown }, signal);
      if (outcome.outcome === 'accepted') return answer(202, { detail: messages.resendAccepted }, 'accepted');
      return answer(400, outcome.errors, 'invalid-fields');
    });
