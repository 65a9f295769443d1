import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { customersTable } from './customers-table.ts';

const PK = customersTable.partitionKey;

/** A condition on the item a write goes to, in DynamoDB's expression syntax. */
export interface Condition {
  expression: string;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

export type Update = Pick<
  UpdateCommandInput,
  'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
>;

export const isConditionalCheckFailed = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/**
 * The single-item requests the store makes on the customers table, for one request (a signup, a
 * verify): once its `signal` is aborted (its answer has gone out), no further request starts and
 * those in flight are cut off, so nothing is written after the answer.
 */
export const tableRequests = (db: DynamoDBDocumentClient, tableName: string, signal?: AbortSignal) => {
  const options = signal === undefined ? {} : { abortSignal: signal };
  const sendUpdate = async (
    pk: string,
    update: Update,
    returnValues: 'NONE' | 'ALL_NEW',
  ): Promise<Record<string, unknown> | undefined> => {
    signal?.throwIfAborted();
    try {
      const { Attributes } = await db.send(
        new UpdateCommand({ TableName: tableName, Key: { [PK]: pk }, ReturnValues: returnValues, ...update }),
        options,
      );
      return Attributes ?? {};
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  };
  return {
    /** A strongly consistent read of some attributes of one item. */
    get: async (pk: string, attributes: readonly string[]): Promise<Record<string, unknown> | undefined> => {
      signal?.throwIfAborted();
      const { Item } = await db.send(
        new GetCommand({
          TableName: tableName,
          Key: { [PK]: pk },
          ConsistentRead: true,
          ProjectionExpression: attributes.map((_, i) => `#a${i}`).join(', '),
          ExpressionAttributeNames: Object.fromEntries(attributes.map((name, i) => [`#a${i}`, name])),
        }),
        options,
      );
      return Item;
    },

    /** Writes the item if `condition` holds on the one it replaces; false if it does not. */
    put: async (pk: string, item: object, condition: Condition): Promise<boolean> => {
      signal?.throwIfAborted();
      try {
        await db.send(
          new PutCommand({
            TableName: tableName,
            Item: { [PK]: pk, ...item },
            ConditionExpression: condition.expression,
            ExpressionAttributeNames: condition.names,
            ExpressionAttributeValues: condition.values,
          }),
          options,
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
    },

    /**
     * Updates the item if its condition holds; false if it does not. It asks for nothing back: a
     * customer's answer would carry its password hash for no reader.
     */
    update: async (pk: string, update: Update): Promise<boolean> =>
      (await sendUpdate(pk, update, 'NONE')) !== undefined,

    /** Updates the item, returning all its attributes after the update; undefined if its condition fails. */
    updateAndRead: (pk: string, update: Update): Promise<Record<string, unknown> | undefined> =>
      sendUpdate(pk, update, 'ALL_NEW'),
  };
};

export type TableRequests = ReturnType<typeof tableRequests>;
