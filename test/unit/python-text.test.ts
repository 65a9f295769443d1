import { describe, expect, it } from 'vitest';
import {
  codePointLength,
  firstLoneSurrogate,
  pythonIsDigit,
  pythonNumberText,
  pythonStrip,
} from '../../functions/core/rules/python-text.ts';

describe("Python's str() of a JSON number", () => {
  it.each([
    ['1', '1'],
    ['-0', '0'],
    ['12345678901234567890123', '12345678901234567890123'],
    ['1.0', '1.0'],
    ['-0.0', '-0.0'],
    ['1e16', '1e+16'],
    ['1e15', '1000000000000000.0'],
    ['0.0001', '0.0001'],
    ['0.00001', '1e-05'],
    ['1.5e-7', '1.5e-07'],
    ['1E5', '100000.0'],
    ['-12.5e2', '-1250.0'],
    ['123.456', '123.456'],
    ['1e400', 'inf'],
    ['-1e400', '-inf'],
  ])('writes %s as %s', (literal, text) => {
    expect(pythonNumberText(literal)).toBe(text);
  });
});

describe("Python's text semantics", () => {
  it('strips what str.strip() strips, and keeps U+FEFF', () => {
    expect(pythonStrip('\u001c\u0085\u00a0 Ann \u3000\t')).toBe('Ann');
    expect(pythonStrip('\ufeffAnn')).toBe('\ufeffAnn');
  });

  it('counts code points, not UTF-16 units', () => {
    expect(codePointLength('😀😀')).toBe(2);
    expect(codePointLength('e\u0301')).toBe(2);
  });

  it('finds the first lone surrogate and ignores paired ones', () => {
    expect(firstLoneSurrogate('ok 😀')).toBeUndefined();
    expect(firstLoneSurrogate('a\udc00b\ud800')).toBe(0xdc00);
  });

  it('treats superscripts and other scripts\u2019 digits as digits, as str.isdigit() does', () => {
    expect(pythonIsDigit('12345678')).toBe(true);
    expect(pythonIsDigit('\u0661\u0662\u0663')).toBe(true);
    expect(pythonIsDigit('\u00b2\u00b3')).toBe(true);
    expect(pythonIsDigit('\u00bd')).toBe(false);
    expect(pythonIsDigit('1234a')).toBe(false);
    expect(pythonIsDigit('')).toBe(false);
  });
});
