import { type Customer, customerKeys, pick } from '../core/customer.ts';
import { type NoticeRequest, type StoredCustomer, storedCustomerKeys } from '../core/customer-store.ts';
import { customersTable } from './customers-table.ts';
import type { TableRequests } from './table-requests.ts';

export const customerKey = (emailKey: string): string => `${customersTable.keyPrefixes.customer}${emailKey}`;

/**
 * The customer item, besides its key and the `revoked_claims` that slug fencing keeps on it: the
 * customer as the contract answers it, under the same names, and what the store keeps beside it.
 */
export interface CustomerItem extends Customer {
  password: string;
  created_at: string;
  is_active: boolean;
  /** The slug reservation its signup stored it under. */
  claim_id: string;
  /** Pending accounts (verification required): epoch ms after which the account counts as absent. */
  expires_at?: number;
  /**
   * The table's TTL (epoch seconds): DynamoDB deletes a pending account, with its personal data, once
   * it has expired. Never on an item that keeps revoked claims, whose deletion would forget them.
   */
  expiration?: number;
  /** Its link: the nonce the token is derived from, the token's hash, when it was made (epoch ms). */
  token_nonce?: string;
  token_hash?: string;
  token_issued_at?: number;
  /** Wrong passwords given with the current link. */
  failed_attempts?: number;
  /** The last notice asked for (someone tried to sign up with this verified address), and when. */
  notice_nonce?: string;
  notice_requested_at?: number;
}

/** What a customer write sets besides `CustomerItem`'s required attributes: removed when the new one has none. */
const OPTIONAL_ATTRIBUTES = [
  'expires_at',
  'expiration',
  'token_nonce',
  'token_hash',
  'token_issued_at',
  'failed_attempts',
  'notice_nonce',
  'notice_requested_at',
] as const satisfies readonly (keyof CustomerItem)[];

/** Every attribute of a customer: what an expired pending account's revocation removes. */
export const PERSONAL_ATTRIBUTES = [
  ...customerKeys,
  'password',
  'created_at',
  'is_active',
  'claim_id',
  ...OPTIONAL_ATTRIBUTES,
] as const satisfies readonly (keyof CustomerItem)[];

/**
 * What a slug reservation of this e-mail key can still become: `stored` (its customer holds the slug
 * for good), `pending` (its customer is a pending account: it may expire or be replaced), `expired`
 * (its customer is a pending account past its time), `superseded` (another customer holds the
 * e-mail: this reservation may still replace a pending one, so it is revoked before its slug is
 * reused), `dead` (revoked: it can never store a customer), `open` (no customer yet: its signup may
 * still be running).
 */
export type ReservationFate = 'stored' | 'pending' | 'expired' | 'superseded' | 'dead' | 'open';

/** The attributes of a customer item that answers and replays read: everything but the password and the link. */
export const CUSTOMER_ATTRIBUTES = [...storedCustomerKeys, 'claim_id', 'expires_at'] as const;

type FoundCustomer = Pick<CustomerItem, (typeof CUSTOMER_ATTRIBUTES)[number]>;

export const toStoredCustomer = (item: FoundCustomer): StoredCustomer => pick(item, storedCustomerKeys);

/** A customer item holds `email`; the revocations that `revoke` leaves under a free e-mail key do not. */
export const isCustomer = (
  item: Record<string, unknown> | undefined,
): item is Record<string, unknown> & CustomerItem => typeof item?.email === 'string';

const revokedClaims = (item: Record<string, unknown> | undefined): ReadonlySet<unknown> =>
  item?.revoked_claims instanceof Set ? item.revoked_claims : new Set();

export const isPending = (item: Pick<CustomerItem, 'is_active'>): boolean => item.is_active === false;

/** A pending account past its time counts as absent everywhere. */
export const isExpired = (item: Pick<CustomerItem, 'is_active' | 'expires_at'>, now: number): boolean =>
  isPending(item) && (item.expires_at ?? 0) <= now;

const names = (attributes: readonly string[], prefix: string) =>
  Object.fromEntries(attributes.map((name, i) => [`#${prefix}${i}`, name]));

/**
 * The customer items: `customer#<emailKey>`, one per e-mail key. Its conditional write is the only
 * authority on the e-mail, and it also fences slug reservations: a reservation that a later signup
 * reclaimed is revoked here first (`revoked_claims`, a set that every write of the item keeps), and a
 * customer can only be written under a reservation that is not revoked. So a signup paused for any
 * time cannot store its customer under a slug that was handed to another. A pending account
 * (`is_active` false) holds its e-mail only until a new signup replaces it or it expires.
 */
export const dynamoDbCustomers = (table: TableRequests, now: () => number) => {
  const revoke = async (emailKey: string, claimId: string): Promise<'stored' | 'pending' | 'dead'> => {
    const key = customerKey(emailKey);
    // A few rounds at most: each one that fails saw the item change under it.
    for (let round = 0; round < 4; round += 1) {
      // No customer, or another one (which this reservation could still replace if it is pending).
      const revoked = await table.update(key, {
        // Its TTL goes: an item that keeps revoked claims is never deleted.
        UpdateExpression: 'ADD #revoked :claimSet REMOVE #expiration',
        ConditionExpression: 'attribute_not_exists(#email) OR #claimId <> :claimId',
        ExpressionAttributeNames: {
          '#revoked': 'revoked_claims',
          '#email': 'email',
          '#claimId': 'claim_id',
          '#expiration': 'expiration',
        },
        ExpressionAttributeValues: { ':claimSet': new Set([claimId]), ':claimId': claimId },
      });
      if (revoked) return 'dead';
      // Its own customer: revoked only as a pending account past its time, whose personal data goes with it.
      const expired = await table.update(key, {
        UpdateExpression: `ADD #revoked :claimSet REMOVE ${PERSONAL_ATTRIBUTES.map((_, i) => `#p${i}`).join(', ')}`,
        ConditionExpression: '#claimId = :claimId AND #active = :pending AND #expires < :now',
        ExpressionAttributeNames: {
          ...names(PERSONAL_ATTRIBUTES, 'p'),
          '#revoked': 'revoked_claims',
          '#claimId': 'claim_id',
          '#active': 'is_active',
          '#expires': 'expires_at',
        },
        ExpressionAttributeValues: {
          ':claimSet': new Set([claimId]),
          ':claimId': claimId,
          ':pending': false,
          ':now': now(),
        },
      });
      if (expired) return 'dead';
      const item = await table.get(key, ['email', 'claim_id', 'is_active', 'expires_at']);
      if (isCustomer(item) && item.claim_id === claimId && !isExpired(item, now())) {
        return isPending(item) ? 'pending' : 'stored';
      }
    }
    throw new Error('the customer item kept changing while a slug reservation was revoked');
  };

  return {
    /** The customer of this e-mail key, without its password; undefined when the key is free. */
    find: async (emailKey: string): Promise<FoundCustomer | undefined> => {
      const item = await table.get(customerKey(emailKey), CUSTOMER_ATTRIBUTES);
      return isCustomer(item) ? item : undefined;
    },

    /** Whether the customer is a pending account past its time: absent, for every purpose. */
    isExpired: (customer: Pick<CustomerItem, 'is_active' | 'expires_at'>): boolean =>
      isExpired(customer, now()),

    /**
     * Writes the customer unless the e-mail key has an active one or its reservation was revoked; a
     * pending account is replaced (an update: the item's `revoked_claims` stays). A pending account
     * gets the table's TTL unless the item keeps revoked claims. A write whose answer was lost and
     * whose SDK retry was refused finds its own write: `stored` all the same.
     */
    put: async (emailKey: string, customer: CustomerItem): Promise<'stored' | 'email-taken' | 'revoked'> => {
      const { expiration: _unset, ...item } = customer;
      const expiration =
        isPending(item) && item.expires_at !== undefined ? Math.ceil(item.expires_at / 1000) : undefined;
      const write = (withExpiration: boolean) => {
        const written: CustomerItem = withExpiration ? { ...item, expiration } : item;
        const set = Object.keys(written).filter((name) => written[name as keyof CustomerItem] !== undefined);
        const remove = OPTIONAL_ATTRIBUTES.filter((name) => written[name] === undefined);
        return table.update(customerKey(emailKey), {
          UpdateExpression:
            `SET ${set.map((_, i) => `#s${i} = :s${i}`).join(', ')}` +
            (remove.length > 0 ? ` REMOVE ${remove.map((_, i) => `#r${i}`).join(', ')}` : ''),
          ConditionExpression:
            '(attribute_not_exists(#email) OR #active = :pending) AND ' +
            (withExpiration
              ? 'attribute_not_exists(#revoked)'
              : '(attribute_not_exists(#revoked) OR NOT contains(#revoked, :claim))'),
          ExpressionAttributeNames: {
            ...names(set, 's'),
            ...names(remove, 'r'),
            '#email': 'email',
            '#active': 'is_active',
            '#revoked': 'revoked_claims',
          },
          ExpressionAttributeValues: {
            ...Object.fromEntries(set.map((name, i) => [`:s${i}`, written[name as keyof CustomerItem]])),
            ':pending': false,
            ...(withExpiration ? {} : { ':claim': item.claim_id }),
          },
        });
      };
      if (await write(expiration !== undefined)) return 'stored';
      const holder = await table.get(customerKey(emailKey), [
        'email',
        'claim_id',
        'is_active',
        'revoked_claims',
      ]);
      if (isCustomer(holder) && holder.claim_id === item.claim_id) return 'stored';
      // A pending holder would have been replaced: the reservation was revoked.
      if (isCustomer(holder) && !isPending(holder)) return 'email-taken';
      if (revokedClaims(holder).has(item.claim_id)) return 'revoked';
      // Refused for the revoked claims of other reservations alone: the account goes without the TTL.
      if (expiration !== undefined && (await write(false))) return 'stored';
      return 'revoked';
    },

    /** Whether the customer of this e-mail key was stored for good under this reservation, with this slug. */
    holds: async (emailKey: string, claimId: string, slug: string): Promise<boolean> => {
      const item = await table.get(customerKey(emailKey), ['email', 'claim_id', 'slug', 'is_active']);
      return isCustomer(item) && item.claim_id === claimId && item.slug === slug && !isPending(item);
    },

    fate: async (emailKey: string, claimId: string): Promise<ReservationFate> => {
      const item = await table.get(customerKey(emailKey), [
        'email',
        'claim_id',
        'is_active',
        'expires_at',
        'revoked_claims',
      ]);
      if (revokedClaims(item).has(claimId)) return 'dead';
      if (!isCustomer(item)) return 'open';
      if (item.claim_id !== claimId) return 'superseded';
      if (!isPending(item)) return 'stored';
      return isExpired(item, now()) ? 'expired' : 'pending';
    },

    /**
     * Makes sure the reservation can never store a customer, unless its customer holds the e-mail
     * (active, or pending and unexpired). An expired pending account of it is removed, its
     * reservation revoked with it.
     */
    revoke,

    /** The account whose current link has this token hash, read strongly consistent after the index. */
    requestNotice: async ({ emailKey, nonce, minIntervalMs }: NoticeRequest): Promise<boolean> => {
      const at = now();
      const requested = await table.update(customerKey(emailKey), {
        UpdateExpression: 'SET #nonce = :nonce, #requestedAt = :now',
        ConditionExpression:
          '#active = :active AND (attribute_not_exists(#requestedAt) OR #requestedAt < :requestableBefore)',
        ExpressionAttributeNames: {
          '#nonce': 'notice_nonce',
          '#requestedAt': 'notice_requested_at',
          '#active': 'is_active',
        },
        ExpressionAttributeValues: {
          ':nonce': nonce,
          ':now': at,
          ':active': true,
          ':requestableBefore': at - minIntervalMs,
        },
      });
      return requested;
    },
  };
};
