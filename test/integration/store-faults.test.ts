import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import {
  ProvisionedThroughputExceededException,
  PutItemCommand,
  ThrottlingException,
} from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDocumentClient, createDynamoDbClient } from '../../functions/dynamodb/client.ts';
import { customerKey } from '../../functions/dynamodb/customers.ts';
import { ensureTable } from '../../local/embedded-dynamodb.ts';
import { startRestartableDynalite } from '../support/restartable-dynalite.ts';
import {
  contractCustomer,
  createTestHandler,
  invoke,
  jsonPost,
  type TestAnswer,
  validSignup,
} from '../support/signup-handler.ts';

const SERVICE_UNAVAILABLE = { detail: 'Service temporarily unavailable, try again later.' };

const store = await startRestartableDynalite();
const admin = createDynamoDbClient({ endpoint: store.endpoint });
afterAll(async () => {
  admin.destroy();
  await store.close();
});

let tables = 0;
let tableName = '';
/** The production client settings: three attempts, 500 ms to connect, 1 s per request. */
let documentClient: DynamoDBDocumentClient;
beforeEach(async () => {
  tables += 1;
  tableName = `customers-${tables}`;
  await ensureTable(admin, tableName);
  documentClient = createDocumentClient({ endpoint: store.endpoint });
});
afterEach(() => {
  documentClient.destroy();
});

const handler = (timeoutEarlyInMillis = 500) =>
  createTestHandler({ documentClient, tableName, timeoutEarlyInMillis });

const customers = async () =>
  ((await documentClient.send(new ScanCommand({ TableName: tableName }))).Items ?? []).filter(
    (item) => typeof item.email === 'string',
  );

const timed = async (work: Promise<TestAnswer>) => {
  const started = performance.now();
  const answer = await work;
  return { answer, elapsedMs: performance.now() - started };
};

const expectServiceUnavailable = (answer: TestAnswer, { retryAfter = '1' as unknown } = {}) => {
  expect(answer.statusCode).toBe(503);
  expect(answer.json).toEqual(SERVICE_UNAVAILABLE);
  expect(answer.headers?.['Retry-After']).toEqual(retryAfter);
  expect(answer.headers?.['Content-Type']).toBe('application/json');
};

/** The item key a DynamoDB write (a put or an update) is about, whether the input is marshalled yet or not. */
const writtenKey = (input: unknown): string | undefined => {
  const { Item, Key, UpdateExpression } = (input ?? {}) as {
    Item?: { pk?: unknown };
    Key?: { pk?: unknown };
    UpdateExpression?: unknown;
  };
  const pk = Item?.pk ?? (UpdateExpression === undefined ? undefined : Key?.pk);
  if (typeof pk === 'string') return pk;
  const attribute = (pk as { S?: unknown } | undefined)?.S;
  return typeof attribute === 'string' ? attribute : undefined;
};

/** Stops the store once, right after a write of an item whose key starts with `prefix` succeeded. */
const stopStoreAfterWriteOf = (client: DynamoDBDocumentClient, prefix: string) => {
  const name = 'stop-store-after-write';
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      if (writtenKey(args.input)?.startsWith(prefix)) {
        client.middlewareStack.remove(name);
        await store.stop();
      }
      return result;
    },
    { step: 'initialize', name },
  );
};

/**
 * Loses the answer to the first write of an item whose key starts with `prefix` after DynamoDB has
 * applied it, as a connection that dies on the way back does: the SDK sees a timeout and retries.
 */
const loseAnswerToFirstWriteOf = (
  client: DynamoDBDocumentClient,
  prefix: string,
  { thenStopStore = false } = {},
) => {
  let lost = false;
  client.middlewareStack.add(
    (next) => async (args) => {
      const written = await next(args);
      // The SDK's request bytes, decoded as bytes: read as text they warn on the console.
      const wire = (args.request as { body?: unknown } | undefined)?.body;
      const body = wire instanceof Uint8Array ? new TextDecoder().decode(wire) : String(wire);
      const update = body.includes('"UpdateExpression"') && body.includes(`"Key":{"pk":{"S":"${prefix}`);
      if (!lost && (update || body.includes(`"Item":{"pk":{"S":"${prefix}`))) {
        lost = true;
        if (thenStopStore) await store.stop();
        throw Object.assign(new Error('socket hang up after the write'), { name: 'TimeoutError' });
      }
      return written;
    },
    // Below the SDK's retries, where one attempt goes out and its answer comes back.
    { step: 'deserialize', name: 'lose-answer-to-write' },
  );
};

describe('a store that is down', () => {
  it('gets 503 with Retry-After within a second, and the same signup succeeds once it is back', async () => {
    // Prepare
    const call = handler();
    await store.stop();

    // Act
    const { answer: down, elapsedMs } = await timed(invoke(call, jsonPost(validSignup())));
    await store.restart();
    const back = await invoke(call, jsonPost(validSignup()));

    // Assess
    expectServiceUnavailable(down);
    expect(elapsedMs).toBeLessThan(1000);
    expect(back.statusCode).toBe(201);
    expect(await customers()).toHaveLength(1);
  });

  it('gets 503 for a request with an Idempotency-Key, whose key then serves the retry', async () => {
    const call = handler();
    const request = jsonPost(validSignup(), { 'Idempotency-Key': 'down-1' });
    await store.stop();

    const down = await invoke(call, request);
    await store.restart();
    const back = await invoke(call, request);

    expectServiceUnavailable(down);
    expect(back.statusCode).toBe(201);
  });
});

describe('a store that accepts connections and never answers', () => {
  let silent: Server;
  let sockets: Socket[];
  let silentEndpoint = '';
  beforeEach(async () => {
    sockets = [];
    silent = createServer((socket) => sockets.push(socket));
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const address = silent.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    silentEndpoint = `http://127.0.0.1:${address.port}`;
  });
  afterEach(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it("gets 503 once the SDK's bounded attempts time out, well within the function's 10 s", async () => {
    const slowClient = createDocumentClient({ endpoint: silentEndpoint });
    const call = createTestHandler({ documentClient: slowClient, tableName, timeoutEarlyInMillis: 500 });

    const { answer, elapsedMs } = await timed(invoke(call, jsonPost(validSignup())));
    slowClient.destroy();

    expectServiceUnavailable(answer);
    // Three attempts of at most 1 s each, plus the backoff between them.
    expect(elapsedMs).toBeGreaterThan(2900);
    expect(elapsedMs).toBeLessThan(5000);
  });

  it('gets 503 before a shorter time budget runs out, whatever the SDK is still waiting for', async () => {
    const slowClient = createDocumentClient({ endpoint: silentEndpoint });
    const call = createTestHandler({ documentClient: slowClient, tableName, timeoutEarlyInMillis: 500 });

    const { answer, elapsedMs } = await timed(invoke(call, { ...jsonPost(validSignup()), budgetMs: 1500 }));
    slowClient.destroy();

    expectServiceUnavailable(answer);
    expect(elapsedMs).toBeLessThan(1500);
  });
});

describe('a signup still running when middy answers 503 ahead of the deadline', () => {
  it('writes nothing after the answer: its store requests are aborted with it', async () => {
    const writes: { key: string; at: number }[] = [];
    const watched = {
      send: (command: GetCommand | PutCommand, options?: object) => {
        if (!(command instanceof GetCommand))
          writes.push({ key: String(writtenKey(command.input) ?? ''), at: Date.now() });
        return documentClient.send(command as GetCommand, options as never);
      },
    } as unknown as DynamoDBDocumentClient;
    // A hash that outlasts the 300 ms the request has before middy's early answer.
    const slowHash = {
      prepare: () => undefined,
      hash: () => new Promise<string>((resolve) => setTimeout(() => resolve('bcrypt$$2b$04$slow'), 900)),
    };
    const call = createTestHandler({
      documentClient: watched,
      tableName,
      hasher: slowHash,
      timeoutEarlyInMillis: 500,
    });

    const answer = await invoke(call, { ...jsonPost(validSignup()), budgetMs: 800 });
    const answeredAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 1_200));

    expectServiceUnavailable(answer);
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.filter(({ at }) => at >= answeredAt)).toEqual([]);
    expect(await customers()).toEqual([]);
  });
});

describe('a throttling store (aws-sdk-client-mock)', () => {
  it.each([
    [
      'the e-mail check',
      GetCommand,
      new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }),
    ],
    ['the customer write', PutCommand, new ThrottlingException({ message: 'slow down', $metadata: {} })],
  ])('gets 503 when %s is throttled, and the same signup succeeds after', async (_, command, fault) => {
    // Prepare
    const call = handler();
    const mock = mockClient(documentClient);
    mock.send.callThrough();
    mock.on(command as typeof GetCommand).rejects(fault);

    // Act
    const throttled = await invoke(call, jsonPost(validSignup()));
    mock.restore();
    const after = await invoke(call, jsonPost(validSignup()));

    // Assess
    expectServiceUnavailable(throttled);
    expect(after.statusCode).toBe(201);
    expect(after.json).toMatchObject({ slug: 'john-doe' });
  });

  it('frees the key of a keyed request that gets 503: its retry after Retry-After is run, not answered 409', async () => {
    // Prepare
    const call = handler();
    const request = jsonPost(validSignup(), { 'Idempotency-Key': 'throttled-put' });
    const mock = mockClient(documentClient);
    mock.send.callThrough();
    mock
      .on(UpdateCommand, { Key: { pk: customerKey('john@example.com') } })
      .rejects(new ThrottlingException({ message: 'slow down', $metadata: {} }));

    // Act
    const throttled = await invoke(call, request);
    mock.restore();
    await new Promise((resolve) => setTimeout(resolve, Number(throttled.headers?.['Retry-After']) * 1000));
    const retry = await invoke(call, request);

    // Assess
    expectServiceUnavailable(throttled);
    expect(retry.statusCode).toBe(201);
    expect(retry.json).toMatchObject({ email: 'john@example.com' });
  });

  it('gets 503 when the Idempotency-Key record cannot be written', async () => {
    const call = handler();
    const mock = mockClient(documentClient);
    mock.send.callThrough();
    mock.on(PutItemCommand).rejects(new ThrottlingException({ message: 'slow down', $metadata: {} }));

    const throttled = await invoke(call, jsonPost(validSignup(), { 'Idempotency-Key': 'throttled' }));
    mock.restore();
    const after = await invoke(call, jsonPost(validSignup(), { 'Idempotency-Key': 'throttled' }));

    expectServiceUnavailable(throttled);
    expect(await customers()).toHaveLength(1);
    expect(after.statusCode).toBe(201);
  });
});

describe('a signup interrupted between its writes (the store stops after the slug claim)', () => {
  it('blocks neither a later signup of the same name nor the same signup once the store is back', async () => {
    // Prepare
    const call = handler();
    stopStoreAfterWriteOf(documentClient, 'slug#');

    // Act
    const interrupted = await invoke(call, jsonPost(validSignup()));
    await store.restart();
    const leftBehind = (await documentClient.send(new ScanCommand({ TableName: tableName }))).Items ?? [];
    const sameName = await invoke(call, jsonPost(validSignup({ email: 'other.john@example.com' })));
    const sameSignup = await invoke(call, jsonPost(validSignup()));

    // Assess
    expectServiceUnavailable(interrupted);
    expect(leftBehind.map((item) => item.pk).sort()).toEqual(['slug#john-doe', 'slug-next#john-doe']);
    expect(sameName.statusCode).toBe(201);
    expect(sameSignup.statusCode).toBe(201);
    expect(
      new Set([(sameName.json as { slug: string }).slug, (sameSignup.json as { slug: string }).slug]).size,
    ).toBe(2);
    expect((await customers()).map((item) => item.email).sort()).toEqual([
      'john@example.com',
      'other.john@example.com',
    ]);
  });

  it('with an Idempotency-Key: a 503 whose key cannot be freed says in Retry-After when it is, 409 until then, then 201', async () => {
    // Prepare
    const call = handler();
    const request = jsonPost(validSignup(), { 'Idempotency-Key': 'interrupted' });
    stopStoreAfterWriteOf(documentClient, 'slug#');
    const budgetMs = 3000;

    // Act
    const interrupted = await invoke(call, { ...request, budgetMs });
    const answeredAt = Date.now();
    await store.restart();
    const soon = await invoke(call, request);
    const waitMs = Number(interrupted.headers?.['Retry-After']) * 1000;
    await new Promise((resolve) => setTimeout(resolve, answeredAt + waitMs - Date.now()));
    const later = await invoke(call, request);
    const replayed = await invoke(call, request);

    // Assess
    expectServiceUnavailable(interrupted, { retryAfter: expect.stringMatching(/^[23]$/) });
    expect(soon.statusCode).toBe(409);
    expect(soon.headers?.['Retry-After']).toBe('1');
    expect(later.statusCode).toBe(201);
    expect(replayed.body).toBe(later.body);
    expect(await customers()).toHaveLength(1);
  });

  it('answers 201 when the answer to the customer’s write is lost and the SDK’s retry finds it written', async () => {
    const call = handler();
    loseAnswerToFirstWriteOf(documentClient, 'customer#');

    const answer = await invoke(call, jsonPost(validSignup()));
    const duplicate = await invoke(call, jsonPost(validSignup()));

    expect(answer.statusCode).toBe(201);
    expect(answer.json).toMatchObject({ email: 'john@example.com', slug: 'john-doe' });
    expect(await customers()).toHaveLength(1);
    expect(duplicate.json).toEqual({ email: ['customer with this email address already exists.'] });
  });

  it('answers a retry with the Idempotency-Key 201 when the first attempt stored the customer but got 503', async () => {
    // Prepare
    const call = handler();
    const request = jsonPost(validSignup(), { 'Idempotency-Key': 'answer-lost' });
    loseAnswerToFirstWriteOf(documentClient, 'customer#', { thenStopStore: true });
    const started = Date.now();
    const budgetMs = 2000;

    // Act
    const first = await invoke(call, { ...request, budgetMs });
    await store.restart();
    // The store was gone before the key could be freed: it stays in progress until the budget is over.
    await new Promise((resolve) => setTimeout(resolve, started + budgetMs + 50 - Date.now()));
    const retry = await invoke(call, request);
    const replayed = await invoke(call, request);
    const otherKey = await invoke(call, jsonPost(validSignup(), { 'Idempotency-Key': 'another-key' }));
    const noKey = await invoke(call, jsonPost(validSignup()));

    // Assess
    expectServiceUnavailable(first, { retryAfter: '2' });
    expect(retry.statusCode).toBe(201);
    expect(retry.json).toEqual(contractCustomer);
    expect(replayed.body).toBe(retry.body);
    for (const other of [otherKey, noKey]) {
      expect(other.json).toEqual({ email: ['customer with this email address already exists.'] });
    }
    expect(await customers()).toHaveLength(1);
  });

  it('loses nothing when the store stops after the customer is written: the signup is answered 201', async () => {
    const call = handler();
    stopStoreAfterWriteOf(documentClient, 'customer#');

    const answer = await invoke(call, jsonPost(validSignup()));
    await store.restart();

    expect(answer.statusCode).toBe(201);
    expect(await customers()).toHaveLength(1);
  });
});
