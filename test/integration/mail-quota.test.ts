import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  createDynamoDbMailQuota,
  mailQuotaKey,
  VERIFICATION_MAILS_PER_DAY,
} from '../../functions/dynamodb/mail-quota.ts';
import { useEmbeddedTable } from '../support/dynalite.ts';

const db = await useEmbeddedTable({ freshTablePerTest: true });
const quota = () => createDynamoDbMailQuota(db.documentClient, db.tableName);
const DAY = '2026-12-02';

describe('the daily quota of verification mails per address', () => {
  it('admits exactly five of ten mails asked for at once, whatever their order', async () => {
    const nonces = Array.from({ length: 10 }, (_, index) => `nonce-${index}`);

    const admitted = await Promise.all(nonces.map((nonce) => quota().admit('ada@example.com', DAY, nonce)));

    expect(admitted.filter(Boolean)).toHaveLength(VERIFICATION_MAILS_PER_DAY);
    const { Item } = await db.documentClient.send(
      new GetCommand({ TableName: db.tableName, Key: { pk: mailQuotaKey('ada@example.com', DAY) } }),
    );
    expect(Item?.sent).toEqual(new Set(nonces.filter((_, index) => admitted[index])));
    // Kept past its day, then removed by the table's TTL (epoch seconds).
    expect(Item?.expiration).toBe(Date.parse('2026-12-04T00:00:00Z') / 1000);
  });

  it('admits again a mail it already counted (a delivery retried), even once the day is full', async () => {
    for (let index = 0; index < VERIFICATION_MAILS_PER_DAY; index += 1)
      expect(await quota().admit('ada@example.com', DAY, `nonce-${index}`)).toBe(true);

    expect(await quota().admit('ada@example.com', DAY, 'nonce-new')).toBe(false);
    expect(await quota().admit('ada@example.com', DAY, 'nonce-0')).toBe(true);
  });

  it('counts each address and each day apart', async () => {
    for (let index = 0; index < VERIFICATION_MAILS_PER_DAY; index += 1)
      await quota().admit('ada@example.com', DAY, `nonce-${index}`);

    expect(await quota().admit('bob@example.com', DAY, 'nonce-0')).toBe(true);
    expect(await quota().admit('ada@example.com', '2026-12-03', 'nonce-new')).toBe(true);
  });
});
