import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalServer, startLocalServer } from '../support/local-server.ts';
import { type ContractCase, replayCases } from '../support/replay-cases.ts';

const publicCases = JSON.parse(
  readFileSync(new URL('./public-cases.json', import.meta.url), 'utf8'),
) as ContractCase[];

const signup = (baseUrl: string, fields: Record<string, string>) =>
  fetch(`${baseUrl}/api/v1/customers/`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ password: 'SecureP@ssw0rd123', password2: 'SecureP@ssw0rd123', ...fields }),
  }).then(async (response) => ({
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
  }));

describe('npm start', () => {
  let server: LocalServer;
  beforeAll(async () => {
    server = await startLocalServer();
  });
  afterAll(async () => {
    await server.stop();
  });

  it('passes every public case of the contract, in order, on an empty store', async () => {
    expect(await replayCases(server.baseUrl, publicCases)).toEqual({});
  });

  it('gives exactly one of 50 concurrent signups with one e-mail its 201, and the others the duplicate error', async () => {
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        signup(server.baseUrl, {
          email: index % 2 ? 'race@example.com' : 'RACE@example.com',
          first_name: 'Race',
          last_name: `Runner${index}`,
        }),
      ),
    );
    expect(answers.filter((answer) => answer.status === 201)).toHaveLength(1);
    const refused = answers.filter((answer) => answer.status === 400);
    expect(refused).toHaveLength(49);
    for (const answer of refused)
      expect(answer.body).toEqual({ email: ['customer with this email address already exists.'] });
  });

  it('gives 50 concurrent signups of one name 50 distinct slugs of that name', async () => {
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        signup(server.baseUrl, {
          email: `twin${index}@example.com`,
          first_name: 'Twin',
          last_name: 'Sister',
        }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(50).fill(201));
    const slugs = answers.map((answer) => String(answer.body.slug));
    expect(new Set(slugs).size).toBe(50);
    for (const slug of slugs) expect(slug).toMatch(/^twin-sister(-\d+)?$/);
  });

  it('keeps every customer across a restart on the same DATA_DIR', async () => {
    await server.stop();
    server = await startLocalServer({ DATA_DIR: server.dataDir });

    const again = await signup(server.baseUrl, {
      email: 'john@example.com',
      first_name: 'John',
      last_name: 'Doe',
    });
    expect(again).toEqual({
      status: 400,
      body: { email: ['customer with this email address already exists.'] },
    });
    const next = await signup(server.baseUrl, {
      email: 'john4@example.com',
      first_name: 'John',
      last_name: 'Doe',
    });
    expect(next.body.slug).toBe('john-doe-4');
  });
});
