import { StoreUnavailableError } from '../core/customer-store.ts';
import type { IdempotencyRecords, RequestDigests } from '../core/idempotency-records.ts';
import type { ApiEvent, ApiMiddleware, ApiRequest, ApiRequestState } from './api-request.ts';
import { problems } from './http-problems.ts';
import { TimeBudgetExceededError } from './time-budget.ts';

/** The contract's bounds on the header, in characters (code points). */
const MAX_KEY_LENGTH = 255;

export interface IdempotencyOptions {
  records: IdempotencyRecords;
  /** The digest the signup tells its request's retries by: the one the records are made with. */
  digests: RequestDigests;
  /** What a 409 tells the client to wait: the first request ends within its time budget. */
  retryAfterSeconds: number;
}

const keyOf = (event: ApiEvent): string | undefined => {
  const key = event.headers?.['idempotency-key'];
  if (key === undefined) return undefined;
  const length = [...key].length;
  if (length < 1 || length > MAX_KEY_LENGTH) throw problems.invalidIdempotencyKey();
  return key;
};

/** How long a 503 waits for its key to be freed: about one request to a store that answers. */
const FORGET_AFTER_FAULT_MS = 1000;

/** Whether `work` succeeds within `ms`; it goes on unwatched if not. */
const settlesWithin = async (work: Promise<void>, ms: number): Promise<boolean> => {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(resolve, ms, false);
  });
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => false,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
};

/** A record that cannot be written once the answer is decided must not change the answer. */
const storeFaultsNoted = async (
  request: ApiRequest,
  fault: NonNullable<ApiRequestState['idempotencyFault']>,
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
export const idempotency = ({ records, digests, retryAfterSeconds }: IdempotencyOptions): ApiMiddleware => ({
  before: async (request) => {
    const key = keyOf(request.event);
    if (key === undefined) return;
    const keyed = { key, body: request.internal.rawBody };
    const claim = await records.claim(keyed, request.context.getRemainingTimeInMillis());
    switch (claim.state) {
      case 'claimed':
        request.internal.claimedKey = keyed;
        // The signup marks its customer writes with it: a retry after a lost answer finds its own signup.
        request.event.keyedDigest = digests.digest(keyed);
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
    if (keyed === undefined) return;
    // A signup cut off by its time budget has had its store requests aborted: like a store fault, a 503.
    const answered503 =
      request.error instanceof StoreUnavailableError || request.error instanceof TimeBudgetExceededError;
    if (!answered503) {
      try {
        await records.forget(keyed);
      } catch {
        request.internal.idempotencyFault = 'not-forgotten';
      }
      return;
    }
    // A 503 tells the client to retry after Retry-After: the key must be free by then. A store that
    // cannot delete the record either gets no longer than FORGET_AFTER_FAULT_MS, and the answer then
    // says the real wait: the record stays in progress until this request's time budget ends.
    const forgotten = await settlesWithin(
      records.forget(keyed),
      Math.min(FORGET_AFTER_FAULT_MS, request.context.getRemainingTimeInMillis() / 2),
    );
    if (forgotten || !request.response) return;
    request.internal.idempotencyFault = 'not-forgotten';
    const heldForSeconds = Math.ceil(request.context.getRemainingTimeInMillis() / 1000);
    request.response.headers = {
      ...request.response.headers,
      'Retry-After': String(Math.max(retryAfterSeconds, heldForSeconds)),
    };
  },
});
