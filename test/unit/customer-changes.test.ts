import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CustomerImage, customerChangeActions } from '../../functions/core/customer-changes.ts';

const PASSWORD = 'bcrypt$$2b$12$abcdefghijklmnopqrstuvABCDEFGHIJKLMNOPQRSTUVWXYZ01234';
const pending = (nonce: string, claim = 'claim-1'): CustomerImage => ({
  pk: 'customer#ada@example.com',
  email: 'Ada@example.com',
  first_name: 'Ada',
  last_name: 'Lovelace',
  slug: 'ada-lovelace',
  date_of_birth: '1815-12-10',
  address: null,
  last_purchase_date: null,
  password: PASSWORD,
  created_at: '2026-12-02T10:00:00.000Z',
  is_active: false,
  claim_id: claim,
  expires_at: 1_800_000_000_000,
  token_nonce: nonce,
  token_hash: `hash-of-${nonce}`,
  token_issued_at: 1_700_000_000_000,
  failed_attempts: 0,
  revoked_claims: new Set(['old-claim']),
});
const change = (oldImage: CustomerImage | undefined, newImage: CustomerImage | undefined) => ({
  changeId: 'change-1',
  emailKey: 'ada@example.com',
  oldImage,
  newImage,
});
const publicCustomer = {
  email: 'Ada@example.com',
  first_name: 'Ada',
  last_name: 'Lovelace',
  slug: 'ada-lovelace',
  date_of_birth: '1815-12-10',
  address: null,
  last_purchase_date: null,
  created_at: '2026-12-02T10:00:00.000Z',
};

describe('what a change of a customer item calls for', () => {
  it('a new pending account: its verification mail and CustomerSignedUp', () => {
    expect(customerChangeActions(change(undefined, pending('n1')))).toEqual([
      { action: 'send-verification-mail', emailKey: 'ada@example.com', nonce: 'n1' },
      {
        action: 'publish-event',
        event: {
          type: 'CustomerSignedUp',
          changeId: 'change-1',
          customer: { ...publicCustomer, is_active: false },
        },
      },
    ]);
  });

  it('a resend (a new nonce, the same claim): the mail of the new nonce, no event', () => {
    expect(customerChangeActions(change(pending('n1'), pending('n2')))).toEqual([
      { action: 'send-verification-mail', emailKey: 'ada@example.com', nonce: 'n2' },
    ]);
  });

  it('a pending account replaced by a new signup: the new nonce mailed, CustomerSignedUp again', () => {
    const actions = customerChangeActions(change(pending('n1', 'claim-1'), pending('n2', 'claim-2')));
    expect(actions.map((action) => action.action)).toEqual(['send-verification-mail', 'publish-event']);
  });

  it('a write that keeps the nonce (a failed password attempt): nothing', () => {
    expect(customerChangeActions(change(pending('n1'), { ...pending('n1'), failed_attempts: 1 }))).toEqual(
      [],
    );
  });

  it('verification: CustomerVerified with the customer now active, no mail', () => {
    const { expires_at: _, ...verified } = { ...pending('n1'), is_active: true } as Record<string, unknown>;
    expect(customerChangeActions(change(pending('n1'), verified))).toEqual([
      {
        action: 'publish-event',
        event: {
          type: 'CustomerVerified',
          changeId: 'change-1',
          customer: { ...publicCustomer, is_active: true },
        },
      },
    ]);
  });

  it('an account active at once (verification off): CustomerSignedUp only', () => {
    const active: CustomerImage = {
      email: 'Ada@example.com',
      first_name: 'Ada',
      last_name: 'Lovelace',
      slug: 'ada-lovelace',
      date_of_birth: null,
      password: PASSWORD,
      created_at: '2026-12-02T10:00:00.000Z',
      is_active: true,
      claim_id: 'claim-1',
    };
    expect(customerChangeActions(change(undefined, active))).toEqual([
      {
        action: 'publish-event',
        event: {
          type: 'CustomerSignedUp',
          changeId: 'change-1',
          customer: { ...publicCustomer, date_of_birth: null, is_active: true },
        },
      },
    ]);
  });

  it('a signup attempt on a verified address: the notice, to the stored address and name', () => {
    const verified = { ...pending('n1'), is_active: true };
    expect(
      customerChangeActions(change(verified, { ...verified, notice_nonce: 'm1', notice_requested_at: 1 })),
    ).toEqual([
      {
        action: 'send-signup-attempt-notice',
        emailKey: 'ada@example.com',
        to: 'Ada@example.com',
        firstName: 'Ada',
      },
    ]);
    const noticed = { ...verified, notice_nonce: 'm1' };
    expect(customerChangeActions(change(noticed, { ...noticed, failed_attempts: 2 }))).toEqual([]);
  });

  it('a deleted item, or one stripped of its personal data: nothing', () => {
    expect(customerChangeActions(change(pending('n1'), undefined))).toEqual([]);
    expect(customerChangeActions(change(pending('n1'), { revoked_claims: new Set(['claim-1']) }))).toEqual(
      [],
    );
  });
});

/** Any customer item, with secrets of its own in every attribute that may hold one. */
const anyImage = fc.record(
  {
    email: fc.emailAddress(),
    first_name: fc.string({ minLength: 1 }),
    last_name: fc.string({ minLength: 1 }),
    slug: fc.string({ minLength: 1 }),
    date_of_birth: fc.option(fc.string({ minLength: 1 }), { nil: null }),
    created_at: fc.string({ minLength: 1 }),
    is_active: fc.boolean(),
    claim_id: fc.constantFrom('claim-1', 'claim-2'),
    password: fc.constant(`secret-password-${'x'.repeat(8)}`),
    token_nonce: fc.constantFrom('secret-nonce-1', 'secret-nonce-2'),
    token_hash: fc.constantFrom('secret-hash-1', 'secret-hash-2'),
    notice_nonce: fc.constantFrom('secret-notice-1', 'secret-notice-2'),
    signup_request: fc.constant('secret-digest'),
  },
  { requiredKeys: ['email', 'first_name', 'last_name', 'slug', 'created_at', 'is_active'] },
);

describe('what an event carries', () => {
  it('never the password, a nonce, a token hash or a request digest, whatever the images', () => {
    fc.assert(
      fc.property(fc.option(anyImage, { nil: undefined }), anyImage, (oldImage, newImage) => {
        for (const action of customerChangeActions(change(oldImage, newImage))) {
          if (action.action !== 'publish-event') continue;
          expect(JSON.stringify(action.event)).not.toMatch(/secret-/);
          expect(Object.keys(action.event.customer).sort()).toEqual(
            [
              'address',
              'created_at',
              'date_of_birth',
              'email',
              'first_name',
              'is_active',
              'last_name',
              'last_purchase_date',
              'slug',
            ].sort(),
          );
        }
      }),
    );
  });

  it('no mail action carries anything but the key and the nonce it is for, or the notice its address and name', () => {
    fc.assert(
      fc.property(fc.option(anyImage, { nil: undefined }), anyImage, (oldImage, newImage) => {
        for (const action of customerChangeActions(change(oldImage, newImage))) {
          if (action.action === 'send-verification-mail')
            expect(Object.keys(action).sort()).toEqual(['action', 'emailKey', 'nonce']);
          if (action.action === 'send-signup-attempt-notice')
            expect(JSON.stringify(action)).not.toMatch(/secret-/);
        }
      }),
    );
  });
});
