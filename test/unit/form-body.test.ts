import { describe, expect, it } from 'vitest';
import { formCharset, parseFormBody } from '../../functions/http/form-body.ts';

const read = (body: string, charset: 'utf8' | 'latin1' = 'utf8') =>
  Object.fromEntries(parseFormBody(body, charset));

describe('a urlencoded form body, read as Django reads it', () => {
  it('decodes escapes and plus signs, and keeps every value of a repeated field', () => {
    expect(read('email=john%40example.com&first_name=Mary+Jane&first_name=Ann')).toEqual({
      email: ['john@example.com'],
      first_name: ['Mary Jane', 'Ann'],
    });
  });

  it('keeps blank values and fields without "=", and skips empty pairs', () => {
    expect(read('a=&&b')).toEqual({ a: [''], b: [''] });
  });

  it('splits on "&" only', () => {
    expect(read('a=1;b=2')).toEqual({ a: ['1;b=2'] });
  });

  it('replaces escapes that are not UTF-8 with U+FFFD and leaves the unescaped text beside them alone', () => {
    expect(read('first_name=Jos\u00e9%C3&last_name=Ann\u{1f600}%FF')).toEqual({
      first_name: ['Jos\u00e9\ufffd'],
      last_name: ['Ann\u{1f600}\ufffd'],
    });
  });

  it('keeps a % that starts no escape', () => {
    expect(read('a=100%25+%zz%2')).toEqual({ a: ['100% %zz%2'] });
  });

  it('decodes escapes as Latin-1 when the Content-Type says so', () => {
    expect(formCharset('application/x-www-form-urlencoded; charset=latin-1')).toBe('latin1');
    expect(formCharset('application/x-www-form-urlencoded; charset=UTF-8')).toBe('utf8');
    expect(read('first_name=Jos%E9', 'latin1')).toEqual({ first_name: ['Jos\u00e9'] });
  });
});
