import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  type CustomerStore,
  type NewCustomer,
  StoreUnavailableError,
} from '../../functions/create-customer/customer-store.ts';
import {
  createDocumentClient,
  createDynamoDbClient,
  toDocumentClient,
} from '../../functions/create-customer/dynamodb-client.ts';
import {
  CLAIM_GRACE_MS,
  createDynamoDbCustomerStore,
  customerKey,
  type SlugClaim,
  slugClaimKey,
} from '../../functions/create-customer/dynamodb-customer-store.ts';
import { slugCandidate } from '../../functions/create-customer/rules/slug-candidate.ts';
import { ensureTable, startEmbeddedDynamoDb } from '../../local/embedded-dynamodb.ts';
import { useEmbeddedTable } from '../support/dynalite.ts';

const db = await useEmbeddedTable({ freshTablePerTest: true });
const store = () => createDynamoDbCustomerStore(db.documentClient, db.tableName);

let signups = 0;
const signup = (slugBase: string, emailKey = `user${++signups}@example.com`): NewCustomer => ({
  emailKey,
  email: emailKey,
  firstName: 'John',
  lastName: 'Doe',
  dateOfBirth: null,
  passwordHash: 'bcrypt$$2b$12$abcdefghijklmnopqrstuuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ012',
  slugBase,
});

/** A signup's two steps on the store: claim a slug for the customer, then store it under that claim. */
const createCustomer = async (customer: NewCustomer, on: CustomerStore = store()) =>
  on.createCustomer(customer, await on.claimSlug(customer.slugBase, customer.emailKey));

/** Creates the customers one after another and returns their slugs. */
const slugsOfSequentialSignups = async (customers: NewCustomer[]): Promise<string[]> => {
  const slugs: string[] = [];
  for (const customer of customers) {
    const result = await createCustomer(customer);
    if (!result.ok) throw new Error(`${customer.emailKey}: ${result.reason}`);
    slugs.push(result.customer.slug);
  }
  return slugs;
};

const itemsByKind = async () => {
  const { Items = [] } = await db.documentClient.send(new ScanCommand({ TableName: db.tableName }));
  const of = (prefix: string) => Items.filter((item) => String(item.pk).startsWith(prefix));
  return { customers: of('customer#'), claims: of('slug#') };
};

const writeClaim = (slug: string, claim: SlugClaim) =>
  db.documentClient.send(
    new PutCommand({ TableName: db.tableName, Item: { pk: slugClaimKey(slug), ...claim } }),
  );

const longAgo = () => new Date(Date.now() - CLAIM_GRACE_MS - 60_000).toISOString();

/** A customer stored before the grace period, as its signup left it. */
const storeOldCustomer = async (slug: string, emailKey: string) => {
  await writeClaim(slug, { email_key: emailKey, claimed_at: longAgo(), claim_id: randomUUID() });
  await db.documentClient.send(
    new PutCommand({ TableName: db.tableName, Item: { pk: customerKey(emailKey), slug } }),
  );
};

describe('the slug rule', () => {
  it('gives one signup after another the first free slug: base, base-2, base-3', async () => {
    // Prepare
    const customers = [signup('john-doe'), signup('john-doe'), signup('john-doe')];

    // Act
    const slugs = await slugsOfSequentialSignups(customers);

    // Assess
    expect(slugs).toEqual(['john-doe', 'john-doe-2', 'john-doe-3']);
    for (const [i, slug] of slugs.entries()) {
      expect((await store().findBySlug(slug))?.email).toBe(customers[i]?.email);
    }
  });

  it('gives "John Doe 2" john-doe-2-2 once the John Doe series holds john-doe-2', async () => {
    // Prepare
    await slugsOfSequentialSignups([signup('john-doe'), signup('john-doe')]);

    // Act
    const slugs = await slugsOfSequentialSignups([signup('john-doe-2'), signup('john-doe-2')]);

    // Assess
    expect(slugs).toEqual(['john-doe-2-2', 'john-doe-2-3']);
  });

  it('lets the John Doe series skip john-doe-2 once "John Doe 2" holds it', async () => {
    // Prepare
    await slugsOfSequentialSignups([signup('john-doe-2')]);

    // Act
    const slugs = await slugsOfSequentialSignups([
      signup('john-doe'),
      signup('john-doe'),
      signup('john-doe'),
    ]);

    // Assess
    expect(slugs).toEqual(['john-doe', 'john-doe-3', 'john-doe-4']);
  });

  it('cuts a long base so that the suffixed slug stays within 50 characters', async () => {
    // Prepare
    const base = `${'a'.repeat(45)}-bcde`;

    // Act
    const slugs = await slugsOfSequentialSignups(Array.from({ length: 11 }, () => signup(base)));

    // Assess
    expect(slugs).toEqual(Array.from({ length: 11 }, (_, i) => slugCandidate(base, i + 1)));
    expect(slugs[9]).toBe(`${'a'.repeat(45)}-b-10`);
    expect(Math.max(...slugs.map((slug) => slug.length))).toBe(50);
  });

  it('finds a free slug between older customers of the base, even without a hint', async () => {
    // Prepare
    for (const slug of ['john-doe', 'john-doe-2', 'john-doe-4'])
      await storeOldCustomer(slug, `${slug}@example.com`);

    // Act
    const slugs = await slugsOfSequentialSignups([signup('john-doe'), signup('john-doe')]);

    // Assess
    expect(slugs).toEqual(['john-doe-3', 'john-doe-5']);
  });

  it('frees the slug of a signup that lost its e-mail for the next signup of that name', async () => {
    // Prepare
    const first = signup('john-doe');
    await slugsOfSequentialSignups([first]);

    // Act
    const duplicate = await createCustomer(signup('jane-roe', first.emailKey));
    const slugs = await slugsOfSequentialSignups([signup('jane-roe')]);

    // Assess
    expect(duplicate).toEqual({ ok: false, reason: 'email-taken' });
    expect(slugs).toEqual(['jane-roe']);
  });
});

describe('a slug claim', () => {
  it('holds its slug from the other signups of the base until its customer is stored under it', async () => {
    // Prepare
    const held = signup('john-doe');
    const claim = await store().claimSlug(held.slugBase, held.emailKey);

    // Act
    const meanwhile = await slugsOfSequentialSignups([signup('john-doe')]);
    const stored = await store().createCustomer(held, claim);

    // Assess
    expect(claim.slug).toBe('john-doe');
    expect(meanwhile).toEqual(['john-doe-2']);
    expect(stored.ok && stored.customer.slug).toBe('john-doe');
    expect((await store().findBySlug('john-doe'))?.email).toBe(held.email);
  });

  it('sends the next signup of the base past it at once, while its own customer is still to be written', async () => {
    // Prepare
    const held = signup('john-doe');
    await store().claimSlug(held.slugBase, held.emailKey);
    let requests = 0;
    const counting = createDynamoDbCustomerStore(
      {
        send: (command: never) => {
          requests += 1;
          return db.documentClient.send(command);
        },
      } as unknown as DynamoDBDocumentClient,
      db.tableName,
    );
    const next = signup('john-doe');

    // Act
    const claim = await counting.claimSlug(next.slugBase, next.emailKey);

    // Assess: the hint read, the claim, the hint moved past it; no attempt on the held slug.
    expect(claim.slug).toBe('john-doe-2');
    expect(requests).toBe(3);
  });

  it('released, offers its slug to the next signup of the base and leaves no claim', async () => {
    // Prepare
    const released = signup('john-doe');
    const claim = await store().claimSlug(released.slugBase, released.emailKey);

    // Act
    await store().releaseSlug(claim);
    const slugs = await slugsOfSequentialSignups([signup('john-doe')]);

    // Assess
    expect(slugs).toEqual(['john-doe']);
    const { customers, claims } = await itemsByKind();
    expect(customers).toHaveLength(1);
    expect(claims.map((item) => item.pk)).toEqual([slugClaimKey('john-doe')]);
    expect(claims[0]?.email_key).not.toBe(released.emailKey);
  });

  it("stores only the customer of its own base and e-mail key, writing nothing for another's", async () => {
    // Prepare
    const claimed = signup('john-doe');
    const claim = await store().claimSlug(claimed.slugBase, claimed.emailKey);

    // Act
    const otherEmail = await store()
      .createCustomer(signup('john-doe'), claim)
      .catch((error: unknown) => error);
    const otherBase = await store()
      .createCustomer({ ...claimed, slugBase: 'jane-roe' }, claim)
      .catch((error: unknown) => error);

    // Assess
    expect(otherEmail).toBeInstanceOf(TypeError);
    expect(otherBase).toBeInstanceOf(TypeError);
    expect((await itemsByKind()).customers).toEqual([]);
  });
});

describe('concurrent signups', () => {
  it.each([
    ['distinct names', (i: number) => `person-${i}`],
    ['one name', () => 'john-doe'],
  ])('of one e-mail (%s) store one customer and leave no claim of the losers', async (_, base) => {
    // Prepare
    const emailKey = 'twin@example.com';

    // Act
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => createCustomer(signup(base(i), emailKey))),
    );

    // Assess
    const winners = results.flatMap((result) => (result.ok ? [result.customer] : []));
    expect(winners).toHaveLength(1);
    expect(results.filter((result) => !result.ok && result.reason === 'email-taken')).toHaveLength(49);
    const { customers, claims } = await itemsByKind();
    expect(customers.map((item) => item.pk)).toEqual([customerKey(emailKey)]);
    expect(claims.map((item) => item.pk)).toEqual([slugClaimKey(winners[0]?.slug ?? '')]);
    expect((await store().findBySlug(winners[0]?.slug ?? ''))?.email).toBe(emailKey);
  });

  it('of one name get distinct slugs, all findable, and the next signup gets the first free one', async () => {
    // Prepare
    const customers = Array.from({ length: 50 }, () => signup('john-doe'));

    // Act
    const results = await Promise.all(customers.map((customer) => createCustomer(customer)));

    // Assess
    const slugs = results.map((result) => (result.ok ? result.customer.slug : result.reason));
    // No signup lost its e-mail, so none left a gap.
    expect(new Set(slugs)).toEqual(
      new Set(Array.from({ length: 50 }, (_, i) => slugCandidate('john-doe', i + 1))),
    );
    for (const [i, slug] of slugs.entries()) {
      expect((await store().findBySlug(slug))?.email).toBe(customers[i]?.email);
    }
    expect(await slugsOfSequentialSignups([signup('john-doe')])).toEqual(['john-doe-51']);
  });

  it('offer a slug freed by a signup that lost its e-mail to the next signup of that name', async () => {
    // Prepare
    const taken = signup('someone-else');
    await slugsOfSequentialSignups([taken]);
    const customers = [
      ...Array.from({ length: 10 }, () => signup('john-doe')),
      signup('john-doe', taken.emailKey),
    ];

    // Act
    const results = await Promise.all(customers.map((customer) => createCustomer(customer)));
    const [next] = await slugsOfSequentialSignups([signup('john-doe')]);

    // Assess
    const held = new Set(results.flatMap((result) => (result.ok ? [result.customer.slug] : [])));
    expect(held.size).toBe(10);
    const firstFree = [...Array(12).keys()]
      .map((i) => slugCandidate('john-doe', i + 1))
      .find((s) => !held.has(s));
    expect(next).toBe(firstFree);
  });
});

describe('half-written signups', () => {
  it('do not block a slug: a claim past the grace period without its customer is taken over', async () => {
    // Prepare
    await writeClaim('john-doe', {
      email_key: 'crashed@example.com',
      claimed_at: longAgo(),
      claim_id: randomUUID(),
    });
    const next = signup('john-doe');

    // Act
    const slugs = await slugsOfSequentialSignups([next, signup('john-doe')]);

    // Assess
    expect(slugs).toEqual(['john-doe', 'john-doe-2']);
    const { claims } = await itemsByKind();
    expect(claims.find((item) => item.pk === slugClaimKey('john-doe'))?.email_key).toBe(next.emailKey);
  });

  it('keep a young claim of another e-mail, whose signup may still be writing its customer', async () => {
    // Prepare
    await writeClaim('john-doe', {
      email_key: 'in-flight@example.com',
      claimed_at: new Date().toISOString(),
      claim_id: randomUUID(),
    });

    // Act
    const slugs = await slugsOfSequentialSignups([signup('john-doe')]);

    // Assess
    expect(slugs).toEqual(['john-doe-2']);
  });

  it('give a retry of the same e-mail its own young claim back at once', async () => {
    // Prepare
    const retry = signup('john-doe');
    await writeClaim('john-doe', {
      email_key: retry.emailKey,
      claimed_at: new Date().toISOString(),
      claim_id: randomUUID(),
    });

    // Act
    const slugs = await slugsOfSequentialSignups([retry]);

    // Assess
    expect(slugs).toEqual(['john-doe']);
  });

  it('never take over an old claim whose customer holds the slug', async () => {
    // Prepare
    await storeOldCustomer('john-doe', 'old@example.com');

    // Act
    const slugs = await slugsOfSequentialSignups([signup('john-doe')]);

    // Assess
    expect(slugs).toEqual(['john-doe-2']);
  });
});

describe('the stored customer', () => {
  it('has the attributes of the contract and is found by e-mail key and slug', async () => {
    // Prepare
    const customer = {
      ...signup('jose-nunez', 'jose@example.com'),
      email: 'Jose@example.com',
      dateOfBirth: '1990-01-15',
    };

    // Act
    const result = await createCustomer(customer);

    // Assess
    expect(result).toEqual({
      ok: true,
      customer: {
        email: 'Jose@example.com',
        firstName: 'John',
        lastName: 'Doe',
        slug: 'jose-nunez',
        dateOfBirth: '1990-01-15',
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        isActive: true,
      },
    });
    const { customers } = await itemsByKind();
    expect(customers).toEqual([
      {
        pk: 'customer#jose@example.com',
        email: 'Jose@example.com',
        first_name: 'John',
        last_name: 'Doe',
        slug: 'jose-nunez',
        date_of_birth: '1990-01-15',
        address: null,
        last_purchase_date: null,
        password: customer.passwordHash,
        created_at: result.ok ? result.customer.createdAt : '',
        is_active: true,
        claim_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      },
    ]);
    expect(await store().isEmailTaken('jose@example.com')).toBe(true);
    expect(await store().isEmailTaken('someone-else@example.com')).toBe(false);
    expect(await store().findBySlug('jose-nunez')).toEqual(result.ok ? result.customer : undefined);
    expect(await store().findBySlug('nobody')).toBeUndefined();
  });

  it('survives a restart of the embedded DynamoDB on the same data directory', async () => {
    // Prepare
    const dataDir = await mkdtemp(join(tmpdir(), 'customers-'));
    const startStore = async () => {
      const dynamoDb = await startEmbeddedDynamoDb({ dataDir });
      const client = createDynamoDbClient({ endpoint: dynamoDb.endpoint });
      await ensureTable(client, 'customers');
      return { dynamoDb, client, store: createDynamoDbCustomerStore(toDocumentClient(client), 'customers') };
    };
    const first = await startStore();
    await createCustomer(signup('john-doe', 'kept@example.com'), first.store);
    first.client.destroy();
    await first.dynamoDb.close();

    try {
      // Act
      const second = await startStore();
      const found = await second.store.findBySlug('john-doe');
      const taken = await second.store.isEmailTaken('kept@example.com');
      const next = await createCustomer(signup('john-doe'), second.store);
      second.client.destroy();
      await second.dynamoDb.close();

      // Assess
      expect(found?.email).toBe('kept@example.com');
      expect(taken).toBe(true);
      expect(next.ok && next.customer.slug).toBe('john-doe-2');
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
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
    // Prepare
    const closed = createServer();
    const port = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    const documentClient = createDocumentClient({ endpoint: `http://127.0.0.1:${port}`, maxAttempts: 2 });
    const unreachable = createDynamoDbCustomerStore(documentClient, 'customers');

    // Act and assess
    await expectStoreUnavailable(unreachable.isEmailTaken('a@example.com'), { code: 'ECONNREFUSED' });
    await expectStoreUnavailable(unreachable.claimSlug('john-doe', 'a@example.com'), {
      code: 'ECONNREFUSED',
    });
    const customer = signup('john-doe');
    const claim = await store().claimSlug(customer.slugBase, customer.emailKey);
    await expectStoreUnavailable(unreachable.createCustomer(customer, claim), { code: 'ECONNREFUSED' });
    await expectStoreUnavailable(unreachable.findBySlug('john-doe'), { code: 'ECONNREFUSED' });
    documentClient.destroy();
  });

  it('map a store that does not answer in time to StoreUnavailableError', async () => {
    // Prepare
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    const port = await listen(silent);
    const documentClient = createDocumentClient({
      endpoint: `http://127.0.0.1:${port}`,
      maxAttempts: 1,
      requestTimeoutMs: 100,
    });

    // Act and assess
    await expectStoreUnavailable(
      createDynamoDbCustomerStore(documentClient, 'customers').isEmailTaken('a@example.com'),
      { name: 'TimeoutError' },
    );
    documentClient.destroy();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('let other errors through, such as a missing table', async () => {
    // Prepare
    const missing = createDynamoDbCustomerStore(db.documentClient, 'no-such-table');

    // Act
    const error = await missing.isEmailTaken('a@example.com').catch((thrown: unknown) => thrown);

    // Assess
    expect(error).not.toBeInstanceOf(StoreUnavailableError);
    expect(error).toMatchObject({ name: 'ResourceNotFoundException' });
  });
});
