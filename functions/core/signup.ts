import type { CustomerStore, StoredCustomer } from './customer-store.ts';
import { REPLAY_WINDOW_SECONDS } from './idempotency-records.ts';
import type { PasswordHasher } from './password-hasher.ts';
import { messages } from './rules/messages.ts';
import { checkSignup, type FieldErrors, type SubmittedFields } from './rules/signup-form.ts';
import type { Transliterate } from './rules/slug.ts';

/** The customer as the contract answers it: exactly these seven keys. */
export interface CustomerRepresentation {
  email: string;
  first_name: string;
  last_name: string;
  slug: string;
  date_of_birth: string | null;
  address: null;
  last_purchase_date: null;
}

/** A request with an Idempotency-Key: a retry of it may find its customer stored by an earlier attempt. */
export interface SignupRetry {
  /** The digest of the request's key and body (`keyedDigest`). */
  keyedDigest: string;
}

export type SignupOutcome =
  | { outcome: 'created'; customer: CustomerRepresentation }
  /** Under enumeration protection: every valid signup, whether its address is new, pending or taken. */
  | { outcome: 'accepted' }
  | { outcome: 'invalid'; errors: FieldErrors; emailTaken: boolean };

export interface SignupDependencies {
  store: CustomerStore;
  /** The signup hashes; it never checks a password. */
  hasher: Pick<PasswordHasher, 'hash' | 'prepare'>;
  /** The reference data the rules read, loaded on first use. */
  isCommonPassword: (candidate: string) => boolean;
  transliterate: Transliterate;
  now: () => Date;
}

const represent = (customer: StoredCustomer): CustomerRepresentation => ({
  email: customer.email,
  first_name: customer.firstName,
  last_name: customer.lastName,
  slug: customer.slug,
  date_of_birth: customer.dateOfBirth,
  address: null,
  last_purchase_date: null,
});

const withEmailTaken = (errors: FieldErrors): FieldErrors => ({ ...errors, email: [messages.emailTaken] });

/**
 * The signup use case: check every field, refuse invalid input and taken e-mails before any hashing,
 * then hash while claiming the slug, and store the customer under it; the store's conditional write
 * stays the authority on uniqueness.
 */
export const createSignup = ({ store, hasher, isCommonPassword, transliterate, now }: SignupDependencies) => {
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
    // Likely to hash now: the hashing thread starts while the store is asked about the e-mail.
    if (check.signup !== undefined) hasher.prepare();
    const holder =
      check.emailKey === undefined
        ? undefined
        : await store.findEmailHolder(check.emailKey, retry?.keyedDigest, signal);
    const emailTaken = holder !== undefined;
    const own = holder?.keyedSignup;
    // An earlier attempt of this very request stored the customer, and its answer never arrived.
    if (
      own !== undefined &&
      check.signup !== undefined &&
      Date.parse(own.createdAt) > now().getTime() - REPLAY_WINDOW_SECONDS * 1000
    ) {
      return { outcome: 'created', customer: represent(own) };
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
    const created = await store.createCustomer(
      {
        ...signup,
        passwordHash: hashed.value,
        ...(retry === undefined ? {} : { keyedDigest: retry.keyedDigest }),
      },
      claimed.value,
      signal,
    );
    if (!created.ok) return { outcome: 'invalid', errors: withEmailTaken(check.errors), emailTaken: true };
    return { outcome: 'created', customer: represent(created.customer) };
  };
};
