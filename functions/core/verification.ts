import type { FieldErrors } from './rules/signup-form.ts';
import type { CustomerRepresentation } from './signup.ts';

/** What a verify request becomes: the customer, now active, or the contract's field errors. */
export type VerificationOutcome =
  | { outcome: 'verified'; customer: CustomerRepresentation }
  | { outcome: 'invalid'; errors: FieldErrors };

/** `POST …/verify/`: the link's token and the signup's password turn a pending account into an active one. */
export type VerifyCustomer = (
  fields: { token?: unknown; password?: unknown },
  signal?: AbortSignal,
) => Promise<VerificationOutcome>;

/** What a resend request becomes: accepted whatever the address holds, or the e-mail's field errors. */
export type ResendOutcome = { outcome: 'accepted' } | { outcome: 'invalid'; errors: FieldErrors };

/** `POST …/verify/resend/`: a new link for a pending account, at most one a minute. */
export type ResendVerification = (
  fields: { email?: unknown },
  signal?: AbortSignal,
) => Promise<ResendOutcome>;
