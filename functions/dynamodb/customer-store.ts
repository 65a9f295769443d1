import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { pick, signupCustomerKeys } from '../core/customer.ts';
import type { ClaimedSlug, CreateCustomerResult, CustomerStore } from '../core/customer-store.ts';
import { StoreUnavailableError } from '../core/customer-store.ts';
import { type CustomerItem, dynamoDbCustomers, toStoredCustomer } from './customers.ts';
import { bestEffort, translateStoreFaults } from './faults.ts';
import { dynamoDbSignupRequests } from './signup-requests.ts';
import { dynamoDbSlugReservations, type SlugReservationOptions } from './slug-reservations.ts';
import { tableRequests } from './table-requests.ts';

/** Longer than the function's timeout: a reservation this old belongs to a signup that gave up. */
export const RECLAIM_AFTER_MS = 60_000;

/** The reservation `claimSlug` hands the signup, with the id its customer is stored under. */
interface Reservation extends ClaimedSlug {
  readonly claimId: string;
}

const reservationOf = (claim: ClaimedSlug): Reservation => {
  const { claimId } = claim as Partial<Reservation>;
  if (typeof claimId !== 'string')
    throw new TypeError('not a slug reservation of the DynamoDB customer store');
  return { ...claim, claimId };
};

/**
 * The store on the customers table, with single-item conditional writes only (dynalite has no
 * transactions): a signup makes O(1) requests whatever the table holds (see the README's storage
 * section). Customers in `customers.ts`, slugs in `slug-reservations.ts`. `now` is the clock of
 * reservations and of pending accounts' expiry.
 */
export const createDynamoDbCustomerStore = (
  db: DynamoDBDocumentClient,
  tableName: string,
  { now = Date.now, reclaimAfterMs = RECLAIM_AFTER_MS }: Partial<SlugReservationOptions> = {},
): CustomerStore => {
  const customersFor = (signal?: AbortSignal) => dynamoDbCustomers(tableRequests(db, tableName, signal), now);
  const signupRequestsFor = (signal?: AbortSignal) =>
    dynamoDbSignupRequests(tableRequests(db, tableName, signal), now);
  return {
    findEmailHolder: (emailKey, keyedDigest, signal) =>
      translateStoreFaults(async () => {
        const customers = customersFor(signal);
        const customer = await customers.find(emailKey);
        if (customer === undefined || customers.isExpired(customer)) return undefined;
        // Only a keyed request that meets a customer pays this read.
        const own =
          keyedDigest !== undefined &&
          (await signupRequestsFor(signal).marked(keyedDigest, customer.claim_id));
        // A pending account holds nothing, but a retry of its own request is told it was stored.
        if (customer.is_active === false && !own) return undefined;
        return { keyedSignup: own ? toStoredCustomer(customer) : undefined };
      }),

    claimSlug: (slugBase, emailKey, signal) =>
      translateStoreFaults(async (): Promise<Reservation> => {
        const table = tableRequests(db, tableName, signal);
        const reserve = dynamoDbSlugReservations(table, dynamoDbCustomers(table, now), {
          now,
          reclaimAfterMs,
        });
        return { ...(await reserve(slugBase, emailKey)), emailKey };
      }),

    abandonClaim: async (claim, signal) => {
      const { emailKey, claimId } = reservationOf(claim);
      // Revoked, the reservation is free for the next signup of the name; one left open is reclaimed later.
      await bestEffort(() => customersFor(signal).revoke(emailKey, claimId));
    },

    createCustomer: (customer, claim, signal) =>
      translateStoreFaults(async (): Promise<CreateCustomerResult> => {
        const { slug, claimId, emailKey } = reservationOf(claim);
        if (emailKey !== customer.emailKey)
          throw new TypeError("the slug reservation is not for this customer's e-mail key");
        const { pending } = customer;
        const createdAt = now();
        const item: CustomerItem = {
          ...pick(customer, signupCustomerKeys),
          slug,
          address: null,
          last_purchase_date: null,
          password: customer.passwordHash,
          created_at: new Date(createdAt).toISOString(),
          is_active: pending === undefined,
          claim_id: claimId,
          ...(pending === undefined
            ? {}
            : {
                expires_at: createdAt + pending.pendingForMs,
                token_nonce: pending.tokenNonce,
                token_hash: pending.tokenHash,
                token_issued_at: createdAt,
                failed_attempts: 0,
              }),
        };
        if (customer.keyedDigest !== undefined) {
          await signupRequestsFor(signal).mark(customer.keyedDigest, claimId);
        }
        const put = await customersFor(signal).put(customer.emailKey, item);
        if (put === 'email-taken') return { ok: false, reason: 'email-taken' };
        // Paused past `reclaimAfterMs`, the signup had its slug reclaimed: a retry gets a new one.
        if (put === 'revoked') throw new StoreUnavailableError('the slug reservation was reclaimed');
        return { ok: true, customer: toStoredCustomer(item) };
      }),

    requestNotice: (request, signal) =>
      translateStoreFaults(() => customersFor(signal).requestNotice(request)),
  };
};
