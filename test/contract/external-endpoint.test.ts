import { execFileSync, spawnSync } from 'node:child_process';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../functions/dynamodb/client.ts';
import { type EmbeddedDynamoDb, startEmbeddedDynamoDb } from '../../local/embedded-dynamodb.ts';
import { type LocalServer, startLocalServer } from '../support/local-server.ts';

/** Django's own check_password, with the BCryptPasswordHasher: needs Debian's python3-django and python3-bcrypt. */
const DJANGO_CHECK_PASSWORD = `
import sys
from django.conf import settings
settings.configure(PASSWORD_HASHERS=['django.contrib.auth.hashers.BCryptPasswordHasher'])
from django.contrib.auth.hashers import check_password
print(check_password(sys.argv[1], sys.argv[2]))
`;
const hasDjangoBcrypt =
  spawnSync('/usr/bin/python3', ['-c', 'import django, bcrypt'], { stdio: 'ignore' }).status === 0;

const password = 'SecureP@ssw0rd123';

describe('npm start with DYNAMODB_ENDPOINT', () => {
  let store: EmbeddedDynamoDb;
  let server: LocalServer;
  let storedHash = '';
  beforeAll(async () => {
    // Another DynamoDB-compatible endpoint than the server's own: a dynalite of the test's.
    store = await startEmbeddedDynamoDb();
    server = await startLocalServer({ DYNAMODB_ENDPOINT: store.endpoint, TABLE_NAME: 'shop-customers' });
  });
  afterAll(async () => {
    await server.stop();
    await store.close();
  });

  it('creates the table there and stores the customer there, the password only as a hash', async () => {
    const response = await fetch(`${server.baseUrl}/api/v1/customers/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        email: 'ext@example.com',
        first_name: 'Ext',
        last_name: 'Ernal',
        password,
        password2: password,
      }),
    });
    expect(response.status).toBe(201);

    const { Items = [] } = await createDocumentClient({ endpoint: store.endpoint }).send(
      new ScanCommand({ TableName: 'shop-customers' }),
    );
    const customer = Items.find((item) => item.pk === 'customer#ext@example.com');
    expect(customer?.password).toMatch(/^bcrypt\$\$2b\$04\$[./A-Za-z0-9]{53}$/);
    expect(JSON.stringify(Items)).not.toContain(password);
    storedHash = String(customer?.password);
  });

  it.skipIf(!hasDjangoBcrypt)("stores a hash that Django's check_password verifies", () => {
    const check = (candidate: string) =>
      execFileSync('/usr/bin/python3', ['-c', DJANGO_CHECK_PASSWORD, candidate, storedHash])
        .toString()
        .trim();
    expect(check(password)).toBe('True');
    expect(check(`${password}!`)).toBe('False');
  });
});
