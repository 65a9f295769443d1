import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { MailQuota } from '../core/customer-change-effects.ts';
import { customersTable } from './customers-table.ts';

/** No address gets more verification mails than this a day, from signups and resends together. */
export const VERIFICATION_MAILS_PER_DAY = 5;
/** A day's quota item outlives its day by this much, then DynamoDB's TTL removes it. */
const QUOTA_KEPT_SECONDS = 2 * 86_400;

export const mailQuotaKey = (emailKey: string, day: string): string =>
  `${customersTable.keyPrefixes.mailQuota}${emailKey}#${day}`;

/**
 * The day's quota of an address as one item holding the nonces mailed that day: a nonce joins the set
 * only while it has fewer than the limit, and one already in it passes again (a retried delivery).
 */
export const createDynamoDbMailQuota = (db: DynamoDBDocumentClient, tableName: string): MailQuota => ({
  admit: async (emailKey, day, nonce) => {
    try {
      await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { [customersTable.partitionKey]: mailQuotaKey(emailKey, day) },
          UpdateExpression: 'ADD sent :nonces SET #expiration = if_not_exists(#expiration, :expiration)',
          ConditionExpression: 'attribute_not_exists(sent) OR size(sent) < :limit OR contains(sent, :nonce)',
          ExpressionAttributeNames: { '#expiration': customersTable.timeToLiveAttribute },
          ExpressionAttributeValues: {
            ':nonces': new Set([nonce]),
            ':nonce': nonce,
            ':limit': VERIFICATION_MAILS_PER_DAY,
            ':expiration': Math.floor(Date.parse(`${day}T00:00:00Z`) / 1000) + QUOTA_KEPT_SECONDS,
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  },
});
