import { type Customer, customerKeys, pick } from './customer.ts';
import type { CustomerStore, NewCustomer, StoredCustomer } from './customer-store.ts';
import { REPLAY_WINDOW_SECONDS } from './idempotency-records.ts';
import type { PasswordHasher } from './password-hasher.ts';
import { messages } from './rules/messages.ts';
import { checkSignup, type FieldErrors, type SubmittedFields } from './rules/signup-form.ts';
import type { Transliterate } from './rules/slug.ts';
import { newTokenNonce, newVerificationLink } from './verification-token.ts';

/** A request with an Idempotency-Key: a retry of it may find its customer stored by an earlier attempt. */
export interface SignupRetry {
  /** The digest of the request's key and body under the signup secret (`RequestDigests.digest`). */
  keyedDigest: string;
}

export type SignupOutcome =
  | { outcome: 'created'; customer: Customer }
  /** Under enumeration protection: every valid signup, whether its address is new, pending or taken. */
  | { outcome: 'accepted' }
  | { outcome: 'invalid'; errors: FieldErrors; emailTaken: boolean };

/** E-mail verification required: what a signup needs to make a pending account and its link. */
export interface VerificationSettings {
  /** The secret a link's token is derived with from its nonce. */
  secret: string;
  /** How long a pending account holds its address and slug. */
  ttlSeconds: number;
  /** Every valid signup answered `accepted`, whoever holds its address. */
  enumerationProtection: boolean;
}

/** At most one "someone tried to sign up with your address" notice an hour per address. */
export const NOTICE_INTERVAL_MS = 60 * 60 * 1000;

export interface SignupDependencies {
  store: CustomerStore;
  /** The signup hashes; it never checks a password. */
  hasher: Pick<PasswordHasher, 'hash' | 'prepare'>;
  /** The reference data the rules read, loaded on first use. */
  isCommonPassword: (candidate: string) => boolean;
  transliterate: Transliterate;
  now: () => Date;
  /** Absent: verification off, every account active at once (the contract's base behaviour). */
  verification?: VerificationSettings;
}

/** The customer as the contract answers it: exactly its keys, in their order. */
export const representCustomer = (customer: StoredCustomer): Customer => pick(customer, customerKeys);

const withEmailTaken = (errors: FieldErrors): FieldErrors => ({ ...errors, email: [messages.emailTaken] });

/**
 * The signup use case: check every field, refuse invalid input and taken e-mails before any hashing,
 * then hash while claiming the slug, and store the customer under it; the store's conditional write
 * stays the authority on uniqueness. With verification required the customer is a pending account
 * with a new link; under enumeration protection every valid signup is `accepted`, and a taken
 * address costs a hash all the same and asks for a notice to its owner instead.
 */
export const createSignup = ({
  store,
  hasher,
  isCommonPassword,
  transliterate,
  now,
  verification,
}: SignupDependencies) => {
  const protect = verification?.enumerationProtection === true;

  /** Someone tried to sign up with a verified address: its owner is told, at most once an hour. */
  const askForNotice = (emailKey: string, signal?: AbortSignal) =>
    store.requestNotice({ emailKey, nonce: newTokenNonce(), minIntervalMs: NOTICE_INTERVAL_MS }, signal);

  /** `signal` aborts the signup's store requests once its answer has gone out. */
  return async (
    submitted: SubmittedFields,
    retry?: SignupRetry,
    signal?: AbortSignal,
  ): Promise<SignupOutcome> => {
    const check = checkSignup(submitted, {
      today: now().toISOString().slice(0, 10),
      isCommonPassword,
      transliterate,
    });
    // Under protection an invalid signup never learns whether its address is taken: no read.
    if (protect && check.signup === undefined)
      return { outcome: 'invalid', errors: check.errors, emailTaken: false };
    // Likely to hash now: the hashing thread starts while the store is asked about the e-mail.
    if (check.signup !== undefined) hasher.prepare();
    const holder =
      check.emailKey === undefined
        ? undefined
        : await store.findEmailHolder(check.emailKey, retry?.keyedDigest, signal);
    const own = holder?.keyedSignup;
    // A pending account is told only to a retry of its own request: it holds no address.
    const emailTaken = holder !== undefined && own?.is_active !== false;
    // An earlier attempt of this very request stored the customer, and its answer never arrived.
    if (
      own !== undefined &&
      check.signup !== undefined &&
      Date.parse(own.created_at) > now().getTime() - REPLAY_WINDOW_SECONDS * 1000
    ) {
      return protect ? { outcome: 'accepted' } : { outcome: 'created', customer: representCustomer(own) };
    }
    if (protect && check.signup !== undefined && emailTaken) {
      // As long as a new signup's hash, so that the answer's time tells nothing.
      await hasher.hash(check.signup.password);
      await askForNotice(check.signup.emailKey, signal);
      return { outcome: 'accepted' };
    }
    if (check.signup === undefined || emailTaken) {
      return {
        outcome: 'invalid',
        errors: emailTaken ? withEmailTaken(check.errors) : check.errors,
        emailTaken,
      };
    }
    const { password, ...signup } = check.signup;
    // The slug is claimed while the password is hashed on its own thread: neither needs the other,
    // and the hash is most of a signup's time.
    // Both settle before the signup answers, so no reservation is written after its answer.
    const [claimed, hashed] = await Promise.allSettled([
      store.claimSlug(signup.slugBase, signup.emailKey, signal),
      hasher.hash(password),
    ]);
    if (claimed.status === 'rejected') throw claimed.reason;
    if (hashed.status === 'rejected') {
      await store.abandonClaim(claimed.value, signal);
      throw hashed.reason;
    }
    const customer: NewCustomer = {
      ...signup,
      passwordHash: hashed.value,
      ...(retry === undefined ? {} : { keyedDigest: retry.keyedDigest }),
      ...(verification === undefined
        ? {}
        : {
            pending: {
              ...newVerificationLink(verification.secret),
              pendingForMs: verification.ttlSeconds * 1000,
            },
          }),
    };
    const created = await store.createCustomer(customer, claimed.value, signal);
    if (!created.ok) {
      // Verified meanwhile by another signup of the address.
      if (!protect) return { outcome: 'invalid', errors: withEmailTaken(check.errors), emailTaken: true };
      await askForNotice(signup.emailKey, signal);
      return { outcome: 'accepted' };
    }
    return protect
      ? { outcome: 'accepted' }
      : { outcome: 'created', customer: representCustomer(created.customer) };
  };
};
