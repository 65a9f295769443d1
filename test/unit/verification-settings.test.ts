import { describe, expect, it } from 'vitest';
import { readSettings, SettingError } from '../../functions/settings.ts';

const secret = 'k'.repeat(32);
const read = (environment: Record<string, string>) =>
  readSettings({ TABLE_NAME: 'customers', ...environment });

/** The mistake `environment` makes: the setting it names and its one line. */
const refusal = (environment: Record<string, string>) => {
  try {
    read(environment);
  } catch (error) {
    if (error instanceof SettingError) return { setting: error.setting, message: error.message };
    throw error;
  }
  throw new Error('the settings were accepted');
};

describe('the e-mail verification settings', () => {
  it('are off by default, with a two-day link and no secret needed', () => {
    expect(read({})).toMatchObject({
      emailVerification: 'off',
      verificationTtlSeconds: 172_800,
      enumerationProtection: 'off',
      signupSecret: undefined,
    });
  });

  it('read verification required with its secret, a TTL and enumeration protection', () => {
    expect(
      read({
        EMAIL_VERIFICATION: 'required',
        SIGNUP_SECRET: secret,
        VERIFICATION_TTL_SECONDS: '60',
        ENUMERATION_PROTECTION: 'on',
      }),
    ).toMatchObject({
      emailVerification: 'required',
      verificationTtlSeconds: 60,
      enumerationProtection: 'on',
      signupSecret: secret,
    });
  });

  it.each([
    [{ EMAIL_VERIFICATION: 'yes' }, 'EMAIL_VERIFICATION'],
    [{ EMAIL_VERIFICATION: 'REQUIRED', SIGNUP_SECRET: secret }, 'EMAIL_VERIFICATION'],
    [{ VERIFICATION_TTL_SECONDS: '0' }, 'VERIFICATION_TTL_SECONDS'],
    [{ VERIFICATION_TTL_SECONDS: '-5' }, 'VERIFICATION_TTL_SECONDS'],
    [{ VERIFICATION_TTL_SECONDS: '1.5' }, 'VERIFICATION_TTL_SECONDS'],
    [{ VERIFICATION_TTL_SECONDS: '2 days' }, 'VERIFICATION_TTL_SECONDS'],
    [{ VERIFICATION_TTL_SECONDS: '99999999999999999999' }, 'VERIFICATION_TTL_SECONDS'],
    [{ ENUMERATION_PROTECTION: 'true' }, 'ENUMERATION_PROTECTION'],
    [{ ENUMERATION_PROTECTION: 'on' }, 'ENUMERATION_PROTECTION'],
    [{ EMAIL_VERIFICATION: 'required' }, 'SIGNUP_SECRET'],
    [{ EMAIL_VERIFICATION: 'required', SIGNUP_SECRET: 'k'.repeat(31) }, 'SIGNUP_SECRET'],
    [{ SIGNUP_SECRET: 'short' }, 'SIGNUP_SECRET'],
  ])('refuse %j in one line naming %s', (environment, setting) => {
    const { setting: named, message } = refusal(environment);

    expect(named).toBe(setting);
    expect(message).toContain(setting);
    expect(message).not.toContain('\n');
    expect(message.length).toBeLessThan(220);
  });

  it('never show the secret in a refusal', () => {
    const { message } = refusal({ EMAIL_VERIFICATION: 'required', SIGNUP_SECRET: 'hunter2-is-my-secret' });

    expect(message).not.toContain('hunter2');
  });
});
