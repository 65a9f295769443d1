import { describe, expect, it } from 'vitest';
import { isValidEmail, normalizeEmail } from '../../functions/core/rules/email.ts';

describe("Django's EmailValidator", () => {
  it.each([
    'john@example.com',
    'Mixed.Case@EXAMPLE.ORG',
    "o'brien+tag@example.co.uk",
    '"john\\ doe"@example.com',
    '"quoted\\"escape"@example.com',
    'user@localhost',
    'user@[127.0.0.1]',
    'user@[::1]',
    'user@[::ffff:1.2.3.4]',
    'user@münchen.de',
    'user@例え.テスト',
    'a@b.c0',
    'x@xn--mnchen-3ya.de',
    'a@münchen.12',
    'ı-dotless@example.com',
    'zwj@exam\u200dple.com',
    'ace@xn--a.ü.com',
    'ideo@example\u3002com',
  ])('accepts %s', (address) => {
    expect(isValidEmail(address)).toBe(true);
  });

  it.each([
    '',
    'not-an-email',
    'john@',
    '@example.com',
    'john..doe@example.com',
    '.john@example.com',
    'john@example',
    'john@example.c',
    'john@-example.com',
    'john@example-.com',
    'john@example.com.',
    'john@exa_mple.com',
    'jöhn@example.com',
    'john@[01.1.1.1]',
    'john@[1.1.1]',
    'john@[fe80::1%1]',
    'user@LOCALHOST',
    'john doe@example.com',
    '"john doe"@example.com',
    `${'a'.repeat(310)}@example.com`,
    'a\u0000b@example.com',
    'num@123',
    'num@0x7f',
    'num@4294967295',
  ])('refuses %j', (address) => {
    expect(isValidEmail(address)).toBe(false);
  });

  it('accepts a 63-character label and refuses a 64-character one', () => {
    expect(isValidEmail(`x@${'a'.repeat(63)}.com`)).toBe(true);
    expect(isValidEmail(`x@${'a'.repeat(64)}.com`)).toBe(false);
  });
});

describe('the e-mail as stored', () => {
  it('lower-cases the domain only', () => {
    expect(normalizeEmail('Mixed.Case@EXAMPLE.ORG')).toBe('Mixed.Case@example.org');
  });
});
