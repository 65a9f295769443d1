import { describe, expect, it } from 'vitest';
import {
  createCustomerChangeEffects,
  type MailRecipient,
} from '../../functions/core/customer-change-effects.ts';
import type { CustomerEvent } from '../../functions/core/customer-changes.ts';
import type { Mail } from '../../functions/core/mails.ts';
import { tokenHash, verificationToken } from '../../functions/core/verification-token.ts';

const SECRET = 's'.repeat(32);
const NOW = new Date('2026-12-02T12:00:00Z');
const HOUR_MS = 3_600_000;

const setUp = (recipient: MailRecipient | undefined, { admit = true, mailerFails = false } = {}) => {
  const sent: Mail[] = [];
  const published: CustomerEvent[] = [];
  const admitted: string[] = [];
  const carryOut = createCustomerChangeEffects({
    recipients: { current: async () => recipient },
    quota: {
      admit: async (emailKey, day, nonce) => {
        admitted.push(`${emailKey}#${day}#${nonce}`);
        return admit;
      },
    },
    mailer: {
      send: async (mail) => {
        if (mailerFails) throw new Error('SES is down');
        sent.push(mail);
        return 'sent';
      },
    },
    publisher: { publish: async (events) => void published.push(...events) },
    signupSecret: SECRET,
    verifyUrl: 'https://shop.example/verify',
    signInUrl: 'https://shop.example/sign-in',
    now: () => NOW,
  });
  return { carryOut, sent, published, admitted };
};

const pendingRecipient: MailRecipient = {
  email: 'Ada@example.com',
  firstName: 'Ada',
  isActive: false,
  tokenNonce: 'n1',
  expiresAt: NOW.getTime() + 48 * HOUR_MS,
};
const mailAction = { action: 'send-verification-mail', emailKey: 'ada@example.com', nonce: 'n1' } as const;

describe('carrying out a change', () => {
  it('mails the link whose token hashes to what the store keeps for the nonce, counted on the day', async () => {
    const { carryOut, sent, admitted } = setUp(pendingRecipient);
    expect(await carryOut([mailAction])).toEqual([
      { ok: true, outcome: { effect: 'verification-mail', result: 'sent' } },
    ]);
    expect(admitted).toEqual(['ada@example.com#2026-12-02#n1']);
    const [mail] = sent;
    expect(mail?.to).toBe('Ada@example.com');
    const token = mail?.text.match(/https:\/\/shop\.example\/verify#token=([A-Za-z0-9_-]+)/)?.[1] ?? '';
    expect(tokenHash(token)).toBe(tokenHash(verificationToken(SECRET, 'n1')));
    expect(mail?.text).toContain('2 days');
  });

  it.each([
    ['the account is gone', undefined],
    ['the nonce was replaced', { ...pendingRecipient, tokenNonce: 'n2' }],
    ['the account is verified', { ...pendingRecipient, isActive: true }],
    ['the account expired', { ...pendingRecipient, expiresAt: NOW.getTime() }],
  ])('mails nothing and counts nothing when %s', async (_case, recipient) => {
    const { carryOut, sent, admitted } = setUp(recipient);
    expect(await carryOut([mailAction])).toEqual([
      { ok: true, outcome: { effect: 'verification-mail', result: 'stale' } },
    ]);
    expect(sent).toEqual([]);
    expect(admitted).toEqual([]);
  });

  it('mails nothing past the quota, and that is not a failure', async () => {
    const { carryOut, sent } = setUp(pendingRecipient, { admit: false });
    expect(await carryOut([mailAction])).toEqual([
      { ok: true, outcome: { effect: 'verification-mail', result: 'quota-reached' } },
    ]);
    expect(sent).toEqual([]);
  });

  it("reports a mail that failed, and still publishes the change's events", async () => {
    const { carryOut, published } = setUp(pendingRecipient, { mailerFails: true });
    const customer = {
      email: 'Ada@example.com',
      first_name: 'Ada',
      last_name: 'L',
      slug: 'ada-l',
      date_of_birth: null,
      address: null,
      last_purchase_date: null,
      created_at: '2026-12-02T10:00:00.000Z',
      is_active: false,
    };
    const event: CustomerEvent = { type: 'CustomerSignedUp', changeId: 'c1', customer };
    const [mailResult, eventsResult] = await carryOut([mailAction, { action: 'publish-event', event }]);
    expect(mailResult?.ok).toBe(false);
    expect(mailResult?.ok === false && mailResult.error.effect).toBe('verification-mail');
    expect(eventsResult).toEqual({ ok: true, outcome: { effect: 'events', result: 'published', count: 1 } });
    expect(published).toEqual([event]);
  });

  it('sends the notice with the sign-in link', async () => {
    const { carryOut, sent } = setUp(undefined);
    await carryOut([
      {
        action: 'send-signup-attempt-notice',
        emailKey: 'ada@example.com',
        to: 'Ada@example.com',
        firstName: 'Ada',
      },
    ]);
    expect(sent.map((mail) => [mail.to, mail.subject])).toEqual([
      ['Ada@example.com', 'Someone tried to sign up with your address'],
    ]);
    expect(sent[0]?.text).toContain('https://shop.example/sign-in');
  });
});
