import { DeleteCommand, GetCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { ClaimedSlug, NewCustomer } from '../../functions/core/customer-store.ts';
import { tokenHash, verificationToken } from '../../functions/core/verification-token.ts';
import { createDynamoDbCustomerStore, RECLAIM_AFTER_MS } from '../../functions/dynamodb/customer-store.ts';
import { customerKey } from '../../functions/dynamodb/customers.ts';
import { slugKey } from '../../functions/dynamodb/slug-reservations.ts';
import { createDynamoDbVerificationStore } from '../../functions/dynamodb/verification-store.ts';
import {
  newCustomer,
  newPendingCustomer,
  PENDING_FOR_MS,
  testSignupSecret,
} from '../support/new-customer.ts';
import { storeEngines, useStoreTable } from '../support/store-engines.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe.each(storeEngines)('pending accounts in the DynamoDB store on $name', (engine) => {
  const db = useStoreTable(engine, { freshTablePerTest: true, requestTimeoutMs: 30_000 });
  // Years after the real clock: DynamoDB Local runs the table's TTL, and would delete at random moments
  // the items of a fake time already past (pending accounts, markers, records).
  let clock = Date.parse('2036-03-01T12:00:00Z');
  const later = (ms: number) => {
    clock += ms;
  };
  const store = () => createDynamoDbCustomerStore(db.documentClient, db.tableName, { now: () => clock });
  const verifications = () =>
    createDynamoDbVerificationStore(db.documentClient, db.tableName, { now: () => clock });

  /** A signup's store requests: the e-mail read, the slug reservation, the customer's write. */
  const signUp = async (customer: NewCustomer) => {
    const holder = await store().findEmailHolder(customer.emailKey, customer.keyedDigest);
    if (holder !== undefined && holder.keyedSignup?.is_active !== false) return 'email-taken' as const;
    const created = await store().createCustomer(
      customer,
      await store().claimSlug(customer.slugBase, customer.emailKey),
    );
    return created.ok ? created.customer : created.reason;
  };
  const slugOf = async (customer: NewCustomer) => {
    const created = await signUp(customer);
    if (typeof created === 'string') throw new Error(`${customer.emailKey}: ${created}`);
    return created.slug;
  };

  const item = async (emailKey: string) =>
    (
      await db.documentClient.send(
        new GetCommand({ TableName: db.tableName, Key: { pk: customerKey(emailKey) }, ConsistentRead: true }),
      )
    ).Item;
  const allItems = async () =>
    (await db.documentClient.send(new ScanCommand({ TableName: db.tableName }))).Items ?? [];

  /** A reservation of this e-mail key revoked on its customer item, as a sweep does. */
  const revokeOnItem = (emailKey: string, claimId: string) =>
    db.documentClient.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: { pk: customerKey(emailKey) },
        UpdateExpression: 'ADD revoked_claims :claim',
        ExpressionAttributeValues: { ':claim': new Set([claimId]) },
      }),
    );

  /** The account its token's link finds, through the index and a consistent read. */
  const accountOf = async (hash: string) => {
    const account = await verifications().findAccountByTokenHash(hash);
    if (account === undefined) throw new Error('no account for the link');
    return account;
  };

  describe('a signup with verification required', () => {
    it('stores a pending account with its link as a nonce and a hash, never the token', async () => {
      const { customer, link } = newPendingCustomer('ann@example.com', 'ann-lee');

      const created = await signUp(customer);

      expect(created).toMatchObject({ slug: 'ann-lee', is_active: false });
      const stored = await item('ann@example.com');
      expect(stored).toMatchObject({
        is_active: false,
        expires_at: clock + PENDING_FOR_MS,
        token_nonce: link.tokenNonce,
        token_hash: link.tokenHash,
        token_issued_at: clock,
        failed_attempts: 0,
      });
      const token = verificationToken(testSignupSecret, link.tokenNonce);
      expect(tokenHash(token)).toBe(link.tokenHash);
      expect(JSON.stringify(await allItems())).not.toContain(token);
    });

    it('leaves the address free: a pending account holds nothing, but a retry of its keyed request is told', async () => {
      const { customer } = newPendingCustomer('ann@example.com', 'ann-lee');
      await signUp({ ...customer, keyedDigest: 'digest-1' });

      expect(await store().findEmailHolder('ann@example.com')).toBeUndefined();
      expect(await store().findEmailHolder('ann@example.com', 'digest-2')).toBeUndefined();
      expect(await store().findEmailHolder('ann@example.com', 'digest-1')).toEqual({
        keyedSignup: expect.objectContaining({ slug: 'ann-lee', is_active: false }),
      });
      later(PENDING_FOR_MS + 1);
      expect(await store().findEmailHolder('ann@example.com', 'digest-1')).toBeUndefined();
    });

    it('is replaced by a new signup of the address, which keeps the revocations and kills the old link', async () => {
      const first = newPendingCustomer('ann@example.com', 'ann-lee');
      await signUp({ ...first.customer, keyedDigest: 'digest-1' });
      await revokeOnItem('ann@example.com', 'an-old-claim');
      const second = newPendingCustomer('ann@example.com', 'ann-lee');

      const replaced = await signUp(second.customer);

      expect(replaced).toMatchObject({ slug: 'ann-lee-2', is_active: false });
      const stored = await item('ann@example.com');
      expect(stored?.revoked_claims).toEqual(new Set(['an-old-claim']));
      expect(stored?.token_hash).toBe(second.link.tokenHash);
      expect(stored).not.toHaveProperty('signup_request');
      // The first request's marker names its own claim only: its retry does not take the new account for its own.
      expect(await store().findEmailHolder('ann@example.com', 'digest-1')).toBeUndefined();
      expect(await verifications().findAccountByTokenHash(first.link.tokenHash)).toBeUndefined();
      expect(await verifications().findAccountByTokenHash(second.link.tokenHash)).toMatchObject({
        state: 'pending',
      });
    });

    it('frees the slug of the account it replaced for the next signup of the name', async () => {
      await slugOf(newPendingCustomer('ann@example.com', 'ann-lee').customer);
      await slugOf(newPendingCustomer('ann@example.com', 'ann-lee').customer);

      expect(await slugOf(newCustomer('other@example.com', 'ann-lee'))).toBe('ann-lee');
    });

    it('is refused for an address a verified account holds', async () => {
      const active = newCustomer('ann@example.com', 'ann-lee');
      const claim = await store().claimSlug('ann-lee', 'ann@example.com');
      await store().createCustomer(active, claim);

      const late = await store().createCustomer(
        newPendingCustomer('ann@example.com', 'ann-lee').customer,
        await store().claimSlug('ann-lee', 'ann@example.com'),
      );

      expect(late).toEqual({ ok: false, reason: 'email-taken' });
      expect(await item('ann@example.com')).toMatchObject({ is_active: true, slug: 'ann-lee' });
    });
  });

  describe('a pending account', () => {
    it('holds its slug from other signups of the name, but the sweep does not pass it for good', async () => {
      await slugOf(newPendingCustomer('ann@example.com', 'ann-lee').customer);

      const whileWaiting = await slugOf(newCustomer('b@example.com', 'ann-lee'));
      later(PENDING_FOR_MS + 1);
      const afterExpiry = await slugOf(newCustomer('c@example.com', 'ann-lee'));
      const next = await slugOf(newCustomer('d@example.com', 'ann-lee'));

      expect([whileWaiting, afterExpiry, next]).toEqual(['ann-lee-2', 'ann-lee', 'ann-lee-3']);
    });

    it('once expired, frees its address and slug and loses its personal data; its link finds it expired first', async () => {
      const pending = newPendingCustomer('ann@example.com', 'ann-lee');
      await signUp(pending.customer);
      later(PENDING_FOR_MS + 1);

      expect(await accountOf(pending.link.tokenHash)).toMatchObject({ state: 'expired' });
      expect(await store().findEmailHolder('ann@example.com')).toBeUndefined();
      expect(await slugOf(newCustomer('other@example.com', 'ann-lee'))).toBe('ann-lee');

      const left = await item('ann@example.com');
      expect(Object.keys(left ?? {}).sort()).toEqual(['pk', 'revoked_claims']);
      expect(await verifications().findAccountByTokenHash(pending.link.tokenHash)).toBeUndefined();
      const again = await signUp(newPendingCustomer('ann@example.com', 'ann-lee').customer);
      expect(again).toMatchObject({ slug: 'ann-lee-2' });
    });

    it('whose slug was reclaimed after it was replaced can never be written again by its late signup', async () => {
      const late = newPendingCustomer('ann@example.com', 'late-name');
      const lateClaim: ClaimedSlug = await store().claimSlug('late-name', 'ann@example.com');
      expect(await store().createCustomer(late.customer, lateClaim)).toMatchObject({ ok: true });
      // A new signup of the address replaces it; the next signup of the name takes its slug.
      await slugOf(newPendingCustomer('ann@example.com', 'other-name').customer);
      later(RECLAIM_AFTER_MS + 1_000);
      expect(await slugOf(newCustomer('b@example.com', 'late-name'))).toBe('late-name');

      // The first signup's write again, as an SDK retry of an answer that was lost.
      const resumed = await store()
        .createCustomer(late.customer, lateClaim)
        .catch((error: unknown) => error);

      expect(resumed).toMatchObject({ name: 'StoreUnavailableError' });
      expect(await item('ann@example.com')).toMatchObject({ slug: 'other-name' });
      const reservation = await db.documentClient.send(
        new GetCommand({ TableName: db.tableName, Key: { pk: slugKey('late-name') }, ConsistentRead: true }),
      );
      expect(reservation.Item?.email_key).toBe('b@example.com');
    });
  });

  describe("the table's TTL, which deletes expired pending accounts", () => {
    /** An item DynamoDB may delete must keep no revoked claim: forgetting one could let a late signup write. */
    const expectNoRevocationDeletable = async () => {
      for (const stored of await allItems())
        if (stored.revoked_claims !== undefined)
          expect(stored, String(stored.pk)).not.toHaveProperty('expiration');
    };
    /** What DynamoDB does to an item whose `expiration` has passed, some time after it. */
    const deleteAsTtlWould = (emailKey: string) =>
      db.documentClient.send(
        new DeleteCommand({
          TableName: db.tableName,
          Key: { pk: customerKey(emailKey) },
          ConditionExpression: '#expiration < :now',
          ExpressionAttributeNames: { '#expiration': 'expiration' },
          ExpressionAttributeValues: { ':now': Math.floor(clock / 1000) },
        }),
      );

    it('is set on a pending account, to its expiry in seconds, and on no active one', async () => {
      await signUp(newPendingCustomer('ann@example.com', 'ann-lee').customer);
      await signUp(newCustomer('bob@example.com', 'bob-ray'));

      expect((await item('ann@example.com'))?.expiration).toBe(Math.ceil((clock + PENDING_FOR_MS) / 1000));
      expect(await item('bob@example.com')).not.toHaveProperty('expiration');
    });

    it('goes when the account is verified', async () => {
      const { customer, link } = newPendingCustomer('ann@example.com', 'ann-lee');
      await signUp(customer);

      await verifications().activate(await accountOf(link.tokenHash), 5);

      expect(await item('ann@example.com')).not.toHaveProperty('expiration');
    });

    it('is never set on an item that keeps revoked claims, nor kept when a claim is revoked on it', async () => {
      await signUp(newPendingCustomer('ann@example.com', 'ann-lee').customer);
      await revokeOnItem('ann@example.com', 'an-old-claim');
      const replacing = newPendingCustomer('ann@example.com', 'ann-lee');
      expect(await signUp(replacing.customer)).toMatchObject({ is_active: false });
      // A signup of another address whose reservation is revoked on this item, as a sweep does.
      await signUp(newPendingCustomer('cy@example.com', 'cy-ode').customer);
      await store().abandonClaim(await store().claimSlug('cy-ode', 'cy@example.com'));

      expect(await item('ann@example.com')).toMatchObject({
        token_hash: replacing.link.tokenHash,
        revoked_claims: new Set(['an-old-claim']),
      });
      await expectNoRevocationDeletable();
      expect(await item('cy@example.com')).toMatchObject({ revoked_claims: expect.any(Set) });
    });

    it('once it has deleted an expired account, the address and the slug are free and no late write of it holds the slug', async () => {
      const pending = newPendingCustomer('ann@example.com', 'ann-lee');
      const claim = await store().claimSlug('ann-lee', 'ann@example.com');
      expect(await store().createCustomer(pending.customer, claim)).toMatchObject({ ok: true });
      // DynamoDB deletes an expired item within days of its time.
      later(PENDING_FOR_MS + HOUR);
      await deleteAsTtlWould('ann@example.com');
      expect(await item('ann@example.com')).toBeUndefined();

      later(RECLAIM_AFTER_MS + 1_000);
      expect(await slugOf(newCustomer('other@example.com', 'ann-lee'))).toBe('ann-lee');
      expect(await signUp(newPendingCustomer('ann@example.com', 'ann-lee').customer)).toMatchObject({
        slug: 'ann-lee-2',
      });
      // The deleted account's write again, as an SDK retry whose answer was lost.
      const late = await store()
        .createCustomer(pending.customer, claim)
        .catch((error: unknown) => error);

      expect(late).toMatchObject({ name: 'StoreUnavailableError' });
      expect(await item('ann@example.com')).toMatchObject({ slug: 'ann-lee-2' });
      await expectNoRevocationDeletable();
    });
  });

  describe('verification', () => {
    it('finds the account of a link, counts wrong passwords, and activates it while the link is alive', async () => {
      const { customer, link } = newPendingCustomer('ann@example.com', 'ann-lee');
      await signUp(customer);

      const account = await accountOf(link.tokenHash);
      await verifications().recordWrongPassword(account);
      await verifications().recordWrongPassword(account);
      const counted = await accountOf(link.tokenHash);
      const activated = await verifications().activate(counted, 5);
      const again = await verifications().activate(counted, 5);

      expect(account).toMatchObject({
        emailKey: 'ann@example.com',
        tokenHash: link.tokenHash,
        state: 'pending',
        failedAttempts: 0,
        passwordHash: customer.passwordHash,
        customer: { slug: 'ann-lee', is_active: false },
      });
      expect(counted.failedAttempts).toBe(2);
      expect(activated).toMatchObject({ slug: 'ann-lee', is_active: true });
      expect(again).toEqual(activated);
      const stored = await item('ann@example.com');
      expect(stored).toMatchObject({ is_active: true, token_hash: link.tokenHash });
      expect(stored).not.toHaveProperty('expires_at');
      expect(await accountOf(link.tokenHash)).toMatchObject({ state: 'active' });
      expect(await store().findEmailHolder('ann@example.com')).toEqual({ keyedSignup: undefined });
    });

    it('does not activate a link with five wrong passwords, an expired one, or one replaced', async () => {
      const dead = newPendingCustomer('dead@example.com', 'dead');
      const expired = newPendingCustomer('expired@example.com', 'expired', MINUTE);
      const replaced = newPendingCustomer('replaced@example.com', 'replaced');
      for (const { customer } of [dead, expired, replaced]) await signUp(customer);
      const deadAccount = await accountOf(dead.link.tokenHash);
      for (let i = 0; i < 5; i += 1) await verifications().recordWrongPassword(deadAccount);
      const expiredAccount = await accountOf(expired.link.tokenHash);
      const replacedAccount = await accountOf(replaced.link.tokenHash);
      await signUp(newPendingCustomer('replaced@example.com', 'replaced').customer);
      later(MINUTE + 1);

      expect(await verifications().activate(deadAccount, 5)).toBeUndefined();
      expect(await verifications().activate(expiredAccount, 5)).toBeUndefined();
      expect(await verifications().activate(replacedAccount, 5)).toBeUndefined();
      expect(await item('dead@example.com')).toMatchObject({ is_active: false, failed_attempts: 5 });
      expect(await item('expired@example.com')).toMatchObject({ is_active: false });
    });

    it('renews a pending link at most once a minute, with its wrong passwords forgotten, and nothing else', async () => {
      const { customer, link } = newPendingCustomer('ann@example.com', 'ann-lee');
      await signUp(customer);
      await verifications().recordWrongPassword(await accountOf(link.tokenHash));
      const renewal = () => newPendingCustomer('x@example.com', 'x').link;

      const tooSoon = await verifications().renewLink('ann@example.com', renewal(), MINUTE);
      later(MINUTE + 1);
      const second = renewal();
      const renewed = await verifications().renewLink('ann@example.com', second, MINUTE);
      const again = await verifications().renewLink('ann@example.com', renewal(), MINUTE);
      const nobody = await verifications().renewLink('nobody@example.com', renewal(), MINUTE);

      expect([tooSoon, renewed, again, nobody]).toEqual([false, true, false, false]);
      expect(await item('ann@example.com')).toMatchObject({
        token_nonce: second.tokenNonce,
        token_hash: second.tokenHash,
        token_issued_at: clock,
        failed_attempts: 0,
      });
      expect(await item('nobody@example.com')).toBeUndefined();
      expect(await verifications().findAccountByTokenHash(link.tokenHash)).toBeUndefined();
    });

    it('renews no link of an active or an expired account', async () => {
      await signUp(newCustomer('active@example.com', 'active'));
      await signUp(newPendingCustomer('expired@example.com', 'expired', MINUTE).customer);
      later(2 * MINUTE);

      expect(
        await verifications().renewLink('active@example.com', newPendingCustomer('x', 'x').link, MINUTE),
      ).toBe(false);
      expect(
        await verifications().renewLink('expired@example.com', newPendingCustomer('x', 'x').link, MINUTE),
      ).toBe(false);
    });
  });

  describe('a notice to a verified address', () => {
    it('is requested at most once an hour, and never for a pending account or a free address', async () => {
      await signUp(newCustomer('owner@example.com', 'owner'));
      await signUp(newPendingCustomer('pending@example.com', 'pending').customer);
      const ask = (emailKey: string, nonce: string) =>
        store().requestNotice({ emailKey, nonce, minIntervalMs: HOUR });

      const first = await ask('owner@example.com', 'n1');
      later(HOUR - 1);
      const withinTheHour = await ask('owner@example.com', 'n2');
      later(2);
      const nextHour = await ask('owner@example.com', 'n3');

      expect([first, withinTheHour, nextHour]).toEqual([true, false, true]);
      expect(await item('owner@example.com')).toMatchObject({
        notice_nonce: 'n3',
        notice_requested_at: clock,
      });
      expect(await ask('pending@example.com', 'n4')).toBe(false);
      expect(await ask('free@example.com', 'n5')).toBe(false);
      expect(await item('pending@example.com')).not.toHaveProperty('notice_nonce');
      expect(await item('free@example.com')).toBeUndefined();
    });
  });
});
