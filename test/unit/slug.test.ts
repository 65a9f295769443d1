import { describe, expect, it } from 'vitest';
import { slugBase as slugBaseWith, slugify } from '../../functions/core/rules/slug.ts';
import { slugCandidate } from '../../functions/core/rules/slug-candidate.ts';
import { transliterate } from '../../functions/core/rules/transliterations.ts';

const slugBase = (first: string, last: string) => slugBaseWith(first, last, transliterate);

describe('the slug base', () => {
  it.each([
    ['John', 'Doe', 'john-doe'],
    ['José', 'Núñez', 'jose-nunez'],
    ['Иван', 'Петров', 'ivan-petrov'],
    ['小龙', '李', 'xiao-long-li'],
    ['Mary-Jane', "O'Brien", 'mary-jane-obrien'],
    ['Єва', 'Ґонта', 'ieva-gonta'],
    ['שלום', 'עולם', 'shlvm-vlm'],
    ['John', 'Doe 2', 'john-doe-2'],
    ['__Ann', 'Lee--', 'ann-lee'],
    ['!!!', '???', 'customer'],
    ['😀', '🎉', 'customer'],
  ])('of %s %s is %s', (first, last, slug) => {
    expect(slugBase(first, last)).toBe(slug);
  });

  it('is cut to 50 characters', () => {
    expect(slugBase('Maximiliana-Theodora-Konstantina', 'Wolfeschlegelsteinhausen')).toBe(
      'maximiliana-theodora-konstantina-wolfeschlegelstei',
    );
  });

  it("follows Python's Unidecode where the npm tables differ", () => {
    expect(transliterate('Є')).toBe('Ie');
    expect(transliterate('\u{1d400}')).toBe('A');
  });

  it('transliterates to nothing what Python Unidecode does not know', () => {
    expect(transliterate('a\u{e0001}b')).toBe('ab');
  });

  it("slugifies as Django does, with Python's ASCII white space", () => {
    expect(slugify('  Hello\u001fWorld -- _x_ ')).toBe('hello-world-_x');
  });
});

describe('the suffixed slugs', () => {
  it('tries base, base-2, base-3, …', () => {
    expect([1, 2, 3].map((index) => slugCandidate('john-doe', index))).toEqual([
      'john-doe',
      'john-doe-2',
      'john-doe-3',
    ]);
  });

  it('cuts the base so that the whole stays within 50 characters', () => {
    const base = 'maximiliana-theodora-konstantina-wolfeschlegelstei';
    expect(slugCandidate(base, 2)).toBe('maximiliana-theodora-konstantina-wolfeschlegelst-2');
    expect(slugCandidate(base, 10)).toBe('maximiliana-theodora-konstantina-wolfeschlegels-10');
    expect(slugCandidate(base, 10)).toHaveLength(50);
  });
});
