import { describe, expect, it } from 'vitest';
import { readSignupSettings, SettingError } from '../../functions/settings.ts';

const refusal = (environment: Record<string, string>) => {
  try {
    readSignupSettings({ TABLE_NAME: 'customers', ...environment });
  } catch (error) {
    if (error instanceof SettingError) return { setting: error.setting, message: error.message };
    throw error;
  }
  throw new Error('the settings were accepted');
};

describe("the signup function's settings", () => {
  it('need SIGNUP_SECRET even with verification off: it keys the Idempotency-Key records', () => {
    expect(readSignupSettings({ TABLE_NAME: 'customers', SIGNUP_SECRET: 'k'.repeat(32) })).toMatchObject({
      emailVerification: 'off',
      signupSecret: 'k'.repeat(32),
    });
  });

  it.each<Record<string, string>>([{}, { SIGNUP_SECRET: '' }, { SIGNUP_SECRET: 'k'.repeat(31) }])(
    'refuse %j in one line naming SIGNUP_SECRET',
    (environment) => {
      const { setting, message } = refusal(environment);

      expect(setting).toBe('SIGNUP_SECRET');
      expect(message).toMatch(/^SIGNUP_SECRET /);
      expect(message).not.toContain('\n');
      expect(message.length).toBeLessThan(220);
    },
  );
});
