import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import bcrypt from 'bcryptjs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PasswordHasher } from '../../functions/core/password-hasher.ts';
import { transliterate } from '../../functions/core/rules/transliterations.ts';
import { createSignup, type SignupOutcome, type VerificationSettings } from '../../functions/core/signup.ts';
import { createVerification, type VerificationOutcome } from '../../functions/core/verification.ts';
import { verificationToken } from '../../functions/core/verification-token.ts';
import { createDynamoDbCustomerStore, RECLAIM_AFTER_MS } from '../../functions/dynamodb/customer-store.ts';
import { customerKey } from '../../functions/dynamodb/customers.ts';
import { slugKey } from '../../functions/dynamodb/slug-reservations.ts';
import { createDynamoDbVerificationStore } from '../../functions/dynamodb/verification-store.ts';
import { isCommonPassword } from '../../functions/passwords/common-passwords.ts';
import { testSignupSecret } from '../support/new-customer.ts';
import { storeEngines, useStoreTable } from '../support/store-engines.ts';
import {
  type Choice,
  everySchedule,
  type PendingStep,
  runSchedule,
  type StepAction,
} from '../support/store-scheduler.ts';

/**
 * Pending accounts under concurrency, proven over schedules: the store requests of signups and
 * verifies are held at a gate and released in every order (or at random, with faults, lost answers,
 * SDK retries, crashes and pauses). After each schedule: every customer's slug reservation is its
 * own (so no two customers share a slug, and a late write never lands under a slug handed to
 * another), and the answers agree with what is stored.
 */
const RANDOM_SCHEDULES = Number(process.env.STORE_SCHEDULES ?? 100);

const PASSWORD = 'SecureP@ssw0rd123';
/** Hashed once: a signup in a schedule takes it at once, so only store requests interleave. */
const PASSWORD_HASH = `bcrypt$${bcrypt.hashSync(PASSWORD, 4)}`;
/** Shorter than a pause: a pause past the reclaim time also lets pending accounts expire. */
const TTL_SECONDS = 30;

const hasher: PasswordHasher = {
  prepare: () => undefined,
  hash: async () => PASSWORD_HASH,
  // On this thread, synchronously: the scheduler waits for every actor to reach the store's gate.
  verify: async (password, hash) => bcrypt.compareSync(password, hash.slice('bcrypt$'.length)),
};

const verification: VerificationSettings = {
  secret: testSignupSecret,
  ttlSeconds: TTL_SECONDS,
  enumerationProtection: false,
};

const signupFields = (email: string, firstName: string, lastName: string) => ({
  email,
  first_name: firstName,
  last_name: lastName,
  password: PASSWORD,
  password2: PASSWORD,
});

describe.each(storeEngines)('verification schedules on $name', (engine) => {
  const db = useStoreTable(engine, { freshTablePerTest: true, requestTimeoutMs: 30_000 });
  // Years after the real clock: DynamoDB Local runs the table's TTL, and would delete at random moments
  // the items of a fake time already past (pending accounts, markers, records).
  let clock = Date.parse('2036-03-01T12:00:00Z');
  const pause = () => {
    clock += RECLAIM_AFTER_MS + 1_000;
  };
  const storeOn = (client: DynamoDBDocumentClient) =>
    createDynamoDbCustomerStore(client, db.tableName, { now: () => clock });
  const signupOn = (
    client: DynamoDBDocumentClient,
    settings: VerificationSettings | undefined = verification,
  ) =>
    createSignup({
      store: storeOn(client),
      hasher,
      isCommonPassword,
      transliterate,
      now: () => new Date(clock),
      ...(settings === undefined ? {} : { verification: settings }),
    });
  const verifyOn = (client: DynamoDBDocumentClient) =>
    createVerification({
      store: createDynamoDbVerificationStore(client, db.tableName, { now: () => clock }),
      hasher,
    });
  let runs = 0;

  const get = async (pk: string) =>
    (
      await db.documentClient.send(
        new GetCommand({ TableName: db.tableName, Key: { pk }, ConsistentRead: true }),
      )
    ).Item;

  /** Every customer of these e-mails holds its slug under its own reservation. */
  const expectFencedSlugs = async (emails: readonly string[], why: string) => {
    const customers = [];
    for (const email of new Set(emails)) {
      const customer = await get(customerKey(email));
      if (typeof customer?.email !== 'string') continue;
      const reservation = await get(slugKey(String(customer.slug)));
      expect(reservation?.claim_id, `${email}\n${why}`).toBe(customer.claim_id);
      customers.push(customer);
    }
    expect(new Set(customers.map((c) => c.slug)).size, why).toBe(customers.length);
    return customers;
  };

  /** A pending account of a run's own address and name, with its link's token. */
  const pendingAccount = async (email: string) => {
    await signupOn(db.documentClient)(signupFields(email, 'John', `Doe${runs}`));
    const nonce = (await get(customerKey(email)))?.token_nonce;
    return verificationToken(testSignupSecret, String(nonce));
  };

  const interleavings = (pending: readonly PendingStep[]): Choice[] =>
    pending.map(({ actor }) => ({ actor, action: 'run', pauseFirst: false }));

  const describeResults = (trace: string[], results: unknown[]) =>
    `schedule:\n${trace.join('\n')}\nresults: ${JSON.stringify(results.map((r) => (r instanceof Error ? r.message : r)))}`;

  it('a new signup replacing a pending account while its verification runs: one of them wins, in every order', async () => {
    const schedules = await everySchedule(interleavings, async (choose) => {
      runs += 1;
      const email = `p${runs}@example.com`;
      const token = await pendingAccount(email);
      const { results, trace } = await runSchedule<VerificationOutcome | SignupOutcome>(
        db.documentClient,
        [
          (client) => verifyOn(client)({ token, password: PASSWORD }),
          (client) => signupOn(client)(signupFields(email, 'Jane', `Roe${runs}`)),
        ],
        choose,
        pause,
      );
      const why = describeResults(trace, results);
      const [verified, signedUp] = results;
      const [customer] = await expectFencedSlugs([email], why);

      if (
        verified === undefined ||
        verified instanceof Error ||
        signedUp === undefined ||
        signedUp instanceof Error
      ) {
        throw new Error(why);
      }
      if (verified.outcome === 'verified') {
        expect(signedUp, why).toMatchObject({ outcome: 'invalid', emailTaken: true });
        expect(customer, why).toMatchObject({ first_name: 'John', is_active: true });
      } else {
        expect(verified, why).toMatchObject({ errors: { token: expect.any(Array) } });
        expect(signedUp, why).toMatchObject({ outcome: 'created', customer: { first_name: 'Jane' } });
        expect(customer, why).toMatchObject({ first_name: 'Jane', is_active: false });
      }
    });
    expect(schedules).toBeGreaterThan(20);
  }, 300_000);

  it('two verifies with the same token: both answer the same 200, in every order', async () => {
    const schedules = await everySchedule(interleavings, async (choose) => {
      runs += 1;
      const email = `v${runs}@example.com`;
      const token = await pendingAccount(email);
      const { results, trace } = await runSchedule(
        db.documentClient,
        [0, 1].map(() => (client: DynamoDBDocumentClient) => verifyOn(client)({ token, password: PASSWORD })),
        choose,
        pause,
      );
      const why = describeResults(trace, results);

      expect(results[0], why).toMatchObject({ outcome: 'verified', customer: { email } });
      expect(results[1], why).toEqual(results[0]);
      expect(await get(customerKey(email)), why).toMatchObject({ is_active: true, failed_attempts: 0 });
    });
    expect(schedules).toBeGreaterThan(5);
  }, 300_000);

  /** Two signups of one address (the later one replaces the earlier's pending account) and one of another address and the first one's name. */
  const lateSignups = (run: number) => {
    const email = `l${run}@example.com`;
    const other = `o${run}@example.com`;
    return {
      email,
      other,
      signups: [
        signupFields(email, 'Name', String(run)),
        signupFields(email, 'Other', `Name ${run}`),
        signupFields(other, 'Name', String(run)),
      ],
    };
  };

  /** Nothing left behind blocks anyone: past the TTL and the reclaim time, every address signs up and the base slug is a customer's. */
  const expectNothingBlocks = async (emails: string[], run: number, why: string) => {
    pause();
    const later = [...emails, `later-a-${run}@example.com`, `later-b-${run}@example.com`];
    for (const address of later) {
      expect(
        await signupOn(db.documentClient, undefined)(signupFields(address, 'Name', String(run))),
        why,
      ).toMatchObject({ outcome: 'created' });
    }
    const customers = await expectFencedSlugs(later, why);
    expect(
      customers.map((c) => c.slug),
      why,
    ).toContain(`name-${run}`);
  };

  it('a signup stalled after any one of its requests, resumed once its address was signed up anew and its name reclaimed, stays fenced', async () => {
    for (let before = 0; ; before += 1) {
      runs += 1;
      const { email, other, signups } = lateSignups(runs);
      let sent = 0;
      const { results, trace } = await runSchedule(
        db.documentClient,
        signups.map((fields) => (client: DynamoDBDocumentClient) => signupOn(client)(fields)),
        // The first signup goes until its stall; the replacing one, then the other address, run to
        // their end; then the first resumes.
        (pending) => {
          const stalled = pending.find(({ actor }) => actor === 0);
          if (stalled !== undefined && sent < before) {
            sent += 1;
            return { actor: 0, action: 'run', pauseFirst: false };
          }
          const next = pending.find(({ actor }) => actor === 1) ?? pending.find(({ actor }) => actor === 2);
          return { actor: next?.actor ?? 0, action: 'run', pauseFirst: false };
        },
        pause,
      );
      const why = describeResults(trace, results);
      await expectFencedSlugs([email, other], why);
      await expectNothingBlocks([email, other], runs, why);
      if (sent < before) break;
    }
  }, 300_000);

  it(`the same three signups stay fenced with faults, lost answers, SDK retries, crashes and pauses (${RANDOM_SCHEDULES} random schedules)`, async () => {
    const action = fc.constantFrom<StepAction>(
      'run',
      'run',
      'run',
      'run',
      'run',
      'lost',
      'retried',
      'fault',
      'crash',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ pick: fc.nat(), action, pause: fc.boolean() }), {
          minLength: 40,
          maxLength: 40,
        }),
        async (steps) => {
          runs += 1;
          const { email, other, signups } = lateSignups(runs);
          let step = 0;
          const { results, trace } = await runSchedule(
            db.documentClient,
            signups.map((fields) => (client: DynamoDBDocumentClient) => signupOn(client)(fields)),
            (pending) => {
              const next = steps[step % steps.length] ?? { pick: 0, action: 'run', pause: false };
              step += 1;
              const actor = pending[next.pick % pending.length]?.actor ?? 0;
              return { actor, action: next.action, pauseFirst: next.pause && next.pick % 5 === 0 };
            },
            pause,
          );
          const why = describeResults(trace, results);
          await expectFencedSlugs([email, other], why);
          await expectNothingBlocks([email, other], runs, why);
        },
      ),
      { numRuns: RANDOM_SCHEDULES, seed: 20261202 },
    );
  }, 600_000);
});
