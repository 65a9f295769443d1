import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { SIGNUP_SECRET_FILE } from '../../local/signup-secret.ts';
import { type LocalServer, startLocalServer } from '../support/local-server.ts';

const servers: LocalServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
});

const started = async (environment: Record<string, string> = {}) => {
  const server = await startLocalServer(environment);
  servers.push(server);
  return server;
};

describe('npm start and its mail path', () => {
  it('runs the local inbox, and relays a signup to the change handler, whose event is a log line', async () => {
    const server = await started();
    expect(server.inboxUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const answer = await fetch(`${server.baseUrl}/api/v1/customers/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        email: 'relayed@example.com',
        first_name: 'Relayed',
        last_name: 'Signup',
        password: 'Relay#Secret-42',
        password2: 'Relay#Secret-42',
      }),
    });
    expect(answer.status).toBe(201);

    const eventLine = await vi.waitFor(
      () => {
        const line = server
          .output()
          .split('\n')
          .find((text) => text.includes('"customer event"'));
        if (line === undefined) throw new Error('no event yet');
        return JSON.parse(line) as Record<string, unknown>;
      },
      { timeout: 10_000, interval: 50 },
    );
    expect(eventLine).toMatchObject({
      source: 'customer-signup',
      detail_type: 'CustomerSignedUp',
      slug: 'relayed-signup',
      email: 'r***@example.com',
    });
    expect(server.output()).not.toContain('relayed@example.com');
    const store = (await (await fetch(`${server.inboxUrl}/store`)).json()) as { emails: unknown[] };
    expect(store.emails).toEqual([]);
  });

  it('keeps the signup secret in DATA_DIR across restarts, readable by its owner only', async () => {
    const first = await started();
    const file = join(first.dataDir, SIGNUP_SECRET_FILE);
    const secret = readFileSync(file, 'utf8').trim();
    await first.stop();
    await started({ DATA_DIR: first.dataDir });

    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toBe(secret);
    expect(first.output()).not.toContain(secret);
  });
});
