import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CustomerStore } from '../../functions/core/customer-store.ts';
import { createDynamoDbCustomerStore, RECLAIM_AFTER_MS } from '../../functions/dynamodb/customer-store.ts';
import { customerKey } from '../../functions/dynamodb/customers.ts';
import { newCustomer } from '../support/new-customer.ts';
import { storeEngines, useStoreTable } from '../support/store-engines.ts';
import {
  type Choice,
  type Chooser,
  everySchedule,
  type PendingStep,
  runSchedule,
  type StepAction,
} from '../support/store-scheduler.ts';

/**
 * The store's safety, proven over schedules rather than bursts: signups' store requests are held at a
 * gate and released in every order (exhaustively for two signups, at random for three), each one
 * possibly faulted, lost, retried by the SDK, or the last of a crashed signup, with the store's clock
 * moved past the reclaim time at any point (every waiting signup paused that long). After each
 * schedule: distinct slugs among customers, every signup told "created" stored under the slug it was
 * told, and nothing left that blocks a later signup of the name or of the e-mails.
 */
const RANDOM_SCHEDULES = Number(process.env.STORE_SCHEDULES ?? 150);

type Outcome = { created: string } | 'email-taken' | 'failed';

/** What a signup of the name does on the store; `hashFails` stops it after its reservation. */
interface SignupPlan {
  email: string;
  slugBase: string;
  hashFails?: boolean;
}

const signUp = async (store: CustomerStore, plan: SignupPlan): Promise<Outcome> => {
  const customer = newCustomer(plan.email, plan.slugBase);
  if ((await store.findEmailHolder(customer.emailKey)) !== undefined) return 'email-taken';
  const claim = await store.claimSlug(customer.slugBase, customer.emailKey);
  if (plan.hashFails) {
    await store.abandonClaim(claim);
    return 'failed';
  }
  const created = await store.createCustomer(customer, claim);
  return created.ok ? { created: created.customer.slug } : 'email-taken';
};

describe.each(storeEngines)('store schedules on $name', (engine) => {
  // A slow answer on a busy machine must not become an SDK retry: a retried counter add skips an index.
  const db = useStoreTable(engine, { freshTablePerTest: true, requestTimeoutMs: 30_000 });
  // Years after the real clock: DynamoDB Local runs the table's TTL, and would delete at random moments
  // the items of a fake time already past (pending accounts, markers, records).
  let clock = Date.parse('2036-03-01T12:00:00Z');
  const pause = () => {
    clock += RECLAIM_AFTER_MS + 1_000;
  };
  const storeOn = (client: DynamoDBDocumentClient) =>
    createDynamoDbCustomerStore(client, db.tableName, { now: () => clock });
  let runs = 0;

  /** The customers of these e-mails, read one by one: the table holds every earlier schedule's too. */
  const customersOf = async (emails: readonly string[]) => {
    const found = await Promise.all(
      [...new Set(emails)].map(async (email) => {
        const { Item } = await db.documentClient.send(
          new GetCommand({ TableName: db.tableName, Key: { pk: customerKey(email) }, ConsistentRead: true }),
        );
        return typeof Item?.email === 'string' ? [{ email: Item.email, slug: String(Item.slug) }] : [];
      }),
    );
    return found.flat();
  };

  /** Runs the signups under one schedule, then checks what must hold whatever the schedule was. */
  const check = async (plans: (base: string, run: number) => SignupPlan[], choose: Chooser) => {
    runs += 1;
    const base = `name-${runs}`;
    const signups = plans(base, runs);
    const { results, trace } = await runSchedule(
      db.documentClient,
      signups.map((plan) => (client) => signUp(storeOn(client), plan)),
      choose,
      pause,
    );
    const why = `schedule:\n${trace.join('\n')}\nresults: ${JSON.stringify(results.map(String))}`;
    const outcomes = results.map((result) => (result instanceof Error ? 'failed' : result));

    const emails = signups.map((plan) => plan.email);
    const customers = await customersOf(emails);
    expect(new Set(customers.map((c) => c.slug)).size, why).toBe(customers.length);
    for (const [i, outcome] of outcomes.entries()) {
      if (typeof outcome !== 'object') continue;
      const stored = customers.find((c) => c.email === signups[i]?.email);
      expect(stored?.slug, why).toBe(outcome.created);
    }

    // Nothing left behind blocks anyone: past the reclaim time, every e-mail without a customer signs
    // up, and then the name's base slug belongs to a customer.
    pause();
    const store = storeOn(db.documentClient);
    const waiting = [...new Set(signups.map((plan) => plan.email))].filter(
      (email) => !customers.some((c) => c.email === email),
    );
    for (const email of waiting) {
      expect(await signUp(store, { email, slugBase: base }), why).toMatchObject({
        created: expect.any(String),
      });
    }
    const later = signups.map((_, i) => `later-${i}@${base}.example`);
    for (const email of later) await signUp(store, { email, slugBase: base });
    const after = await customersOf([...emails, ...later]);
    expect(new Set(after.map((c) => c.slug)).size, why).toBe(after.length);
    expect(
      after.map((c) => c.slug),
      why,
    ).toContain(base);
  };

  describe('the two scenarios of the store issue', () => {
    it('a signup stalled past the reclaim time cannot store its customer under a slug handed to another', async () => {
      const store = storeOn(db.documentClient);
      const stalled = newCustomer('stalled@example.com', 'stall-fence');
      const claim = await store.claimSlug(stalled.slugBase, stalled.emailKey);
      pause();
      const others = [];
      for (let i = 0; i < 8; i += 1) {
        others.push(await signUp(store, { email: `b${i}@example.com`, slugBase: 'stall-fence' }));
      }

      const late = await store.createCustomer(stalled, claim).catch((error: unknown) => error);

      expect(late).toMatchObject({ name: 'StoreUnavailableError' });
      const customers = await customersOf(others.map((_, i) => `b${i}@example.com`).concat(stalled.email));
      expect(customers).toHaveLength(8);
      expect(new Set(customers.map((c) => c.slug)).size).toBe(8);
      expect(others[0]).toEqual({ created: claim.slug });
    });

    it('a double submit whose second copy fails its hash leaves no slug to hand out twice', async () => {
      const store = storeOn(db.documentClient);
      const first = newCustomer('double@example.com', 'double-submit');
      const firstClaim = await store.claimSlug(first.slugBase, first.emailKey);
      const second = await signUp(store, { email: first.email, slugBase: 'double-submit', hashFails: true });
      // The second copy revoked the first's reservation to take its slot: only one may store the customer.
      const stored = await store.createCustomer(first, firstClaim).catch((error: unknown) => error);

      const next = [
        await signUp(store, { email: 'next1@example.com', slugBase: 'double-submit' }),
        await signUp(store, { email: 'next2@example.com', slugBase: 'double-submit' }),
        await signUp(store, { email: first.email, slugBase: 'double-submit' }),
      ];

      expect(second).toBe('failed');
      expect(stored).toMatchObject({ name: 'StoreUnavailableError' });
      expect(next.every((outcome) => typeof outcome === 'object')).toBe(true);
      const customers = await customersOf(['double@example.com', 'next1@example.com', 'next2@example.com']);
      expect(customers).toHaveLength(3);
      expect(new Set(customers.map((c) => c.slug)).size).toBe(3);
      expect(customers.map((c) => c.slug)).toContain('double-submit');
    });
  });

  describe('every interleaving of two signups of one name', () => {
    const interleavings = (pending: readonly PendingStep[]): Choice[] =>
      pending.map(({ actor }) => ({ actor, action: 'run', pauseFirst: false }));
    it('with two e-mails', async () => {
      const schedules = await everySchedule(interleavings, (choose) =>
        check(
          (base, run) => [
            { email: `a${run}@example.com`, slugBase: base },
            { email: `b${run}@example.com`, slugBase: base },
          ],
          choose,
        ),
      );
      expect(schedules).toBeGreaterThan(50);
    }, 300_000);

    it('with two e-mails, one of them paused past the reclaim time before any one of its requests', async () => {
      for (const stalled of [0, 1]) {
        for (let before = 0; ; before += 1) {
          let sent = 0;
          let paused = false;
          await check(
            (base, run) => [
              { email: `p${run}@example.com`, slugBase: base },
              { email: `q${run}@example.com`, slugBase: base },
            ],
            (pending) => {
              const other = pending.find(({ actor }) => actor !== stalled);
              // The stalled signup goes first until its pause; the other then runs to its end.
              if (sent < before && pending.some(({ actor }) => actor === stalled)) {
                sent += 1;
                return { actor: stalled, action: 'run', pauseFirst: false };
              }
              if (other !== undefined) {
                const pauseFirst = !paused;
                paused = true;
                return { actor: other.actor, action: 'run', pauseFirst };
              }
              return { actor: stalled, action: 'run', pauseFirst: false };
            },
          );
          if (sent < before) break;
        }
      }
    }, 300_000);

    it('of one e-mail (a double submit), one of them failing its hash', async () => {
      const schedules = await everySchedule(interleavings, (choose) =>
        check(
          (base, run) => [
            { email: `d${run}@example.com`, slugBase: base },
            { email: `d${run}@example.com`, slugBase: base, hashFails: true },
          ],
          choose,
        ),
      );
      expect(schedules).toBeGreaterThan(10);
    }, 300_000);

    it('with a crash, a fault, a lost answer or an SDK retry at any one request', async () => {
      const actions: StepAction[] = ['crash', 'fault', 'lost', 'retried'];
      let struck = false;
      const schedules = await everySchedule(
        (pending) => [
          ...pending.map(({ actor }) => ({ actor, action: 'run' as const, pauseFirst: false })),
          ...(struck
            ? []
            : pending.flatMap(({ actor }) =>
                actions.map((action) => ({ actor, action, pauseFirst: false })),
              )),
        ],
        async (choose) => {
          struck = false;
          await check(
            (base, run) => [
              { email: `f${run}@example.com`, slugBase: base },
              { email: `g${run}@example.com`, slugBase: base },
            ],
            inOrderOf(choose, () => {
              struck = true;
            }),
          );
        },
      );
      expect(schedules).toBeGreaterThan(30);
    }, 300_000);

    /** Only the first request of the pending ones is free to go: faults anywhere, in one order. */
    const inOrderOf =
      (choose: Chooser, onStrike: () => void): Chooser =>
      (pending) => {
        const choice = choose(pending.slice(0, 1));
        if (choice.action !== 'run') onStrike();
        return choice;
      };
  });

  it(`holds over ${RANDOM_SCHEDULES} random schedules of three signups with faults, crashes and pauses`, async () => {
    const action = fc.constantFrom<StepAction>(
      'run',
      'run',
      'run',
      'run',
      'run',
      'run',
      'fault',
      'lost',
      'retried',
      'crash',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ pick: fc.nat(), action, pause: fc.boolean() }), {
          minLength: 40,
          maxLength: 40,
        }),
        fc.constantFrom('three-emails', 'double-submit', 'failed-hash'),
        async (steps, kind) => {
          let step = 0;
          await check(
            (base, run) => [
              { email: `r${run}@example.com`, slugBase: base },
              { email: `${kind === 'three-emails' ? 's' : 'r'}${run}@example.com`, slugBase: base },
              { email: `t${run}@example.com`, slugBase: base, hashFails: kind === 'failed-hash' },
            ],
            (pending) => {
              const next = steps[step % steps.length] ?? { pick: 0, action: 'run', pause: false };
              step += 1;
              const actor = pending[next.pick % pending.length]?.actor ?? 0;
              return { actor, action: next.action, pauseFirst: next.pause && next.pick % 7 === 0 };
            },
          );
        },
      ),
      { numRuns: RANDOM_SCHEDULES, seed: 20261202 },
    );
  }, 600_000);
});
