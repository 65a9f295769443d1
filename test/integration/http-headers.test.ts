import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createHandler } from '../../functions/create-customer/handler.ts';
import { useEmbeddedTable } from '../support/dynalite.ts';
import { INHERITED_NAMES } from '../support/hostile-requests.ts';
import {
  createTestHandler,
  invoke,
  jsonPost,
  silentTelemetry,
  type TestRequest,
  testDigests,
  testIdempotencyRecords,
  validSignup,
} from '../support/signup-handler.ts';

const db = await useEmbeddedTable({ freshTablePerTest: true });

const ALLOWED = 'https://shop.example.com';
const OTHER = 'https://evil.example.net';

const SECURITY_HEADERS = {
  'Strict-Transport-Security': expect.stringMatching(/^max-age=\d+/),
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': expect.stringContaining("frame-ancestors 'none'"),
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
  // Answers hold personal data: no cache may keep them.
  'Cache-Control': 'no-store',
};

const handler = () =>
  createTestHandler({ documentClient: db.documentClient, tableName: db.tableName, corsOrigins: [ALLOWED] });

const failingHandler = () =>
  createHandler({
    signup: async () => {
      throw new Error('boom');
    },
    idempotencyRecords: testIdempotencyRecords(db.documentClient, db.tableName),
    requestDigests: testDigests,
    corsOrigins: [ALLOWED],
    telemetry: silentTelemetry(),
    timeoutEarlyInMillis: 0,
  });

let restoreStore: (() => void) | undefined;
afterEach(() => {
  restoreStore?.();
  restoreStore = undefined;
});

/** Every kind of answer the contract has, each with the status it must get. */
const answers: [string, number, () => Promise<{ call: ReturnType<typeof handler>; request: TestRequest }>][] =
  [
    ['a created customer', 201, async () => ({ call: handler(), request: jsonPost(validSignup()) })],
    [
      'a replayed answer',
      201,
      async () => {
        const call = handler();
        await invoke(call, jsonPost(validSignup(), { 'Idempotency-Key': 'replay' }));
        return { call, request: jsonPost(validSignup(), { 'Idempotency-Key': 'replay' }) };
      },
    ],
    ['field errors', 400, async () => ({ call: handler(), request: jsonPost({}) })],
    [
      'malformed JSON',
      400,
      async () => ({
        call: handler(),
        request: { headers: { 'Content-Type': 'application/json' }, body: '{' },
      }),
    ],
    ['an unknown path', 404, async () => ({ call: handler(), request: { path: '/api/v1/other' } })],
    ['another method', 405, async () => ({ call: handler(), request: { method: 'GET' } })],
    [
      'a preflight',
      204,
      async () => ({
        call: handler(),
        request: { method: 'OPTIONS', headers: { 'Access-Control-Request-Method': 'POST' } },
      }),
    ],
    [
      'a body over 16 KiB',
      413,
      async () => ({
        call: handler(),
        request: { headers: { 'Content-Type': 'application/json' }, body: 'x'.repeat(17_000) },
      }),
    ],
    [
      'another media type',
      415,
      async () => ({ call: handler(), request: { headers: { 'Content-Type': 'text/plain' }, body: 'x' } }),
    ],
    [
      'a key in progress',
      409,
      async () => {
        const request = jsonPost(validSignup(), { 'Idempotency-Key': 'running' });
        const records = testIdempotencyRecords(db.documentClient, db.tableName);
        await records.claim({ key: 'running', body: request.body ?? '' }, 10_000);
        return { call: handler(), request };
      },
    ],
    [
      'a reused Idempotency-Key',
      422,
      async () => {
        const call = handler();
        await invoke(call, jsonPost(validSignup(), { 'Idempotency-Key': 'reused' }));
        return {
          call,
          request: jsonPost(validSignup({ first_name: 'Other' }), { 'Idempotency-Key': 'reused' }),
        };
      },
    ],
    [
      'a throttled store',
      503,
      async () => {
        const mock = mockClient(db.documentClient);
        mock.send.callThrough();
        mock
          .on(GetCommand)
          .rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));
        restoreStore = () => mock.restore();
        return { call: handler(), request: jsonPost(validSignup()) };
      },
    ],
    [
      'an unexpected failure',
      500,
      async () => ({ call: failingHandler(), request: jsonPost(validSignup()) }),
    ],
  ];

const withOrigin = (request: TestRequest, origin: string): TestRequest => ({
  ...request,
  headers: { ...request.headers, Origin: origin },
});

describe('headers on every answer', () => {
  it.each(answers)(
    '%s (%i) carries the security headers and no-store, and is JSON unless it is a preflight',
    async (_, status, prepare) => {
      const { call, request } = await prepare();

      const answer = await invoke(call, request);

      expect(answer.statusCode).toBe(status);
      expect(answer.headers).toMatchObject(SECURITY_HEADERS);
      if (status !== 204) expect(answer.headers?.['Content-Type']).toBe('application/json');
    },
  );

  it.each(answers)('%s (%i) allows a configured origin, and varies on Origin', async (_, status, prepare) => {
    const { call, request } = await prepare();

    const answer = await invoke(call, withOrigin(request, ALLOWED));

    expect(answer.statusCode).toBe(status);
    expect(answer.headers?.['Access-Control-Allow-Origin']).toBe(ALLOWED);
    expect(answer.headers?.Vary).toContain('Origin');
  });

  it.each(answers)(
    '%s (%i) gives another origin no Access-Control-Allow-Origin',
    async (_, status, prepare) => {
      const { call, request } = await prepare();

      const answer = await invoke(call, withOrigin(request, OTHER));

      expect(answer.statusCode).toBe(status);
      expect(answer.headers?.['Access-Control-Allow-Origin']).toBeUndefined();
      expect(answer.headers?.['Access-Control-Allow-Credentials']).toBeUndefined();
    },
  );

  it('lets a browser script read Retry-After on a 503 from a configured origin', async () => {
    const [, , prepare] = answers.find(([name]) => name === 'a throttled store') ?? [];
    const { call, request } = (await prepare?.()) ?? { call: handler(), request: {} };

    const answer = await invoke(call, withOrigin(request, ALLOWED));

    expect(answer.headers?.['Retry-After']).toBe('1');
    expect(answer.headers?.['Access-Control-Expose-Headers']).toContain('Retry-After');
  });

  it('gives no origin Access-Control-Allow-Origin when none is configured', async () => {
    const call = createTestHandler({
      documentClient: db.documentClient,
      tableName: db.tableName,
      corsOrigins: [],
    });

    const preflight = await invoke(call, { method: 'OPTIONS', headers: { Origin: ALLOWED } });
    const created = await invoke(call, withOrigin(jsonPost(validSignup()), ALLOWED));

    expect(preflight.headers?.['Access-Control-Allow-Origin']).toBeUndefined();
    expect(created.headers?.['Access-Control-Allow-Origin']).toBeUndefined();
  });

  it.each(INHERITED_NAMES)(
    'answers a signup with a header named %s as any other, with every header',
    async (name) => {
      const call = handler();

      const answer = await invoke(call, withOrigin(jsonPost(validSignup(), { [name]: 'x' }), ALLOWED));

      expect(answer.statusCode).toBe(201);
      expect(answer.headers).toMatchObject(SECURITY_HEADERS);
      expect(answer.headers?.['Access-Control-Allow-Origin']).toBe(ALLOWED);
    },
  );
});
