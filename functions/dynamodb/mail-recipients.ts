import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { MailRecipient, MailRecipients } from '../core/customer-change-effects.ts';
import { customerKey } from './customers.ts';
import { customersTable } from './customers-table.ts';

/** Reads what a verification mail needs of the customer item, consistently: the write that asked for the mail is in it. */
export const createDynamoDbMailRecipients = (
  db: DynamoDBDocumentClient,
  tableName: string,
): MailRecipients => ({
  current: async (emailKey) => {
    const { Item: item } = await db.send(
      new GetCommand({
        TableName: tableName,
        Key: { [customersTable.partitionKey]: customerKey(emailKey) },
        ConsistentRead: true,
        ProjectionExpression: '#email, #firstName, #isActive, #nonce, #expiresAt',
        ExpressionAttributeNames: {
          '#email': 'email',
          '#firstName': 'first_name',
          '#isActive': 'is_active',
          '#nonce': 'token_nonce',
          '#expiresAt': 'expires_at',
        },
      }),
    );
    if (typeof item?.email !== 'string' || typeof item.first_name !== 'string') return undefined;
    const recipient: MailRecipient = {
      email: item.email,
      firstName: item.first_name,
      isActive: item.is_active === true,
      tokenNonce: typeof item.token_nonce === 'string' ? item.token_nonce : undefined,
      expiresAt: typeof item.expires_at === 'number' ? item.expires_at : undefined,
    };
    return recipient;
  },
});
