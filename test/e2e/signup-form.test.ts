import { mkdir } from 'node:fs/promises';
import { Validator } from '@seriousme/openapi-schema-validator';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { messages } from '../../functions/create-customer/rules/messages.ts';
import { type LocalServer, startLocalServer } from '../support/local-server.ts';

/** Debian's Chromium: Playwright's own browser download is not used. */
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const testResults = new URL('../../test-results/', import.meta.url);

const fields = ['email', 'first_name', 'last_name', 'password', 'password2', 'date_of_birth'] as const;
type Field = (typeof fields)[number];
const noFieldMessages = Object.fromEntries(fields.map((field) => [field, [] as string[]])) as Record<
  Field,
  string[]
>;

/** A valid signup, without the optional date of birth. */
const validSignup = (email: string, firstName: string, lastName: string): Partial<Record<Field, string>> => ({
  email,
  first_name: firstName,
  last_name: lastName,
  password: 'SecureP@ssw0rd123',
  password2: 'SecureP@ssw0rd123',
});

let server: LocalServer;
let pageUrl: string;
let customersUrl: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  server = await startLocalServer();
  const pageLine = /Signup page: (\S+)/.exec(server.output());
  if (!pageLine?.[1]) throw new Error(`npm start printed no page URL:\n${server.output()}`);
  pageUrl = pageLine[1];
  customersUrl = `${server.baseUrl}/api/v1/customers/`;
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    // Root in CI needs --no-sandbox; the machine has no GPU and no network beyond loopback.
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

beforeEach(async () => {
  context = await browser.newContext({ locale: 'en-US', viewport: { width: 700, height: 900 } });
  page = await context.newPage();
  await page.goto(pageUrl);
});

afterEach(async () => {
  await context.close();
});

const fillForm = async (values: Partial<Record<Field, string>>) => {
  for (const [field, value] of Object.entries(values)) await page.fill(`#${field}`, value);
};

/** Submits and waits until the page has shown the answer (the form stops being busy). */
const submit = async (how: () => Promise<void> = () => page.click('#signup-submit')) => {
  await how();
  await page.waitForSelector('#signup-form[aria-busy="false"]', { state: 'attached' });
};

/** Each field's messages as assistive technology finds them: through the field's aria-describedby. */
const fieldMessages = (): Promise<Record<Field, string[]>> =>
  page.evaluate(
    (names) =>
      Object.fromEntries(
        names.map((name) => {
          const ids = document.getElementById(name)?.getAttribute('aria-describedby')?.split(' ') ?? [];
          const items = ids.flatMap((id) => [...(document.getElementById(id)?.querySelectorAll('li') ?? [])]);
          return [name, items.map((item) => item.textContent ?? '')];
        }),
      ) as Record<Field, string[]>,
    [...fields],
  );

const formMessages = () => page.locator('#form-errors p').allTextContents();
const focusedId = () => page.evaluate(() => document.activeElement?.id);

const signUpThroughApi = async (values: Partial<Record<Field, string>>) => {
  const response = await fetch(customersUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(values),
  });
  expect(response.status).toBe(201);
};

describe('the signup page, in Chromium, against npm start', () => {
  it("signs up the contract's example from the keyboard, cross-origin with a CORS preflight, and shows the slug", async () => {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    const apiRequests: string[] = [];
    cdp.on('Network.requestWillBeSent', ({ request }) => {
      if (request.url === customersUrl) apiRequests.push(request.method);
    });
    const answer = page.waitForResponse((response) => response.url() === customersUrl);

    // The contract's example, field after field in tab order; the date as typed into an en-US date field.
    const keystrokes = [
      'john@example.com',
      'John',
      'Doe',
      'SecureP@ssw0rd123',
      'SecureP@ssw0rd123',
      '01151990',
    ];
    for (const text of keystrokes) {
      await page.keyboard.press('Tab');
      await page.keyboard.type(text);
    }
    await submit(() => page.keyboard.press('Enter'));

    expect(new URL(pageUrl).origin).not.toBe(new URL(customersUrl).origin);
    // Chromium may report the POST before its preflight: the order of the events says nothing.
    expect(apiRequests.toSorted()).toEqual(['OPTIONS', 'POST']);
    expect((await answer).headers()['access-control-allow-origin']).toBe(new URL(pageUrl).origin);
    expect(await (await answer).json()).toMatchObject({ slug: 'john-doe', date_of_birth: '1990-01-15' });
    expect(await page.isVisible('#signup-success')).toBe(true);
    expect(await page.textContent('#signup-slug')).toBe('john-doe');
    expect(await focusedId()).toBe('signup-success');
  });

  it('shows a common password beside the password field', async () => {
    await fillForm({
      ...validSignup('common@example.com', 'Jane', 'Roe'),
      password: 'password',
      password2: 'password',
    });

    await submit();

    expect(await fieldMessages()).toEqual({ ...noFieldMessages, password: [messages.passwordTooCommon] });
    expect(await page.getAttribute('#password', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('#email', 'aria-invalid')).toBeNull();
    expect(await focusedId()).toBe('password');
    expect(await formMessages()).toEqual([]);
  });

  it('shows a mismatch beside the second password field', async () => {
    await fillForm({ ...validSignup('mismatch@example.com', 'Jane', 'Roe'), password2: 'SecureP@ssw0rd124' });

    await submit();

    expect(await fieldMessages()).toEqual({ ...noFieldMessages, password2: [messages.passwordMismatch] });
    expect(await focusedId()).toBe('password2');
  });

  it('shows a duplicate e-mail beside the e-mail field', async () => {
    await signUpThroughApi(validSignup('taken@example.com', 'Ada', 'Lovelace'));
    await fillForm(validSignup('Taken@Example.com', 'Ada', 'Byron'));

    await submit(() => page.press('#password2', 'Enter'));

    expect(await fieldMessages()).toEqual({ ...noFieldMessages, email: [messages.emailTaken] });
    expect(await focusedId()).toBe('email');
  });

  it('shows every message at once, each beside its field, and keeps a screenshot of it', async () => {
    await signUpThroughApi(validSignup('grace@example.com', 'Grace', 'Hopper'));
    await fillForm({
      ...validSignup('grace@example.com', 'Grace', 'Hopper'),
      password: 'password',
      password2: 'passwort',
    });

    await submit();

    expect(await fieldMessages()).toEqual({
      ...noFieldMessages,
      email: [messages.emailTaken],
      password: [messages.passwordTooCommon],
      password2: [messages.passwordMismatch],
    });
    await mkdir(testResults, { recursive: true });
    await page.screenshot({ path: new URL('signup-form-errors.png', testResults).pathname, fullPage: true });
  });

  it("shows the API's detail at the top", async () => {
    await fillForm({ ...validSignup('big@example.com', 'Big', 'Body'), last_name: 'x'.repeat(17_000) });

    await submit();

    expect(await formMessages()).toEqual(['Request body is too large.']);
    expect(await fieldMessages()).toEqual(noFieldMessages);
    expect(await focusedId()).toBe('form-errors');
  });

  it('shows non_field_errors at the top', async () => {
    // The page always sends an object, so the API never says this to it: the answer is stubbed.
    await page.route(customersUrl, (route) =>
      route.fulfill({
        status: 400,
        headers: { 'Access-Control-Allow-Origin': new URL(pageUrl).origin },
        json: { non_field_errors: ['No data provided'] },
      }),
    );
    await fillForm(validSignup('stub@example.com', 'Stub', 'Answer'));

    await submit();

    expect(await formMessages()).toEqual(['No data provided']);
  });

  it('disables submit while the request is pending, and sends it once', async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const posts: string[] = [];
    page.on('request', (request) => {
      if (request.url() === customersUrl && request.method() === 'POST') posts.push(request.url());
    });
    await page.route(customersUrl, async (route) => {
      await held;
      await route.continue();
    });
    await fillForm(validSignup('pending@example.com', 'Penny', 'Ding'));

    await page.click('#signup-submit');
    expect(await page.isDisabled('#signup-submit')).toBe(true);
    expect(await page.textContent('#signup-submit')).toBe('Creating your account…');
    await page.press('#password2', 'Enter');
    release();
    await page.waitForSelector('#signup-form[aria-busy="false"]', { state: 'attached' });

    expect(posts).toHaveLength(1);
    expect(await page.textContent('#signup-slug')).toBe('penny-ding');
  });

  it('says a lost answer in a friendly line, and sending the same signup again replays it', async () => {
    const keys: (string | undefined)[] = [];
    page.on('request', (request) => {
      if (request.url() === customersUrl && request.method() === 'POST')
        keys.push(request.headers()['idempotency-key']);
    });
    // The signup reaches the API and the customer is created, but the answer is lost on the way back.
    let firstStatus: number | undefined;
    await page.route(customersUrl, async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      firstStatus = (await route.fetch()).status();
      await route.abort('connectionreset');
    });
    await fillForm(validSignup('offline@example.com', 'Off', 'Line'));

    await submit();

    expect(firstStatus).toBe(201);
    expect(await formMessages()).toEqual([
      'We could not reach the server. Check your connection and try again.',
    ]);
    expect(await page.isEnabled('#signup-submit')).toBe(true);
    expect(await focusedId()).toBe('form-errors');

    await page.unroute(customersUrl);
    await submit();

    // The same Idempotency-Key: the API answers the first 201 again instead of "already exists".
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(await page.textContent('#signup-slug')).toBe('off-line');
  });
});

describe('npm start', () => {
  it('serves /openapi.json, a valid OpenAPI 3.1 document', async () => {
    const response = await fetch(`${server.baseUrl}/openapi.json`);
    const validator = new Validator();

    const result = await validator.validate(await response.json());

    expect(response.headers.get('content-type')).toBe('application/json');
    expect(result).toEqual({ valid: true });
    expect(validator.version).toBe('3.1');
  });
});
