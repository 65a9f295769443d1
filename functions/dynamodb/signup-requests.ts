import { REPLAY_WINDOW_SECONDS } from '../core/idempotency-records.ts';
import { customersTable } from './customers-table.ts';
import type { TableRequests } from './table-requests.ts';

export const signupRequestKey = (keyedDigest: string): string =>
  `${customersTable.keyPrefixes.signupRequest}${keyedDigest}`;

/** Epoch seconds, as DynamoDB's TTL and Powertools' records count them. */
const EXPIRY = customersTable.timeToLiveAttribute;
const CLAIM_IDS = 'claim_ids';

/**
 * The markers of keyed signups: `signup-request#<keyed digest>`, holding the slug reservations its
 * attempts wrote customers under, until the replay window ends (DynamoDB's TTL then removes it).
 * A retry whose answer was lost finds its customer by it. The digest lives nowhere else, so nothing
 * derived from the request outlives the window.
 */
export const dynamoDbSignupRequests = (table: TableRequests, now: () => number) => ({
  /**
   * Adds the reservation to the request's marker and keeps it for the window: before the customer is
   * written, so a written customer is never missing from its marker, whatever happens between the two.
   */
  mark: async (keyedDigest: string, claimId: string): Promise<void> => {
    await table.update(signupRequestKey(keyedDigest), {
      UpdateExpression: 'ADD #claims :claim SET #expiry = :expiry',
      ExpressionAttributeNames: { '#claims': CLAIM_IDS, '#expiry': EXPIRY },
      ExpressionAttributeValues: {
        ':claim': new Set([claimId]),
        ':expiry': Math.floor(now() / 1000) + REPLAY_WINDOW_SECONDS,
      },
    });
  },

  /** Whether an attempt of the request wrote a customer under the reservation, within the window. */
  marked: async (keyedDigest: string, claimId: string): Promise<boolean> => {
    const marker = await table.get(signupRequestKey(keyedDigest), [CLAIM_IDS, EXPIRY]);
    // Until the TTL removes it (days later, or never on dynalite), an expired marker counts as absent.
    const live = typeof marker?.[EXPIRY] === 'number' && marker[EXPIRY] > now() / 1000;
    return live && marker?.[CLAIM_IDS] instanceof Set && marker[CLAIM_IDS].has(claimId);
  },
});
