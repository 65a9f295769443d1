import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type {
  AccountToVerify,
  StoredCustomer,
  VerificationLink,
  VerificationStore,
} from '../core/customer-store.ts';
import {
  CUSTOMER_ATTRIBUTES,
  customerKey,
  isCustomer,
  isExpired,
  isPending,
  toStoredCustomer,
} from './customers.ts';
import { customersTable } from './customers-table.ts';
import { translateStoreFaults } from './faults.ts';
import { tableRequests } from './table-requests.ts';

/**
 * The verification side of the customer items: find a link's account through the token index,
 * count wrong passwords, activate, renew the link. Every write is conditional on the account still
 * holding the link that was read. Only the verify function loads this module: it alone queries the
 * index, so the signup function is granted no Query.
 */
const dynamoDbVerifications = (
  db: DynamoDBDocumentClient,
  tableName: string,
  now: () => number,
  signal?: AbortSignal,
) => {
  const table = tableRequests(db, tableName, signal);

  /** The keys of the items the token index holds under a hash: eventually consistent, as every index. */
  const tokenIndexKeys = async (tokenHash: string): Promise<string[]> => {
    signal?.throwIfAborted();
    const { Items = [] } = await db.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: customersTable.tokenIndex.indexName,
        KeyConditionExpression: '#tokenHash = :tokenHash',
        ExpressionAttributeNames: { '#tokenHash': customersTable.tokenIndex.partitionKey },
        ExpressionAttributeValues: { ':tokenHash': tokenHash },
      }),
      signal === undefined ? {} : { abortSignal: signal },
    );
    return Items.map((item) => item[customersTable.partitionKey]).filter(
      (pk): pk is string => typeof pk === 'string',
    );
  };

  return {
    findByTokenHash: async (tokenHash: string): Promise<AccountToVerify | undefined> => {
      const keys = await tokenIndexKeys(tokenHash);
      for (const key of keys) {
        const item = await table.get(key, [
          ...CUSTOMER_ATTRIBUTES,
          'password',
          'token_hash',
          'failed_attempts',
        ]);
        // The index lags the table: the link may have been replaced since.
        if (!isCustomer(item) || item.token_hash !== tokenHash) continue;
        return {
          emailKey: key.slice(customersTable.keyPrefixes.customer.length),
          claimId: item.claim_id,
          tokenHash,
          state: !isPending(item) ? 'active' : isExpired(item, now()) ? 'expired' : 'pending',
          failedAttempts: item.failed_attempts ?? 0,
          passwordHash: item.password,
          customer: toStoredCustomer(item),
        };
      }
      return undefined;
    },

    recordWrongPassword: async (account: AccountToVerify): Promise<void> => {
      await table.update(customerKey(account.emailKey), {
        UpdateExpression: 'ADD #failed :one',
        ConditionExpression: '#claimId = :claimId AND #tokenHash = :tokenHash',
        ExpressionAttributeNames: {
          '#failed': 'failed_attempts',
          '#claimId': 'claim_id',
          '#tokenHash': 'token_hash',
        },
        ExpressionAttributeValues: {
          ':one': 1,
          ':claimId': account.claimId,
          ':tokenHash': account.tokenHash,
        },
      });
    },

    activate: async (
      account: AccountToVerify,
      maxFailedAttempts: number,
    ): Promise<StoredCustomer | undefined> => {
      const item = await table.updateAndRead(customerKey(account.emailKey), {
        // Active for good: no longer the TTL's to delete.
        UpdateExpression: 'SET #active = :active REMOVE #expires, #expiration',
        ConditionExpression:
          '#claimId = :claimId AND #tokenHash = :tokenHash AND #failed < :maxFailed AND ' +
          '(#active = :active OR #expires > :now)',
        ExpressionAttributeNames: {
          '#active': 'is_active',
          '#expires': 'expires_at',
          '#expiration': 'expiration',
          '#claimId': 'claim_id',
          '#tokenHash': 'token_hash',
          '#failed': 'failed_attempts',
        },
        ExpressionAttributeValues: {
          ':active': true,
          ':claimId': account.claimId,
          ':tokenHash': account.tokenHash,
          ':maxFailed': maxFailedAttempts,
          ':now': now(),
        },
      });
      return isCustomer(item) ? toStoredCustomer(item) : undefined;
    },

    renewLink: async (emailKey: string, link: VerificationLink, minIntervalMs: number): Promise<boolean> => {
      const at = now();
      const renewed = await table.update(customerKey(emailKey), {
        UpdateExpression: 'SET #nonce = :nonce, #tokenHash = :tokenHash, #issuedAt = :now, #failed = :zero',
        ConditionExpression: '#active = :pending AND #expires > :now AND #issuedAt < :renewableBefore',
        ExpressionAttributeNames: {
          '#nonce': 'token_nonce',
          '#tokenHash': 'token_hash',
          '#issuedAt': 'token_issued_at',
          '#failed': 'failed_attempts',
          '#active': 'is_active',
          '#expires': 'expires_at',
        },
        ExpressionAttributeValues: {
          ':nonce': link.tokenNonce,
          ':tokenHash': link.tokenHash,
          ':now': at,
          ':zero': 0,
          ':pending': false,
          ':renewableBefore': at - minIntervalMs,
        },
      });
      return renewed;
    },
  };
};

/** The verification store on the customers table; `now` is the clock of pending accounts' expiry. */
export const createDynamoDbVerificationStore = (
  db: DynamoDBDocumentClient,
  tableName: string,
  { now = Date.now }: { now?: () => number } = {},
): VerificationStore => {
  const verificationsFor = (signal?: AbortSignal) => dynamoDbVerifications(db, tableName, now, signal);
  return {
    findAccountByTokenHash: (tokenHash, signal) =>
      translateStoreFaults(() => verificationsFor(signal).findByTokenHash(tokenHash)),
    recordWrongPassword: (account, signal) =>
      translateStoreFaults(() => verificationsFor(signal).recordWrongPassword(account)),
    activate: (account, maxFailedAttempts, signal) =>
      translateStoreFaults(() => verificationsFor(signal).activate(account, maxFailedAttempts)),
    renewLink: (emailKey, link, minIntervalMs, signal) =>
      translateStoreFaults(() => verificationsFor(signal).renewLink(emailKey, link, minIntervalMs)),
  };
};
