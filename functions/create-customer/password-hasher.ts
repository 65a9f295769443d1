import bcrypt from 'bcryptjs';

export interface PasswordHasher {
  /** The password as Django's BCryptPasswordHasher stores it: `bcrypt$$2b$<cost>$…`. */
  hash(password: string): Promise<string>;
}

export const createBcryptHasher = (cost: number): PasswordHasher => ({
  hash: async (password) => `bcrypt$${await bcrypt.hash(password, cost)}`,
});
