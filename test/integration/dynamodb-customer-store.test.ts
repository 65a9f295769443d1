import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  type CustomerStore,
  type NewCustomer,
  StoreUnavailableError,
} from '../../functions/core/customer-store.ts';
import { REPLAY_WINDOW_SECONDS } from '../../functions/core/idempotency-records.ts';
import {
  createDocumentClient,
  createDynamoDbClient,
  toDocumentClient,
} from '../../functions/dynamodb/client.ts';
import { createDynamoDbCustomerStore, RECLAIM_AFTER_MS } from '../../functions/dynamodb/customer-store.ts';
import { customerKey } from '../../functions/dynamodb/customers.ts';
import { slugKey } from '../../functions/dynamodb/slug-reservations.ts';
import { ensureTable, startEmbeddedDynamoDb } from '../../local/embedded-dynamodb.ts';
import { findCustomerBySlug } from '../../scripts/find-customer.ts';
import { newCustomer } from '../support/new-customer.ts';
import { storeEngines, useStoreTable } from '../support/store-engines.ts';

describe.each(storeEngines)('the DynamoDB customer store on $name', (engine) => {
  // A slow answer on a busy machine must not become an SDK retry: a retried counter add skips an index.
  const db = useStoreTable(engine, { freshTablePerTest: true, requestTimeoutMs: 30_000 });
  /** The store's clock: tests move it to make reservations old, as a paused or crashed signup's would be. */
  let clock = Date.now();
  const later = (ms = RECLAIM_AFTER_MS + 1_000) => {
    clock += ms;
  };
  const storeOn = (documentClient: DynamoDBDocumentClient) =>
    createDynamoDbCustomerStore(documentClient, db.tableName, { now: () => clock });
  const store = () => storeOn(db.documentClient);

  let signups = 0;
  const signup = (slugBase: string, emailKey = `user${++signups}@example.com`): NewCustomer =>
    newCustomer(emailKey, slugBase);

  /** A signup's store requests: the e-mail read, the slug reservation, the customer's put. */
  const createCustomer = async (customer: NewCustomer, on: CustomerStore = store()) => {
    if ((await on.findEmailHolder(customer.emailKey)) !== undefined) return { ok: false as const };
    return on.createCustomer(customer, await on.claimSlug(customer.slugBase, customer.emailKey));
  };

  /** Creates the customers one after another and returns their slugs. */
  const slugsOfSequentialSignups = async (
    customers: NewCustomer[],
    on?: CustomerStore,
  ): Promise<string[]> => {
    const slugs: string[] = [];
    for (const customer of customers) {
      const result = await createCustomer(customer, on);
      if (!result.ok) throw new Error(`${customer.emailKey}: not created`);
      slugs.push(result.customer.slug);
    }
    return slugs;
  };

  /** A signup that reserved its slug and stopped (a crash, a failed hash) before its customer's put. */
  const abandonedSignup = async (customer: NewCustomer) => {
    const claim = await store().claimSlug(customer.slugBase, customer.emailKey);
    return { claim, resume: (on: CustomerStore = store()) => on.createCustomer(customer, claim) };
  };

  /** The reservation id the DynamoDB store hands with a claimed slug. */
  const claimIdOf = (claim: object): unknown => (claim as { claimId?: unknown }).claimId;

  /** A client whose every write of a customer item fails as an unreachable store would. */
  const failingCustomerWrites = (documentClient: DynamoDBDocumentClient): DynamoDBDocumentClient =>
    new Proxy(documentClient, {
      get: (target, name, receiver) =>
        name === 'send'
          ? (command: { input: { Key?: { pk?: string }; UpdateExpression?: string } }) =>
              String(command.input.Key?.pk).startsWith('customer#') &&
              command.input.UpdateExpression?.startsWith('SET')
                ? Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))
                : target.send(command as never)
          : Reflect.get(target, name, receiver),
    });

  const items = async () => {
    const { Items = [] } = await db.documentClient.send(new ScanCommand({ TableName: db.tableName }));
    return Items;
  };
  const customerSlugs = async () =>
    (await items()).filter((item) => typeof item.email === 'string').map((item) => String(item.slug));

  /** A document client that counts the requests sent through it. */
  const counting = () => {
    const counter = { requests: 0 };
    const client = {
      send: (...args: Parameters<DynamoDBDocumentClient['send']>) => {
        counter.requests += 1;
        return db.documentClient.send(...args);
      },
    } as unknown as DynamoDBDocumentClient;
    return { counter, store: storeOn(client) };
  };

  describe('the slug rule', () => {
    it('gives one signup after another the first free slug: base, base-2, base-3', async () => {
      expect(
        await slugsOfSequentialSignups([signup('john-doe'), signup('john-doe'), signup('john-doe')]),
      ).toEqual(['john-doe', 'john-doe-2', 'john-doe-3']);
    });

    it('gives "John Doe 2" john-doe-2-2 once the John Doe series holds john-doe-2', async () => {
      await slugsOfSequentialSignups([signup('john-doe'), signup('john-doe')]);

      const slugs = await slugsOfSequentialSignups([signup('john-doe-2'), signup('john-doe-2')]);

      expect(slugs).toEqual(['john-doe-2-2', 'john-doe-2-3']);
    });

    it('lets the John Doe series skip john-doe-2 once "John Doe 2" holds it', async () => {
      await slugsOfSequentialSignups([signup('john-doe-2')]);

      const slugs = await slugsOfSequentialSignups([
        signup('john-doe'),
        signup('john-doe'),
        signup('john-doe'),
      ]);

      expect(slugs).toEqual(['john-doe', 'john-doe-3', 'john-doe-4']);
    });

    it('cuts a long base so that the suffixed slug stays within 50 characters', async () => {
      const base = 'a'.repeat(50);

      const slugs = await slugsOfSequentialSignups(Array.from({ length: 10 }, () => signup(base)));

      expect(slugs[0]).toBe(base);
      expect(slugs[9]).toBe(`${'a'.repeat(47)}-10`);
      expect(slugs.every((slug) => slug.length <= 50)).toBe(true);
    });

    it('goes past a long run of slugs that customers of other names hold, in a bounded number of requests', async () => {
      // "John Doe 2" … "John Doe 40" hold john-doe-2 … john-doe-40.
      for (let n = 2; n <= 40; n += 1) await slugsOfSequentialSignups([signup(`john-doe-${n}`)]);
      await slugsOfSequentialSignups([signup('john-doe')]);
      const { counter, store: countingStore } = counting();

      const [slug] = await slugsOfSequentialSignups([signup('john-doe')], countingStore);

      expect(await customerSlugs()).toContain(slug);
      expect(new Set(await customerSlugs()).size).toBe(41);
      expect(counter.requests).toBeLessThanOrEqual(30);
    });
  });

  describe('a reservation', () => {
    it('holds its slug from every other signup of the base until its customer is stored under it', async () => {
      const first = await abandonedSignup(signup('john-doe'));

      const slugs = await slugsOfSequentialSignups([signup('john-doe'), signup('john-doe')]);
      const resumed = await first.resume();

      expect(first.claim.slug).toBe('john-doe');
      expect(slugs).toEqual(['john-doe-2', 'john-doe-3']);
      expect(resumed.ok && resumed.customer.slug).toBe('john-doe');
    });

    it('left unfinished past the reclaim time is reclaimed: no base slug stays blocked', async () => {
      const crashed = await abandonedSignup(signup('john-doe'));
      await slugsOfSequentialSignups([signup('john-doe')]);
      later();

      const slugs = await slugsOfSequentialSignups([signup('john-doe'), signup('john-doe')]);

      expect(crashed.claim.slug).toBe('john-doe');
      expect(slugs).toEqual(['john-doe', 'john-doe-3']);
    });

    it("once reclaimed, can never store its signup's customer, and leaves that e-mail free", async () => {
      const paused = signup('john-doe');
      const stalled = await abandonedSignup(paused);
      await slugsOfSequentialSignups([signup('john-doe')]);
      later();
      const [reclaimed] = await slugsOfSequentialSignups([signup('john-doe')]);

      const late = await stalled.resume().catch((error: unknown) => error);

      expect(reclaimed).toBe(stalled.claim.slug);
      expect(late).toBeInstanceOf(StoreUnavailableError);
      expect(await store().findEmailHolder(paused.emailKey)).toBeUndefined();
      const retried = await slugsOfSequentialSignups([paused]);
      expect(retried).toEqual(['john-doe-3']);
      const slugs = await customerSlugs();
      expect(new Set(slugs).size).toBe(slugs.length);
    });

    it('whose signup lost its e-mail is reclaimed at once by the next signup of the name', async () => {
      const taken = signup('jane-roe');
      await slugsOfSequentialSignups([taken]);
      const loser = await abandonedSignup({ ...signup('john-doe'), emailKey: taken.emailKey });
      expect(await loser.resume()).toEqual({ ok: false, reason: 'email-taken' });

      const slugs = await slugsOfSequentialSignups([signup('john-doe'), signup('john-doe')]);

      expect(loser.claim.slug).toBe('john-doe');
      expect(slugs).toEqual(['john-doe', 'john-doe-2']);
    });

    it('is left to its signup while it is young, even when the base is swept', async () => {
      await slugsOfSequentialSignups([signup('john-doe')]);
      later();
      const running = await abandonedSignup(signup('john-doe'));
      later(RECLAIM_AFTER_MS / 2);

      const slugs = await slugsOfSequentialSignups([signup('john-doe'), signup('john-doe')]);
      const resumed = await running.resume();

      expect(running.claim.slug).toBe('john-doe-2');
      expect(slugs).toEqual(['john-doe-3', 'john-doe-4']);
      expect(resumed.ok).toBe(true);
    });

    it('whose customer is stored is never reclaimed, however old', async () => {
      await slugsOfSequentialSignups([signup('john-doe')]);
      later();
      later();

      const slugs = await slugsOfSequentialSignups([signup('john-doe'), signup('john-doe')]);

      expect(slugs).toEqual(['john-doe-2', 'john-doe-3']);
    });

    it('stores only the customer of its own e-mail key', async () => {
      const { claim } = await abandonedSignup(signup('john-doe'));

      const error = await store()
        .createCustomer(signup('john-doe'), claim)
        .catch((thrown: unknown) => thrown);

      expect(error).toBeInstanceOf(TypeError);
      expect(await customerSlugs()).toEqual([]);
    });

    it('is not written once the signup is aborted, and its customer is not either', async () => {
      const customer = signup('john-doe');
      const answered = new AbortController();
      answered.abort();

      const claimed = await store()
        .claimSlug(customer.slugBase, customer.emailKey, answered.signal)
        .catch((error: unknown) => error);
      const { claim } = await abandonedSignup(customer);
      const created = await store()
        .createCustomer(customer, claim, answered.signal)
        .catch((error: unknown) => error);

      expect(claimed).toMatchObject({ name: 'AbortError' });
      expect(created).toMatchObject({ name: 'AbortError' });
      expect((await items()).map((item) => item.pk)).toEqual(
        expect.arrayContaining([slugKey('john-doe'), 'slug-next#john-doe']),
      );
      expect(await items()).toHaveLength(2);
    });
  });

  describe('concurrent signups', () => {
    it('of one name get distinct slugs of the base, and each one after them a free one', async () => {
      const customers = Array.from({ length: 50 }, () => signup('john-doe'));

      const results = await Promise.all(customers.map((customer) => createCustomer(customer)));
      later();
      await slugsOfSequentialSignups([signup('john-doe'), signup('john-doe')]);

      // Gaps are allowed (an SDK retry of the counter's add under load skips an index), sharing never.
      expect(results.every((result) => result.ok)).toBe(true);
      const slugs = await customerSlugs();
      expect(slugs).toHaveLength(52);
      expect(new Set(slugs).size).toBe(52);
      expect(slugs.every((slug) => /^john-doe(-\d+)?$/.test(slug))).toBe(true);
    });

    it('of one e-mail store exactly one customer', async () => {
      const emailKey = 'double@example.com';

      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          createCustomer(signup(i % 2 === 0 ? 'john-doe' : 'jane-roe', emailKey)),
        ),
      );

      expect(results.filter((result) => result.ok)).toHaveLength(1);
      expect(await customerSlugs()).toHaveLength(1);
    });
  });

  describe('the cost of a signup', () => {
    it('is six requests for one signup after another of one name: the one before is checked in one read', async () => {
      await slugsOfSequentialSignups([signup('john-doe'), signup('john-doe')]);
      const { counter, store: countingStore } = counting();

      const slugs = await slugsOfSequentialSignups([signup('john-doe')], countingStore);

      // The e-mail read, the counter's add, the customer before, the move of `swept`, the reservation, the put.
      expect(slugs).toEqual(['john-doe-3']);
      expect(counter.requests).toBe(6);
    });

    it('stays within 12 requests after 1,000 overlapping signups of one name and a pause', async () => {
      for (let wave = 0; wave < 20; wave += 1) {
        await Promise.all(Array.from({ length: 50 }, () => createCustomer(signup('popular-name'))));
      }
      later();
      const counts: number[] = [];

      for (let i = 0; i < 5; i += 1) {
        const { counter, store: countingStore } = counting();
        await slugsOfSequentialSignups([signup('popular-name')], countingStore);
        counts.push(counter.requests);
      }

      expect(Math.max(...counts)).toBeLessThanOrEqual(12);
      const slugs = await customerSlugs();
      expect(new Set(slugs).size).toBe(1005);
    }, 180_000);

    it('stays within 12 requests while it reclaims abandoned reservations', async () => {
      const abandoned = [];
      for (let i = 0; i < 10; i += 1) abandoned.push(await abandonedSignup(signup('john-doe')));
      later();
      const counts: number[] = [];
      const slugs: string[] = [];

      for (let i = 0; i < 10; i += 1) {
        const { counter, store: countingStore } = counting();
        slugs.push(...(await slugsOfSequentialSignups([signup('john-doe')], countingStore)));
        counts.push(counter.requests);
      }

      expect(Math.max(...counts)).toBeLessThanOrEqual(12);
      expect(slugs).toEqual(abandoned.map(({ claim }) => claim.slug));
    });
  });

  describe('the stored customer', () => {
    it('has the attributes of the contract and is found by its e-mail key', async () => {
      const customer = {
        ...signup('jose-nunez', 'jose@example.com'),
        email: 'Jose@example.com',
        date_of_birth: '1990-01-15',
      };

      const result = await createCustomer(customer);

      expect(result).toEqual({
        ok: true,
        customer: {
          email: 'Jose@example.com',
          first_name: 'John',
          last_name: 'Doe',
          slug: 'jose-nunez',
          date_of_birth: '1990-01-15',
          address: null,
          last_purchase_date: null,
          created_at: new Date(clock).toISOString(),
          is_active: true,
        },
      });
      expect((await items()).find((item) => item.pk === customerKey('jose@example.com'))).toEqual({
        pk: 'customer#jose@example.com',
        email: 'Jose@example.com',
        first_name: 'John',
        last_name: 'Doe',
        slug: 'jose-nunez',
        date_of_birth: '1990-01-15',
        address: null,
        last_purchase_date: null,
        password: customer.passwordHash,
        created_at: new Date(clock).toISOString(),
        is_active: true,
        claim_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      });
      expect(await store().findEmailHolder('jose@example.com')).toEqual({ keyedSignup: undefined });
      expect(await store().findEmailHolder('someone-else@example.com')).toBeUndefined();
    });

    it('is found by its slug through the slug index, with its public fields only', async () => {
      const customer = { ...signup('jane-roe', 'jane@example.com'), email: 'Jane@example.com' };
      await createCustomer(customer);

      const found = await findCustomerBySlug(db.documentClient, db.tableName, 'jane-roe');

      expect(found).toEqual({
        slug: 'jane-roe',
        email: 'Jane@example.com',
        first_name: 'John',
        last_name: 'Doe',
        date_of_birth: null,
        created_at: new Date(clock).toISOString(),
        is_active: true,
      });
      expect(await findCustomerBySlug(db.documentClient, db.tableName, 'nobody')).toBeUndefined();
    });

    it('is told to a retry of its keyed request, and to no other', async () => {
      const customer = { ...signup('john-doe'), keyedDigest: 'digest-1' };
      const result = await createCustomer(customer);

      const own = await store().findEmailHolder(customer.emailKey, 'digest-1');
      const other = await store().findEmailHolder(customer.emailKey, 'digest-2');

      expect(own).toEqual({ keyedSignup: result.ok ? result.customer : 'not created' });
      expect(other).toEqual({ keyedSignup: undefined });
    });

    it("keeps its request's digest off the customer item, on a marker that expires with the replay window", async () => {
      const customer = { ...signup('john-doe'), keyedDigest: 'digest-1' };
      await createCustomer(customer);

      const all = await items();
      const stored = all.find((item) => item.pk === customerKey(customer.emailKey));
      expect(stored).not.toHaveProperty('signup_request');
      expect(JSON.stringify(stored)).not.toContain('digest-1');
      expect(all.find((item) => item.pk === 'signup-request#digest-1')).toEqual({
        pk: 'signup-request#digest-1',
        claim_ids: new Set([stored?.claim_id]),
        expiration: Math.floor(clock / 1000) + REPLAY_WINDOW_SECONDS,
      });
    });

    it('is told to a retry whichever of two concurrent attempts of the request stored it', async () => {
      const customer = { ...signup('john-doe'), keyedDigest: 'digest-1' };
      const [first, second] = [await abandonedSignup(customer), await abandonedSignup(customer)];

      // One may find its reservation reclaimed by the other (a 503 for its client): both mark the request first.
      const results = await Promise.allSettled([first.resume(), second.resume()]);

      const stored = results.flatMap((result) =>
        result.status === 'fulfilled' && result.value.ok ? [result.value.customer] : [],
      );
      expect(stored).toHaveLength(1);
      expect(await store().findEmailHolder(customer.emailKey, 'digest-1')).toEqual({
        keyedSignup: stored[0],
      });
      const marker = (await items()).find((item) => item.pk === 'signup-request#digest-1');
      expect(marker?.claim_ids).toEqual(new Set([first.claim, second.claim].map(claimIdOf)));
    });

    it('is not told to a retry of its keyed request once the marker has expired', async () => {
      const customer = { ...signup('john-doe'), keyedDigest: 'digest-1' };
      await createCustomer(customer);

      later(REPLAY_WINDOW_SECONDS * 1000 + 1_000);

      // DynamoDB may keep an expired item for days before its TTL removes it: it counts as absent.
      expect(await items()).toContainEqual(expect.objectContaining({ pk: 'signup-request#digest-1' }));
      expect(await store().findEmailHolder(customer.emailKey, 'digest-1')).toEqual({
        keyedSignup: undefined,
      });
    });

    it('is told to a retry whose marker was written though its customer write failed, once a retry stores it', async () => {
      const customer = { ...signup('john-doe'), keyedDigest: 'digest-1' };
      const { claim } = await abandonedSignup(customer);
      await expect(
        createDynamoDbCustomerStore(failingCustomerWrites(db.documentClient), db.tableName, {
          now: () => clock,
        }).createCustomer(customer, claim),
      ).rejects.toThrow(StoreUnavailableError);
      // The marker went first: a write that reached the table cannot be missing its marker.
      expect(await items()).toContainEqual(expect.objectContaining({ pk: 'signup-request#digest-1' }));

      const retried = await createCustomer(customer);

      expect(await store().findEmailHolder(customer.emailKey, 'digest-1')).toEqual({
        keyedSignup: retried.ok ? retried.customer : 'not created',
      });
    });
  });

  describe('store faults', () => {
    const listen = async (server: Server): Promise<number> => {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      return address.port;
    };

    const expectStoreUnavailable = async (work: Promise<unknown>, cause: Record<string, string>) => {
      const error = await work.then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect((error as Error).cause).toMatchObject(cause);
    };

    it('map an unreachable store to StoreUnavailableError', async () => {
      const closed = createServer();
      const port = await listen(closed);
      await new Promise((resolve) => closed.close(resolve));
      const documentClient = createDocumentClient({ endpoint: `http://127.0.0.1:${port}`, maxAttempts: 2 });
      const unreachable = storeOn(documentClient);
      const customer = signup('john-doe');

      await expectStoreUnavailable(unreachable.findEmailHolder('a@example.com'), { code: 'ECONNREFUSED' });
      await expectStoreUnavailable(unreachable.claimSlug('john-doe', 'a@example.com'), {
        code: 'ECONNREFUSED',
      });
      const { claim } = await abandonedSignup(customer);
      await expectStoreUnavailable(unreachable.createCustomer(customer, claim), { code: 'ECONNREFUSED' });
      documentClient.destroy();
    });

    it('map a store that does not answer in time to StoreUnavailableError', async () => {
      const sockets: Socket[] = [];
      const silent = createServer((socket) => sockets.push(socket));
      const port = await listen(silent);
      const documentClient = createDocumentClient({
        endpoint: `http://127.0.0.1:${port}`,
        maxAttempts: 1,
        requestTimeoutMs: 100,
      });

      await expectStoreUnavailable(storeOn(documentClient).findEmailHolder('a@example.com'), {
        name: 'TimeoutError',
      });
      documentClient.destroy();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });

    it('let other errors through, such as a missing table', async () => {
      const missing = createDynamoDbCustomerStore(db.documentClient, 'no-such-table');

      const error = await missing.findEmailHolder('a@example.com').catch((thrown: unknown) => thrown);

      expect(error).not.toBeInstanceOf(StoreUnavailableError);
      expect(error).toMatchObject({ name: 'ResourceNotFoundException' });
    });
  });
});

describe('the store on the embedded DynamoDB', () => {
  it('survives a restart on the same data directory', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'customers-'));
    const run = async (emailKey: string) => {
      const dynamoDb = await startEmbeddedDynamoDb({ dataDir });
      const client = createDynamoDbClient({ endpoint: dynamoDb.endpoint });
      try {
        await ensureTable(client, 'customers');
        const store = createDynamoDbCustomerStore(toDocumentClient(client), 'customers');
        const kept = await store.findEmailHolder('kept@example.com');
        const created = await store.createCustomer(
          newCustomer(emailKey, 'john-doe'),
          await store.claimSlug('john-doe', emailKey),
        );
        return { kept, slug: created.ok ? created.customer.slug : 'not created' };
      } finally {
        client.destroy();
        await dynamoDb.close();
      }
    };
    try {
      expect(await run('kept@example.com')).toEqual({ kept: undefined, slug: 'john-doe' });
      expect(await run('next@example.com')).toEqual({ kept: { keyedSignup: undefined }, slug: 'john-doe-2' });
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
