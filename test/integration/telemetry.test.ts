import {
  ProvisionedThroughputExceededException,
  ThrottlingException,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it, vi } from 'vitest';
import { createHandler } from '../../functions/create-customer/handler.ts';
import { createTelemetry, maskEmail } from '../../functions/http/telemetry.ts';
import { capturingOutput } from '../support/captured-output.ts';
import { useEmbeddedTable } from '../support/dynalite.ts';
import {
  createTestHandler,
  invoke,
  jsonPost,
  testDigests,
  testIdempotencyRecords,
  validSignup,
} from '../support/signup-handler.ts';

const db = await useEmbeddedTable({ freshTablePerTest: true });

const loggedHandler = () =>
  createTestHandler({
    documentClient: db.documentClient,
    tableName: db.tableName,
    telemetry: createTelemetry(),
  });

const answerLines = (lines: Record<string, unknown>[]) =>
  lines.filter((line) => line.message === 'signup answered');
const metricLines = (lines: Record<string, unknown>[]) => lines.filter((line) => '_aws' in line);

describe('structured logs (Powertools Logger)', () => {
  it('write one JSON line per answer: request ids, outcome, status, latency and the masked e-mail', async () => {
    const call = loggedHandler();
    const { lines } = await capturingOutput(async () => {
      await invoke(call, jsonPost(validSignup()));
      await invoke(call, jsonPost(validSignup()));
      await invoke(call, jsonPost(validSignup({ email: 'jane@example.com', password2: 'Mismatch#Secret1' })));
    });

    const answers = answerLines(lines);
    expect(answers).toHaveLength(3);
    expect(answers.map((line) => [line.outcome, line.status_code])).toEqual([
      ['created', 201],
      ['email-taken', 400],
      ['invalid-fields', 400],
    ]);
    for (const line of answers) {
      expect(line).toMatchObject({
        level: 'INFO',
        service: 'customer-signup',
        function_request_id: expect.any(String),
        correlation_id: expect.any(String),
        latency_ms: expect.any(Number),
      });
    }
    expect(answers.map((line) => line.email)).toEqual([
      'j***@example.com',
      'j***@example.com',
      'j***@example.com',
    ]);
  });

  it('never carry a password, a password2 or a hash, even when an unexpected error quotes them', async () => {
    const password = 'Quoted#Secret123';
    const hash = `bcrypt$$2b$12$${'a'.repeat(53)}`;
    const call = createHandler({
      signup: async () => {
        throw new Error(`could not store ${password} as ${hash}`, {
          cause: new Error(`password2 was ${password}x`),
        });
      },
      idempotencyRecords: testIdempotencyRecords(db.documentClient, db.tableName),
      requestDigests: testDigests,
      corsOrigins: [],
      telemetry: createTelemetry(),
      timeoutEarlyInMillis: 0,
    });

    const { result, lines } = await capturingOutput(() =>
      invoke(call, jsonPost(validSignup({ password, password2: `${password}x` }))),
    );

    const [line] = answerLines(lines);
    const text = JSON.stringify(lines);
    expect(result.statusCode).toBe(500);
    expect(line).toMatchObject({ level: 'ERROR', outcome: 'server-error', error: { name: 'Error' } });
    expect(JSON.stringify(line?.error)).toContain('[redacted]');
    expect(text).not.toContain(password);
    expect(text).not.toMatch(/\$2[abxy]?\$\d\d\$/);
  });

  it('log a store fault as a warning with its cause, without a stack', async () => {
    const call = loggedHandler();
    const mock = mockClient(db.documentClient);
    mock.send.callThrough();
    mock
      .on(GetCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));

    const { lines } = await capturingOutput(() => invoke(call, jsonPost(validSignup())));
    mock.restore();

    const [line] = answerLines(lines);
    expect(line).toMatchObject({
      level: 'WARN',
      outcome: 'store-unavailable',
      status_code: 503,
      error: { name: 'StoreUnavailableError', cause: { name: 'ProvisionedThroughputExceededException' } },
    });
    expect(JSON.stringify(line)).not.toContain('"stack"');
  });

  it('log a hash that outlasts the time budget as a 503 of the budget, never as a store fault', async () => {
    // Prepare: the store answers at once; the hash takes longer than the request's whole budget.
    const hashed = Promise.withResolvers<void>();
    const slowHasher = {
      prepare: () => undefined,
      hash: async () => {
        await new Promise((resolve) => setTimeout(resolve, 1500));
        hashed.resolve();
        return `bcrypt$$2b$04$${'a'.repeat(53)}`;
      },
    };
    const call = createTestHandler({
      documentClient: db.documentClient,
      tableName: db.tableName,
      telemetry: createTelemetry(),
      hasher: slowHasher,
      timeoutEarlyInMillis: 500,
    });

    // Act
    const { result, lines } = await capturingOutput(() =>
      invoke(call, { ...jsonPost(validSignup()), budgetMs: 1000 }),
    );
    await hashed.promise;
    // The 503 aborted the signup: once its hash is done, it stores nothing.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const { Items = [] } = await db.documentClient.send(new ScanCommand({ TableName: db.tableName }));
    expect(Items.filter((item) => typeof item.email === 'string')).toEqual([]);

    // Assess
    const [line] = answerLines(lines);
    expect(result.statusCode).toBe(503);
    expect(result.json).toEqual({ detail: 'Service temporarily unavailable, try again later.' });
    expect(line).toMatchObject({
      level: 'WARN',
      outcome: 'time-budget-exceeded',
      status_code: 503,
      error: { name: 'TimeBudgetExceededError' },
    });
    expect(metricLines(lines)).toContainEqual(
      expect.objectContaining({ reason: 'time-budget-exceeded', SignupsRejected: 1 }),
    );
  });

  it('warn when a created customer’s answer could not be remembered for its Idempotency-Key, and answer 201', async () => {
    const call = loggedHandler();
    const mock = mockClient(db.documentClient);
    mock.send.callThrough();
    mock.on(UpdateItemCommand).rejects(new ThrottlingException({ message: 'slow down', $metadata: {} }));

    const { result, lines } = await capturingOutput(() =>
      invoke(call, jsonPost(validSignup(), { 'Idempotency-Key': 'unremembered' })),
    );
    mock.restore();

    expect(result.statusCode).toBe(201);
    expect(answerLines(lines)).toMatchObject([
      { level: 'WARN', outcome: 'created', idempotency_fault: 'not-remembered' },
    ]);
  });

  it('mask an e-mail to its first character and domain', () => {
    expect(maskEmail(' John.Doe@Example.COM ')).toBe('J***@example.com');
    expect(maskEmail('no-at-sign')).toBe('***');
    expect(maskEmail('@example.com')).toBe('***@example.com');
    expect(maskEmail(42)).toBeUndefined();
  });
});

describe('metrics (Powertools Metrics, EMF)', () => {
  it('count signups created, and rejections by reason', async () => {
    // As Lambda sets it: Powertools counts a cold start only for an on-demand environment.
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
    const call = loggedHandler();
    vi.unstubAllEnvs();
    const { lines } = await capturingOutput(async () => {
      await invoke(call, jsonPost(validSignup()));
      await invoke(call, jsonPost(validSignup()));
      await invoke(call, jsonPost(validSignup({ email: 'not-an-email' })));
      await invoke(call, { headers: { 'Content-Type': 'text/plain' }, body: 'hello' });
      await invoke(call, { headers: { 'Content-Type': 'application/json' }, body: '{' });
      await invoke(call, { headers: { 'Content-Type': 'application/json' }, body: 'x'.repeat(17_000) });
      await invoke(call, { method: 'OPTIONS', headers: { Origin: 'https://shop.example.com' } });
    });

    const metrics = metricLines(lines).map((line) => {
      const [directive] = (
        line._aws as { CloudWatchMetrics: { Namespace: string; Metrics: { Name: string; Unit: string }[] }[] }
      ).CloudWatchMetrics;
      const [metric] = directive?.Metrics ?? [];
      return {
        namespace: directive?.Namespace,
        name: metric?.Name,
        unit: metric?.Unit,
        value: line[metric?.Name ?? ''],
        reason: line.reason,
      };
    });
    expect(metrics).toEqual([
      // Powertools' own, once per process (here: per Metrics instance), before the first answer's.
      { namespace: 'CustomerSignup', name: 'ColdStart', unit: 'Count', value: 1, reason: undefined },
      { namespace: 'CustomerSignup', name: 'SignupsCreated', unit: 'Count', value: 1, reason: undefined },
      {
        namespace: 'CustomerSignup',
        name: 'SignupsRejected',
        unit: 'Count',
        value: 1,
        reason: 'email-taken',
      },
      {
        namespace: 'CustomerSignup',
        name: 'SignupsRejected',
        unit: 'Count',
        value: 1,
        reason: 'invalid-fields',
      },
      {
        namespace: 'CustomerSignup',
        name: 'SignupsRejected',
        unit: 'Count',
        value: 1,
        reason: 'unsupported-media-type',
      },
      {
        namespace: 'CustomerSignup',
        name: 'SignupsRejected',
        unit: 'Count',
        value: 1,
        reason: 'malformed-body',
      },
      {
        namespace: 'CustomerSignup',
        name: 'SignupsRejected',
        unit: 'Count',
        value: 1,
        reason: 'body-too-large',
      },
    ]);
  });
});

describe('the answer', () => {
  it('leaves with only the keys API Gateway reads: the outcome is taken off', async () => {
    const call = loggedHandler();
    const { result } = await capturingOutput(() => invoke(call, jsonPost(validSignup())));

    const { json: _, ...answer } = result;
    expect(Object.keys(answer).sort()).toEqual(['body', 'headers', 'statusCode']);
  });
});
