import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { PasswordHasher } from '../../functions/core/password-hasher.ts';
import { messages } from '../../functions/core/rules/messages.ts';
import { transliterate } from '../../functions/core/rules/transliterations.ts';
import { createSignup, type VerificationSettings } from '../../functions/core/signup.ts';
import { createResend, createVerification } from '../../functions/core/verification.ts';
import { verificationToken } from '../../functions/core/verification-token.ts';
import { createDynamoDbCustomerStore } from '../../functions/dynamodb/customer-store.ts';
import { customerKey } from '../../functions/dynamodb/customers.ts';
import { createDynamoDbVerificationStore } from '../../functions/dynamodb/verification-store.ts';
import { createBcryptHasher } from '../../functions/passwords/bcrypt-hasher.ts';
import { isCommonPassword } from '../../functions/passwords/common-passwords.ts';
import { readSettings } from '../../functions/settings.ts';
import { createVerificationUseCases } from '../../functions/verify-customer/use-cases.ts';
import { useEmbeddedTable } from '../support/dynalite.ts';
import { testSignupSecret } from '../support/new-customer.ts';
import { contractCustomer, validSignup } from '../support/signup-handler.ts';

const db = await useEmbeddedTable({ freshTablePerTest: true });

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const TTL_SECONDS = 172_800;
const PASSWORD = validSignup().password;

const cheapHasher = createBcryptHasher(4);

describe('e-mail verification on the store', () => {
  let clock = Date.parse('2026-03-01T12:00:00Z');
  const later = (ms: number) => {
    clock += ms;
  };
  /** Counts the hashes made: a taken address under enumeration protection costs one all the same. */
  let hashes = 0;
  const hasher: PasswordHasher = {
    prepare: () => cheapHasher.prepare(),
    verify: (password, hash) => cheapHasher.verify(password, hash),
    hash: (password) => {
      hashes += 1;
      return cheapHasher.hash(password);
    },
  };

  const store = () => createDynamoDbCustomerStore(db.documentClient, db.tableName, { now: () => clock });
  const verification = (overrides: Partial<VerificationSettings> = {}): VerificationSettings => ({
    secret: testSignupSecret,
    ttlSeconds: TTL_SECONDS,
    enumerationProtection: false,
    ...overrides,
  });
  const signup = (settings?: VerificationSettings) =>
    createSignup({
      store: store(),
      hasher,
      isCommonPassword,
      transliterate,
      now: () => new Date(clock),
      ...(settings === undefined ? {} : { verification: settings }),
    });
  const verifications = () =>
    createDynamoDbVerificationStore(db.documentClient, db.tableName, { now: () => clock });
  const verify = () => createVerification({ store: verifications(), hasher });
  const resend = () => createResend({ store: verifications(), verification: verification() });

  const item = async (email = 'john@example.com') =>
    (
      await db.documentClient.send(
        new GetCommand({ TableName: db.tableName, Key: { pk: customerKey(email) }, ConsistentRead: true }),
      )
    ).Item;
  /** The link the mail of the account's current nonce carries. */
  const tokenOf = async (email = 'john@example.com') => {
    const nonce = (await item(email))?.token_nonce;
    if (typeof nonce !== 'string') throw new Error(`no link for ${email}`);
    return verificationToken(testSignupSecret, nonce);
  };

  const invalidLink = { outcome: 'invalid', errors: { token: [messages.linkInvalid] } };
  const wrongPassword = { outcome: 'invalid', errors: { password: [messages.wrongPassword] } };
  const verified = { outcome: 'verified', customer: contractCustomer };

  describe('a signup with verification required', () => {
    it('answers 201 as before and stores a pending account whose link and password make it active', async () => {
      const created = await signup(verification())(validSignup());
      const token = await tokenOf();

      const first = await verify()({ token, password: PASSWORD });
      const again = await verify()({ token, password: PASSWORD });

      expect(created).toEqual({ outcome: 'created', customer: contractCustomer });
      expect(first).toEqual(verified);
      expect(again).toEqual(verified);
      expect(await item()).toMatchObject({ is_active: true });
      // A verified address is taken again, as before.
      expect(await signup(verification())(validSignup())).toMatchObject({
        outcome: 'invalid',
        emailTaken: true,
      });
    });

    it('never stores the token: only its nonce and its hash', async () => {
      await signup(verification())(validSignup());
      const token = await tokenOf();

      const { Items = [] } = await db.documentClient.send(new ScanCommand({ TableName: db.tableName }));

      expect(JSON.stringify(Items, (_, value) => (value instanceof Set ? [...value] : value))).not.toContain(
        token,
      );
    });

    it('lets a new signup of a pending address replace it: the old link stops working', async () => {
      await signup(verification())(validSignup());
      const oldToken = await tokenOf();

      const replaced = await signup(verification())(validSignup({ first_name: 'Jane' }));
      const newToken = await tokenOf();

      expect(replaced).toMatchObject({
        outcome: 'created',
        customer: { first_name: 'Jane', slug: 'jane-doe' },
      });
      expect(await verify()({ token: oldToken, password: PASSWORD })).toEqual(invalidLink);
      expect(await verify()({ token: newToken, password: PASSWORD })).toMatchObject({
        outcome: 'verified',
        customer: { first_name: 'Jane' },
      });
    });

    it('lets a pending account expire: its link answers expired, its address and slug are free', async () => {
      await signup(verification())(validSignup());
      const token = await tokenOf();
      later(TTL_SECONDS * 1000 + 1);

      expect(await verify()({ token, password: PASSWORD })).toEqual(invalidLink);
      expect(await signup(verification())(validSignup({ email: 'other@example.com' }))).toMatchObject({
        outcome: 'created',
        customer: { slug: 'john-doe' },
      });
      expect(await signup(verification())(validSignup())).toMatchObject({
        outcome: 'created',
        customer: { slug: 'john-doe-2' },
      });
    });
  });

  describe('a verify request', () => {
    it('with a wrong password answers the password error, and after five the link is dead', async () => {
      await signup(verification())(validSignup());
      const token = await tokenOf();

      const wrong = [];
      for (let i = 0; i < 5; i += 1) wrong.push(await verify()({ token, password: `Wrong-${i}-password` }));
      const right = await verify()({ token, password: PASSWORD });

      expect(wrong).toEqual(Array.from({ length: 5 }, () => wrongPassword));
      expect(right).toEqual(invalidLink);
      expect(await item()).toMatchObject({ is_active: false, failed_attempts: 5 });
    });

    it('answers an unknown token as invalid, and each missing field as required', async () => {
      expect(await verify()({ token: 'no-such-token', password: PASSWORD })).toEqual(invalidLink);
      expect(await verify()({})).toEqual({
        outcome: 'invalid',
        errors: { token: [messages.required], password: [messages.required] },
      });
      expect(await verify()({ token: null, password: 7 as unknown })).toMatchObject({
        errors: { token: [messages.null] },
      });
    });

    it('refuses a link replaced by a resend, and takes the new one', async () => {
      await signup(verification())(validSignup());
      const oldToken = await tokenOf();
      later(MINUTE + 1);

      expect(await resend()({ email: 'john@example.com' })).toEqual({ outcome: 'accepted' });
      const newToken = await tokenOf();

      expect(newToken).not.toBe(oldToken);
      expect(await verify()({ token: oldToken, password: PASSWORD })).toEqual(invalidLink);
      expect(await verify()({ token: newToken, password: PASSWORD })).toEqual(verified);
    });
  });

  describe('a resend request', () => {
    it('renews a pending link at most once a minute, and answers accepted whatever the address holds', async () => {
      await signup(verification())(validSignup());
      const first = await tokenOf();

      const answers = [await resend()({ email: 'john@example.com' })];
      const afterTooSoon = await tokenOf();
      later(MINUTE + 1);
      answers.push(await resend()({ email: 'JOHN@Example.com' }));
      const afterAMinute = await tokenOf();
      answers.push(await resend()({ email: 'nobody@example.com' }));

      expect(afterTooSoon).toBe(first);
      expect(afterAMinute).not.toBe(first);
      expect(answers).toEqual([{ outcome: 'accepted' }, { outcome: 'accepted' }, { outcome: 'accepted' }]);
      expect(await item('nobody@example.com')).toBeUndefined();
    });

    it("checks the address with the signup's e-mail rule", async () => {
      expect(await resend()({ email: 'not an address' })).toEqual({
        outcome: 'invalid',
        errors: { email: [messages.invalidEmail] },
      });
      expect(await resend()({})).toEqual({ outcome: 'invalid', errors: { email: [messages.required] } });
    });

    it('writes nothing while verification is off', async () => {
      await signup(verification())(validSignup());
      const token = await tokenOf();
      later(MINUTE + 1);

      const off = createResend({ store: verifications() });

      expect(await off({ email: 'john@example.com' })).toEqual({ outcome: 'accepted' });
      expect(await tokenOf()).toBe(token);
    });
  });

  describe('enumeration protection', () => {
    const protectedSignup = () => signup(verification({ enumerationProtection: true }));

    it('answers accepted for a new, a pending and a taken address, and never says taken', async () => {
      const answers = [await protectedSignup()(validSignup())];
      answers.push(await protectedSignup()(validSignup()));
      await verify()({ token: await tokenOf(), password: PASSWORD });
      hashes = 0;
      answers.push(await protectedSignup()(validSignup({ first_name: 'Jane' })));

      expect(answers).toEqual([{ outcome: 'accepted' }, { outcome: 'accepted' }, { outcome: 'accepted' }]);
      expect(hashes).toBe(1);
      expect(await item()).toMatchObject({ first_name: 'John', is_active: true });
    });

    it('still answers invalid fields with their messages, but not whether the address is taken', async () => {
      await signup(verification())(validSignup());
      await verify()({ token: await tokenOf(), password: PASSWORD });

      const invalid = await protectedSignup()(validSignup({ password2: 'Another-password-1' }));

      expect(invalid).toEqual({
        outcome: 'invalid',
        errors: { password2: [messages.passwordMismatch] },
        emailTaken: false,
      });
    });

    it('asks for at most one notice an hour to the owner of a taken address', async () => {
      await signup(verification())(validSignup());
      await verify()({ token: await tokenOf(), password: PASSWORD });
      const notices = async () => (await item())?.notice_nonce;

      await protectedSignup()(validSignup());
      const first = await notices();
      later(HOUR - 1);
      await protectedSignup()(validSignup());
      const withinTheHour = await notices();
      later(2);
      await protectedSignup()(validSignup());
      const nextHour = await notices();

      expect(first).toEqual(expect.any(String));
      expect(withinTheHour).toBe(first);
      expect(nextHour).not.toBe(first);
      expect((await item())?.notice_requested_at).toBe(clock);
    });
  });

  describe('with verification off', () => {
    it('stores an active account at once, with no link', async () => {
      expect(await signup()(validSignup())).toEqual({ outcome: 'created', customer: contractCustomer });
      const stored = await item();

      expect(stored).toMatchObject({ is_active: true });
      expect(stored).not.toHaveProperty('token_hash');
      expect(stored).not.toHaveProperty('expires_at');
    });
  });

  describe('the use cases with real clients', () => {
    it('are built from the settings and verify what the signup stored', async () => {
      const settings = readSettings({
        TABLE_NAME: db.tableName,
        BCRYPT_COST: '4',
        EMAIL_VERIFICATION: 'required',
        SIGNUP_SECRET: testSignupSecret,
      });
      const useCases = createVerificationUseCases(settings, db.documentClient);
      // Their store reads the real clock.
      clock = Date.now();
      await signup(verification())(validSignup());
      const token = await tokenOf();

      expect(await useCases.verify({ token, password: PASSWORD })).toEqual(verified);
      expect(await useCases.resend({ email: 'john@example.com' })).toEqual({ outcome: 'accepted' });
    });
  });
});
