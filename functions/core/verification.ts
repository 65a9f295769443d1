import type { Customer } from './customer.ts';
import type { VerificationStore } from './customer-store.ts';
import type { PasswordHasher } from './password-hasher.ts';
import { emailKey } from './rules/email-key.ts';
import { messages } from './rules/messages.ts';
import { type FieldErrors, readEmail } from './rules/signup-form.ts';
import { readTextField } from './rules/text-field.ts';
import { representCustomer, type VerificationSettings } from './signup.ts';
import { newVerificationLink, tokenHash } from './verification-token.ts';

/** The fields a verify request answers errors on. */
export type VerifyField = 'token' | 'password';

/** What a verify request becomes: the customer, now active, or the contract's field errors. */
export type VerificationOutcome =
  | { outcome: 'verified'; customer: Customer }
  | { outcome: 'invalid'; errors: FieldErrors<VerifyField> };

/** `POST …/verify/`: the link's token and the signup's password turn a pending account into an active one. */
export type VerifyCustomer = (
  fields: { token?: unknown; password?: unknown },
  signal?: AbortSignal,
) => Promise<VerificationOutcome>;

/** What a resend request becomes: accepted whatever the address holds, or the e-mail's field errors. */
export type ResendOutcome = { outcome: 'accepted' } | { outcome: 'invalid'; errors: FieldErrors<'email'> };

/** `POST …/verify/resend/`: a new link for a pending account, at most one a minute. */
export type ResendVerification = (
  fields: { email?: unknown },
  signal?: AbortSignal,
) => Promise<ResendOutcome>;

/** Wrong passwords a link survives: the fifth kills it. */
export const MAX_FAILED_ATTEMPTS = 5;
/** At most one new link a minute per address. */
export const RESEND_INTERVAL_MS = 60 * 1000;

const invalidLink = (): VerificationOutcome => ({
  outcome: 'invalid',
  errors: { token: [messages.linkInvalid] },
});
const wrongPassword = (): VerificationOutcome => ({
  outcome: 'invalid',
  errors: { password: [messages.wrongPassword] },
});

export interface VerificationDependencies {
  store: VerificationStore;
  hasher: Pick<PasswordHasher, 'verify'>;
}

/**
 * The verify use case: the token finds the account its link was made for; the signup's password,
 * checked against its hash, makes it active. The store's conditional writes decide, so a replaced,
 * expired or dead link can never activate an account, and the same request again answers the same.
 */
export const createVerification =
  ({ store, hasher }: VerificationDependencies): VerifyCustomer =>
  async (fields, signal) => {
    const token = readTextField(fields.token, { trim: true });
    const password = readTextField(fields.password, { trim: false });
    if (!token.ok || !password.ok) {
      const errors: FieldErrors<VerifyField> = {};
      if (!token.ok) errors.token = token.errors;
      if (!password.ok) errors.password = password.errors;
      return { outcome: 'invalid', errors };
    }
    const account = await store.findAccountByTokenHash(tokenHash(token.value), signal);
    if (account === undefined || account.state === 'expired') return invalidLink();
    if (account.failedAttempts >= MAX_FAILED_ATTEMPTS) return invalidLink();
    if (!(await hasher.verify(password.value, account.passwordHash))) {
      await store.recordWrongPassword(account, signal);
      return wrongPassword();
    }
    if (account.state === 'active')
      return { outcome: 'verified', customer: representCustomer(account.customer) };
    const activated = await store.activate(account, MAX_FAILED_ATTEMPTS, signal);
    // Replaced, expired or killed between the read and the write.
    if (activated === undefined) return invalidLink();
    return { outcome: 'verified', customer: representCustomer(activated) };
  };

export interface ResendDependencies {
  store: VerificationStore;
  /** Absent: verification off, no account waits for a link, and a resend writes nothing. */
  verification?: Pick<VerificationSettings, 'secret'>;
}

/**
 * The resend use case: a pending, unexpired account of the address gets a new link (the old one
 * dies), at most once a minute; the answer is the same whatever the address holds.
 */
export const createResend =
  ({ store, verification }: ResendDependencies): ResendVerification =>
  async (fields, signal) => {
    const email = readEmail(fields.email);
    if (!email.ok) return { outcome: 'invalid', errors: { email: email.errors } };
    if (verification !== undefined) {
      await store.renewLink(
        emailKey(email.value),
        newVerificationLink(verification.secret),
        RESEND_INTERVAL_MS,
        signal,
      );
    }
    return { outcome: 'accepted' };
  };
