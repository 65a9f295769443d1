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
  ])('refuses the second of %s', async (_, first, second) => {
    const call = createTestHandler({ documentClient: db.documentClient, tableName: db.tableName });

    const created = await invoke(call, jsonPost(validSignup({ email: first })));
    const again = await invoke(call, jsonPost(validSignup({ email: second, first_name: 'Other' })));

    expect(created.statusCode).toBe(201);
    expect(again.statusCode).toBe(400);
    expect(again.json).toEqual(TAKEN);
  });

  it('still returns the address as sent, domain lower-cased', async () => {
    const call = createTestHandler({ documentClient: db.documentClient, tableName: db.tableName });

    const created = await invoke(call, jsonPost(validSignup({ email: 'User@MÜNCHEN.de' })));

    expect(created.json).toMatchObject({ email: 'User@münchen.de' });
  });
});
