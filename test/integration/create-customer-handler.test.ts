import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import bcrypt from 'bcryptjs';
import { beforeEach, describe, expect, it } from 'vitest';
import type { PasswordHasher } from '../../functions/core/password-hasher.ts';
import { localContext } from '../../local/api-gateway-event.ts';
import { useEmbeddedTable } from '../support/dynalite.ts';
import {
  cheapHasher,
  contractCustomer,
  createTestHandler,
  invoke,
  jsonPost,
  type TestAnswer,
  validSignup,
} from '../support/signup-handler.ts';

const db = await useEmbeddedTable({ freshTablePerTest: true });

/** Counts the hashes made, to show that refused signups never pay for one. */
let hashes = 0;
const countingHasher = (inner: PasswordHasher): PasswordHasher => ({
  prepare: () => inner.prepare(),
  verify: (password, hash) => inner.verify(password, hash),
  hash: (password) => {
    hashes += 1;
    return inner.hash(password);
  },
});

const handlerForTest = () =>
  createTestHandler({
    documentClient: db.documentClient,
    tableName: db.tableName,
    hasher: countingHasher(cheapHasher),
    now: () => new Date('2026-11-27T12:00:00Z'),
  });

let handler = handlerForTest();
beforeEach(() => {
  handler = handlerForTest();
  hashes = 0;
});

const contractExample = validSignup();

/** The contract's example signup as API Gateway hands it over. */
const exampleEvent = () => ({
  httpMethod: 'POST',
  path: '/api/v1/customers/',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify(contractExample),
  isBase64Encoded: false,
});

/** An answer whose JSON body the tests read fields of. */
type Answer = TestAnswer & { json: Record<string, unknown> };

const post = async (
  body: string | null,
  headers: Record<string, string> = { 'Content-Type': 'application/json' },
  method = 'POST',
  path = '/api/v1/customers/',
) => (await invoke(handler, { method, path, headers, body })) as Answer;
const signUp = (fields: Record<string, unknown>) => post(JSON.stringify(fields));

const storedItems = async () =>
  (await db.documentClient.send(new ScanCommand({ TableName: db.tableName }))).Items ?? [];

describe('POST /api/v1/customers/', () => {
  it("creates the contract's example customer and answers exactly its seven keys, in its order", async () => {
    const response = await signUp(contractExample);

    expect(response.statusCode).toBe(201);
    expect(response.headers?.['Content-Type']).toBe('application/json');
    expect(response.json).toEqual(contractCustomer);
    expect(Object.keys(response.json)).toEqual(Object.keys(contractCustomer));
  });

  it("stores the password only as a Django bcrypt hash that verifies, and the customer's other fields", async () => {
    await signUp({ ...contractExample, email: 'John@Example.COM' });

    const { Item } = await db.documentClient.send(
      new GetCommand({
        TableName: db.tableName,
        Key: { pk: 'customer#john@example.com' },
        ConsistentRead: true,
      }),
    );
    expect(Item).toMatchObject({
      email: 'John@example.com',
      first_name: 'John',
      last_name: 'Doe',
      slug: 'john-doe',
      date_of_birth: '1990-01-15',
      address: null,
      last_purchase_date: null,
      is_active: true,
    });
    expect(Item?.created_at).toEqual(expect.any(String));
    expect(Item?.password).toMatch(/^bcrypt\$\$2b\$04\$/);
    expect(
      await bcrypt.compare(contractExample.password, String(Item?.password).slice('bcrypt$'.length)),
    ).toBe(true);
    expect(JSON.stringify(await storedItems())).not.toContain(contractExample.password);
  });

  it('answers the same without the trailing slash', async () => {
    const response = await post(
      JSON.stringify(contractExample),
      { 'Content-Type': 'application/json' },
      'POST',
      '/api/v1/customers',
    );
    expect(response.statusCode).toBe(201);
  });

  it('refuses a taken e-mail in any letter case, before hashing, and stores nothing more', async () => {
    await signUp(contractExample);
    hashes = 0;

    const response = await signUp({ ...contractExample, email: 'JOHN@example.com', first_name: 'Other' });

    expect(response.statusCode).toBe(400);
    expect(response.json).toEqual({ email: ['customer with this email address already exists.'] });
    expect(hashes).toBe(0);
    expect((await storedItems()).filter((item) => String(item.pk).startsWith('customer#'))).toHaveLength(1);
  });

  it('reports a taken e-mail together with the other fields\u2019 errors', async () => {
    await signUp(contractExample);
    const response = await signUp({ ...contractExample, password: 'password123', password2: 'password123' });
    expect(response.json).toEqual({
      email: ['customer with this email address already exists.'],
      password: ['This password is too common.'],
    });
  });

  it('refuses invalid input before hashing and stores nothing', async () => {
    const response = await signUp({ ...contractExample, password: '12345678', password2: '12345678' });

    expect(response.statusCode).toBe(400);
    expect(response.json).toEqual({
      password: ['This password is too common.', 'This password is entirely numeric.'],
    });
    expect(hashes).toBe(0);
    expect(await storedItems()).toEqual([]);
  });

  it('gives the next free slug to the same name, and cuts long ones within 50 characters', async () => {
    const slugs: string[] = [];
    for (const [index, name] of ['John Doe', 'John Doe', 'John Doe 2', 'John Doe'].entries()) {
      const [first = '', last = ''] = name.split(/ (.*)/);
      slugs.push(
        (
          await signUp({
            ...contractExample,
            email: `j${index}@example.com`,
            first_name: first,
            last_name: last,
          })
        ).json.slug as string,
      );
    }
    expect(slugs).toEqual(['john-doe', 'john-doe-2', 'john-doe-2-2', 'john-doe-3']);
  });

  it('accepts a urlencoded form, whose values are text', async () => {
    const form = new URLSearchParams({
      ...contractExample,
      email: 'form@example.com',
      date_of_birth: '',
    }).toString();
    const response = await post(form, { 'Content-Type': 'application/x-www-form-urlencoded' });
    expect(response.statusCode).toBe(201);
    expect(response.json.date_of_birth).toBeNull();
  });

  it.each([
    ['[1, 2, 3]', { non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] }],
    ['"text"', { non_field_errors: ['Invalid data. Expected a dictionary, but got str.'] }],
    ['12', { non_field_errors: ['Invalid data. Expected a dictionary, but got int.'] }],
    ['1.5', { non_field_errors: ['Invalid data. Expected a dictionary, but got float.'] }],
    ['true', { non_field_errors: ['Invalid data. Expected a dictionary, but got bool.'] }],
    ['null', { non_field_errors: ['No data provided'] }],
  ])('refuses the JSON body %s', async (body, expected) => {
    const response = await post(body);
    expect(response.statusCode).toBe(400);
    expect(response.json).toEqual(expected);
  });

  it('refuses malformed JSON with the parser\u2019s words', async () => {
    const response = await post('{"email": "x@example.com",');
    expect(response.statusCode).toBe(400);
    expect(response.json.detail).toMatch(/^JSON parse error - ./);
  });

  it('treats an empty body as {} whatever its type', async () => {
    const response = await post('', { 'Content-Type': 'text/plain' });
    expect(response.statusCode).toBe(400);
    expect(response.json.email).toEqual(['This field is required.']);
  });

  it.each([
    [{ 'Content-Type': 'text/plain' }, 'text/plain'],
    [{ 'content-type': 'text/plain; charset=utf-8' }, 'text/plain; charset=utf-8'],
    [{}, 'application/octet-stream'],
  ])('refuses a body of another media type (%j)', async (headers, named) => {
    const response = await post('hello', headers);
    expect(response.statusCode).toBe(415);
    expect(response.json).toEqual({ detail: `Unsupported media type "${named}" in request.` });
  });

  it('accepts JSON with a charset and any letter case', async () => {
    const response = await post(JSON.stringify(contractExample), {
      'content-type': 'Application/JSON; charset=UTF-8',
    });
    expect(response.statusCode).toBe(201);
  });

  it('refuses a body over 16 KiB with 413', async () => {
    const response = await post(JSON.stringify({ ...contractExample, padding: 'x'.repeat(16 * 1024) }));
    expect(response.statusCode).toBe(413);
    expect(response.json).toEqual({ detail: 'Request body is too large.' });
    expect(await storedItems()).toEqual([]);
  });

  it.each(['GET', 'PUT', 'PATCH', 'DELETE'])('answers %s with 405 and Allow', async (method) => {
    const response = await post(null, {}, method);
    expect(response.statusCode).toBe(405);
    expect(response.headers?.Allow).toBe('POST, OPTIONS');
    expect(response.json).toEqual({ detail: `Method "${method}" not allowed.` });
  });

  it('routes by the resource API Gateway matched, so a custom domain\u2019s base path in the path does not matter', async () => {
    const event = { ...exampleEvent(), resource: '/api/v1/customers', path: '/shop/api/v1/customers/' };
    const response = await handler(event as never, localContext(10_000));
    expect(response.statusCode).toBe(201);
  });

  it('answers unknown paths with 404 in JSON', async () => {
    const response = await post(JSON.stringify(contractExample), undefined, 'POST', '/api/v1/customer');
    expect(response.statusCode).toBe(404);
    expect(response.json).toEqual({ detail: 'Not found.' });
  });

  it('answers a CORS preflight from a configured origin, and not from others', async () => {
    const allowed = await post(
      null,
      { Origin: 'https://shop.example.com', 'Access-Control-Request-Method': 'POST' },
      'OPTIONS',
    );
    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers?.['Access-Control-Allow-Origin']).toBe('https://shop.example.com');
    expect(allowed.headers?.['Access-Control-Allow-Methods']).toContain('POST');

    const other = await post(null, { Origin: 'https://evil.example.net' }, 'OPTIONS');
    expect(other.headers?.['Access-Control-Allow-Origin']).toBeUndefined();
  });

  it('answers 500 when the hash fails, and gives back the slug it claimed meanwhile', async () => {
    const failing = createTestHandler({
      documentClient: db.documentClient,
      tableName: db.tableName,
      hasher: {
        prepare: () => {},
        hash: async () => {
          throw new Error('no hash');
        },
      },
    });
    const failed = await invoke(failing, jsonPost(contractExample));
    const next = await signUp({ ...contractExample, email: 'next@example.com' });

    expect(failed.statusCode).toBe(500);
    expect(next.json.slug).toBe('john-doe');
    const items = await storedItems();
    expect(items.filter((item) => 'email' in item).map((item) => item.pk)).toEqual([
      'customer#next@example.com',
    ]);
    expect(items.filter((item) => String(item.pk).startsWith('slug#')).map((item) => item.pk)).toEqual([
      'slug#john-doe',
    ]);
  });

  it('never echoes a password or a hash', async () => {
    const responses = [
      await signUp(contractExample),
      await signUp(contractExample),
      await signUp({ ...contractExample, email: 'x@example.com', password2: 'Different#Secret1' }),
    ];
    for (const response of responses) {
      expect(response.body).not.toContain('SecureP@ssw0rd123');
      expect(response.body).not.toMatch(/\$2[aby]?\$\d\d\$/);
    }
  });
});
