import { describe, expect, it } from 'vitest';
import { messages } from '../../functions/core/rules/messages.ts';
import { type PersonalAttribute, passwordProblems } from '../../functions/core/rules/password.ts';

const common = new Set(['password123', '12345678', 'letmein1']);
const isCommon = (candidate: string) => common.has(candidate);
const person = (first: string, last: string, email: string): PersonalAttribute[] => [
  { name: 'first name', value: first },
  { name: 'last name', value: last },
  { name: 'email address', value: email },
];
const nobody = person('', '', '');

describe("Django's password validators", () => {
  it('passes a good password', () => {
    expect(
      passwordProblems('SecureP@ssw0rd123', person('John', 'Doe', 'john@example.com'), isCommon),
    ).toEqual([]);
  });

  it('refuses a short one, counting code points', () => {
    expect(passwordProblems('Ab1!xyz', nobody, isCommon)).toEqual([messages.passwordTooShort]);
    expect(passwordProblems('😀😀😀😀😀😀😀😀', nobody, isCommon)).toEqual([]);
  });

  it('refuses a common one, lower-cased and stripped', () => {
    expect(passwordProblems('  PassWord123 ', nobody, isCommon)).toEqual([messages.passwordTooCommon]);
  });

  it('reports every validator that fails, in Django\u2019s order', () => {
    expect(passwordProblems('12345678', nobody, isCommon)).toEqual([
      messages.passwordTooCommon,
      messages.passwordNumeric,
    ]);
    expect(passwordProblems('1234', nobody, isCommon)).toEqual([
      messages.passwordTooShort,
      messages.passwordNumeric,
    ]);
  });

  it('refuses over 72 UTF-8 bytes, not 72 characters', () => {
    expect(passwordProblems(`Kx9#${'é'.repeat(34)}`, nobody, isCommon)).toEqual([]);
    expect(passwordProblems(`Kx9#${'é'.repeat(35)}`, nobody, isCommon)).toEqual([messages.passwordTooLong]);
  });

  it('compares with the first name, the last name and the e-mail, and names the first that is similar', () => {
    expect(
      passwordProblems('bartholomew1', person('Bartholomew', 'Smith', 'b@example.com'), isCommon),
    ).toEqual([messages.passwordTooSimilar('first name')]);
    expect(
      passwordProblems('Wolfeschlegel!', person('Ann', 'Wolfeschlegel', 'ann@example.com'), isCommon),
    ).toEqual([messages.passwordTooSimilar('last name')]);
    expect(
      passwordProblems('sunflowerfield9', person('Sun', 'Flower', 'sunflowerfield@example.com'), isCommon),
    ).toEqual([messages.passwordTooSimilar('email address')]);
  });

  it('compares with the parts of an attribute split on non-word characters', () => {
    expect(passwordProblems('example.org!', person('Ann', 'Lee', 'someone@example.org'), isCommon)).toEqual([
      messages.passwordTooSimilar('email address'),
    ]);
  });

  it('skips parts ten times shorter than the password', () => {
    expect(
      passwordProblems('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', person('A', 'Lee', 'x@example.com'), isCommon),
    ).toEqual([]);
  });
});
