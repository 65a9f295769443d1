import { StoreUnavailableError } from './customer-store.ts';
import { problems } from './http-problems.ts';
import { type IdempotencyRecords, keyedDigest } from './idempotency-records.ts';
import type { SignupEvent, SignupMiddleware, SignupRequest, SignupRequestState } from './signup-request.ts';
import { TimeBudgetExceededError } from './time-budget.ts';

/** The contract's bounds on the header, in characters (code points). */
const MAX_KEY_LENGTH = 255;

export interface IdempotencyOptions {
  records: IdempotencyRecords;
  /** What a 409 tells the client to wait: the first request ends within its time budget. */
  retryAfterSeconds: number;
}

const keyOf = (event: SignupEvent): string | undefined => {
  const key = event.headers?.['idempotency-key'];
  if (key === undefined) return undefined;
  const length = [...key].length;
  if (length < 1 || length > MAX_KEY_LENGTH) throw problems.invalidIdempotencyKey();
  return key;
};

/** A record that cannot be written once the answer is decided must not change the answer. */
const storeFaultsNoted = async (
  request: SignupRequest,
  fault: NonNullable<SignupRequestState['idempotencyFault']>,
  work: () => Promise<void>,
): Promise<void> => {
  try {
    await work();
  } catch (error) {
    if (!(error instanceof StoreUnavailableError)) throw error;
    request.internal.idempotencyFault = fault;
  }
};

/**
 * `Idempotency-Key`, as the contract says: registered after the body is parsed and checked, so a
 * malformed request never costs a round trip, and a request without the header costs none. A
 * created customer's answer is remembered for 24 hours and replayed to a retry with the same body;
 * any other answer frees the key, so validation failures are not remembered.
 */
export const idempotency = ({ records, retryAfterSeconds }: IdempotencyOptions): SignupMiddleware => ({
  before: async (request) => {
    const key = keyOf(request.event);
    if (key === undefined) return;
    const keyed = { key, body: request.internal.rawBody };
    const claim = await records.claim(keyed, request.context.getRemainingTimeInMillis());
    switch (claim.state) {
      case 'claimed':
        request.internal.claimedKey = keyed;
        // The signup stores it with the customer: a retry after a lost answer finds its own signup.
        request.event.keyedDigest = keyedDigest(keyed);
        return;
      case 'completed':
        throw problems.replay(claim.answer.statusCode, JSON.parse(claim.answer.body));
      case 'in-progress':
        throw problems.idempotencyInProgress(retryAfterSeconds);
      case 'other-request':
        throw problems.idempotencyKeyReused();
    }
  },
  after: async (request) => {
    const keyed = request.internal.claimedKey;
    const answer = request.response;
    if (keyed === undefined || !answer) return;
    if (answer.statusCode >= 200 && answer.statusCode < 300) {
      const remembered = { statusCode: answer.statusCode, body: answer.body };
      await storeFaultsNoted(request, 'not-remembered', () => records.remember(keyed, remembered));
    } else {
      await storeFaultsNoted(request, 'not-forgotten', () => records.forget(keyed));
    }
  },
  onError: async (request) => {
    const keyed = request.internal.claimedKey;
    // A store that just failed gets no more requests within this answer's time budget, and a signup
    // cut off by the budget may still be storing its customer: the record stays in progress until
    // the budget this request had, then any retry may claim the key.
    if (
      keyed === undefined ||
      request.error instanceof StoreUnavailableError ||
      request.error instanceof TimeBudgetExceededError
    )
      return;
    try {
      await records.forget(keyed);
    } catch {
      request.internal.idempotencyFault = 'not-forgotten';
    }
  },
});
