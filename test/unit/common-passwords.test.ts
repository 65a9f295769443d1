import { describe, expect, it } from 'vitest';
import { loadCommonPasswords } from '../../functions/create-customer/common-passwords.ts';

describe("Django's common-password list", () => {
  it('holds the shipped list\u2019s passwords, stripped, as Django\u2019s set of them does', async () => {
    const list = await loadCommonPasswords();
    expect(list.size).toBe(19_727);
    expect(list.has('password123')).toBe(true);
    expect(list.has('securep@ssw0rd123')).toBe(false);
  });
});
