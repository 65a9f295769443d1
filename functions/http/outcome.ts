/** What became of one request, for the logs and the metrics: a customer created, or why not. */
export type Outcome =
  | 'created'
  | 'accepted'
  | 'replayed'
  | 'preflight'
  | 'invalid-fields'
  | 'email-taken'
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
