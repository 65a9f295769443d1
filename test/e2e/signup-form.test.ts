import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { Validator } from '@seriousme/openapi-schema-validator';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { maskAddress } from '../../functions/core/mask-address.ts';
import { messages } from '../../functions/core/rules/messages.ts';
import { brand } from '../../web/brand.ts';
import { friendlyFieldMessage, friendlyFormMessage } from '../../web/friendly-messages.ts';
import { type LocalServer, startLocalServer } from '../support/local-server.ts';

/** Debian's Chromium: Playwright's own browser download is not used. */
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const testResults = new URL('../../test-results/', import.meta.url);

const fields = ['email', 'first_name', 'last_name', 'password', 'password2', 'date_of_birth'] as const;
type Field = (typeof fields)[number];
/** What the page shows beside a field for one of the API's messages. */
const shown = (field: Field, apiMessage: string) => friendlyFieldMessage(field, apiMessage).text;
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

type ContextOptions = NonNullable<Parameters<Browser['newContext']>[0]>;

/** A fresh browser context on the page; the tests of other screen sizes and settings open their own. */
const openPage = async (options: ContextOptions = {}) => {
  await context?.close();
  context = await browser.newContext({ locale: 'en-US', viewport: { width: 700, height: 900 }, ...options });
  page = await context.newPage();
  await page.goto(pageUrl);
};

beforeEach(async () => {
  await openPage();
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

/** Each field's messages as assistive technology finds them: the error lists of the field's aria-describedby. */
const fieldMessages = (): Promise<Record<Field, string[]>> =>
  page.evaluate(
    (names) =>
      Object.fromEntries(
        names.map((name) => {
          const ids = document.getElementById(name)?.getAttribute('aria-describedby')?.split(' ') ?? [];
          const items = ids.flatMap((id) => [
            ...(document.getElementById(id)?.querySelectorAll('.field-errors li') ?? []),
          ]);
          return [name, items.map((item) => item.textContent ?? '')];
        }),
      ) as Record<Field, string[]>,
    [...fields],
  );

const formMessages = () => page.locator('#form-errors p').allTextContents();
const focusedId = () => page.evaluate(() => document.activeElement?.id);

/** Keeps a picture of the page in test-results/, for people to look at; nothing is compared with it. */
const screenshot = async (name: string) => {
  await mkdir(testResults, { recursive: true });
  await page.screenshot({ path: new URL(`signup-${name}.png`, testResults).pathname, fullPage: true });
};

/** Each line of the password hint and whether the page marks it met (undefined: not judged yet). */
const passwordHint = () =>
  page.$$eval('#password-hint li', (items) =>
    Object.fromEntries(
      items.map((item) => [item.getAttribute('data-rule'), item.getAttribute('data-met') ?? undefined]),
    ),
  );

const signUpThroughApi = async (values: Partial<Record<Field, string>>) => {
  const response = await fetch(customersUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(values),
  });
  expect(response.status).toBe(201);
};

describe('the signup page, in Chromium, against npm start', () => {
  it("signs up the contract's example from the keyboard, cross-origin with a CORS preflight, and welcomes the customer in place of the form", async () => {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    const apiRequests: string[] = [];
    cdp.on('Network.requestWillBeSent', ({ request }) => {
      if (request.url === customersUrl) apiRequests.push(request.method);
    });
    const answer = page.waitForResponse((response) => response.url() === customersUrl);

    // The contract's example, field after field in tab order (past the sign-in link and the
    // show-password button); the date as typed into an en-US date field.
    const keystrokes: [Field, string][] = [
      ['email', 'john@example.com'],
      ['first_name', 'John'],
      ['last_name', 'Doe'],
      ['password', 'SecureP@ssw0rd123'],
      ['password2', 'SecureP@ssw0rd123'],
      ['date_of_birth', '01151990'],
    ];
    for (const [field, text] of keystrokes) {
      for (let tabs = 0; tabs < 3 && (await focusedId()) !== field; tabs++) await page.keyboard.press('Tab');
      expect(await focusedId()).toBe(field);
      await page.keyboard.type(text);
    }
    await submit(() => page.keyboard.press('Enter'));

    expect(new URL(pageUrl).origin).not.toBe(new URL(customersUrl).origin);
    // Chromium may report the POST before its preflight: the order of the events says nothing.
    expect(apiRequests.toSorted()).toEqual(['OPTIONS', 'POST']);
    expect((await answer).headers()['access-control-allow-origin']).toBe(new URL(pageUrl).origin);
    expect(await (await answer).json()).toMatchObject({ slug: 'john-doe', date_of_birth: '1990-01-15' });
    expect(await page.isVisible('#signup-success')).toBe(true);
    expect(await page.isVisible('#signup-view')).toBe(false);
    expect(await page.textContent('#success-title')).toBe('Welcome aboard, John!');
    expect(await page.textContent('#success-email')).toBe('john@example.com');
    expect(await page.getAttribute('#signup-success a', 'href')).toBe(brand.signInUrl);
    expect(await focusedId()).toBe('success-title');
    expect(await page.isVisible('#signup-title')).toBe(false);
    expect(
      await page
        .getByText(/slug|john-doe/i)
        .filter({ visible: true })
        .count(),
    ).toBe(0);
    expect(await page.title()).toBe(`Welcome · ${brand.productName}`);
    await screenshot('success');
  });

  it('shows a common password beside the password field', async () => {
    await fillForm({
      ...validSignup('common@example.com', 'Jane', 'Roe'),
      password: 'password',
      password2: 'password',
    });

    await submit();

    expect(await fieldMessages()).toEqual({
      ...noFieldMessages,
      password: [shown('password', messages.passwordTooCommon)],
    });
    expect(await page.getAttribute('#password', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('#email', 'aria-invalid')).toBeNull();
    expect(await focusedId()).toBe('password');
    expect(await formMessages()).toEqual([]);
    // The one rule only the API checks is marked on the hint too, until the password changes.
    expect(await passwordHint()).toMatchObject({ common: 'false', length: 'true' });
    await page.fill('#password', 'password!');
    expect((await passwordHint()).common).toBeUndefined();
  });

  it('shows a mismatch beside the second password field', async () => {
    await fillForm({ ...validSignup('mismatch@example.com', 'Jane', 'Roe'), password2: 'SecureP@ssw0rd124' });

    await submit();

    expect(await fieldMessages()).toEqual({
      ...noFieldMessages,
      password2: [shown('password2', messages.passwordMismatch)],
    });
    expect(await focusedId()).toBe('password2');
  });

  it('shows a duplicate e-mail beside the e-mail field, with a way to sign in', async () => {
    await signUpThroughApi(validSignup('taken@example.com', 'Ada', 'Lovelace'));
    await fillForm(validSignup('Taken@Example.com', 'Ada', 'Byron'));

    await submit(() => page.press('#password2', 'Enter'));

    expect(await fieldMessages()).toEqual({
      ...noFieldMessages,
      email: [`${shown('email', messages.emailTaken)} Sign in instead`],
    });
    expect(await page.getAttribute('#email-errors a', 'href')).toBe(brand.signInUrl);
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
      email: [`${shown('email', messages.emailTaken)} Sign in instead`],
      password: [shown('password', messages.passwordTooCommon)],
      password2: [shown('password2', messages.passwordMismatch)],
    });
    // In the page's words, never Django's.
    expect(await page.textContent('#signup-form')).not.toContain(messages.emailTaken);
    await screenshot('errors');
  });

  it("shows the API's detail at the top, in the page's words", async () => {
    await fillForm({ ...validSignup('big@example.com', 'Big', 'Body'), last_name: 'x'.repeat(17_000) });

    await submit();

    expect(await formMessages()).toEqual([friendlyFormMessage(413, 'Request body is too large.')]);
    expect(await formMessages()).not.toEqual(['Request body is too large.']);
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

  it("shows a message the page does not know in the API's own words", async () => {
    await page.route(customersUrl, (route) =>
      route.fulfill({
        status: 400,
        headers: { 'Access-Control-Allow-Origin': new URL(pageUrl).origin },
        json: { first_name: ['A rule the page has not heard of.'] },
      }),
    );
    await fillForm(validSignup('unknown@example.com', 'Una', 'Known'));

    await submit();

    expect(await fieldMessages()).toEqual({
      ...noFieldMessages,
      first_name: ['A rule the page has not heard of.'],
    });
    expect(await focusedId()).toBe('first_name');
  });

  it("says the service is busy on a 503 in the page's words", async () => {
    await page.route(customersUrl, (route) =>
      route.request().method() === 'POST'
        ? route.fulfill({
            status: 503,
            headers: { 'Access-Control-Allow-Origin': new URL(pageUrl).origin, 'Retry-After': '1' },
            json: { detail: 'Service temporarily unavailable, try again later.' },
          })
        : route.continue(),
    );
    await fillForm(validSignup('busy@example.com', 'Bea', 'Zee'));

    await submit();

    expect(await formMessages()).toEqual([
      friendlyFormMessage(503, 'Service temporarily unavailable, try again later.'),
    ]);
    expect(await formMessages()).not.toEqual(['Service temporarily unavailable, try again later.']);
    expect(await focusedId()).toBe('form-errors');
    expect(await page.isEnabled('#signup-submit')).toBe(true);
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
    expect(await page.getAttribute('#signup-form', 'aria-busy')).toBe('true');
    await screenshot('pending');
    await page.press('#password2', 'Enter');
    release();
    await page.waitForSelector('#signup-form[aria-busy="false"]', { state: 'attached' });

    expect(posts).toHaveLength(1);
    expect(await page.textContent('#success-title')).toBe('Welcome aboard, Penny!');
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
    expect(await page.textContent('#success-title')).toBe('Welcome aboard, Off!');
  });
});

describe('the signup page, as a customer first meets it', () => {
  it('shows the product, the form with the right autocomplete tokens, a way to sign in and every password rule', async () => {
    expect(await page.title()).toBe(`Create your account · ${brand.productName}`);
    expect(await page.textContent('.brand-name')).toBe(brand.productName);
    expect(
      await page.$eval('.brand-logo', (logo) => (logo as HTMLImageElement).naturalWidth),
    ).toBeGreaterThan(0);
    expect(await page.getAttribute('.sign-in-link', 'href')).toBe(brand.signInUrl);
    expect(await page.isVisible('#signup-form')).toBe(true);
    expect(await page.isVisible('noscript')).toBe(false);
    const autocomplete = await page.$$eval('#signup-form input', (inputs) =>
      Object.fromEntries(inputs.map((input) => [input.id, input.getAttribute('autocomplete')])),
    );
    expect(autocomplete).toEqual({
      email: 'email',
      first_name: 'given-name',
      last_name: 'family-name',
      password: 'new-password',
      password2: 'new-password',
      date_of_birth: 'bday',
    });
    // Every rule of the contract is named before the customer types, and none is judged yet.
    const hint = await page.textContent('#password-hint');
    for (const rule of ['8 characters', 'numbers', 'name or email', '72 bytes', 'commonly used']) {
      expect(hint).toContain(rule);
    }
    expect(Object.values(await passwordHint()).every((met) => met === undefined)).toBe(true);
    await screenshot('empty');
  });

  it('marks each password rule the page can check as the customer types', async () => {
    await fillForm({ email: 'johnathan@example.com', first_name: 'Johnathan', last_name: 'Smith' });

    await page.fill('#password', '1234');
    expect(await passwordHint()).toEqual({
      length: 'false',
      numeric: 'false',
      similar: 'true',
      bytes: 'true',
      common: undefined,
    });
    // Screen readers hear each state in words, not only the sign.
    expect(await page.locator('#password-hint').ariaSnapshot()).toContain('Not yet: At least 8 characters');
    expect(await page.locator('#password-hint').ariaSnapshot()).toContain('Done: At most 72 bytes');

    await page.fill('#password', 'johnathan1');
    expect(await passwordHint()).toMatchObject({ length: 'true', numeric: 'true', similar: 'false' });

    // 37 characters, 74 bytes: long enough, and too long for bcrypt.
    await page.fill('#password', 'é'.repeat(37));
    expect(await passwordHint()).toMatchObject({ length: 'true', similar: 'true', bytes: 'false' });

    await page.fill('#password', 'Larkspur-91');
    expect(await passwordHint()).toEqual({
      length: 'true',
      numeric: 'true',
      similar: 'true',
      bytes: 'true',
      common: undefined,
    });
    // The names count as typed, whichever field changes: the password is now too close to the last name.
    await page.fill('#last_name', 'Larkspur');
    expect(await passwordHint()).toMatchObject({ similar: 'false' });
  });

  it('shows and hides both passwords with one button', async () => {
    await fillForm({ password: 'SecureP@ssw0rd123', password2: 'SecureP@ssw0rd123' });
    const types = () =>
      page.$$eval('#password, #password2', (inputs) => inputs.map((input) => input.getAttribute('type')));

    await page.click('#show-password');
    expect(await types()).toEqual(['text', 'text']);
    expect(await page.getAttribute('#show-password', 'aria-label')).toBe('Hide passwords');
    expect(await page.textContent('#show-password')).toBe('Hide');

    await page.click('#show-password');
    expect(await types()).toEqual(['password', 'password']);
    expect(await page.getAttribute('#show-password', 'aria-label')).toBe('Show passwords');
    expect(await page.textContent('#show-password')).toBe('Show');
    // The toggle is a button of its own: it never submits the form.
    expect(await page.isVisible('#signup-success')).toBe(false);

    // Shown passwords are hidden again when the form is sent, as password managers expect them.
    await page.click('#show-password');
    await page.fill('#password2', 'SecureP@ssw0rd124');
    await submit();
    expect(await types()).toEqual(['password', 'password']);
    expect(await page.textContent('#show-password')).toBe('Show');
  });

  it('fits a 375 px phone: no sideways scrolling, names stacked, a full-width button', async () => {
    await openPage({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true });
    await fillForm({
      ...validSignup('phone@example.com', 'Phoebe', 'Small'),
      password: 'password',
      password2: 'passwort',
    });
    await submit();

    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    const box = async (selector: string) => {
      const found = await page.locator(selector).boundingBox();
      if (found === null) throw new Error(`${selector} is not laid out`);
      return found;
    };
    const firstName = await box('#first_name');
    const lastName = await box('#last_name');
    const button = await box('#signup-submit');
    const form = await box('#signup-form');
    expect(lastName.y).toBeGreaterThan(firstName.y + firstName.height);
    expect(button.width).toBeCloseTo(form.width, 0);
    expect(button.height).toBeGreaterThanOrEqual(44);
    expect(await fieldMessages()).toMatchObject({
      password: [shown('password', messages.passwordTooCommon)],
    });
    await screenshot('narrow-375');
  });

  it('follows a dark colour scheme', async () => {
    await openPage({ colorScheme: 'dark' });
    await fillForm({ email: 'dark@example.com', first_name: 'Nyx' });
    await page.fill('#password', 'nyx');

    const luminance = (selector: string, property: 'color' | 'backgroundColor') =>
      page.$eval(
        selector,
        (found, name) => {
          const [red = 0, green = 0, blue = 0] = (getComputedStyle(found)[name].match(/\d+/g) ?? []).map(
            Number,
          );
          return (0.2126 * red + 0.7152 * green + 0.0722 * blue) / 255;
        },
        property,
      );
    expect(await luminance('main', 'backgroundColor')).toBeLessThan(0.2);
    expect(await luminance('main', 'color')).toBeGreaterThan(0.8);
    expect(await luminance('#email', 'backgroundColor')).toBeLessThan(0.2);
    await screenshot('dark');
  });

  it('says it needs JavaScript when scripts are off, and offers no form that would post to the API', async () => {
    await openPage({ javaScriptEnabled: false });

    expect(await page.isVisible('#signup-form')).toBe(false);
    expect(await page.isVisible('.needs-script')).toBe(true);
    expect(await page.textContent('.needs-script')).toContain('Creating an account needs JavaScript');
    expect(await page.locator('button:visible, input:visible').count()).toBe(0);
    await screenshot('no-script');
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

/** A stand-in for one of the API's routes the page calls: CORS as the API answers it, then `answer` for each POST. */
const standIn = async (url: string, answer: (body: unknown) => { status: number; json: unknown }) => {
  const bodies: unknown[] = [];
  const origin = new URL(pageUrl).origin;
  await page.route(url, (route) => {
    const request = route.request();
    if (request.method() === 'OPTIONS') {
      return route.fulfill({
        status: 204,
        headers: {
          'Access-Control-Allow-Origin': origin,
          'Access-Control-Allow-Methods': 'POST,OPTIONS',
          'Access-Control-Allow-Headers': 'Content-Type',
        },
      });
    }
    const body: unknown = request.postDataJSON();
    bodies.push(body);
    const { status, json } = answer(body);
    return route.fulfill({ status, headers: { 'Access-Control-Allow-Origin': origin }, json });
  });
  return bodies;
};

const resendAccepted = { status: 202, json: { detail: messages.resendAccepted } };

describe('confirming the address, on the page', () => {
  let verifyUrl: string;
  let resendUrl: string;

  beforeAll(() => {
    verifyUrl = `${server.baseUrl}/api/v1/customers/verify/`;
    resendUrl = `${server.baseUrl}/api/v1/customers/verify/resend/`;
  });

  it("on a 202 (enumeration protection), shows the API's words, where the mail went, masked, and offers another link a minute later", async () => {
    await context.close();
    context = await browser.newContext({ locale: 'en-US', viewport: { width: 700, height: 900 } });
    page = await context.newPage();
    await page.clock.install();
    await page.goto(pageUrl);
    await page.route(customersUrl, (route) =>
      route.request().method() === 'POST'
        ? route.fulfill({
            status: 202,
            headers: { 'Access-Control-Allow-Origin': new URL(pageUrl).origin },
            json: { detail: messages.signupAccepted },
          })
        : route.continue(),
    );
    const resends = await standIn(resendUrl, () => resendAccepted);
    await fillForm(validSignup(' june@example.com', 'June', 'Moss'));

    await submit();

    expect(await page.isVisible('#signup-pending')).toBe(true);
    expect(await page.isVisible('#signup-view')).toBe(false);
    expect(await page.textContent('#pending-text')).toBe(messages.signupAccepted);
    expect(await page.textContent('#pending-address')).toBe(maskAddress('june@example.com'));
    expect(await page.textContent('#pending-address')).toBe('j•••@example.com');
    expect(await focusedId()).toBe('pending-title');
    expect(await page.title()).toBe(`Check your inbox · ${brand.productName}`);
    expect(await page.getByText('june@example.com').count()).toBe(0);
    // A mail has just gone: another may be asked for in a minute, not before.
    expect(await page.isDisabled('#resend')).toBe(true);
    expect(await page.textContent('#resend-wait')).toBe('You can ask for another link in 60 s.');
    await page.clock.runFor(59_000);
    expect(await page.isDisabled('#resend')).toBe(true);
    await page.clock.runFor(1_000);
    expect(await page.isEnabled('#resend')).toBe(true);
    await screenshot('pending-202');

    await page.click('#resend');

    await page.waitForSelector('#resend-status:not(:empty)');
    expect(await page.textContent('#resend-status')).toBe(messages.resendAccepted);
    expect(resends).toEqual([{ email: 'june@example.com' }]);
    expect(await page.isDisabled('#resend')).toBe(true);
    expect(await page.textContent('#resend-wait')).toBe('You can ask for another link in 60 s.');
  });

  it("shows a refused resend in the page's words and lets the customer try again", async () => {
    await page.route(customersUrl, (route) =>
      route.request().method() === 'POST'
        ? route.fulfill({
            status: 202,
            headers: { 'Access-Control-Allow-Origin': new URL(pageUrl).origin },
            json: { detail: messages.signupAccepted },
          })
        : route.continue(),
    );
    await standIn(resendUrl, () => ({
      status: 503,
      json: { detail: 'Service temporarily unavailable, try again later.' },
    }));
    await fillForm(validSignup('busy-resend@example.com', 'Bo', 'Sy'));
    await submit();
    await page.evaluate(() => {
      const button = document.getElementById('resend') as HTMLButtonElement;
      button.disabled = false;
    });

    await page.click('#resend');

    await page.waitForSelector('#resend-errors p');
    expect(await page.locator('#resend-errors p').allTextContents()).toEqual([
      friendlyFormMessage(503, 'Service temporarily unavailable, try again later.'),
    ]);
    expect(await page.isEnabled('#resend')).toBe(true);
  });

  it("reads the token from the link's fragment, asks for the password and shows the confirmed account", async () => {
    const verifies = await standIn(verifyUrl, () => ({
      status: 200,
      json: {
        email: 'john@example.com',
        first_name: 'John',
        last_name: 'Doe',
        slug: 'john-doe',
        date_of_birth: null,
        address: null,
        last_purchase_date: null,
      },
    }));
    const pageRequests: string[] = [];
    page.on('request', (request) => pageRequests.push(request.url()));

    await page.goto(`${new URL(pageUrl).origin}/verify#token=q1QYJgHcOG3Yv0m7a6Xl0D8k2rJ9vZrE3tWz5uQpN1A`);

    expect(await page.isVisible('#verify-view')).toBe(true);
    expect(await page.isVisible('#signup-view')).toBe(false);
    expect(await page.title()).toBe(`Confirm your email address · ${brand.productName}`);
    expect(await focusedId()).toBe('verify-password');
    expect(await page.getAttribute('#verify-password', 'autocomplete')).toBe('current-password');
    await page.keyboard.type('SecureP@ssw0rd123');
    await page.keyboard.press('Enter');

    await page.waitForSelector('#verify-success', { state: 'visible' });
    expect(verifies).toEqual([
      { token: 'q1QYJgHcOG3Yv0m7a6Xl0D8k2rJ9vZrE3tWz5uQpN1A', password: 'SecureP@ssw0rd123' },
    ]);
    expect(await page.textContent('#verified-email')).toBe('john@example.com');
    expect(await page.isVisible('#verify-view')).toBe(false);
    expect(await focusedId()).toBe('verified-title');
    // The token travels in the request body only: no URL the browser asked for holds it.
    expect(pageRequests.filter((url) => url.includes('q1QYJgHcOG3Y'))).toEqual([]);
    await screenshot('verified');
  });

  it("shows a dead link at the top and a wrong password beside the field, in the page's words", async () => {
    const answers = [
      { status: 400, json: { password: [messages.wrongPassword] } },
      { status: 400, json: { token: [messages.linkInvalid] } },
    ];
    await standIn(verifyUrl, () => answers.shift() ?? { status: 500, json: {} });
    await page.goto(`${new URL(pageUrl).origin}/verify#token=old`);
    await page.fill('#verify-password', 'not the one');

    await page.click('#verify-submit');
    await page.waitForSelector('#verify-password-errors li');

    expect(await page.locator('#verify-password-errors li').allTextContents()).toEqual([
      friendlyFieldMessage('password', messages.wrongPassword, 'verify').text,
    ]);
    expect(await page.getAttribute('#verify-password', 'aria-invalid')).toBe('true');
    expect(await focusedId()).toBe('verify-password');

    await page.click('#verify-submit');
    await page.waitForSelector('#verify-errors p');

    expect(await page.locator('#verify-errors p').allTextContents()).toEqual([
      friendlyFieldMessage('token', messages.linkInvalid, 'verify').text,
      'Sign up again',
    ]);
    expect(await page.getAttribute('#verify-errors a', 'href')).toBe('/');
    expect(await page.locator('#verify-password-errors li').count()).toBe(0);
    expect(await focusedId()).toBe('verify-errors');
    await screenshot('verify-dead-link');
  });

  it('says a link without its token is incomplete, and offers no password field', async () => {
    await page.goto(`${new URL(pageUrl).origin}/verify`);

    expect(await page.locator('#verify-errors p').allTextContents()).toEqual([
      friendlyFieldMessage('token', messages.required, 'verify').text,
    ]);
    expect(await page.isVisible('#verify-password')).toBe(false);
  });
});

describe('the signup page, when the address must be confirmed (EMAIL_VERIFICATION=required)', () => {
  let verifyingServer: LocalServer;
  let verifyingPageUrl: string;

  beforeAll(async () => {
    verifyingServer = await startLocalServer({
      EMAIL_VERIFICATION: 'required',
      SIGNUP_SECRET: randomBytes(32).toString('base64url'),
    });
    verifyingPageUrl = /Signup page: (\S+)/.exec(verifyingServer.output())?.[1] ?? '';
  });

  afterAll(async () => {
    await verifyingServer?.stop();
  });

  it('after a 201, says where the link went, masked, in place of the welcome, and sends another link a minute later', async () => {
    await page.clock.install();
    await page.goto(verifyingPageUrl);
    const resendUrl = `${verifyingServer.baseUrl}/api/v1/customers/verify/resend/`;
    const resendAnswer = page.waitForResponse(
      (response) => response.url() === resendUrl && response.request().method() === 'POST',
    );
    await fillForm(validSignup('mira@example.com', 'Mira', 'Holt'));

    await submit();

    expect(await page.isVisible('#signup-pending')).toBe(true);
    expect(await page.isVisible('#signup-success')).toBe(false);
    expect(await page.textContent('#pending-address')).toBe('m•••@example.com');
    expect(await page.textContent('#pending-text')).toBe(
      'Open the link in the email we just sent to finish creating your account.',
    );
    expect(await page.isDisabled('#resend')).toBe(true);
    await screenshot('pending-201');

    await page.clock.runFor(60_000);
    await page.click('#resend');

    expect((await resendAnswer).status()).toBe(202);
    await page.waitForSelector('#resend-status:not(:empty)');
    expect(await page.textContent('#resend-status')).toBe(messages.resendAccepted);
  });

  it('confirms the address from the link in the mail: signup, inbox, /verify, the confirmed account', async () => {
    const inboxUrl = /Mail: local inbox (\S+?)\/?$/m.exec(verifyingServer.output())?.[1];
    if (inboxUrl === undefined) throw new Error(`npm start printed no inbox:\n${verifyingServer.output()}`);
    await page.goto(verifyingPageUrl);
    await fillForm(validSignup('round.trip@example.com', 'Rhea', 'Trip'));
    await submit();
    expect(await page.isVisible('#signup-pending')).toBe(true);

    // The mail goes out from the table's changes, after the answer: it arrives in the inbox shortly.
    const link = await vi.waitFor(
      async () => {
        const { emails } = (await (await fetch(`${inboxUrl}/store`)).json()) as {
          emails: { destination: { to: string[] }; body: { text?: string } }[];
        };
        const mail = emails.find((email) => email.destination.to.includes('round.trip@example.com'));
        const found = /(http\S+\/verify#token=[A-Za-z0-9_-]+)/.exec(mail?.body.text ?? '')?.[1];
        if (found === undefined) throw new Error('no verification mail yet');
        return found;
      },
      { timeout: 15_000, interval: 200 },
    );
    expect(new URL(link).origin).toBe(new URL(verifyingPageUrl).origin);
    await page.goto(link);
    await page.keyboard.type('SecureP@ssw0rd123');
    await page.keyboard.press('Enter');

    await page.waitForSelector('#verify-success', { state: 'visible' });
    expect(await page.textContent('#verified-email')).toBe('round.trip@example.com');
  });

  it("answers a link the API does not know, through the real verify route, in the page's words", async () => {
    await page.goto(
      `${new URL(verifyingPageUrl).origin}/verify#token=bm90LWEtcmVhbC10b2tlbi1hdC1hbGwtYXQtYWxs`,
    );
    await page.fill('#verify-password', 'SecureP@ssw0rd123');

    await page.click('#verify-submit');
    await page.waitForSelector('#verify-errors p');

    expect(await page.locator('#verify-errors p').first().textContent()).toBe(
      friendlyFieldMessage('token', messages.linkInvalid, 'verify').text,
    );
  });
});
