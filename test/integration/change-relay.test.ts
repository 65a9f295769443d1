import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord, SQSEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, type MockInstance, vi } from 'vitest';
import { newTokenNonce, tokenHash, verificationToken } from '../../functions/core/verification-token.ts';
import { createDynamoDbClient, toDocumentClient } from '../../functions/dynamodb/client.ts';
import { attachChangeRelay } from '../../local/change-relay.ts';
import { type LocalInbox, startLocalInbox } from '../../local/local-inbox.ts';
import { localMailSettings, startLocalMail } from '../../local/local-mail.ts';
import { capturingOutput } from '../support/captured-output.ts';
import { type DynamoDbLocal, startDynamoDbLocal } from '../support/dynamodb-local.ts';
import { createTableWithStream, tableStreamReader } from '../support/table-stream.ts';

const SECRET = 'a-signup-secret-of-at-least-32-characters';
const tableName = 'relayed-customers';

let dynamoDbLocal: DynamoDbLocal;
let inbox: LocalInbox;
let stream: ReturnType<typeof tableStreamReader>;

beforeAll(async () => {
  [dynamoDbLocal, inbox] = await Promise.all([startDynamoDbLocal(), startLocalInbox(0)]);
  const client = createDynamoDbClient({ endpoint: dynamoDbLocal.endpoint, requestTimeoutMs: 10_000 });
  stream = tableStreamReader(dynamoDbLocal.endpoint, await createTableWithStream(client, tableName));
});

afterAll(async () => {
  stream?.close();
  await Promise.all([dynamoDbLocal?.stop(), inbox?.close()]);
});

/** A document client whose customer writes are relayed to a consumer that keeps what it is handed. */
const relayed = (consume: (event: SQSEvent) => Promise<string[]> = async () => []) => {
  const client = createDynamoDbClient({ endpoint: dynamoDbLocal.endpoint, requestTimeoutMs: 10_000 });
  const messages: SQSEvent['Records'] = [];
  const relay = attachChangeRelay(client, {
    tableName,
    reads: client,
    retryDelaysMs: [10, 10],
    consume: async (event) => {
      messages.push(...event.Records);
      const failed = await consume(event);
      return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
    },
  });
  return { db: toDocumentClient(client), relay, messages };
};

/** What of a stream record the consumer reads: the kind of change, the key and both images. */
const essence = (record: DynamoDBRecord) => ({
  eventName: record.eventName,
  Keys: record.dynamodb?.Keys,
  NewImage: record.dynamodb?.NewImage,
  OldImage: record.dynamodb?.OldImage,
});

const pendingItem = (pk: string, nonce: string) => ({
  pk,
  email: 'Ada@example.com',
  first_name: 'Ada',
  last_name: 'Lovelace',
  slug: 'ada-lovelace',
  date_of_birth: null,
  created_at: new Date().toISOString(),
  is_active: false,
  claim_id: randomUUID(),
  expires_at: Date.now() + 3_600_000,
  token_nonce: nonce,
  token_hash: tokenHash(verificationToken(SECRET, nonce)),
  token_issued_at: Date.now(),
  failed_attempts: 0,
  revoked_claims: new Set(['claim-0']),
});

describe('the local change relay, standing in for the stream and the Pipe', () => {
  // The SDK warns on the console, where npm start's log lines go, when its request bytes are read as text.
  let warnings: MockInstance<typeof console.warn>;
  beforeAll(() => {
    warnings = vi.spyOn(console, 'warn');
  });
  afterEach(() => expect(warnings).not.toHaveBeenCalled());

  it('hands over the records DynamoDB Streams writes for the same writes, as Pipes messages', async () => {
    const { db, relay, messages } = relayed();
    const pk = `customer#${randomUUID()}@example.com`;
    await stream.newRecords();

    await db.send(new PutCommand({ TableName: tableName, Item: pendingItem(pk, 'n1') }));
    await db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk },
        UpdateExpression: 'SET token_nonce = :nonce ADD failed_attempts :one',
        ExpressionAttributeValues: { ':nonce': 'n2', ':one': 1 },
      }),
    );
    await expect(
      db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk },
          UpdateExpression: 'SET is_active = :true',
          ConditionExpression: 'is_active = :true',
          ExpressionAttributeValues: { ':true': true },
        }),
      ),
    ).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    await db.send(new PutCommand({ TableName: tableName, Item: { pk: `slug#${randomUUID()}` } }));
    await db.send(new DeleteCommand({ TableName: tableName, Key: { pk } }));
    await relay.idle();

    const streamed = (await stream.newRecords()).filter((record) => record.dynamodb?.Keys?.pk?.S === pk);
    const relayedRecords = messages.map((message) => JSON.parse(message.body) as DynamoDBRecord);
    expect(relayedRecords.map((record) => record.eventName)).toEqual(['INSERT', 'MODIFY', 'REMOVE']);
    expect(relayedRecords.map(essence)).toEqual(streamed.map(essence));
    for (const message of messages)
      expect(message).toMatchObject({ eventSource: 'aws:sqs', messageId: expect.any(String) });
  });

  it('gives concurrent writes to one item the images of each write: every record one step of the item', async () => {
    const { db, relay, messages } = relayed();
    const pk = `customer#${randomUUID()}@example.com`;
    const writes = 20;

    await Promise.all(
      Array.from({ length: writes }, () =>
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk },
            UpdateExpression: 'ADD failed_attempts :one',
            ExpressionAttributeValues: { ':one': 1 },
          }),
        ),
      ),
    );
    await relay.idle();

    const steps = messages.map((message) => {
      const { dynamodb } = JSON.parse(message.body) as DynamoDBRecord;
      return [dynamodb?.OldImage?.failed_attempts?.N ?? null, dynamodb?.NewImage?.failed_attempts?.N];
    });
    expect(steps.sort((a, b) => Number(a[1]) - Number(b[1]))).toEqual(
      Array.from({ length: writes }, (_, index) => [index === 0 ? null : String(index), String(index + 1)]),
    );
  });

  it('answers a write that asks for nothing before any read of the item, its old image its own answer', async () => {
    const client = createDynamoDbClient({ endpoint: dynamoDbLocal.endpoint, requestTimeoutMs: 10_000 });
    const reads = createDynamoDbClient({ endpoint: dynamoDbLocal.endpoint, requestTimeoutMs: 10_000 });
    // Every read the relay makes is held until the test lets it through.
    let gate = Promise.withResolvers<void>();
    const readsSent: string[] = [];
    reads.middlewareStack.add(
      (next, context) => async (args) => {
        readsSent.push(context.commandName ?? '');
        await gate.promise;
        return next(args);
      },
      { step: 'initialize' },
    );
    const messages: SQSEvent['Records'] = [];
    const relay = attachChangeRelay(client, {
      tableName,
      reads,
      consume: async (event) => {
        messages.push(...event.Records);
        return { batchItemFailures: [] };
      },
    });
    const db = toDocumentClient(client);
    const pk = `customer#${randomUUID()}@example.com`;
    gate.resolve();
    await db.send(new PutCommand({ TableName: tableName, Item: pendingItem(pk, 'n1') }));
    await relay.idle();
    await stream.newRecords();
    gate = Promise.withResolvers<void>();
    readsSent.length = 0;

    let answered = false;
    const asked = db
      .send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk },
          UpdateExpression: 'SET token_nonce = :nonce',
          ExpressionAttributeValues: { ':nonce': 'n2' },
        }),
      )
      .finally(() => {
        answered = true;
      });
    // The one read the relay makes is the item after the write, once the write has been answered.
    await vi.waitFor(() => expect(readsSent).toEqual(['GetItemCommand']));
    expect(answered).toBe(true);
    gate.resolve();
    expect((await asked).Attributes).toBeUndefined();
    // A caller that asks for values gets them; the relay then reads the old image before the write.
    const withValues = await db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk },
        UpdateExpression: 'SET token_nonce = :nonce',
        ExpressionAttributeValues: { ':nonce': 'n3' },
        ReturnValues: 'UPDATED_OLD',
      }),
    );
    expect(withValues.Attributes).toEqual({ token_nonce: 'n2' });
    await relay.idle();

    const streamed = (await stream.newRecords()).filter((record) => record.dynamodb?.Keys?.pk?.S === pk);
    const relayedRecords = messages.slice(1).map((message) => JSON.parse(message.body) as DynamoDBRecord);
    expect(relayedRecords.map(essence)).toEqual(streamed.map(essence));
    expect(relayedRecords.map((record) => record.dynamodb?.OldImage?.token_nonce?.S)).toEqual(['n1', 'n2']);
  });

  it('answers the write without waiting for the consumer, and delivers again what the consumer failed', async () => {
    const release = Promise.withResolvers<void>();
    let attempts = 0;
    const { db, relay, messages } = relayed(async (event) => {
      attempts += 1;
      if (attempts === 1) {
        await release.promise;
        return event.Records.map((message) => message.messageId);
      }
      return [];
    });
    const pk = `customer#${randomUUID()}@example.com`;

    await db.send(new PutCommand({ TableName: tableName, Item: pendingItem(pk, 'n1') }));
    // Answered; the record follows once the item is read after the write, and its consumer is held.
    await vi.waitFor(() => expect(attempts).toBe(1));
    release.resolve();
    await relay.idle();

    expect(attempts).toBe(2);
    expect(messages.map((message) => message.attributes.ApproximateReceiveCount)).toEqual(['1', '2']);
    expect(messages[0]?.body).toBe(messages[1]?.body);
  });

  it('mails through the local inbox what a relayed pending account calls for', async () => {
    const settings = localMailSettings(
      {},
      {
        tableName,
        signupSecret: SECRET,
        dynamodbEndpoint: dynamoDbLocal.endpoint,
        sesEndpoint: inbox.url,
        verifyUrl: 'http://127.0.0.1:3001/verify',
      },
    );
    const mail = startLocalMail(settings, dynamoDbLocal.endpoint);
    const address = `${randomUUID()}@example.com`;
    const nonce = newTokenNonce();
    const item = { ...pendingItem(`customer#${address}`, nonce), email: address };

    await capturingOutput(async () => {
      await mail.documentClient.send(new PutCommand({ TableName: tableName, Item: item }));
      await mail.idle();
    });

    const store = (await (await fetch(`${inbox.url}/store`)).json()) as {
      emails: { destination: { to: string[] }; subject: string; body: { text: string } }[];
    };
    const [sent, ...others] = store.emails.filter((email) => email.destination.to.includes(address));
    expect(others).toEqual([]);
    expect(sent?.subject).toBe('Confirm your e-mail address');
    const token = /#token=([A-Za-z0-9_-]+)/.exec(sent?.body.text ?? '')?.[1] ?? '';
    expect(tokenHash(token)).toBe(item.token_hash);
  });
});
