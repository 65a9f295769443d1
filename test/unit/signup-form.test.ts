import { describe, expect, it } from 'vitest';
import { messages } from '../../functions/core/rules/messages.ts';
import { checkSignup, type SubmittedFields } from '../../functions/core/rules/signup-form.ts';
import { validSignup } from '../support/signup-handler.ts';

const rules = {
  today: '2026-11-27',
  isCommonPassword: (candidate: string) => candidate === 'password123',
  transliterate: (text: string) => text.normalize('NFKD'),
};
const valid = validSignup();
const check = (changes: SubmittedFields) => checkSignup({ ...valid, ...changes }, rules);

describe('a signup form', () => {
  it('gives the normalised signup when every field is valid', () => {
    expect(check({ email: '  John@EXAMPLE.com ', first_name: ' John ' })).toEqual({
      errors: {},
      emailKey: 'john@example.com',
      signup: {
        email: 'John@example.com',
        emailKey: 'john@example.com',
        first_name: 'John',
        last_name: 'Doe',
        password: 'SecureP@ssw0rd123',
        date_of_birth: '1990-01-15',
        slugBase: 'john-doe',
      },
    });
  });

  it('reports every field at once', () => {
    expect(checkSignup({}, rules).errors).toEqual({
      email: [messages.required],
      first_name: [messages.required],
      last_name: [messages.required],
      password: [messages.required],
      password2: [messages.required],
    });
  });

  it('keeps the e-mail key of a valid e-mail when other fields fail, so that a taken e-mail is still reported', () => {
    const result = check({ password: 'short', password2: 'short' });
    expect(result.emailKey).toBe('john@example.com');
    expect(result.signup).toBeUndefined();
  });

  it('turns numbers into their Python text and refuses booleans, lists and objects', () => {
    expect(check({ first_name: { jsonNumber: '1.0' } }).signup?.first_name).toBe('1.0');
    expect(check({ first_name: true, last_name: ['Doe'], email: {} }).errors).toEqual({
      first_name: [messages.notAString],
      last_name: [messages.notAString],
      email: [messages.invalidEmail],
    });
  });

  it('refuses null, blank and white-space names, and never trims passwords', () => {
    expect(check({ first_name: null, last_name: ' \u3000 ', password: '', password2: '   ' }).errors).toEqual(
      {
        first_name: [messages.null],
        last_name: [messages.blank],
        password: [messages.blank],
      },
    );
  });

  it('reports every failing validator of a field: length, NUL, lone surrogate', () => {
    expect(check({ first_name: `${'a'.repeat(151)}\u0000\ud800` }).errors.first_name).toEqual([
      messages.maxLength(150),
      messages.nullCharacters,
      messages.surrogate(0xd800),
    ]);
  });

  it('reports an e-mail over 320 characters as both too long and invalid', () => {
    expect(check({ email: `${'a'.repeat(320)}@example.com` }).errors.email).toEqual([
      messages.maxLength(254),
      messages.invalidEmail,
    ]);
    expect(check({ email: `${'a'.repeat(250)}@example.com` }).errors.email).toEqual([
      messages.maxLength(254),
    ]);
  });

  it('reports a mismatch under password2 only, and only between two non-empty texts', () => {
    expect(check({ password2: 'SecureP@ssw0rd124' }).errors).toEqual({
      password2: [messages.passwordMismatch],
    });
    expect(check({ password: 'short', password2: 'other' }).errors).toEqual({
      password: [messages.passwordTooShort],
      password2: [messages.passwordMismatch],
    });
    expect(check({ password: { jsonNumber: '80417263951' }, password2: '1' }).errors).toEqual({
      password: [messages.passwordNumeric],
    });
  });

  it('compares the password with the submitted names and e-mail even when they are invalid', () => {
    const longName = 'Bartholomew'.repeat(14);
    expect(
      check({ first_name: longName, password: 'bartholomew1', password2: 'bartholomew1' }).errors,
    ).toEqual({
      first_name: [messages.maxLength(150)],
    });
    expect(
      check({ first_name: 'Bartholomew ', password: 'bartholomew1', password2: 'bartholomew1' }).errors
        .password,
    ).toEqual([messages.passwordTooSimilar('first name')]);
  });
});
