/** A customer as the signup stores it; `passwordHash` is Django's `bcrypt$$2b$…` format. */
export interface NewCustomer {
  /** The uniqueness key of the e-mail (see `rules/email-key.ts`). */
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

/** Who holds an e-mail key. */
export interface EmailHolder {
  /** The customer, if a request of the same keyed digest stored it. */
  keyedSignup: StoredCustomer | undefined;
}

export type CreateCustomerResult =
  | { ok: true; customer: StoredCustomer }
  | { ok: false; reason: 'email-taken' };

/**
 * A slug reserved for one signup's customer: what `claimSlug` returns and `createCustomer` takes.
 * Only the store that made it reads anything but `slug`.
 */
export interface ClaimedSlug {
  readonly slug: string;
  readonly emailKey: string;
}

/**
 * What the signup needs of a store. Faults of the store itself are thrown as `StoreUnavailableError`.
 * A signup reserves its slug (`claimSlug`), which may run while its password is hashed, then stores
 * the customer under that reservation (`createCustomer`). A signup that stops in between leaves a
 * reservation that a later signup reclaims.
 *
 * `signal` is the request's: once it is aborted (the answer has gone out), no further write starts.
 */
export interface CustomerStore {
  /**
   * Who holds the e-mail key (a strongly consistent read), or undefined when it is free. With a
   * keyed digest, the holder tells whether an earlier attempt of that very request stored it.
   */
  findEmailHolder(
    emailKey: string,
    keyedDigest?: string,
    signal?: AbortSignal,
  ): Promise<EmailHolder | undefined>;
  /** Reserves the first free slug of the base for the signup of this e-mail key. */
  claimSlug(slugBase: string, emailKey: string, signal?: AbortSignal): Promise<ClaimedSlug>;
  /**
   * Gives up a reservation whose customer will not be stored (its hash failed), so that the next
   * signup of the name may take the slug at once; never throws for a store fault.
   */
  abandonClaim(claim: ClaimedSlug, signal?: AbortSignal): Promise<void>;
  /** Stores the customer under its reserved slug; the e-mail key decides uniqueness. */
  createCustomer(
    customer: NewCustomer,
    claim: ClaimedSlug,
    signal?: AbortSignal,
  ): Promise<CreateCustomerResult>;
}

/** The store could not answer in time: unreachable, throttled or too slow. Answered with 503. */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
}
