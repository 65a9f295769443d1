import type { NewCustomer } from '../../functions/core/customer-store.ts';
import { newVerificationLink } from '../../functions/core/verification-token.ts';

/** A customer as the signup hands it to the store, for store tests: its e-mail is its key. */
export const newCustomer = (email: string, slugBase: string): NewCustomer => ({
  emailKey: email,
  email,
  first_name: 'John',
  last_name: 'Doe',
  date_of_birth: null,
  passwordHash: 'bcrypt$$2b$04$abcdefghijklmnopqrstuuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ012',
  slugBase,
});

/** A secret of the length the settings ask for, for tests that make links. */
export const testSignupSecret = 'test-secret-of-at-least-32-characters';

/** Two days, the default time a pending account holds its address and slug. */
export const PENDING_FOR_MS = 172_800_000;

/** A customer of verification required: a pending account waiting on a new link. */
export const newPendingCustomer = (email: string, slugBase: string, pendingForMs = PENDING_FOR_MS) => {
  const link = newVerificationLink(testSignupSecret);
  const customer: NewCustomer = { ...newCustomer(email, slugBase), pending: { ...link, pendingForMs } };
  return { customer, link };
};
