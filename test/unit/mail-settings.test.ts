import { describe, expect, it } from 'vitest';
import { readMailSettings } from '../../functions/mail/settings.ts';
import { SettingError } from '../../functions/settings.ts';

const valid = {
  TABLE_NAME: 'customers',
  SIGNUP_SECRET: 'x'.repeat(32),
  MAIL_FROM: 'Northwind Market <no-reply@example.com>',
  VERIFY_URL: 'https://shop.example/verify',
};

const mistake = (environment: Record<string, string>) => {
  try {
    readMailSettings(environment);
  } catch (error) {
    if (error instanceof SettingError) return { setting: error.setting, message: error.message };
    throw error;
  }
  throw new Error('the settings were accepted');
};

describe('the mail function settings', () => {
  it('reads a valid set, with the default bus', () => {
    expect(readMailSettings({ ...valid, SES_CONFIGURATION_SET: 'signup-mails' })).toEqual({
      tableName: 'customers',
      signupSecret: 'x'.repeat(32),
      sesEndpoint: undefined,
      mailFrom: 'Northwind Market <no-reply@example.com>',
      verifyUrl: 'https://shop.example/verify',
      sesConfigurationSet: 'signup-mails',
      eventBusName: 'default',
      dynamodbEndpoint: undefined,
    });
  });

  it('accepts http for a verification page on this machine only', () => {
    expect(readMailSettings({ ...valid, VERIFY_URL: 'http://127.0.0.1:3001/verify' }).verifyUrl).toBe(
      'http://127.0.0.1:3001/verify',
    );
    expect(mistake({ ...valid, VERIFY_URL: 'http://shop.example/verify' }).setting).toBe('VERIFY_URL');
  });

  it.each([
    [{ TABLE_NAME: '' }, 'TABLE_NAME'],
    [{ TABLE_NAME: 'a b' }, 'TABLE_NAME'],
    [{ SIGNUP_SECRET: '' }, 'SIGNUP_SECRET'],
    [{ SIGNUP_SECRET: 'short' }, 'SIGNUP_SECRET'],
    [{ MAIL_FROM: '' }, 'MAIL_FROM'],
    [{ MAIL_FROM: 'nobody' }, 'MAIL_FROM'],
    [{ MAIL_FROM: 'Shop <a@b.c>\r\nBcc: x@y.z' }, 'MAIL_FROM'],
    [{ VERIFY_URL: '' }, 'VERIFY_URL'],
    [{ VERIFY_URL: 'not a url' }, 'VERIFY_URL'],
    [{ VERIFY_URL: 'https://shop.example/verify#x' }, 'VERIFY_URL'],
    [{ SES_ENDPOINT: 'localhost:3002' }, 'SES_ENDPOINT'],
    [{ SES_CONFIGURATION_SET: 'has spaces' }, 'SES_CONFIGURATION_SET'],
    [{ EVENT_BUS_NAME: 'bus name' }, 'EVENT_BUS_NAME'],
  ])('refuses %o with one line naming %s', (override, setting) => {
    const refused = mistake({ ...valid, ...override });
    expect(refused.setting).toBe(setting);
    expect(refused.message).toMatch(new RegExp(`^${setting}`));
    expect(refused.message).not.toContain('\n');
  });

  it('never quotes the secret', () => {
    expect(mistake({ ...valid, SIGNUP_SECRET: 'short-secret' }).message).not.toContain('short-secret');
  });
});
