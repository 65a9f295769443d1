import type { CustomerChangeAction, CustomerEvent } from './customer-changes.ts';
import { type Mail, signupAttemptNotice, verificationMail } from './mails.ts';
import { verificationToken } from './verification-token.ts';

/** What a verification mail needs of the account, read consistently just before the mail would go. */
export interface MailRecipient {
  email: string;
  firstName: string;
  isActive: boolean;
  tokenNonce: string | undefined;
  /** Epoch ms after which a pending account counts as absent. */
  expiresAt: number | undefined;
}

export interface MailRecipients {
  /** The account at this key as it is now (a consistent read), or undefined when there is none. */
  current(emailKey: string): Promise<MailRecipient | undefined>;
}

/** At most a few verification mails a day per address; a retry of one already counted passes again. */
export interface MailQuota {
  /** Counts the mail of `nonce` against the address's quota of `day` (YYYY-MM-DD): false once it is used up. */
  admit(emailKey: string, day: string, nonce: string): Promise<boolean>;
}

/** `refused`: the provider will never take this mail; sending it again cannot help. */
export type MailResult = 'sent' | 'refused';

export interface Mailer {
  send(mail: Mail): Promise<MailResult>;
}

export interface CustomerEventPublisher {
  publish(events: readonly CustomerEvent[]): Promise<void>;
}

export interface CustomerChangeEffectsDependencies {
  recipients: MailRecipients;
  quota: MailQuota;
  mailer: Mailer;
  publisher: CustomerEventPublisher;
  /** The secret a link's token is derived from its nonce with. */
  signupSecret: string;
  /** The page that finishes verification; the token goes in its fragment. */
  verifyUrl: string;
  /** Where an address's owner signs in, for the notice; absent: the notice has no link. */
  signInUrl?: string | undefined;
  now: () => Date;
}

/** What became of one action: the mail sent or left out, and why; the events published. */
export type EffectOutcome =
  | { effect: 'verification-mail'; result: MailResult | 'stale' | 'quota-reached' }
  | { effect: 'signup-attempt-notice'; result: MailResult }
  | { effect: 'events'; result: 'published'; count: number };

/** One action that failed, for the caller to retry the change: the provider's error, never the mail. */
export class EffectFailedError extends Error {
  override name = 'EffectFailedError';
  readonly effect: EffectOutcome['effect'];

  constructor(effect: EffectOutcome['effect'], cause: unknown) {
    super(`${effect} failed`, { cause });
    this.effect = effect;
  }
}

export type EffectResult = { ok: true; outcome: EffectOutcome } | { ok: false; error: EffectFailedError };

/**
 * Carries out the actions of one change. A verification mail goes only if the account still holds
 * its nonce, pending and unexpired (so a late or repeated delivery never mails a dead link), and
 * only within the address's daily quota. Every action is tried; the caller retries the change if
 * any failed, and the ones that had succeeded run again (at least once: a retried mail of a counted
 * nonce passes the quota, an event carries the change's id to be deduplicated by).
 */
export const createCustomerChangeEffects = ({
  recipients,
  quota,
  mailer,
  publisher,
  signupSecret,
  verifyUrl,
  signInUrl,
  now,
}: CustomerChangeEffectsDependencies) => {
  const sendVerificationMail = async (emailKey: string, nonce: string): Promise<EffectOutcome> => {
    const recipient = await recipients.current(emailKey);
    const at = now();
    if (
      recipient === undefined ||
      recipient.isActive ||
      recipient.tokenNonce !== nonce ||
      recipient.expiresAt === undefined ||
      recipient.expiresAt <= at.getTime()
    )
      return { effect: 'verification-mail', result: 'stale' };
    if (!(await quota.admit(emailKey, at.toISOString().slice(0, 10), nonce)))
      return { effect: 'verification-mail', result: 'quota-reached' };
    const result = await mailer.send(
      verificationMail({
        to: recipient.email,
        firstName: recipient.firstName,
        verifyLink: `${verifyUrl}#token=${verificationToken(signupSecret, nonce)}`,
        validForSeconds: (recipient.expiresAt - at.getTime()) / 1000,
      }),
    );
    return { effect: 'verification-mail', result };
  };

  const attempt = async (
    effect: EffectOutcome['effect'],
    run: () => Promise<EffectOutcome>,
  ): Promise<EffectResult> => {
    try {
      return { ok: true, outcome: await run() };
    } catch (error) {
      return { ok: false, error: new EffectFailedError(effect, error) };
    }
  };

  return (actions: readonly CustomerChangeAction[]): Promise<EffectResult[]> => {
    const events: CustomerEvent[] = [];
    const runs: Promise<EffectResult>[] = [];
    for (const action of actions) {
      if (action.action === 'publish-event') events.push(action.event);
      else if (action.action === 'send-verification-mail')
        runs.push(attempt('verification-mail', () => sendVerificationMail(action.emailKey, action.nonce)));
      else
        runs.push(
          attempt('signup-attempt-notice', async () => {
            const result = await mailer.send(
              signupAttemptNotice({ to: action.to, firstName: action.firstName, signInUrl }),
            );
            return { effect: 'signup-attempt-notice', result };
          }),
        );
    }
    if (events.length > 0)
      runs.push(
        attempt('events', async () => {
          await publisher.publish(events);
          return { effect: 'events', result: 'published', count: events.length };
        }),
      );
    return Promise.all(runs);
  };
};
