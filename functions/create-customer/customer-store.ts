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

export type CreateCustomerResult =
  | { ok: true; customer: StoredCustomer }
  | { ok: false; reason: 'email-taken' };

/** What the signup needs of a store. Faults of the store itself are thrown as `StoreUnavailableError`. */
export interface CustomerStore {
  /** Whether a customer already has this e-mail key (a strongly consistent read). */
  isEmailTaken(emailKey: string): Promise<boolean>;
  /** Stores the customer under the first free slug of its base; the e-mail key decides uniqueness. */
  createCustomer(customer: NewCustomer): Promise<CreateCustomerResult>;
  findBySlug(slug: string): Promise<StoredCustomer | undefined>;
}

/** The store could not answer in time: unreachable, throttled or too slow. Answered with 503. */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
}
