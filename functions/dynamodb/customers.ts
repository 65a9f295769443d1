import type { StoredCustomer } from '../core/customer-store.ts';
import type { TableRequests } from './table-requests.ts';

export const customerKey = (emailKey: string): string => `customer#${emailKey}`;

/** The customer item, besides its key. */
export interface CustomerItem {
  email: string;
  first_name: string;
  last_name: string;
  slug: string;
  date_of_birth: string | null;
  address: null;
  last_purchase_date: null;
  password: string;
  created_at: string;
  is_active: boolean;
  /** The slug reservation its signup stored it under. */
  claim_id: string;
  /** The keyed digest of its signup's request, if it had an Idempotency-Key: tells that request's retries. */
  signup_request?: string;
}

/**
 * What a slug reservation of this e-mail key can still become: `stored` (its customer holds the slug),
 * `dead` (another reservation's customer holds the e-mail, or the reservation was revoked: it can never
 * store a customer), `open` (no customer yet: its signup may still be running).
 */
export type ReservationFate = 'stored' | 'dead' | 'open';

/** The attributes of a customer item that answers and replays read: everything but the password. */
const CUSTOMER_ATTRIBUTES = [
  'email',
  'first_name',
  'last_name',
  'slug',
  'date_of_birth',
  'created_at',
  'is_active',
  'claim_id',
  'signup_request',
] as const;

export const toStoredCustomer = (item: Omit<CustomerItem, 'password'>): StoredCustomer => ({
  email: item.email,
  firstName: item.first_name,
  lastName: item.last_name,
  slug: item.slug,
  dateOfBirth: item.date_of_birth,
  createdAt: item.created_at,
  isActive: item.is_active,
});

/** A customer item holds `email`; the revocations that `revoke` leaves under a free e-mail key do not. */
const isCustomer = (
  item: Record<string, unknown> | undefined,
): item is Record<string, unknown> & CustomerItem => typeof item?.email === 'string';

const revokedClaims = (item: Record<string, unknown> | undefined): ReadonlySet<unknown> =>
  item?.revoked_claims instanceof Set ? item.revoked_claims : new Set();

/**
 * The customer items: `customer#<emailKey>`, one per e-mail key. Its conditional put is the only
 * authority on the e-mail, and it also fences slug reservations: a reservation that a later signup
 * reclaimed is revoked here first (`revoked_claims`, on an item that holds no customer yet), and a
 * customer can only be put under a reservation that is not revoked. So a signup paused for any time
 * cannot store its customer under a slug that was handed to another.
 */
export const dynamoDbCustomers = (table: TableRequests) => ({
  /** The customer of this e-mail key, without its password; undefined when the key is free. */
  find: async (emailKey: string): Promise<Omit<CustomerItem, 'password'> | undefined> => {
    const item = await table.get(customerKey(emailKey), CUSTOMER_ATTRIBUTES);
    return isCustomer(item) ? item : undefined;
  },

  /**
   * Puts the customer unless the e-mail key has one or its reservation was revoked. A put whose
   * answer was lost and whose SDK retry was refused finds its own write: `stored` all the same.
   */
  put: async (emailKey: string, item: CustomerItem): Promise<'stored' | 'email-taken' | 'revoked'> => {
    const put = await table.put(customerKey(emailKey), item, {
      expression:
        'attribute_not_exists(#email) AND (attribute_not_exists(#revoked) OR NOT contains(#revoked, :claim))',
      names: { '#revoked': 'revoked_claims', '#email': 'email' },
      values: { ':claim': item.claim_id },
    });
    if (put) return 'stored';
    const holder = await table.get(customerKey(emailKey), ['email', 'claim_id', 'revoked_claims']);
    if (isCustomer(holder)) return holder.claim_id === item.claim_id ? 'stored' : 'email-taken';
    return 'revoked';
  },

  /** Whether the customer of this e-mail key was stored under this reservation, with this slug. */
  holds: async (emailKey: string, claimId: string, slug: string): Promise<boolean> => {
    const item = await table.get(customerKey(emailKey), ['email', 'claim_id', 'slug']);
    return isCustomer(item) && item.claim_id === claimId && item.slug === slug;
  },

  fate: async (emailKey: string, claimId: string): Promise<ReservationFate> => {
    const item = await table.get(customerKey(emailKey), ['email', 'claim_id', 'revoked_claims']);
    if (isCustomer(item)) return item.claim_id === claimId ? 'stored' : 'dead';
    return revokedClaims(item).has(claimId) ? 'dead' : 'open';
  },

  /** Makes sure the reservation can never store a customer, unless it already has. */
  revoke: async (emailKey: string, claimId: string): Promise<'stored' | 'dead'> => {
    const revoked = await table.update(customerKey(emailKey), {
      UpdateExpression: 'ADD #revoked :claim',
      ConditionExpression: 'attribute_not_exists(#email)',
      ExpressionAttributeNames: { '#revoked': 'revoked_claims', '#email': 'email' },
      ExpressionAttributeValues: { ':claim': new Set([claimId]) },
    });
    if (revoked !== undefined) return 'dead';
    // A customer got there first: it holds the e-mail for good.
    const item = await table.get(customerKey(emailKey), ['claim_id']);
    return item?.claim_id === claimId ? 'stored' : 'dead';
  },
});
