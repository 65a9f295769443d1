import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadCommonPasswords } from '../../functions/create-customer/common-passwords.ts';
import { pythonStrip } from '../../functions/create-customer/rules/python-text.ts';

const shippedList = new URL('../../functions/create-customer/common-passwords.txt.gz', import.meta.url);

describe("Django's common-password list", () => {
  it('holds the shipped list\u2019s passwords, stripped, as Django\u2019s set of them does', async () => {
    const list = await loadCommonPasswords();
    const lines = gunzipSync(await readFile(shippedList))
      .toString('utf8')
      .split('\n');
    expect(lines).toHaveLength(19_727);
    expect(lines.filter((line) => !list.has(pythonStrip(line)))).toEqual([]);
    expect(list.has('password123')).toBe(true);
    expect(list.has('securep@ssw0rd123')).toBe(false);
  });

  it('matches whole passwords only, never part of one or two lines together', async () => {
    const list = await loadCommonPasswords();
    expect(list.has('assword123')).toBe(false);
    expect(list.has('password1234567890x')).toBe(false);
    expect(list.has('password123\nqwerty')).toBe(false);
    expect(list.has('')).toBe(false);
  });
});
