import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../functions/core/customer-store.ts';
import { messages } from '../../functions/core/rules/messages.ts';
import type { ResendVerification, VerifyCustomer } from '../../functions/core/verification.ts';
import { createHandler } from '../../functions/create-customer/handler.ts';
import type { Telemetry } from '../../functions/http/telemetry.ts';
import { createResendHandler } from '../../functions/resend-verification/handler.ts';
import { createVerifyHandler } from '../../functions/verify-customer/handler.ts';
import { hostileRequests } from '../support/hostile-requests.ts';
import {
  contractCustomer,
  invoke,
  jsonPost,
  silentTelemetry,
  type TestAnswer,
  type TestRequest,
  testDigests,
} from '../support/signup-handler.ts';

const ALLOWED = 'https://shop.example.com';
const VERIFY = '/api/v1/customers/verify/';
const RESEND = '/api/v1/customers/verify/resend/';
const TOKEN = 'q1QYJgHcOG3Yv0m7a6Xl0D8k2rJ9vZrE3tWz5uQpN1A';
const PASSWORD = 'SecureP@ssw0rd123';

/** A stand-in for the verify use case: it answers `outcome` and keeps the fields it was given. */
const verifyStandIn = (
  outcome: Awaited<ReturnType<VerifyCustomer>> = { outcome: 'verified', customer: contractCustomer },
) => {
  const received: unknown[] = [];
  const verify: VerifyCustomer = async (fields) => {
    received.push(fields);
    return outcome;
  };
  return { verify, received };
};

const resendStandIn = (outcome: Awaited<ReturnType<ResendVerification>> = { outcome: 'accepted' }) => {
  const received: unknown[] = [];
  const resend: ResendVerification = async (fields) => {
    received.push(fields);
    return outcome;
  };
  return { resend, received };
};

const verifyHandler = (verify: VerifyCustomer, telemetry: Telemetry = silentTelemetry()) =>
  createVerifyHandler({ verify, corsOrigins: [ALLOWED], telemetry, timeoutEarlyInMillis: 0 });
const resendHandler = (resend: ResendVerification, telemetry: Telemetry = silentTelemetry()) =>
  createResendHandler({ resend, corsOrigins: [ALLOWED], telemetry, timeoutEarlyInMillis: 0 });
const signupHandler = () =>
  createHandler({
    signup: async () => ({ outcome: 'accepted' }),
    idempotencyRecords: {
      claim: async () => ({ state: 'claimed' }),
      remember: async () => undefined,
      forget: async () => undefined,
    },
    requestDigests: testDigests,
    corsOrigins: [ALLOWED],
    telemetry: silentTelemetry(),
    timeoutEarlyInMillis: 0,
  });

/** Telemetry that keeps every log line and metric, to read what a request left behind. */
const recordingTelemetry = () => {
  const lines: { message: string; fields: Record<string, unknown> }[] = [];
  const metrics: { name: string; reason: string | undefined }[] = [];
  let reason: string | undefined;
  const log = (message: string, fields: Record<string, unknown> = {}) => {
    lines.push({ message, fields });
  };
  const telemetry: Telemetry = {
    logger: { info: log as never, warn: log as never, error: log as never },
    metrics: {
      addDimension: (_name, value) => {
        reason = value;
      },
      addMetric: (name) => {
        metrics.push({ name, reason });
      },
      captureColdStartMetric: () => undefined,
      publishStoredMetrics: () => {
        reason = undefined;
      },
    },
  };
  return { telemetry, lines, metrics };
};

const form = (body: string): TestRequest => ({
  headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  body,
});

describe('POST /api/v1/customers/verify/', () => {
  it('answers 200 with the customer the use case verified, handing it the token and password only', async () => {
    const { verify, received } = verifyStandIn();

    const answer = await invoke(verifyHandler(verify), {
      path: VERIFY,
      ...jsonPost({ token: TOKEN, password: PASSWORD, email: 'ignored@example.com' }),
    });

    expect(answer.statusCode).toBe(200);
    expect(answer.json).toEqual(contractCustomer);
    expect(answer.headers).toMatchObject({ 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    expect(received).toEqual([{ token: TOKEN, password: PASSWORD }]);
  });

  it('answers without the trailing slash too, and reads a form', async () => {
    const { verify, received } = verifyStandIn();

    const answer = await invoke(verifyHandler(verify), {
      path: '/api/v1/customers/verify',
      ...form(`token=${TOKEN}&password=Secure%40ssw0rd+123`),
    });

    expect(answer.statusCode).toBe(200);
    expect(received).toEqual([{ token: TOKEN, password: 'Secure@ssw0rd 123' }]);
  });

  it("leaves the fields' checks to the use case: absent fields stay absent, other types arrive as sent, and its errors are the answer", async () => {
    const required = { token: [messages.required], password: [messages.required] };
    const { verify, received } = verifyStandIn({ outcome: 'invalid', errors: required });
    const call = verifyHandler(verify);

    const empty = await invoke(call, { path: VERIFY, ...jsonPost({}) });
    const noBody = await invoke(call, { path: VERIFY });
    await invoke(call, {
      path: VERIFY,
      headers: { 'Content-Type': 'application/json' },
      body: '{"token": null, "password": 12345678.0}',
    });

    expect(empty.statusCode).toBe(400);
    expect(empty.json).toEqual(required);
    expect(noBody.json).toEqual(required);
    expect(received).toEqual([{}, {}, { token: null, password: { jsonNumber: '12345678.0' } }]);
  });

  it("answers the use case's token and password errors with 400, counted apart in the metrics", async () => {
    const recorded = recordingTelemetry();
    const dead = { token: [messages.linkInvalid] };
    const wrong = { password: [messages.wrongPassword] };

    const deadLink = await invoke(
      verifyHandler(verifyStandIn({ outcome: 'invalid', errors: dead }).verify, recorded.telemetry),
      {
        path: VERIFY,
        ...jsonPost({ token: TOKEN, password: PASSWORD }),
      },
    );
    const wrongPassword = await invoke(
      verifyHandler(verifyStandIn({ outcome: 'invalid', errors: wrong }).verify, recorded.telemetry),
      {
        path: VERIFY,
        ...jsonPost({ token: TOKEN, password: 'another password' }),
      },
    );
    await invoke(verifyHandler(verifyStandIn().verify, recorded.telemetry), {
      path: VERIFY,
      ...jsonPost({ token: TOKEN, password: PASSWORD }),
    });

    expect([deadLink.statusCode, deadLink.json]).toEqual([400, dead]);
    expect([wrongPassword.statusCode, wrongPassword.json]).toEqual([400, wrong]);
    expect(
      recorded.lines.map((line) => [line.message, line.fields.outcome, line.fields.status_code]),
    ).toEqual([
      ['verification answered', 'invalid-token', 400],
      ['verification answered', 'wrong-password', 400],
      ['verification answered', 'verified', 200],
    ]);
    expect(recorded.metrics).toEqual([
      { name: 'VerificationsRejected', reason: 'invalid-token' },
      { name: 'VerificationsRejected', reason: 'wrong-password' },
      { name: 'CustomersVerified', reason: undefined },
    ]);
  });

  it('keeps the token and the password out of the log line of a failure that quotes them', async () => {
    const recorded = recordingTelemetry();
    const verify: VerifyCustomer = async (fields) => {
      throw new Error(`could not verify ${String(fields.token)} with ${String(fields.password)}`);
    };

    const answer = await invoke(verifyHandler(verify, recorded.telemetry), {
      path: VERIFY,
      ...jsonPost({ token: TOKEN, password: PASSWORD }),
    });

    expect(answer.statusCode).toBe(500);
    expect(answer.json).toEqual({ detail: 'A server error occurred.' });
    const logged = JSON.stringify(recorded.lines);
    expect(logged).toContain('could not verify [redacted] with [redacted]');
    expect(logged).not.toContain(TOKEN);
    expect(logged).not.toContain(PASSWORD);
  });

  it('answers 503 with Retry-After when the store is unavailable', async () => {
    const verify: VerifyCustomer = async () => {
      throw new StoreUnavailableError('throttled');
    };

    const answer = await invoke(verifyHandler(verify), {
      path: VERIFY,
      ...jsonPost({ token: TOKEN, password: PASSWORD }),
    });

    expect(answer.statusCode).toBe(503);
    expect(answer.headers).toMatchObject({ 'Retry-After': '1' });
  });
});

describe('POST /api/v1/customers/verify/resend/', () => {
  it("answers 202 with the contract's words, handing the use case the e-mail only", async () => {
    const { resend, received } = resendStandIn();

    const answer = await invoke(resendHandler(resend), {
      path: RESEND,
      ...jsonPost({ email: 'john@example.com', password: PASSWORD }),
    });

    expect(answer.statusCode).toBe(202);
    expect(answer.json).toEqual({
      detail: 'If an account at this address is waiting for confirmation, a new link is on its way.',
    });
    expect(answer.headers).toMatchObject({ 'Cache-Control': 'no-store' });
    expect(received).toEqual([{ email: 'john@example.com' }]);
  });

  it("answers the use case's e-mail errors with 400, a missing e-mail included", async () => {
    const { resend, received } = resendStandIn({
      outcome: 'invalid',
      errors: { email: [messages.required] },
    });

    const answer = await invoke(resendHandler(resend), {
      path: '/api/v1/customers/verify/resend',
      ...form(''),
    });

    expect([answer.statusCode, answer.json]).toEqual([400, { email: [messages.required] }]);
    expect(received).toEqual([{}]);
  });

  it('logs the masked address and counts the resend as accepted', async () => {
    const recorded = recordingTelemetry();

    await invoke(resendHandler(resendStandIn().resend, recorded.telemetry), {
      path: RESEND,
      ...jsonPost({ email: 'john@example.com' }),
    });

    expect(recorded.lines).toEqual([
      {
        message: 'resend answered',
        fields: expect.objectContaining({ outcome: 'accepted', email: 'j***@example.com' }),
      },
    ]);
    expect(recorded.metrics).toEqual([{ name: 'ResendsAccepted', reason: undefined }]);
  });
});

describe('the signup under enumeration protection', () => {
  it("answers 202 with the contract's words, counted as accepted, not as a rejection", async () => {
    const recorded = recordingTelemetry();
    const handler = createHandler({
      signup: async () => ({ outcome: 'accepted' }),
      idempotencyRecords: {
        claim: async () => ({ state: 'claimed' }),
        remember: async () => undefined,
        forget: async () => undefined,
      },
      requestDigests: testDigests,
      corsOrigins: [ALLOWED],
      telemetry: recorded.telemetry,
      timeoutEarlyInMillis: 0,
    });

    const answer = await invoke(handler, jsonPost({ email: 'john@example.com' }));

    expect([answer.statusCode, answer.json]).toEqual([
      202,
      { detail: 'Check your inbox to finish signing up.' },
    ]);
    expect(recorded.lines.map((line) => [line.message, line.fields.outcome])).toEqual([
      ['signup answered', 'accepted'],
    ]);
    expect(recorded.metrics).toEqual([{ name: 'SignupsAccepted', reason: undefined }]);
  });
});

describe('the envelope of the verify and resend routes', () => {
  const routes = [
    ['verify', VERIFY, () => verifyHandler(verifyStandIn().verify)],
    ['resend', RESEND, () => resendHandler(resendStandIn().resend)],
  ] as const;

  /** Requests refused before any field is read: each route must answer them as the signup does. */
  const refused: [string, (path: string) => TestRequest][] = [
    ['an unknown path', (path) => ({ path: `${path}other/` })],
    ['another method', (path) => ({ path, method: 'GET' })],
    [
      'a body over 16 KiB',
      (path) => ({ path, headers: { 'Content-Type': 'application/json' }, body: `"${'x'.repeat(17_000)}"` }),
    ],
    [
      'malformed JSON',
      (path) => ({ path, headers: { 'Content-Type': 'application/json' }, body: '{"password": "hunter2' }),
    ],
    [
      'another media type',
      (path) => ({ path, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: 'x' }),
    ],
    ['a body without a media type', (path) => ({ path, body: 'x' })],
    ['a JSON list', (path) => ({ path, ...jsonPost([1]) })],
    ['a JSON float', (path) => ({ path, headers: { 'Content-Type': 'application/json' }, body: '1.0' })],
    ['JSON null', (path) => ({ path, ...jsonPost(null) })],
    [
      'an integer over 4,300 digits',
      (path) => ({
        path,
        headers: { 'Content-Type': 'application/json' },
        body: `{"x": ${'9'.repeat(4301)}}`,
      }),
    ],
    ['a wildcard media type', (path) => ({ path, headers: { 'Content-Type': '*/*' }, body: '{"x": 1' })],
  ];

  for (const [name, path, handler] of routes) {
    it.each(refused)(
      `${name}: %s gets the signup's answer, status, body and headers`,
      async (_case, request) => {
        const signupPath = request(path).path === path ? '/api/v1/customers/' : '/api/v1/customers/other/';
        const signupAnswer = await invoke(signupHandler(), { ...request(path), path: signupPath });

        const answer = await invoke(handler(), request(path));

        expect(answer.statusCode).toBe(signupAnswer.statusCode);
        expect(answer.json).toEqual(signupAnswer.json);
        // The signup's preflight allows one more request header, its Idempotency-Key.
        const withoutAllowedHeaders = (headers: TestAnswer['headers']) => ({
          ...headers,
          'Access-Control-Allow-Headers': undefined,
        });
        expect(withoutAllowedHeaders(answer.headers)).toEqual(withoutAllowedHeaders(signupAnswer.headers));
      },
    );

    it(`${name}: answers a preflight from an allowed origin with 204 and the CORS headers, and gives other origins none`, async () => {
      const preflight = (origin: string): TestRequest => ({
        path,
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'POST' },
      });

      const allowed = await invoke(handler(), preflight(ALLOWED));
      const other = await invoke(handler(), preflight('https://evil.example.net'));

      expect(allowed.statusCode).toBe(204);
      expect(allowed.headers).toMatchObject({
        'Access-Control-Allow-Origin': ALLOWED,
        'Access-Control-Allow-Methods': 'POST,OPTIONS',
        'Access-Control-Allow-Headers': 'Content-Type',
      });
      expect(other.headers).not.toHaveProperty('Access-Control-Allow-Origin');
    });

    it(`${name}: carries the security headers on every answer`, async () => {
      const answer = await invoke(handler(), { path, ...jsonPost({}) });

      expect(answer.headers).toMatchObject({
        'X-Content-Type-Options': 'nosniff',
        'X-Frame-Options': 'DENY',
        'Referrer-Policy': 'no-referrer',
        'Cache-Control': 'no-store',
        'Content-Security-Policy': expect.stringContaining("frame-ancestors 'none'"),
      });
    });
  }

  it('405 names the allowed methods', async () => {
    const answer = await invoke(verifyHandler(verifyStandIn().verify), { path: VERIFY, method: 'PUT' });

    expect([answer.statusCode, answer.json]).toEqual([405, { detail: 'Method "PUT" not allowed.' }]);
    expect(answer.headers).toMatchObject({ Allow: 'POST, OPTIONS' });
  });

  it('the verify route does not answer for the resend path, nor the signup path', async () => {
    const call = verifyHandler(verifyStandIn().verify);

    for (const path of [RESEND, '/api/v1/customers/']) {
      expect((await invoke(call, { path, ...jsonPost({}) })).statusCode, path).toBe(404);
    }
  });
});

describe('the verify and resend routes under hostile input (fast-check)', () => {
  it.each([
    ['verify', VERIFY, ['token', 'password']],
    ['resend', RESEND, ['email']],
  ] as const)(
    '%s: never a 5xx, always JSON, and its use case gets its own fields only',
    async (name, path, fields) => {
      const received: Record<string, unknown>[] = [];
      const refuse = async <Errors>(submitted: Record<string, unknown>, errors: Errors) => {
        received.push(submitted);
        return { outcome: 'invalid' as const, errors };
      };
      const call =
        name === 'verify'
          ? verifyHandler((submitted) => refuse(submitted, { token: [messages.linkInvalid] }))
          : resendHandler((submitted) => refuse(submitted, { email: [messages.invalidEmail] }));

      await fc.assert(
        fc.asyncProperty(hostileRequests(), async (request) => {
          received.length = 0;

          const answer = await invoke(call, { ...request, path });

          expect(answer.statusCode).toBeLessThan(500);
          expect(answer.headers?.['Content-Type']).toBe('application/json');
          for (const submitted of received) {
            expect(Object.getPrototypeOf(submitted)).toBe(Object.prototype);
            expect(
              Object.keys(submitted).filter((key) => !(fields as readonly string[]).includes(key)),
            ).toEqual([]);
          }
        }),
        { numRuns: 300 },
      );
    },
  );
});
