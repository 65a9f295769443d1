/** What became of one request, for the logs and the metrics: a customer created or verified, or why not. */
export type Outcome =
  | 'created'
  /** A signup under enumeration protection, or a resend: answered 202 whatever the address holds. */
  | 'accepted'
  | 'verified'
  | 'replayed'
  | 'preflight'
  | 'invalid-fields'
  | 'email-taken'
  /** A verify request whose link is unknown, expired, replaced or dead. */
  | 'invalid-token'
  /** A verify request with the right link and another password than the signup's. */
  | 'wrong-password'
  | 'malformed-body'
  | 'body-too-large'
  | 'unsupported-media-type'
  | 'method-not-allowed'
  | 'not-found'
  | 'invalid-idempotency-key'
  | 'idempotency-key-reused'
  | 'idempotency-in-progress'
  | 'store-unavailable'
  | 'time-budget-exceeded'
  | 'server-error';
