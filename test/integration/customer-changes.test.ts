import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord, SQSBatchResponse } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { newTokenNonce, tokenHash, verificationToken } from '../../functions/core/verification-token.ts';
import { createCustomerChangesHandler } from '../../functions/customer-changes/create-customer-changes-handler.ts';
import { createDocumentClient, createDynamoDbClient } from '../../functions/dynamodb/client.ts';
import { mailQuotaKey } from '../../functions/dynamodb/mail-quota.ts';
import { createEventBridgePublisher, EVENT_SOURCE } from '../../functions/mail/event-publisher.ts';
import type { MailSettings } from '../../functions/mail/settings.ts';
import { pipesMessageOf } from '../../local/change-relay.ts';
import { type LocalInbox, startLocalInbox } from '../../local/local-inbox.ts';
import { capturingOutput } from '../support/captured-output.ts';
import { type DynamoDbLocal, startDynamoDbLocal } from '../support/dynamodb-local.ts';
import { createTableWithStream, tableStreamReader } from '../support/table-stream.ts';

const SECRET = 'a-signup-secret-of-at-least-32-characters';
const VERIFY_URL = 'http://127.0.0.1:3001/verify';
const HOUR_MS = 3_600_000;
const tableName = 'customers-with-stream';

interface InboxMail {
  destination: { to: string[] };
  from: string;
  subject: string;
  body: { text?: string; html?: string };
}

let dynamoDbLocal: DynamoDbLocal;
let inbox: LocalInbox;
let stream: ReturnType<typeof tableStreamReader>;
let db: ReturnType<typeof createDocumentClient>;
const eventBridge = new EventBridgeClient({
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
const eventBridgeMock = mockClient(eventBridge);

beforeAll(async () => {
  [dynamoDbLocal, inbox] = await Promise.all([startDynamoDbLocal(), startLocalInbox(0)]);
  const client = createDynamoDbClient({ endpoint: dynamoDbLocal.endpoint, requestTimeoutMs: 10_000 });
  stream = tableStreamReader(dynamoDbLocal.endpoint, await createTableWithStream(client, tableName));
  db = createDocumentClient({ endpoint: dynamoDbLocal.endpoint, requestTimeoutMs: 10_000 });
});

afterAll(async () => {
  stream?.close();
  await Promise.all([dynamoDbLocal?.stop(), inbox?.close()]);
});

beforeEach(async () => {
  eventBridgeMock.reset();
  eventBridgeMock.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e1' }] });
  await stream.newRecords();
});

const settings = (overrides: Partial<MailSettings> = {}): MailSettings => ({
  tableName,
  signupSecret: SECRET,
  sesEndpoint: inbox.url,
  mailFrom: 'Northwind Market <no-reply@example.com>',
  verifyUrl: VERIFY_URL,
  sesConfigurationSet: undefined,
  eventBusName: 'customer-events',
  dynamodbEndpoint: dynamoDbLocal.endpoint,
  ...overrides,
});

const handlerFor = (overrides: Partial<MailSettings> = {}) =>
  createCustomerChangesHandler(settings(overrides), {
    db,
    publisher: createEventBridgePublisher({ client: eventBridge, eventBusName: 'customer-events' }),
  });

/** The stream's new records, each wrapped as the SQS message the Pipe delivers, handled in one batch. */
const deliver = async (
  handler = handlerFor(),
  records?: DynamoDBRecord[],
): Promise<{ answer: SQSBatchResponse; messageIds: string[]; lines: Record<string, unknown>[] }> => {
  const messages = (records ?? (await stream.newRecords())).map((record) => pipesMessageOf(record));
  const { result, lines } = await capturingOutput(() => handler({ Records: messages }));
  return { answer: result, messageIds: messages.map((message) => message.messageId), lines };
};

const mailsTo = async (address: string): Promise<InboxMail[]> => {
  const store = (await (await fetch(`${inbox.url}/store`)).json()) as { emails: InboxMail[] };
  return store.emails.filter((mail) => mail.destination.to.includes(address));
};

const linkToken = (mail: InboxMail | undefined): string => {
  const text = mail?.body.text ?? '';
  const match = text.match(/http:\/\/127\.0\.0\.1:3001\/verify#token=([A-Za-z0-9_-]+)/);
  if (!match?.[1]) throw new Error('the mail holds no link');
  return match[1];
};

/** A pending account as the signup stores it when verification is required. */
const writePending = async (address: string, nonce = newTokenNonce()) => {
  const now = Date.now();
  const item = {
    pk: `customer#${address.toLowerCase()}`,
    email: address,
    first_name: 'Ada',
    last_name: 'Lovelace',
    slug: `ada-${randomUUID().slice(0, 8)}`,
    date_of_birth: '1815-12-10',
    address: null,
    last_purchase_date: null,
    password: `bcrypt$$2b$04$${'a'.repeat(53)}`,
    created_at: new Date(now).toISOString(),
    is_active: false,
    claim_id: randomUUID(),
    expires_at: now + 48 * HOUR_MS,
    token_nonce: nonce,
    token_hash: tokenHash(verificationToken(SECRET, nonce)),
    token_issued_at: now,
    failed_attempts: 0,
  };
  await db.send(new PutCommand({ TableName: tableName, Item: item }));
  return item;
};

/** A resend: a new nonce and hash on the same pending account. */
const resend = async (address: string) => {
  const nonce = newTokenNonce();
  await db.send(
    new UpdateCommand({
      TableName: tableName,
      Key: { pk: `customer#${address.toLowerCase()}` },
      UpdateExpression:
        'SET token_nonce = :nonce, token_hash = :hash, token_issued_at = :now, failed_attempts = :zero',
      ExpressionAttributeValues: {
        ':nonce': nonce,
        ':hash': tokenHash(verificationToken(SECRET, nonce)),
        ':now': Date.now(),
        ':zero': 0,
      },
    }),
  );
  return nonce;
};

const uniqueAddress = () => `ada.${randomUUID().slice(0, 8)}@example.com`;

const publishedEvents = () =>
  eventBridgeMock.commandCalls(PutEventsCommand).flatMap((call) => call.args[0].input.Entries ?? []);

describe('mails and events from the table stream, through the SQS messages a Pipe delivers', () => {
  it('mails a new pending account the link whose token hashes to what the item keeps', async () => {
    const address = uniqueAddress();
    const item = await writePending(address);

    const { answer, lines } = await deliver();

    expect(answer).toEqual({ batchItemFailures: [] });
    const [mail, ...others] = await mailsTo(address);
    expect(others).toEqual([]);
    expect(mail?.subject).toBe('Confirm your e-mail address');
    expect(mail?.from).toBe('Northwind Market <no-reply@example.com>');
    expect(mail?.body.text).toContain('Hello Ada,');
    expect(mail?.body.html).toContain('Hello Ada,');
    expect(tokenHash(linkToken(mail))).toBe(item.token_hash);
    const logged = JSON.stringify(lines);
    for (const secret of [linkToken(mail), item.token_hash, item.token_nonce, address, item.password])
      expect(logged).not.toContain(secret);
    expect(lines.find((line) => line.message === 'change carried out')).toMatchObject({
      email: `a***@example.com`,
      outcomes: ['verification-mail:sent', 'events:published'],
    });
    expect(lines.find((line) => '_aws' in line)).toMatchObject({ MailsSent: 1, EventsPublished: 1 });
  });

  it('never mails a replaced nonce: a delivery late after a resend sends the new link only', async () => {
    const address = uniqueAddress();
    await writePending(address);
    const newNonce = await resend(address);

    const records = await stream.newRecords();
    expect(records.map((record) => record.eventName)).toEqual(['INSERT', 'MODIFY']);
    const { answer } = await deliver(handlerFor(), records);

    expect(answer).toEqual({ batchItemFailures: [] });
    const mails = await mailsTo(address);
    expect(mails.map((mail) => tokenHash(linkToken(mail)))).toEqual([
      tokenHash(verificationToken(SECRET, newNonce)),
    ]);
  });

  it('sends no sixth verification mail a day to one address, and counts the refusal', async () => {
    const address = uniqueAddress();
    await writePending(address);
    await deliver();
    for (let resent = 1; resent <= 5; resent += 1) {
      await resend(address);
      const { answer, lines } = await deliver();
      expect(answer).toEqual({ batchItemFailures: [] });
      if (resent === 5) expect(lines.find((line) => '_aws' in line)).toMatchObject({ MailQuotaReached: 1 });
    }
    expect(await mailsTo(address)).toHaveLength(5);
    const { Item: quota } = await db.send(
      new GetCommand({
        TableName: tableName,
        Key: { pk: mailQuotaKey(address.toLowerCase(), new Date().toISOString().slice(0, 10)) },
      }),
    );
    expect((quota?.sent as Set<string> | undefined)?.size).toBe(5);
    expect(quota?.expiration).toEqual(expect.any(Number));
  });

  it('reports a message back when SES is down, and mails it when the message comes again', async () => {
    const address = uniqueAddress();
    const item = await writePending(address);
    const records = await stream.newRecords();
    const closed = createServer().listen(0, '127.0.0.1');
    await new Promise((listening) => closed.once('listening', listening));
    const { port } = closed.address() as { port: number };
    closed.close();

    const down = await deliver(handlerFor({ sesEndpoint: `http://127.0.0.1:${port}` }), records);
    expect(down.answer.batchItemFailures).toEqual([{ itemIdentifier: down.messageIds[0] }]);
    expect(await mailsTo(address)).toEqual([]);
    const warning = down.lines.find((line) => line.message === 'change failed, to be delivered again');
    expect(warning).toMatchObject({
      level: 'WARN',
      errors: [expect.objectContaining({ effect: 'verification-mail' })],
    });
    expect(down.lines.find((line) => '_aws' in line)).toMatchObject({ MailsFailed: 1 });

    const again = await deliver(handlerFor(), records);
    expect(again.answer).toEqual({ batchItemFailures: [] });
    const mails = await mailsTo(address);
    expect(mails.map((mail) => tokenHash(linkToken(mail)))).toEqual([item.token_hash]);
  });

  it('counts a mail SES refuses for good and does not deliver its message again', async () => {
    const address = uniqueAddress();
    await writePending(address);
    const records = await stream.newRecords();
    // An SESv2 endpoint that answers every SendEmail as SES does in the sandbox for an unverified recipient.
    const refusing = createHttpServer((_request, response) => {
      response.writeHead(400, { 'content-type': 'application/json', 'x-amzn-errortype': 'MessageRejected' });
      response.end(JSON.stringify({ message: `Email address is not verified: ${address}` }));
    }).listen(0, '127.0.0.1');
    await new Promise((listening) => refusing.once('listening', listening));
    const { port } = refusing.address() as { port: number };
    try {
      const refused = await deliver(handlerFor({ sesEndpoint: `http://127.0.0.1:${port}` }), records);
      expect(refused.answer).toEqual({ batchItemFailures: [] });
      expect(refused.lines.find((line) => '_aws' in line)).toMatchObject({ MailsRefused: 1 });
      expect(refused.lines.find((line) => line.message === 'change carried out')).toMatchObject({
        outcomes: expect.arrayContaining(['verification-mail:refused']),
      });
      expect(JSON.stringify(refused.lines)).not.toContain(address);
    } finally {
      refusing.close();
    }
  });

  it('publishes CustomerSignedUp and CustomerVerified with the public fields only', async () => {
    const address = uniqueAddress();
    const item = await writePending(address);
    await db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: item.pk },
        UpdateExpression: 'SET is_active = :true REMOVE expires_at',
        ExpressionAttributeValues: { ':true': true },
      }),
    );

    const { answer } = await deliver();

    expect(answer).toEqual({ batchItemFailures: [] });
    const entries = publishedEvents();
    expect(entries.map((entry) => [entry.Source, entry.DetailType, entry.EventBusName])).toEqual([
      [EVENT_SOURCE, 'CustomerSignedUp', 'customer-events'],
      [EVENT_SOURCE, 'CustomerVerified', 'customer-events'],
    ]);
    const customer = {
      email: address,
      first_name: 'Ada',
      last_name: 'Lovelace',
      slug: item.slug,
      date_of_birth: '1815-12-10',
      address: null,
      last_purchase_date: null,
      created_at: item.created_at,
    };
    expect(entries.map((entry) => JSON.parse(entry.Detail ?? '{}'))).toEqual([
      { change_id: expect.any(String), customer: { ...customer, is_active: false } },
      { change_id: expect.any(String), customer: { ...customer, is_active: true } },
    ]);
    const published = JSON.stringify(entries);
    for (const secret of [item.password, item.token_hash, item.token_nonce, item.claim_id])
      expect(published).not.toContain(secret);
  });

  it('reports a message back when EventBridge refuses an event', async () => {
    eventBridgeMock
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'x' }] });
    const address = uniqueAddress();
    await writePending(address);

    const { answer, messageIds, lines } = await deliver();

    expect(answer.batchItemFailures).toEqual([{ itemIdentifier: messageIds[0] }]);
    expect(lines.find((line) => '_aws' in line)).toMatchObject({ EventsFailed: 1, MailsSent: 1 });
  });

  it('mails the owner of a verified address when someone signs up with it', async () => {
    const address = uniqueAddress();
    const item = await writePending(address);
    await db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: item.pk },
        UpdateExpression: 'SET is_active = :true REMOVE expires_at',
        ExpressionAttributeValues: { ':true': true },
      }),
    );
    await deliver();
    await db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: item.pk },
        UpdateExpression: 'SET notice_nonce = :nonce, notice_requested_at = :now',
        ExpressionAttributeValues: { ':nonce': newTokenNonce(), ':now': Date.now() },
      }),
    );

    const { answer } = await deliver();

    expect(answer).toEqual({ batchItemFailures: [] });
    // Verified before its first delivery: the verification mail found the account active and went nowhere.
    const [notice, ...others] = await mailsTo(address);
    expect(others).toEqual([]);
    expect(notice?.subject).toBe('Someone tried to sign up with your address');
    expect(notice?.body.text).toContain('http://127.0.0.1:3001/sign-in');
  });

  it('leaves a message that is no stream record for the DLQ, and skips items that are not customers', async () => {
    const handler = handlerFor();
    const notJson = { ...pipesMessageOf({ eventID: 'x' }), body: 'not json' };
    const slugRecord: DynamoDBRecord = {
      eventID: 'y',
      eventName: 'INSERT',
      dynamodb: { Keys: { pk: { S: 'slug#ada' } }, NewImage: { pk: { S: 'slug#ada' } } },
    };
    const slugMessage = pipesMessageOf(slugRecord);
    const { result, lines } = await capturingOutput(() => handler({ Records: [notJson, slugMessage] }));
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: notJson.messageId }]);
    expect(lines.find((line) => line.message === 'change not understood')).toMatchObject({ level: 'ERROR' });
  });
});
