import { createHmac } from 'node:crypto';

/** How long a request with an Idempotency-Key is answered as its first attempt was: the contract's 24 hours. */
export const REPLAY_WINDOW_SECONDS = 24 * 60 * 60;

/** A request with an Idempotency-Key: the key as sent and the body as received. */
export interface KeyedRequest {
  key: string;
  body: string;
}

/*
 * The body holds a password. Keyed by the Idempotency-Key, which is stored nowhere but hashed, the
 * digest tells a retry of the same request from another request and gives nothing away to whoever
 * reads the table: a plain SHA-256 could be tested against guesses.
 */
/** A digest of the body keyed by the Idempotency-Key: equal for the retries of one request only. */
export const keyedDigest = ({ key, body }: KeyedRequest): string =>
  createHmac('sha256', key).update(body).digest('base64');

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
