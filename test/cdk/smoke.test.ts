import { spawn } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type LocalServer, startLocalServer } from '../support/local-server.ts';

const smokeScript = new URL('../../scripts/smoke.ts', import.meta.url).pathname;

interface SmokeRun {
  exitCode: number | null;
  output: string;
  seconds: number;
}

/** `npm run smoke -- …` as a deployer runs it: its own process, its output and exit code. */
const smoke = (...args: string[]): Promise<SmokeRun> =>
  new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, [smokeScript, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.once('exit', (exitCode) =>
      resolve({ exitCode, output, seconds: (performance.now() - started) / 1000 }),
    );
  });

const listening = (server: Server): Promise<number> =>
  new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : 0);
    });
  });

const closed = (server: Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

describe('npm run smoke against npm start', () => {
  let server: LocalServer;

  beforeAll(async () => {
    server = await startLocalServer();
  });
  afterAll(async () => {
    await server.stop();
  });

  it('passes every check, the preflight of the signup page’s origin included, and signs up one customer', async () => {
    const apiPort = Number(new URL(server.baseUrl).port);
    const run = await smoke(
      '--url',
      `${server.baseUrl}/api/v1/customers/`,
      '--origin',
      `http://127.0.0.1:${apiPort + 1}`,
    );

    expect(run.output).not.toContain('FAIL');
    expect(run.output).toContain('ok   a preflight from http://127.0.0.1:');
    expect(run.output).toMatch(/All \d+ checks hold\./);
    expect(run.exitCode).toBe(0);
    const outcomes = [...server.output().matchAll(/"outcome":"(\w[\w-]*)"/g)].map((match) => match[1]);
    expect(outcomes.filter((outcome) => outcome === 'created')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === 'replayed')).toHaveLength(1);
  }, 60_000);

  it('fails, naming the check, when the API answers otherwise than the contract', async () => {
    // The signup page's server answers every path with its page, not the API's JSON.
    const apiPort = Number(new URL(server.baseUrl).port);
    const run = await smoke('--url', `http://127.0.0.1:${apiPort + 1}/api/v1/customers/`);

    expect(run.exitCode).toBe(1);
    expect(run.output).toMatch(/^FAIL GET is 405 with Allow: POST, OPTIONS: /m);
    expect(run.output).toMatch(/\d+ of \d+ checks failed\./);
  }, 60_000);
});

describe.each([
  ['e-mail verification required', { EMAIL_VERIFICATION: 'required' }, 'created'],
  ['enumeration protection on', { EMAIL_VERIFICATION: 'required', ENUMERATION_PROTECTION: 'on' }, 'accepted'],
])('npm run smoke against npm start with %s', (_mode, environment, outcome) => {
  let server: LocalServer;

  beforeAll(async () => {
    server = await startLocalServer(environment);
  });
  afterAll(async () => {
    await server.stop();
  });

  it('passes every check, its signup pending, and mails only SES’s mailbox simulator', async () => {
    const run = await smoke('--url', `${server.baseUrl}/api/v1/customers/`);

    expect(run.output).not.toContain('FAIL');
    expect(run.output).toMatch(/All \d+ checks hold\./);
    expect(run.exitCode).toBe(0);
    const outcomes = [...server.output().matchAll(/"outcome":"(\w[\w-]*)"/g)].map((match) => match[1]);
    expect(outcomes.filter((value) => value === outcome)).toHaveLength(2);
    // The mails go out from the table's changes, after the answers: wait for the first.
    const recipients = await vi.waitFor(
      async () => {
        const store = (await (await fetch(`${server.inboxUrl}/store`)).json()) as {
          emails: { destination: { to: string[] } }[];
        };
        const to = store.emails.flatMap((mail) => mail.destination.to);
        expect(to.length).toBeGreaterThan(0);
        return to;
      },
      { timeout: 20_000, interval: 200 },
    );
    for (const recipient of recipients)
      expect(recipient).toMatch(/^success\+smoke-[\w-]+@simulator\.amazonses\.com$/i);
  }, 60_000);
});

describe('npm run smoke against nothing', () => {
  it('fails at once, saying nothing answers, where nothing listens', async () => {
    const probe = createServer();
    const port = await listening(probe);
    await closed(probe);

    const run = await smoke('--url', `http://127.0.0.1:${port}/prod/api/v1/customers/`);

    expect(run.exitCode).toBe(1);
    expect(run.output).toContain('ECONNREFUSED');
    expect(run.output).toContain(`Nothing answers at http://127.0.0.1:${port}/prod/`);
    expect(run.seconds).toBeLessThan(15);
  });

  it('gives up within its budget where a server takes the connection and never answers', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    const port = await listening(silent);
    try {
      const run = await smoke('--url', `http://127.0.0.1:${port}/api/v1/customers/`, '--give-up-after', '2');

      expect(run.exitCode).toBe(1);
      expect(run.output).toContain('no answer in time');
      expect(run.seconds).toBeLessThan(12);
    } finally {
      for (const socket of sockets) socket.destroy();
      await closed(silent);
    }
  });

  it.each([
    [[], '--url (missing)'],
    [['--url', 'http://127.0.0.1:1/'], '--url http://127.0.0.1:1/'],
    [['--url', 'http://127.0.0.1:1/api/v1/customers/', '--origin', 'https://shop.example/'], '--origin'],
    [['--url', 'http://127.0.0.1:1/api/v1/customers/', '--give-up-after', 'soon'], '--give-up-after'],
  ])('refuses the arguments %j in one line naming %s', async (args, named) => {
    const run = await smoke(...args);

    expect(run.exitCode).toBe(2);
    expect(run.output.trim().split('\n')).toHaveLength(1);
    expect(run.output).toContain(named);
  });
});
