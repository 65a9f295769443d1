/** A customer as the signup stores it; `passwordHash` is Django's `bcrypt$$2b$…` format. */
export interface NewCustomer {
  /** The uniqueness key of the e-mail: the whole normalised address, lower-cased. */
  emailKey: string;
  /** The e-mail as returned: local part as sent, domain lower-cased. */
  email: string;
  firstName: string;
  lastName: string;
  /** `YYYY-MM-DD` or null. */
  dateOfBirth: string | null;
  passwordHash: string;
  /** The slug before any `-N` suffix, at most 50 characters. */
  slugBase: string;
  /** For a request with an Idempotency-Key, the digest of its key and body (`keyedDigest`). */
  keyedDigest?: string;
}

export interface StoredCustomer {
  email: string;
  firstName: string;
  lastName: string;
  slug: string;
  dateOfBirth: string | null;
  createdAt: string;
  isActive: boolean;
}

/** Who holds an e-mail key, as a keyed request sees it. */
export interface EmailHolder {
  /** The customer, if a request of the same keyed digest stored it. */
  keyedSignup: StoredCustomer | undefined;
}

export type CreateCustomerResult =
  | { ok: true; customer: StoredCustomer }
  | { ok: false; reason: 'email-taken' };

/**
 * A slug held for one signup's customer until `createCustomer` stores it: what `claimSlug` returns.
 * Only the store that made it reads anything but `slug`.
 */
export interface ClaimedSlug {
  readonly slug: string;
  readonly slugBase: string;
  readonly emailKey: string;
}

/**
 * What the signup needs of a store. Faults of the store itself are thrown as `StoreUnavailableError`.
 * A signup claims its slug (`claimSlug`), which may run while its password is hashed, then stores the
 * customer with that claim (`createCustomer`), or gives the claim back (`releaseSlug`) if it cannot.
 */
export interface CustomerStore {
  /** Whether a customer already has this e-mail key (a strongly consistent read). */
  isEmailTaken(emailKey: string): Promise<boolean>;
  /**
   * The same read for a request with an Idempotency-Key: undefined when the e-mail key is free, and
   * the customer when an earlier attempt of this keyed digest stored it.
   */
  findEmailHolder(emailKey: string, keyedDigest: string): Promise<EmailHolder | undefined>;
  /** Claims the first free slug of the base for the signup of this e-mail key. */
  claimSlug(slugBase: string, emailKey: string): Promise<ClaimedSlug>;
  /**
   * Stores the customer under its claimed slug; the e-mail key decides uniqueness, and a signup that
   * loses it gets its claim released.
   */
  createCustomer(customer: NewCustomer, claim: ClaimedSlug): Promise<CreateCustomerResult>;
  /** Gives back the claim of a signup that will not store its customer; never throws for a store fault. */
  releaseSlug(claim: ClaimedSlug): Promise<void>;
  findBySlug(slug: string): Promise<StoredCustomer | undefined>;
}

/** The store could not answer in time: unreachable, throttled or too slow. Answered with 503. */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
}
