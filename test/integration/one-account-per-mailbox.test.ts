import { describe, expect, it } from 'vitest';
import { useEmbeddedTable } from '../support/dynalite.ts';
import { createTestHandler, invoke, jsonPost, validSignup } from '../support/signup-handler.ts';

const db = await useEmbeddedTable({ freshTablePerTest: true });

const TAKEN = { email: ['customer with this email address already exists.'] };

describe('one account per mailbox', () => {
  it.each([
    ['an IDN domain and its punycode', 'user@münchen.de', 'user@xn--mnchen-3ya.de'],
    ['punycode and the IDN domain', 'user@xn--mnchen-3ya.de', 'user@MÜNCHEN.de'],
    ['composed (NFC) and decomposed (NFD) spellings', 'user@m\u00fcnchen.de', 'user@mu\u0308nchen.de'],
    ['decomposed and composed spellings', 'user@mu\u0308nchen.de', 'user@m\u00fcnchen.de'],
    ['letter case', 'User@Example.com', 'user@EXAMPLE.com'],
    ['the long s and s (case folding)', 's15@example.com', '\u017f15@example.com'],
    ['s and the long s', '\u017f16@example.com', 'S16@example.com'],
    ['the Kelvin sign and k', 'k17@example.com', '\u212a17@example.com'],
    ['a quoted local part and the same unquoted', 'q23@example.com', '"q23"@example.com'],
    ['an unquoted local part and the same quoted', '"Q24"@example.com', 'q24@example.com'],
    ['a quoted pair and the character it quotes', '"john,doe"@example.com', '"john\\,DOE"@example.com'],
    ['the dotted İ quoted and unquoted', '\u013025@example.com', '"\u013025"@example.com'],
  ])('refuses the second of %s', async (_, first, second) => {
    const call = createTestHandler({ documentClient: db.documentClient, tableName: db.tableName });

    const created = await invoke(call, jsonPost(validSignup({ email: first })));
    const again = await invoke(call, jsonPost(validSignup({ email: second, first_name: 'Other' })));

    expect(created.statusCode).toBe(201);
    expect(again.statusCode).toBe(400);
    expect(again.json).toEqual(TAKEN);
  });

  it.each([
    ['the dotless ı and i (only Turkic folding joins them)', 'i20@example.com', '\u013120@example.com'],
    ['the dotted İ and i (İ folds to i and a combining dot)', 'i21@example.com', '\u013021@example.com'],
    ['straße.de and strasse.de (UTS 46, non-transitional)', 'user@strasse.de', 'user@straße.de'],
  ])('keeps %s as two mailboxes', async (_, first, second) => {
    const call = createTestHandler({ documentClient: db.documentClient, tableName: db.tableName });

    const created = await invoke(call, jsonPost(validSignup({ email: first })));
    const other = await invoke(call, jsonPost(validSignup({ email: second, first_name: 'Other' })));

    expect(created.statusCode).toBe(201);
    expect(other.statusCode).toBe(201);
  });

  it('returns a quoted or folded address as sent, domain lower-cased', async () => {
    const call = createTestHandler({ documentClient: db.documentClient, tableName: db.tableName });

    const quoted = await invoke(call, jsonPost(validSignup({ email: '"Q26"@Example.COM' })));
    const longS = await invoke(call, jsonPost(validSignup({ email: '\u017f27@Example.COM' })));

    expect(quoted.json).toMatchObject({ email: '"Q26"@example.com' });
    expect(longS.json).toMatchObject({ email: '\u017f27@example.com' });
  });

  it('still returns the address as sent, domain lower-cased', async () => {
    const call = createTestHandler({ documentClient: db.documentClient, tableName: db.tableName });

    const created = await invoke(call, jsonPost(validSignup({ email: 'User@MÜNCHEN.de' })));

    expect(created.json).toMatchObject({ email: 'User@münchen.de' });
  });
});
