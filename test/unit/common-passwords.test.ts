import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { pythonStrip } from '../../functions/core/rules/python-text.ts';
import { isCommonPassword } from '../../functions/passwords/common-passwords.ts';

const shippedList = new URL('../../functions/passwords/common-passwords.txt', import.meta.url);
/** SHA-256 of Django 3.2.25's django/contrib/auth/common-passwords.txt.gz, decompressed. */
const DJANGO_LIST_SHA256 = 'bc1047c49db981097765cd0754e0d9295e786de5f72251e0cf3a50e1f6b0e303';

describe("Django's common-password list", () => {
  it('is Django\u2019s own list, byte for byte', async () => {
    expect(
      createHash('sha256')
        .update(await readFile(shippedList))
        .digest('hex'),
    ).toBe(DJANGO_LIST_SHA256);
  });

  it('holds the shipped list\u2019s passwords, stripped, as Django\u2019s set of them does', async () => {
    const lines = (await readFile(shippedList, 'utf8')).split('\n');
    expect(lines).toHaveLength(19_727);
    expect(lines.filter((line) => !isCommonPassword(pythonStrip(line)))).toEqual([]);
    expect(isCommonPassword('password123')).toBe(true);
    expect(isCommonPassword('securep@ssw0rd123')).toBe(false);
  });

  it('matches whole passwords only, never part of one or two lines together', async () => {
    expect(isCommonPassword('assword123')).toBe(false);
    expect(isCommonPassword('password1234567890x')).toBe(false);
    expect(isCommonPassword('password123\nqwerty')).toBe(false);
    expect(isCommonPassword('')).toBe(false);
  });
});
