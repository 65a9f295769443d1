import {
  ConditionalCheckFailedException,
  DescribeTimeToLiveCommand,
  GetItemCommand,
  PutItemCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { createDynamoDbClient, toDocumentClient } from '../../functions/dynamodb/client.ts';
import { customersTable } from '../../functions/dynamodb/customers-table.ts';
import { testIdempotencyRecords } from '../support/signup-handler.ts';
import { dynaliteEngine, dynamoDbLocalEngine, useStoreTable } from '../support/store-engines.ts';

/*
 * Where the two engines differ, as each showed it. The code follows DynamoDB and runs on both: its
 * writes use no transactions, and a refused conditional write that brings back no item is followed
 * by a read of it. A new version of either engine that behaves otherwise fails here first.
 */
const engines = [
  {
    engine: dynaliteEngine,
    // It ignores ReturnValuesOnConditionCheckFailure: the refusal carries no item.
    returnsItemOnConditionCheckFailure: false,
    // It has no TransactWriteItems: `UnknownOperationException`.
    hasTransactions: false,
    // It has no UpdateTimeToLive, so the table's TTL stays disabled (and nothing ever expires).
    timeToLiveStatus: 'DISABLED',
  },
  {
    engine: dynamoDbLocalEngine,
    returnsItemOnConditionCheckFailure: true,
    hasTransactions: true,
    // Enabled as on DynamoDB; it did not delete an expired item within a minute, and DynamoDB itself
    // takes up to days, so expired records must count as absent on every engine.
    timeToLiveStatus: 'ENABLED',
  },
] as const;

describe.each(engines)(
  '$engine.name',
  ({ engine, returnsItemOnConditionCheckFailure, hasTransactions, timeToLiveStatus }) => {
    const db = useStoreTable(engine, { freshTablePerTest: true });

    const putCustomer = (email: string, condition?: string) =>
      db.client.send(
        new PutItemCommand({
          TableName: db.tableName,
          Item: { pk: { S: `customer#${email}` }, email: { S: email } },
          ...(condition === undefined ? {} : { ConditionExpression: condition }),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );

    it(`${returnsItemOnConditionCheckFailure ? 'returns' : 'does not return'} the item a refused conditional put met`, async () => {
      await putCustomer('john@example.com');

      const refusal = await putCustomer('john@example.com', 'attribute_not_exists(pk)').catch(
        (error: unknown) => error,
      );

      expect(refusal).toBeInstanceOf(ConditionalCheckFailedException);
      const itemMet = (refusal as ConditionalCheckFailedException).Item;
      if (returnsItemOnConditionCheckFailure) {
        expect(itemMet).toEqual({ pk: { S: 'customer#john@example.com' }, email: { S: 'john@example.com' } });
      } else {
        expect(itemMet).toBeUndefined();
      }
    });

    describe('an Idempotency-Key claim refused by a record in progress', () => {
      const commandsSent: string[] = [];
      afterEach(() => {
        commandsSent.length = 0;
      });

      /** The idempotency records on a client of their own that notes every command it sends. */
      const countedRecords = () => {
        const client = createDynamoDbClient({ endpoint: db.endpoint });
        client.middlewareStack.add(
          (next, context) => (args) => {
            commandsSent.push(String(context.commandName));
            return next(args);
          },
          { step: 'initialize' },
        );
        return { client, records: testIdempotencyRecords(toDocumentClient(client), db.tableName) };
      };

      it(`is answered ${returnsItemOnConditionCheckFailure ? 'from the refusal itself' : 'after a read of the record'}`, async () => {
        const { client, records } = countedRecords();
        const request = { key: 'key-1', body: '{"email": "john@example.com"}' };
        await records.claim(request, 10_000);
        commandsSent.length = 0;

        const claim = await records.claim(request, 10_000);

        expect(claim).toEqual({ state: 'in-progress' });
        expect(commandsSent).toEqual(
          returnsItemOnConditionCheckFailure ? ['PutItemCommand'] : ['PutItemCommand', 'GetItemCommand'],
        );
        client.destroy();
      });
    });

    it(`${hasTransactions ? 'runs' : 'has no'} TransactWriteItems`, async () => {
      await putCustomer('jane@example.com');

      // Two puts, the second refused: DynamoDB cancels both.
      const transaction = db.client
        .send(
          new TransactWriteItemsCommand({
            TransactItems: [
              { Put: { TableName: db.tableName, Item: { pk: { S: 'slug#jane-doe' } } } },
              {
                Put: {
                  TableName: db.tableName,
                  Item: { pk: { S: 'customer#jane@example.com' } },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
            ],
          }),
        )
        .catch((error: unknown) => error);

      const outcome = await transaction;
      if (hasTransactions) {
        expect(outcome).toBeInstanceOf(TransactionCanceledException);
        expect(
          (outcome as TransactionCanceledException).CancellationReasons?.map(({ Code }) => Code),
        ).toEqual(['None', 'ConditionalCheckFailed']);
        const slug = await db.client.send(
          new GetItemCommand({ TableName: db.tableName, Key: { pk: { S: 'slug#jane-doe' } } }),
        );
        expect(slug.Item).toBeUndefined();
      } else {
        expect((outcome as Error).name).toBe('UnknownOperationException');
      }
    });

    it(`leaves the table's TTL ${timeToLiveStatus} once the table is made as the tests make it`, async () => {
      const { TimeToLiveDescription } = await db.client.send(
        new DescribeTimeToLiveCommand({ TableName: db.tableName }),
      );

      expect(TimeToLiveDescription?.TimeToLiveStatus).toBe(timeToLiveStatus);
      if (timeToLiveStatus === 'ENABLED') {
        expect(TimeToLiveDescription?.AttributeName).toBe(customersTable.timeToLiveAttribute);
      }
    });
  },
);
