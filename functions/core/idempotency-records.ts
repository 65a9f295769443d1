import { createHmac, createSecretKey, hkdfSync, type KeyObject } from 'node:crypto';

/** How long a request with an Idempotency-Key is answered as its first attempt was: the contract's 24 hours. */
export const REPLAY_WINDOW_SECONDS = 24 * 60 * 60;

/** A request with an Idempotency-Key: the key as sent and the body as received. */
export interface KeyedRequest {
  key: string;
  body: string;
}

/** What a keyed request is stored under: values that tell its retries, and nothing that a guess can be tested against. */
export interface RequestDigests {
  /** What the request's record is found by, in place of its Idempotency-Key. */
  recordKey(key: string): string;
  /** A digest of the key and body: equal for the retries of one request only. */
  digest(request: KeyedRequest): string;
}

/*
 * The body holds a password and the key may be as short as one character: keyed by the key alone, a
 * table reader could find the key and then test password guesses. Keyed by the signup secret, which
 * the table does not hold, neither can be tested. Each use gets its own key derived from the secret,
 * so no value made for one (a link's token, a record key, a digest) stands for another.
 */
// A KeyObject rather than bytes: Node prepares the key once, not on every HMAC (several times faster).
const derivedKey = (secret: string, purpose: string): KeyObject =>
  createSecretKey(Buffer.from(hkdfSync('sha256', secret, '', `customer-signup ${purpose}`, 32)));

/** The digests of keyed requests under the signup secret. */
export const requestDigests = (secret: string): RequestDigests => {
  const recordKeyKey = derivedKey(secret, 'idempotency-key');
  const digestKey = derivedKey(secret, 'idempotency-request');
  return {
    recordKey: (key) => createHmac('sha256', recordKeyKey).update(key).digest('base64url'),
    digest: ({ key, body }) => {
      const keyBytes = Buffer.from(key);
      // The key's length first: no other key and body run together into the same bytes.
      const keyLength = Buffer.alloc(4);
      keyLength.writeUInt32BE(keyBytes.length);
      return createHmac('sha256', digestKey)
        .update(keyLength)
        .update(keyBytes)
        .update(body)
        .digest('base64url');
    },
  };
};

/** The answer remembered for a key and replayed to its retries. */
export interface RememberedAnswer {
  statusCode: number;
  /** The JSON body, as first sent. */
  body: string;
}

/** What a request finds under its key. */
export type KeyClaim =
  | { state: 'claimed' }
  | { state: 'completed'; answer: RememberedAnswer }
  | { state: 'in-progress' }
  | { state: 'other-request' };

/**
 * What the Idempotency-Key handling needs of a store. Faults of the store itself are thrown as
 * `StoreUnavailableError`.
 */
export interface IdempotencyRecords {
  /** Marks the key as in progress until `inProgressMs` from now, unless a live record holds it. */
  claim(request: KeyedRequest, inProgressMs: number): Promise<KeyClaim>;
  /** Keeps the answer for the key's retries. */
  remember(request: KeyedRequest, answer: RememberedAnswer): Promise<void>;
  /** Frees the key: the request's answer is not to be replayed. */
  forget(request: KeyedRequest): Promise<void>;
}
