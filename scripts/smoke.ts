/**
 * `npm run smoke -- --url <ApiUrl> [--origin <an allowed origin>] [--give-up-after <seconds>]`
 *
 * Checks a running stage the way a client would: refusals of every kind, one valid signup on a throwaway
 * address of SES's mailbox simulator, its idempotent replay and its duplicate, CORS preflights,
 * `/openapi.json`. Nothing else is written, so it may run against prod after every deploy. The
 * signup's answers follow the stage's e-mail verification, which the resend route tells (404 when off).
 * Prints a line per check; exits 0 when all hold, 1 naming what failed, 2 on a wrong argument.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';

const customersPath = /api\/v1\/customers\/?$/;
/** An origin no stage allows: `.invalid` is reserved (RFC 2606). */
const foreignOrigin = 'https://smoke-test.invalid';
/** Longest wait for one answer, inside the whole run's budget. */
const requestTimeoutMs = 10_000;

interface Options {
  /** The stage's ApiUrl: where signups are posted. */
  url: URL;
  /** A page origin the stage allows (CORS); without it, that preflight is not checked. */
  origin: string | undefined;
  /** The whole run gives up after this long, answers or not. */
  giveUpAfterMs: number;
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

class UsageError extends Error {}
/** No answer at all: the stage is not there, so the other checks are not worth their wait. */
class Unreachable extends Error {}

const parseOptions = (args: string[]): Options => {
  const { values } = parseArgs({
    args,
    options: {
      url: { type: 'string' },
      origin: { type: 'string' },
      'give-up-after': { type: 'string', default: '60' },
    },
  });
  const url = values.url === undefined ? null : URL.parse(values.url);
  if (url === null || !/^https?:$/.test(url.protocol) || !customersPath.test(url.pathname)) {
    throw new UsageError(
      `--url ${values.url ?? '(missing)'}: give the stack's ApiUrl, such as https://abc.execute-api.eu-west-1.amazonaws.com/prod/api/v1/customers/`,
    );
  }
  const origin = values.origin;
  if (origin !== undefined && URL.parse(origin)?.origin !== origin) {
    throw new UsageError(
      `--origin ${origin}: give an origin the stage allows, such as https://www.example.com`,
    );
  }
  const seconds = Number(values['give-up-after']);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new UsageError(`--give-up-after ${values['give-up-after']}: give a number of seconds`);
  }
  return { url, origin, giveUpAfterMs: seconds * 1000 };
};

const json = (answer: Answer): unknown => {
  try {
    return JSON.parse(answer.text);
  } catch {
    throw new Error(`${answer.status} answer is not JSON: ${answer.text.slice(0, 120)}`);
  }
};

const expectStatus = (answer: Answer, status: number): void => {
  if (answer.status !== status) {
    throw new Error(`expected ${status}, got ${answer.status} ${answer.text.slice(0, 200)}`);
  }
  if (status !== 204 && !answer.headers.get('content-type')?.startsWith('application/json')) {
    throw new Error(`expected a JSON answer, got Content-Type ${answer.headers.get('content-type')}`);
  }
};

const expectJson = (answer: Answer, status: number, body: unknown): void => {
  expectStatus(answer, status);
  const got = JSON.stringify(json(answer));
  if (got !== JSON.stringify(body)) throw new Error(`expected ${JSON.stringify(body)}, got ${got}`);
};

/** What a stage answers a valid signup with (`CONTRACT.md`): its verification and enumeration settings. */
type SignupMode = 'active at once' | 'pending' | 'accepted';

/** Under enumeration protection, every valid signup's answer. */
const accepted = { detail: 'Check your inbox to finish signing up.' };

/**
 * A customer whose address and password no one else has. The address is a labelled success address of
 * SES's mailbox simulator: a stage with verification mails it, and the mail counts as delivered, never
 * as a bounce against the account's reputation.
 */
const throwawaySignup = () => {
  const id = `${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
  const password = `Zq!${randomBytes(12).toString('base64url')}7`;
  return {
    email: `success+smoke-${id}@simulator.amazonses.com`,
    first_name: 'Smoke',
    last_name: 'Test',
    password,
    password2: password,
    date_of_birth: '1990-01-15',
  };
};

export const runSmoke = async (options: Options, print: (line: string) => void): Promise<boolean> => {
  const deadline = Date.now() + options.giveUpAfterMs;
  const base = new URL(options.url.pathname.replace(customersPath, ''), options.url);
  const customers = new URL('api/v1/customers/', base);

  const send = async (url: URL, init: RequestInit = {}): Promise<Answer> => {
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new Unreachable(`gave up: ${options.giveUpAfterMs / 1000} s spent`);
    try {
      const response = await fetch(url, {
        redirect: 'manual',
        ...init,
        signal: AbortSignal.timeout(Math.min(requestTimeoutMs, remaining)),
      });
      return { status: response.status, headers: response.headers, text: await response.text() };
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      const reason = error instanceof Error && error.name === 'TimeoutError' ? 'no answer in time' : cause;
      throw new Unreachable(`${init.method ?? 'GET'} ${url}: ${reason ?? String(error)}`);
    }
  };
  const post = (body: string, contentType: string, headers: Record<string, string> = {}) =>
    send(customers, { method: 'POST', headers: { 'Content-Type': contentType, ...headers }, body });

  const signup = throwawaySignup();
  const signupBody = JSON.stringify(signup);
  const idempotencyKey = `smoke-${randomBytes(16).toString('hex')}`;
  let created: string | undefined;
  let mode: SignupMode | undefined;

  const checks: [string, () => Promise<void>][] = [
    [
      'GET /openapi.json answers the OpenAPI 3.1 document of the signup',
      async () => {
        const answer = await send(new URL('openapi.json', base));
        expectStatus(answer, 200);
        const document = json(answer) as { openapi?: string; paths?: Record<string, unknown> };
        if (!document.openapi?.startsWith('3.1') || !document.paths?.['/api/v1/customers/']) {
          throw new Error('not the signup API’s OpenAPI 3.1 document');
        }
      },
    ],
    [
      'GET is 405 with Allow: POST, OPTIONS',
      async () => {
        const answer = await send(customers);
        expectJson(answer, 405, { detail: 'Method "GET" not allowed.' });
        if (answer.headers.get('allow') !== 'POST, OPTIONS') {
          throw new Error(`Allow: ${answer.headers.get('allow')}`);
        }
      },
    ],
    [
      'an unknown path is 404',
      async () =>
        expectJson(await send(new URL('api/v1/no-such-path/', base)), 404, { detail: 'Not found.' }),
    ],
    [
      'text/plain is 415',
      async () =>
        expectJson(await post('hello', 'text/plain'), 415, {
          detail: 'Unsupported media type "text/plain" in request.',
        }),
    ],
    [
      'a body over 16 KiB is 413',
      async () =>
        expectJson(await post(JSON.stringify({ email: 'x'.repeat(17_000) }), 'application/json'), 413, {
          detail: 'Request body is too large.',
        }),
    ],
    [
      'malformed JSON is 400 with the parser’s words',
      async () => {
        const answer = await post('{"email": ', 'application/json');
        expectStatus(answer, 400);
        const { detail } = json(answer) as { detail?: string };
        if (!detail?.startsWith('JSON parse error - ')) throw new Error(`detail: ${detail}`);
      },
    ],
    [
      'invalid fields are 400 with each field’s messages (JSON and form)',
      async () => {
        const invalid = {
          email: 'not-an-email',
          first_name: '',
          last_name: 'Test',
          password: 'short',
          password2: 'short',
        };
        for (const answer of [
          await post(JSON.stringify(invalid), 'application/json'),
          await post(new URLSearchParams(invalid).toString(), 'application/x-www-form-urlencoded'),
        ]) {
          expectStatus(answer, 400);
          const errors = json(answer) as Record<string, string[] | undefined>;
          if (
            errors.email?.[0] !== 'Enter a valid email address.' ||
            errors.first_name?.[0] !== 'This field may not be blank.' ||
            !errors.password?.includes('This password is too short. It must contain at least 8 characters.')
          ) {
            throw new Error(`got ${answer.text}`);
          }
        }
      },
    ],
    [
      'the resend route tells whether the stage verifies addresses (404 when off, 400 for no address)',
      async () => {
        const answer = await send(new URL('api/v1/customers/verify/resend/', base), {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: '{}',
        });
        if (answer.status === 404) mode = 'active at once';
        else {
          expectStatus(answer, 400);
          mode = 'pending';
        }
      },
    ],
    [
      `a valid signup (${signup.email}) is 201 with the customer, no password (202 under enumeration protection)`,
      async () => {
        const answer = await post(signupBody, 'application/json', { 'Idempotency-Key': idempotencyKey });
        if (mode === 'pending' && answer.status === 202) {
          expectJson(answer, 202, accepted);
          mode = 'accepted';
          created = answer.text;
          return;
        }
        expectStatus(answer, 201);
        const customer = json(answer) as Record<string, unknown>;
        const expected = {
          email: signup.email,
          first_name: 'Smoke',
          last_name: 'Test',
          date_of_birth: '1990-01-15',
        };
        for (const [field, value] of Object.entries(expected)) {
          if (customer[field] !== value) throw new Error(`${field}: ${JSON.stringify(customer[field])}`);
        }
        if (typeof customer.slug !== 'string' || !customer.slug.startsWith('smoke-test')) {
          throw new Error(`slug: ${JSON.stringify(customer.slug)}`);
        }
        if ('password' in customer || 'password2' in customer)
          throw new Error('the answer holds a password field');
        created = answer.text;
      },
    ],
    [
      'the same Idempotency-Key and body replay that answer byte for byte',
      async () => {
        if (created === undefined) throw new Error('no signup to replay');
        const answer = await post(signupBody, 'application/json', { 'Idempotency-Key': idempotencyKey });
        expectStatus(answer, mode === 'accepted' ? 202 : 201);
        if (answer.text !== created) throw new Error(`got ${answer.text}`);
      },
    ],
    [
      'the same e-mail again, its domain in capitals, is 400 already exists (a pending account is replaced: 201; 202 under enumeration protection)',
      async () => {
        const [local, domain = ''] = signup.email.split('@');
        const again = { ...signup, email: `${local}@${domain.toUpperCase()}` };
        const answer = await post(JSON.stringify(again), 'application/json');
        if (mode === 'accepted') return expectJson(answer, 202, accepted);
        if (mode === 'pending') {
          expectStatus(answer, 201);
          const { email } = json(answer) as { email?: unknown };
          if (email !== signup.email) throw new Error(`email: ${JSON.stringify(email)}`);
          return;
        }
        expectJson(answer, 400, { email: ['customer with this email address already exists.'] });
      },
    ],
    [
      `a preflight from ${foreignOrigin} is not allowed`,
      async () => {
        const answer = await send(customers, {
          method: 'OPTIONS',
          headers: { Origin: foreignOrigin, 'Access-Control-Request-Method': 'POST' },
        });
        expectStatus(answer, 204);
        const allowed = answer.headers.get('access-control-allow-origin');
        if (allowed === foreignOrigin || allowed === '*')
          throw new Error(`Access-Control-Allow-Origin: ${allowed}`);
      },
    ],
  ];

  print(`Smoke-testing ${customers}`);
  const { origin } = options;
  if (origin === undefined) {
    print('skip a preflight from an allowed origin: give --origin, one of the stage’s CORS origins');
  } else {
    checks.push([
      `a preflight from ${origin} is 204 and allowed`,
      async () => {
        const answer = await send(customers, {
          method: 'OPTIONS',
          headers: { Origin: origin, 'Access-Control-Request-Method': 'POST' },
        });
        expectStatus(answer, 204);
        const allowed = answer.headers.get('access-control-allow-origin');
        if (allowed !== origin) throw new Error(`Access-Control-Allow-Origin: ${allowed}`);
      },
    ]);
  }

  let failures = 0;
  for (const [name, check] of checks) {
    try {
      await check();
      print(`ok   ${name}`);
    } catch (error) {
      failures += 1;
      print(`FAIL ${name}: ${error instanceof Error ? error.message : String(error)}`);
      if (error instanceof Unreachable) {
        print(`Nothing answers at ${base}: the other checks were not run.`);
        return false;
      }
    }
  }
  print(
    failures === 0 ? `All ${checks.length} checks hold.` : `${failures} of ${checks.length} checks failed.`,
  );
  return failures === 0;
};

if (import.meta.main) {
  try {
    const passed = await runSmoke(parseOptions(process.argv.slice(2)), (line) => console.log(line));
    process.exitCode = passed ? 0 : 1;
  } catch (error) {
    if (!(error instanceof UsageError) && !(error instanceof TypeError)) throw error;
    // parseArgs reports an unknown option as a TypeError: one line, no stack, as for our own.
    console.error(error.message);
    process.exitCode = 2;
  }
}
