/** What the use cases need of a password hasher (bcrypt on worker threads in `functions/passwords/`). */
export interface PasswordHasher {
  /** The password as Django's BCryptPasswordHasher stores it: `bcrypt$$2b$<cost>$…`. */
  hash(password: string): Promise<string>;
  /** Whether the password is the one `hash` (in that format) was made of; false for a hash of another format. */
  verify(password: string, hash: string): Promise<boolean>;
  /** Makes ready what the first hash needs, so that it starts at once: called when a hash is likely. */
  prepare(): void;
}
