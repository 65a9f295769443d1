import { type Customer, customerKeys, type SignupCustomer } from './customer.ts';

/** A customer as the signup stores it; `passwordHash` is Django's `bcrypt$$2b$…` format. */
export type NewCustomer = SignupCustomer & {
  /** The uniqueness key of the e-mail (see `rules/email-key.ts`). */
  emailKey: string;
  passwordHash: string;
  /** The slug before any `-N` suffix, at most 50 characters. */
  slugBase: string;
  /** For a request with an Idempotency-Key, the digest of its key and body under the signup secret. */
  keyedDigest?: string;
  /** With verification required: the account stays pending, waiting on this link, for `pendingForMs`. */
  pending?: VerificationLink & { pendingForMs: number };
};

/** A verification link as the store keeps it: the nonce its token is derived from and the token's hash. */
export interface VerificationLink {
  tokenNonce: string;
  tokenHash: string;
}

/** The customer as stored: as the contract answers it, with when it was made and whether it is verified. */
export type StoredCustomer = Customer & { created_at: string; is_active: boolean };
export const storedCustomerKeys = [...customerKeys, 'created_at', 'is_active'] as const;

/**
 * Who holds an e-mail key. A pending account holds nothing: it is told only to a keyed retry of its
 * own request, as a `keyedSignup` that is not active.
 */
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
  /**
   * Stores the customer under its reserved slug; the e-mail key decides uniqueness. A pending
   * account of the same e-mail key is replaced: its link stops working and its slug is free.
   */
  createCustomer(
    customer: NewCustomer,
    claim: ClaimedSlug,
    signal?: AbortSignal,
  ): Promise<CreateCustomerResult>;
  /**
   * Asks for a notice to the verified holder of the e-mail key (someone tried to sign up with it):
   * sets a new notice nonce unless one was set less than `minIntervalMs` ago. True when it did.
   */
  requestNotice(request: NoticeRequest, signal?: AbortSignal): Promise<boolean>;
}

export interface NoticeRequest {
  emailKey: string;
  /** Tells this notice from the last one: the mailer sends one per new nonce. */
  nonce: string;
  minIntervalMs: number;
}

/** The account a verification link was made for, as the verify request finds it. */
export interface AccountToVerify {
  readonly emailKey: string;
  /** Which signup stored it: a later signup of the e-mail replaces it with another. */
  readonly claimId: string;
  readonly tokenHash: string;
  /** `expired`: pending past its time, as good as absent. */
  state: 'pending' | 'active' | 'expired';
  failedAttempts: number;
  passwordHash: string;
  customer: StoredCustomer;
}

/**
 * What e-mail verification needs of a store: find a link's account, count a wrong password, turn
 * it active, renew its link. Each write is conditional on the account still being the one read.
 */
export interface VerificationStore {
  /** The account whose current link has this token hash (strongly consistent), or undefined. */
  findAccountByTokenHash(tokenHash: string, signal?: AbortSignal): Promise<AccountToVerify | undefined>;
  /** Counts a wrong password against the account's link, unless the link changed meanwhile. */
  recordWrongPassword(account: AccountToVerify, signal?: AbortSignal): Promise<void>;
  /**
   * Makes the account active if its link is still this one, has fewer than `maxFailedAttempts`
   * wrong passwords, and is unexpired (or the account is already active): the customer then, else undefined.
   */
  activate(
    account: AccountToVerify,
    maxFailedAttempts: number,
    signal?: AbortSignal,
  ): Promise<StoredCustomer | undefined>;
  /**
   * Gives the pending, unexpired account of the e-mail key a new link, with its wrong passwords
   * forgotten, unless its link is younger than `minIntervalMs`. True when it did.
   */
  renewLink(
    emailKey: string,
    link: VerificationLink,
    minIntervalMs: number,
    signal?: AbortSignal,
  ): Promise<boolean>;
}

/** The store could not answer in time: unreachable, throttled or too slow. Answered with 503. */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
}
