import { describe, expect, it } from 'vitest';
import { readDateOfBirth } from '../../functions/core/rules/date-of-birth.ts';
import { messages } from '../../functions/core/rules/messages.ts';

const today = '2026-11-27';
const wrongFormat = { ok: false, errors: [messages.dateFormat] };

describe('date_of_birth', () => {
  it('is optional and may be null', () => {
    expect(readDateOfBirth(undefined, today)).toEqual({ ok: true, value: null });
    expect(readDateOfBirth(null, today)).toEqual({ ok: true, value: null });
  });

  it('accepts one-digit months and days and answers them zero-padded', () => {
    expect(readDateOfBirth('1990-1-5', today)).toEqual({ ok: true, value: '1990-01-05' });
  });

  it('reads any Unicode decimal digits, as Python does', () => {
    expect(readDateOfBirth('\u0661\u0669\u0669\u0660-\u0660\u0661-\u0661\u0665', today)).toEqual({
      ok: true,
      value: '1990-01-15',
    });
  });

  it('accepts a final newline, as Python\u2019s $ does', () => {
    expect(readDateOfBirth('1990-01-15\n', today)).toEqual({ ok: true, value: '1990-01-15' });
  });

  it.each([
    ['15/01/1990'],
    ['1990-02-30'],
    ['1991-02-29'],
    ['0000-01-01'],
    ['1990-13-01'],
    [''],
    [' 1990-01-15'],
    ['19900115'],
  ])('refuses %j as a wrong format', (text) => {
    expect(readDateOfBirth(text, today)).toEqual(wrongFormat);
  });

  it('accepts 29 February of a leap year', () => {
    expect(readDateOfBirth('2000-02-29', today)).toEqual({ ok: true, value: '2000-02-29' });
  });

  it('refuses numbers, booleans and lists as a wrong format', () => {
    for (const value of [{ jsonNumber: '19900115' }, true, ['1990-01-15']]) {
      expect(readDateOfBirth(value, today)).toEqual(wrongFormat);
    }
  });

  it('refuses a date after today, and accepts today', () => {
    expect(readDateOfBirth('2026-11-28', today)).toEqual({ ok: false, errors: [messages.dateInFuture] });
    expect(readDateOfBirth('2026-11-27', today)).toEqual({ ok: true, value: '2026-11-27' });
  });
});
