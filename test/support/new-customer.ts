import type { NewCustomer } from '../../functions/core/customer-store.ts';

/** A customer as the signup hands it to the store, for store tests: its e-mail is its key. */
export const newCustomer = (email: string, slugBase: string): NewCustomer => ({
  emailKey: email,
  email,
  firstName: 'John',
  lastName: 'Doe',
  dateOfBirth: null,
  passwordHash: 'bcrypt$$2b$04$abcdefghijklmnopqrstuuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ012',
  slugBase,
});
