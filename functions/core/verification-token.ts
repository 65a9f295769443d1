import { createHash, createHmac, randomBytes } from 'node:crypto';

/*
 * The table keeps a link's nonce and the hash of its token, never the token: the token is derived
 * from the nonce with a secret the table does not hold, so whoever reads the table (a backup, an
 * export) can neither follow a link nor make one, and the mailer can still write the link from the
 * change it is handed.
 */

/** A new link's nonce: 128 random bits, base64url. */
export const newTokenNonce = (): string => randomBytes(16).toString('base64url');

/** The link's token: HMAC-SHA256 of the nonce under the signup secret, base64url (43 characters). */
export const verificationToken = (secret: string, nonce: string): string =>
  createHmac('sha256', secret).update(`verify:${nonce}`).digest('base64url');

/** What the table stores and the verify route looks a token up by: its SHA-256, base64url. */
export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('base64url');

/** A new link as the table keeps it: its nonce and its token's hash, never the token. */
export const newVerificationLink = (secret: string): { tokenNonce: string; tokenHash: string } => {
  const tokenNonce = newTokenNonce();
  return { tokenNonce, tokenHash: tokenHash(verificationToken(secret, tokenNonce)) };
};
