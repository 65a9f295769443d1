import { describe, expect, it } from 'vitest';
import { normalizeEmail } from '../../functions/core/rules/email.ts';
import { emailKey } from '../../functions/core/rules/email-key.ts';

const keyOf = (address: string) => emailKey(normalizeEmail(address));

describe('the uniqueness key of an e-mail', () => {
  it('is the whole address in lower case', () => {
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

  it('folds case fully, as Unicode case folding does, not only lower-casing', () => {
    // ſ and the Kelvin sign are valid local parts (Django's validator matches them as s and k).
    expect(keyOf('\u017f15@example.com')).toBe(keyOf('s15@example.com'));
    expect(keyOf('\u212aelvin@example.com')).toBe(keyOf('kelvin@example.com'));
    expect(keyOf('"stra\u00dfe"@example.com')).toBe(keyOf('"STRASSE"@example.com'));
  });

  it("keeps the dotless ı and the dotted İ apart from i, as full case folding and Python's casefold() do", () => {
    expect(keyOf('\u013120@example.com')).toBe('\u013120@example.com');
    expect(keyOf('\u013021@example.com')).toBe('i\u030721@example.com');
    expect(keyOf('\u013120@example.com')).not.toBe(keyOf('i20@example.com'));
    expect(keyOf('\u013021@example.com')).not.toBe(keyOf('i21@example.com'));
  });

  it('reads a quoted local part whose content is valid unquoted as that text', () => {
    expect(keyOf('"q23"@example.com')).toBe('q23@example.com');
    expect(keyOf('"\u013021"@example.com')).toBe(keyOf('\u013021@example.com'));
    expect(keyOf('"Q.23"@example.com')).toBe('q.23@example.com');
    expect(keyOf('"\\q\\23"@example.com')).toBe('q23@example.com');
  });

  it('keeps the quotes where the content needs them, escaping only what must be', () => {
    expect(keyOf('"john doe"@example.com')).toBe('"john doe"@example.com');
    expect(keyOf('"john\\ doe"@example.com')).toBe('"john doe"@example.com');
    expect(keyOf('"a\\"b"@example.com')).toBe('"a\\"b"@example.com');
    expect(keyOf('"a\\\\b"@example.com')).toBe('"a\\\\b"@example.com');
    expect(keyOf('"a..b"@example.com')).toBe('"a..b"@example.com');
    expect(keyOf('""@example.com')).toBe('""@example.com');
  });

  it('keeps the domain non-transitional (UTS 46): straße.de and strasse.de are two domains', () => {
    expect(keyOf('user@stra\u00dfe.de')).toBe('user@xn--strae-oqa.de');
    expect(keyOf('user@STRASSE.de')).toBe('user@strasse.de');
  });
});
