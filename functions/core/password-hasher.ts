/** What the signup needs of a password hasher (bcrypt on worker threads in `functions/passwords/`). */
export interface PasswordHasher {
  /** The password as Django's BCryptPasswordHasher stores it: `bcrypt$$2b$<cost>$…`. */
  hash(password: string): Promise<string>;
  /** Makes ready what the first hash needs, so that it starts at once: called when a hash is likely. */
  prepare(): void;
}
