import { describe, expect, it } from 'vitest';
import { normalizeEmail } from '../../functions/create-customer/rules/email.ts';
import { emailKey } from '../../functions/create-customer/rules/email-key.ts';

const keyOf = (address: string) => emailKey(normalizeEmail(address));

describe('the uniqueness key of an e-mail', () => {
  it('is the whole address lower-cased', () => {
    expect(keyOf('John.Doe@Example.COM')).toBe('john.doe@example.com');
  });

  it('folds an internationalised domain to its ASCII form', () => {
    expect(keyOf('user@münchen.de')).toBe('user@xn--mnchen-3ya.de');
    expect(keyOf('user@MÜNCHEN.de')).toBe(keyOf('user@xn--mnchen-3ya.de'));
    expect(keyOf('user@例え.テスト')).toBe('user@xn--r8jz45g.xn--zckzah');
  });

  it('is the same for the composed and decomposed (NFC and NFD) spellings of a domain', () => {
    const composed = 'user@m\u00fcnchen.de';
    const decomposed = 'user@mu\u0308nchen.de';
    expect(composed).not.toBe(decomposed);
    expect(keyOf(decomposed)).toBe(keyOf(composed));
  });

  it('is NFC-normalised even where the domain has no ASCII form', () => {
    expect(emailKey('"a\u0301"@[127.0.0.1]')).toBe('"\u00e1"@[127.0.0.1]');
  });

  it('keeps IP literals and localhost as sent, lower-cased', () => {
    expect(keyOf('User@[127.0.0.1]')).toBe('user@[127.0.0.1]');
    expect(keyOf('User@[::1]')).toBe('user@[::1]');
    expect(keyOf('User@localhost')).toBe('user@localhost');
  });

  it('splits at the last @, as the validator does', () => {
    expect(keyOf('"a@b"@München.de')).toBe('"a@b"@xn--mnchen-3ya.de');
  });
});
