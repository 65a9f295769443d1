import { readFileSync } from 'node:fs';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDocumentClient } from '../../functions/dynamodb/client.ts';
import { contractShapeProblems, hostileRequests } from '../support/hostile-requests.ts';
import { type LocalServer, startLocalServer } from '../support/local-server.ts';
import { type ContractCase, replayCases } from '../support/replay-cases.ts';
import { startRestartableDynalite } from '../support/restartable-dynalite.ts';

const publicCases = JSON.parse(
  readFileSync(new URL('../contract/public-cases.json', import.meta.url), 'utf8'),
) as ContractCase[];

/** How many hostile requests to send to `npm start`; raise it for a longer run (HOSTILE_RUNS=5000). */
const HOSTILE_RUNS = Number(process.env.HOSTILE_RUNS ?? 150);
const MAX_BODY_BYTES = 16 * 1024;
/** What `npm start` prints before it serves, for people: every other line is a structured log line. */
const BANNER = /^(Signup page|Mail|OpenAPI reference|Signup API|Store): /;

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

const send = async (baseUrl: string, init: RequestInit & { path?: string }): Promise<Answer> => {
  const response = await fetch(`${baseUrl}${init.path ?? '/api/v1/customers/'}`, init);
  return { status: response.status, headers: response.headers, text: await response.text() };
};

const signupBody = (email: string, name = 'Fault') =>
  JSON.stringify({
    email,
    first_name: name,
    last_name: 'Tolerant',
    password: 'Fault#Tolerant-9',
    password2: 'Fault#Tolerant-9',
  });

const postSignup = (baseUrl: string, body: string, headers: Record<string, string> = {}) =>
  send(baseUrl, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });

/** The passwords a request carries, as the parser will read them, to look for in the logs. */
const passwordsOf = (contractCase: ContractCase): string[] => {
  const body = contractCase.body ?? '';
  let fields: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null) fields = parsed as Record<string, unknown>;
  } catch {
    fields = Object.fromEntries(new URLSearchParams(body));
  }
  return [fields.password, fields.password2].filter(
    (value): value is string => typeof value === 'string' && value.length >= 4,
  );
};

describe('npm start: logs over the whole public contract', () => {
  it('are one structured JSON line per answer, and never carry a password, a password2 or a hash', async () => {
    // Prepare
    const server = await startLocalServer();
    const keyed = { 'Content-Type': 'application/json', 'Idempotency-Key': 'log-scan' };

    // Act
    const failures = await replayCases(server.baseUrl, publicCases);
    const extra = [
      await postSignup(server.baseUrl, signupBody('logs@example.com'), keyed),
      await postSignup(server.baseUrl, signupBody('logs@example.com'), keyed),
      await postSignup(server.baseUrl, signupBody('other@example.com'), keyed),
      await send(server.baseUrl, { method: 'OPTIONS', headers: { Origin: 'https://elsewhere.example' } }),
    ];
    await server.stop();

    // Assess
    expect(failures).toEqual({});
    expect(extra.map((answer) => answer.status)).toEqual([201, 201, 422, 204]);
    const lines = server.output().split('\n').filter(Boolean);
    const logLines = lines.filter((line) => !BANNER.test(line));
    const parsed = logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const answered = parsed.filter((line) => line.message === 'signup answered');
    expect(answered).toHaveLength(publicCases.length + extra.length);
    for (const line of answered) {
      expect(line).toMatchObject({
        function_request_id: expect.any(String),
        correlation_id: expect.any(String),
        outcome: expect.any(String),
        status_code: expect.any(Number),
        latency_ms: expect.any(Number),
      });
    }
    expect(
      answered
        .filter((line) => line.status_code === 201)
        .every((line) => /^.\*\*\*@/.test(String(line.email))),
    ).toBe(true);
    const secrets = [...publicCases.flatMap(passwordsOf), 'Fault#Tolerant-9'];
    for (const line of lines) {
      for (const secret of secrets) expect(line).not.toContain(secret);
      expect(line).not.toMatch(/\$2[abxy]?\$\d\d\$/);
      expect(line).not.toContain('bcrypt$');
    }
  });
});

describe('npm start on a DynamoDB that a test controls', () => {
  const store = startRestartableDynalite();
  let server: LocalServer;
  let documentClient: ReturnType<typeof createDocumentClient>;
  beforeAll(async () => {
    const { endpoint } = await store;
    server = await startLocalServer({ DYNAMODB_ENDPOINT: endpoint, TABLE_NAME: 'customers' });
    documentClient = createDocumentClient({ endpoint });
  });
  afterAll(async () => {
    await server?.stop();
    documentClient?.destroy();
    await (await store).close();
  });

  const items = async () =>
    (await documentClient.send(new ScanCommand({ TableName: 'customers' }))).Items ?? [];
  const customerEmails = async () =>
    (await items())
      .filter((item) => String(item.pk).startsWith('customer#'))
      .map((item) => String(item.email));

  it(
    `answers ${HOSTILE_RUNS} hostile requests in the contract's JSON, never 5xx, storing only signups`,
    async () => {
      await fc.assert(
        fc.asyncProperty(hostileRequests({ overHttp: true }), async (request) => {
          const before = (await items()).length;

          const answer = await send(server.baseUrl, {
            method: request.method,
            headers: request.headers,
            // fetch sends no body with GET.
            ...(request.method === 'GET' ? {} : { body: request.body }),
          });

          const stored = (await items()).length - before;
          expect(answer.status).toBeLessThan(500);
          expect(answer.headers.get('content-type')).toContain('application/json');
          expect(contractShapeProblems(answer.status, JSON.parse(answer.text))).toEqual([]);
          if (answer.status === 201) expect(stored).toBeGreaterThan(0);
          else expect(stored).toBe(0);
          if (request.method === 'POST' && Buffer.byteLength(request.body) > MAX_BODY_BYTES)
            expect(answer.status).toBe(413);
        }),
        { numRuns: HOSTILE_RUNS },
      );
    },
    30_000 + HOSTILE_RUNS * 20,
  );

  it('answers a body of 2 MiB as any answer over 16 KiB: 413, JSON, with the security headers', async () => {
    const answer = await postSignup(server.baseUrl, JSON.stringify({ padding: 'x'.repeat(2 * 1024 * 1024) }));

    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.text)).toEqual({ detail: 'Request body is too large.' });
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('strict-transport-security')).toMatch(/^max-age=/);
  });

  it('answers 503 with Retry-After while its store is stopped, and the same signup once it is back', async () => {
    const { stop, restart } = await store;
    await stop();

    const started = performance.now();
    const down = await postSignup(server.baseUrl, signupBody('stopped@example.com'));
    const elapsedMs = performance.now() - started;
    await restart();
    const back = await postSignup(server.baseUrl, signupBody('stopped@example.com'));

    expect(down.status).toBe(503);
    expect(JSON.parse(down.text)).toEqual({ detail: 'Service temporarily unavailable, try again later.' });
    expect(down.headers.get('retry-after')).toBe('1');
    expect(elapsedMs).toBeLessThan(2000);
    expect(back.status).toBe(201);
  });

  it('loses no signup when its store stops in the middle of a burst: each one answered 201 is stored', async () => {
    // Prepare
    const { stop, restart } = await store;
    const emails = Array.from({ length: 40 }, (_, index) => `burst${index}@example.com`);

    // Act: the store stops while the signups are in flight, then comes back; 503s are retried.
    const inFlight = emails.map((email) => postSignup(server.baseUrl, signupBody(email, 'Burst')));
    // A busy machine may take seconds to store the first few: waitFor's 1 s default failed so.
    await vi.waitFor(async () => expect((await customerEmails()).length).toBeGreaterThanOrEqual(3), {
      interval: 2,
      timeout: 15_000,
    });
    await stop();
    const firstAnswers = await Promise.all(inFlight);
    await restart();
    const finalAnswers = await Promise.all(
      firstAnswers.map((answer, index) =>
        answer.status === 503 ? postSignup(server.baseUrl, signupBody(emails[index] ?? '', 'Burst')) : answer,
      ),
    );

    // Assess
    expect(firstAnswers.every((answer) => [201, 503].includes(answer.status))).toBe(true);
    const stored = new Set(await customerEmails());
    const answered201 = emails.filter(
      (_, index) => firstAnswers[index]?.status === 201 || finalAnswers[index]?.status === 201,
    );
    expect(answered201.filter((email) => !stored.has(email))).toEqual([]);
    // A retry stores its customer now, or finds it stored by a write whose answer the stop cut off:
    // nothing half-written blocks it.
    expect(
      finalAnswers.map((answer) => answer.status).filter((status) => status !== 201 && status !== 400),
    ).toEqual([]);
    expect(emails.filter((email) => !stored.has(email))).toEqual([]);
  });
});
