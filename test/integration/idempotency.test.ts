import { createHash, createHmac } from 'node:crypto';
import { DeleteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { IdempotencyRecords } from '../../functions/core/idempotency-records.ts';
import type { SignupOutcome } from '../../functions/core/signup.ts';
import { createHandler } from '../../functions/create-customer/handler.ts';
import { customersTable } from '../../functions/dynamodb/customers-table.ts';
import {
  contractCustomer,
  createTestHandler,
  invoke,
  jsonPost,
  silentTelemetry,
  type TestRequest,
  testDigests,
  testIdempotencyRecords,
  validSignup,
} from '../support/signup-handler.ts';
import { storeEngines, useStoreTable } from '../support/store-engines.ts';

describe.each(storeEngines)('on $name', (engine) => {
  const db = useStoreTable(engine, { freshTablePerTest: true });

  const handler = () => createTestHandler({ documentClient: db.documentClient, tableName: db.tableName });

  const items = async () =>
    (await db.documentClient.send(new ScanCommand({ TableName: db.tableName }))).Items ?? [];
  const customers = async () => (await items()).filter((item) => typeof item.email === 'string');
  const idempotencyItems = async () =>
    (await items()).filter((item) => String(item.pk).startsWith('idempotency#'));

  const keyed = (key: string, body: unknown, headers: Record<string, string> = {}) =>
    jsonPost(body, { 'Idempotency-Key': key, ...headers });

  afterEach(() => {
    vi.useRealTimers();
  });

  describe('Idempotency-Key', () => {
    it('replays the first answer, same status and same body, and creates nothing more', async () => {
      // Prepare
      const call = handler();
      const first = await invoke(call, keyed('key-1', validSignup()));

      // Act
      const again = await invoke(call, keyed('key-1', validSignup()));

      // Assess
      expect(first.statusCode).toBe(201);
      expect(again.statusCode).toBe(201);
      expect(again.body).toBe(first.body);
      expect(again.headers?.['Content-Type']).toBe('application/json');
      expect(await customers()).toHaveLength(1);
    });

    it('replays with the headers of the retry: security headers, and CORS only for an allowed origin', async () => {
      const call = handler();
      await invoke(call, keyed('key-cors', validSignup(), { Origin: 'https://shop.example.com' }));

      const fromElsewhere = await invoke(
        call,
        keyed('key-cors', validSignup(), { Origin: 'https://evil.example.net' }),
      );
      const fromTheShop = await invoke(
        call,
        keyed('key-cors', validSignup(), { Origin: 'https://shop.example.com' }),
      );

      expect(fromElsewhere.statusCode).toBe(201);
      expect(fromElsewhere.headers?.['Access-Control-Allow-Origin']).toBeUndefined();
      expect(fromElsewhere.headers?.['X-Content-Type-Options']).toBe('nosniff');
      expect(fromTheShop.headers?.['Access-Control-Allow-Origin']).toBe('https://shop.example.com');
    });

    it('answers the same key with another body 422, another address included, and stores nothing for it', async () => {
      const call = handler();
      await invoke(call, keyed('key-2', validSignup()));

      const other = await invoke(call, keyed('key-2', validSignup({ first_name: 'Jane' })));
      const otherAddress = await invoke(call, keyed('key-2', validSignup({ email: 'jane@example.com' })));

      expect(other.statusCode).toBe(422);
      expect(other.json).toEqual({ detail: 'Idempotency-Key was used with another request.' });
      expect(otherAddress.statusCode).toBe(422);
      expect(await customers()).toHaveLength(1);
    });

    it('treats a body that differs in one byte as another body', async () => {
      const call = handler();
      const body = JSON.stringify(validSignup());
      await invoke(call, { headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'k' }, body });

      const spaced = await invoke(call, {
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'k' },
        body: `${body} `,
      });

      expect(spaced.statusCode).toBe(422);
    });

    it('answers 409 with Retry-After while the first request with the key is running', async () => {
      // Prepare: a signup held open until the test lets it finish.
      let finish: (outcome: SignupOutcome) => void = () => undefined;
      const held = new Promise<SignupOutcome>((resolve) => {
        finish = resolve;
      });
      const call = createHandler({
        signup: () => held,
        idempotencyRecords: testIdempotencyRecords(db.documentClient, db.tableName),
        requestDigests: testDigests,
        corsOrigins: [],
        telemetry: silentTelemetry(),
        timeoutEarlyInMillis: 0,
      });
      const first = invoke(call, keyed('key-3', validSignup()));
      await vi.waitFor(async () => expect(await idempotencyItems()).toHaveLength(1));

      // Act
      const during = await invoke(call, keyed('key-3', validSignup()));
      const otherBodyDuring = await invoke(call, keyed('key-3', validSignup({ first_name: 'Johnny' })));
      finish({
        outcome: 'invalid',
        errors: { first_name: ['This field may not be blank.'] },
        emailTaken: false,
      });
      await first;

      // Assess
      expect(during.statusCode).toBe(409);
      expect(during.json).toEqual({ detail: 'A request with this Idempotency-Key is in progress.' });
      expect(during.headers?.['Retry-After']).toBe('1');
      expect(otherBodyDuring.statusCode).toBe(422);
    });

    it('does not remember validation failures: the key serves a corrected request', async () => {
      const call = handler();
      const invalid = await invoke(call, keyed('key-4', validSignup({ password2: 'Different#Secret1' })));

      const corrected = await invoke(call, keyed('key-4', validSignup()));

      expect(invalid.statusCode).toBe(400);
      expect(corrected.statusCode).toBe(201);
    });

    it('does not remember a taken e-mail either, nor keep any record of it', async () => {
      const call = handler();
      await invoke(call, jsonPost(validSignup()));

      const taken = await invoke(call, keyed('key-5', validSignup()));

      expect(taken.statusCode).toBe(400);
      expect(taken.json).toEqual({ email: ['customer with this email address already exists.'] });
      expect(await idempotencyItems()).toEqual([]);
    });

    it('frees the key after an unexpected failure, so that a retry runs again', async () => {
      let failures = 1;
      const call = createHandler({
        signup: async () => {
          if (failures-- > 0) throw new Error('boom');
          return {
            outcome: 'invalid',
            errors: { email: ['Enter a valid email address.'] },
            emailTaken: false,
          };
        },
        idempotencyRecords: testIdempotencyRecords(db.documentClient, db.tableName),
        requestDigests: testDigests,
        corsOrigins: [],
        telemetry: silentTelemetry(),
        timeoutEarlyInMillis: 0,
      });

      const failed = await invoke(call, keyed('key-6', validSignup()));
      const retried = await invoke(call, keyed('key-6', validSignup()));

      expect(failed.statusCode).toBe(500);
      expect(failed.json).toEqual({ detail: 'A server error occurred.' });
      expect(retried.statusCode).toBe(400);
    });

    it('keeps a record for 24 hours: replayed just before, run again just after', async () => {
      // Prepare: times from the real clock, on a whole second: an engine with TTL may delete, at any
      // time, a record that has expired by the real clock.
      const start = Math.ceil(Date.now() / 1000) * 1000;
      const day = 24 * 3_600_000;
      vi.useFakeTimers({ toFake: ['Date'], now: start });
      const call = handler();
      const first = await invoke(call, keyed('key-7', validSignup()));
      const [record] = await idempotencyItems();

      // Act
      vi.setSystemTime(start + day - 60_000);
      const within = await invoke(call, keyed('key-7', validSignup()));
      vi.setSystemTime(start + day + 1_000);
      const after = await invoke(call, keyed('key-7', validSignup()));

      // Assess
      expect(record?.[customersTable.timeToLiveAttribute]).toBe((start + day) / 1000);
      expect(within.statusCode).toBe(201);
      expect(within.body).toBe(first.body);
      // The customer exists: a request that is run again meets its e-mail.
      expect(after.statusCode).toBe(400);
      expect(after.json).toEqual({ email: ['customer with this email address already exists.'] });
    });

    it.each([
      ['empty', ''],
      ['over 255 characters', 'k'.repeat(256)],
    ])('refuses a key that is %s with 400, before any record', async (_, key) => {
      const answer = await invoke(handler(), keyed(key, validSignup()));

      expect(answer.statusCode).toBe(400);
      expect(answer.json).toEqual({ detail: 'Idempotency-Key must be 1 to 255 characters.' });
      expect(await items()).toEqual([]);
    });

    it('takes a key of 255 characters, counted as code points', async () => {
      const answer = await invoke(handler(), keyed('\u{1F511}'.repeat(255), validSignup()));
      expect(answer.statusCode).toBe(201);
    });

    it('costs no store request without the header, nor for a malformed request with it', async () => {
      // Prepare
      const records = testIdempotencyRecords(db.documentClient, db.tableName);
      const counted: IdempotencyRecords = {
        claim: vi.fn(records.claim),
        remember: vi.fn(records.remember),
        forget: vi.fn(records.forget),
      };
      const call = createTestHandler({
        documentClient: db.documentClient,
        tableName: db.tableName,
        idempotencyRecords: counted,
      });

      // Act
      await invoke(call, jsonPost(validSignup()));
      await invoke(call, {
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'k' },
        body: '{"email": ',
      });
      await invoke(call, {
        headers: { 'Content-Type': 'text/plain', 'Idempotency-Key': 'k' },
        body: 'hello',
      });

      // Assess
      expect(counted.claim).not.toHaveBeenCalled();
    });

    it('keeps its records apart from customers and slugs, with neither the body nor a plain hash of it', async () => {
      const body = JSON.stringify(validSignup());
      await invoke(handler(), {
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'key-8' },
        body,
      });

      const [record] = await idempotencyItems();
      const text = JSON.stringify(record);

      expect(String(record?.pk)).toMatch(/^idempotency#/);
      expect(text).not.toContain('key-8');
      expect(text).not.toContain('SecureP@ssw0rd123');
      for (const digestOf of [body, JSON.stringify(body)]) {
        expect(text).not.toContain(createHash('sha256').update(digestOf).digest('base64'));
      }
    });
  });

  describe('the table, after keyed signups', () => {
    /** Every text an item holds, down to the members of its sets. */
    const texts = (value: unknown): string[] => {
      if (typeof value === 'string') return [value];
      if (value instanceof Set || Array.isArray(value)) return [...value].flatMap(texts);
      if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(texts);
      return [];
    };
    const encodings = (hash: Buffer): string[] => [
      hash.toString('base64'),
      hash.toString('base64url'),
      hash.toString('hex'),
    ];
    const sha256 = (text: string) => createHash('sha256').update(text).digest();

    it('holds nothing that a guess of the key or the password can be tested against', async () => {
      const call = handler();
      const requests = [
        keyed('7', validSignup()),
        keyed('a-key-no-item-holds', validSignup({ email: 'jane@example.com', first_name: 'Jane' })),
      ];
      for (const request of requests) expect((await invoke(call, request)).statusCode).toBe(201);

      const stored = texts(await items());
      for (const request of requests) {
        const key = request.headers?.['Idempotency-Key'] as string;
        const oldDigest = createHmac('sha256', key)
          .update(request.body as string)
          .digest('base64');
        const testable = [
          // The old digest, keyed by the Idempotency-Key alone, and Powertools' hash of it.
          ...encodings(Buffer.from(oldDigest, 'base64')),
          ...encodings(sha256(JSON.stringify(oldDigest))),
          ...encodings(sha256(oldDigest)),
          // The key's SHA-256, which a short key is found from.
          ...encodings(sha256(key)),
          ...encodings(sha256(JSON.stringify(key))),
        ];
        for (const value of testable) expect(stored.filter((text) => text.includes(value))).toEqual([]);
      }
      expect(stored.filter((text) => text.includes('a-key-no-item-holds'))).toEqual([]);
      expect(stored.filter((text) => text.includes('SecureP@ssw0rd123'))).toEqual([]);
    });
  });

  describe('a keyed request whose earlier attempt stored the customer and never got its answer', () => {
    const HOUR = 3_600_000;
    /** That attempt, `hoursAgo`: its customer stored, its key's record then gone (freed after a 503, or expired). */
    const storedByEarlierAttempt = async (request: TestRequest, hoursAgo: number) => {
      const then = () => new Date(Date.now() - hoursAgo * HOUR);
      const earlier = createTestHandler({
        documentClient: db.documentClient,
        tableName: db.tableName,
        now: then,
      });
      expect((await invoke(earlier, request)).statusCode).toBe(201);
      for (const { pk } of await idempotencyItems()) {
        await db.documentClient.send(new DeleteCommand({ TableName: db.tableName, Key: { pk } }));
      }
    };

    it('gets that customer with 201 within 24 hours, as the first answer would have been', async () => {
      const request = keyed('lost-answer', validSignup());
      await storedByEarlierAttempt(request, 23);

      const retry = await invoke(handler(), request);

      expect(retry.statusCode).toBe(201);
      expect(retry.json).toEqual(contractCustomer);
      expect(await customers()).toHaveLength(1);
    });

    it('is refused as a taken e-mail after 24 hours', async () => {
      const request = keyed('lost-answer', validSignup());
      await storedByEarlierAttempt(request, 25);

      const late = await invoke(handler(), request);

      expect(late.statusCode).toBe(400);
      expect(late.json).toEqual({ email: ['customer with this email address already exists.'] });
    });

    it('does not hand the customer to another key, nor to the same key with another body', async () => {
      const request = keyed('lost-answer', validSignup());
      await storedByEarlierAttempt(request, 1);
      const call = handler();

      const otherKey = await invoke(call, keyed('other-key', validSignup()));
      const otherBody = await invoke(call, keyed('lost-answer', validSignup({ first_name: 'Johnny' })));

      for (const answer of [otherKey, otherBody]) {
        expect(answer.statusCode).toBe(400);
        expect(answer.json).toEqual({ email: ['customer with this email address already exists.'] });
      }
    });
  });
});
