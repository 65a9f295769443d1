import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { createDynamoDbClient } from '../../functions/dynamodb/client.ts';
import { createTableInput, customersTable } from '../../functions/dynamodb/customers-table.ts';
import { startEmbeddedDynamoDb } from '../../local/embedded-dynamodb.ts';
import { startLocalServer } from '../support/local-server.ts';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
/** What a person waits at most to learn that a setting is wrong. */
const ANSWER_WITHIN_MS = 25_000;

interface Run {
  code: number | null;
  output: string;
  ms: number;
}

/** Runs a command of the project until it exits (killed past the limit), with everything it wrote. */
const run = async (
  args: string[],
  environment: Record<string, string> = {},
  { asNobody = false } = {},
): Promise<Run> => {
  const started = performance.now();
  // setpriv (util-linux) runs the command as user nobody: root may write anywhere.
  const [command, ...commandArgs] = asNobody
    ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, ...args]
    : [process.execPath, ...args];
  const child = spawn(command ?? process.execPath, commandArgs, {
    cwd: projectRoot,
    env: { ...process.env, ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const limit = setTimeout(() => child.kill('SIGKILL'), ANSWER_WITHIN_MS + 5_000);
  const [code] = await once(child, 'exit');
  clearTimeout(limit);
  return { code: code as number | null, output, ms: performance.now() - started };
};

const npmStart = (environment: Record<string, string>, options?: { asNobody?: boolean }) =>
  run(['local/server.ts'], { PORT: '0', DATA_DIR: emptyDir(), BCRYPT_COST: '4', ...environment }, options);

/** `npx cdk synth` with cdk.json's context, the bundle's build skipped: the app refuses before it reads it. */
const cdkSynth = (context: string[]) =>
  run([
    join(projectRoot, 'node_modules/aws-cdk/bin/cdk'),
    'synth',
    '--build',
    'true',
    '--output',
    emptyDir(),
    ...context.flatMap((pair) => ['-c', pair]),
  ]);

const emptyDir = () => mkdtempSync(join(tmpdir(), 'signup-setting-'));

/** Fails, in time, with one short line that names the setting and no stack. */
const expectRefusal = (result: Run, setting: string, lines = 1) => {
  const written = result.output.split('\n').filter((line) => line.trim() !== '');
  expect(result.code, result.output).not.toBe(0);
  expect(result.code, result.output).not.toBeNull();
  expect(result.ms).toBeLessThan(ANSWER_WITHIN_MS);
  expect(written, result.output).toHaveLength(lines);
  const [refusal = ''] = written;
  expect(refusal).toContain(setting);
  expect(refusal.length).toBeLessThan(220);
  expect(result.output).not.toMatch(/^ {4}at /m);
  return refusal;
};

const servers: Server[] = [];
/** Holds a port as another program would. */
const occupy = async (port = 0): Promise<number> => {
  const server = createServer();
  servers.push(server);
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
};
const isFree = (port: number) => {
  const next = createServer();
  return new Promise<boolean>((resolve) => {
    next.once('error', () => resolve(false));
    next.listen(port, '127.0.0.1', () => next.close(() => resolve(true)));
  });
};
/** A port whose next two ports (the page's and the local inbox's) are free too. */
const freePortTriple = async (): Promise<number> => {
  for (;;) {
    const port = await occupy();
    const free = (await isFree(port + 1)) && (await isFree(port + 2));
    await new Promise((resolve) => servers.pop()?.close(resolve));
    if (free) return port;
  }
};
afterAll(() => {
  for (const server of servers) server.close();
});

describe.concurrent('npm start refuses a wrong setting in one line that names it', () => {
  it.each(['abc', '70000'])('PORT=%s, not a port', async (port) => {
    expect(expectRefusal(await npmStart({ PORT: port }), 'PORT')).toContain('65533');
  });

  it('PORT in use: names the port', async () => {
    const port = await occupy();

    const refusal = expectRefusal(await npmStart({ PORT: String(port) }), 'PORT');

    expect(refusal).toContain(`port ${port} is in use`);
  });

  it('PORT whose next port, the signup page’s, is in use: names that port and that it is PORT+1', async () => {
    const port = await freePortTriple();
    await occupy(port + 1);

    const refusal = expectRefusal(await npmStart({ PORT: String(port) }), `PORT=${port}`);

    expect(refusal).toContain(`port ${port + 1}`);
    expect(refusal).toContain('PORT+1');
  });

  it('PORT two below a port in use, the local inbox’s: names that port and that it is PORT+2', async () => {
    const port = await freePortTriple();
    await occupy(port + 2);

    const refusal = expectRefusal(await npmStart({ PORT: String(port) }), `PORT=${port}`);

    expect(refusal).toContain(`port ${port + 2}`);
    expect(refusal).toContain('PORT+2');
  });

  it.each([
    ['without its scheme', 'localhost:8000'],
    ['where nothing listens', 'http://127.0.0.1:1'],
    ['on a host no one has', 'http://signup-store.invalid:8000'],
  ])('DYNAMODB_ENDPOINT %s', async (_, endpoint) => {
    expectRefusal(await npmStart({ DYNAMODB_ENDPOINT: endpoint }), `DYNAMODB_ENDPOINT=`);
  });

  it.each([
    ['with a space', 'no spaces'],
    ['of 256 characters', 'x'.repeat(256)],
  ])('TABLE_NAME that DynamoDB refuses: %s', async (_, name) => {
    expectRefusal(await npmStart({ TABLE_NAME: name }), 'TABLE_NAME=');
  });

  it.each(['10.5', '32'])('BCRYPT_COST=%s, not a bcrypt cost', async (cost) => {
    expect(expectRefusal(await npmStart({ BCRYPT_COST: cost }), 'BCRYPT_COST=')).toContain('4 to 31');
  });

  it('BCRYPT_COST whose one hash cannot fit the time budget: refused at start, with a cost that fits', async () => {
    const refusal = expectRefusal(await npmStart({ BCRYPT_COST: '20' }), 'BCRYPT_COST=20');

    expect(refusal).toMatch(/use \d+ or less/);
  });

  it('DATA_DIR that is a file, or below a file', async () => {
    const file = join(emptyDir(), 'customers.txt');
    writeFileSync(file, '');

    expect(expectRefusal(await npmStart({ DATA_DIR: file }), 'DATA_DIR=')).toContain('is not a directory');
    expect(expectRefusal(await npmStart({ DATA_DIR: join(file, 'data') }), 'DATA_DIR=')).toContain(
      'is not a directory',
    );
  });

  it('DATA_DIR holding a table from before e-mail verification, when verification is required', async () => {
    // Prepare: the table as it was made before the token index.
    const dataDir = emptyDir();
    const store = await startEmbeddedDynamoDb({ dataDir });
    const client = createDynamoDbClient({ endpoint: store.endpoint });
    const current = createTableInput('customers');
    await client.send(
      new CreateTableCommand({
        ...current,
        GlobalSecondaryIndexes: current.GlobalSecondaryIndexes?.filter(
          ({ IndexName }) => IndexName !== customersTable.tokenIndex.indexName,
        ),
      }),
    );
    client.destroy();
    await store.close();

    // Act
    const result = await npmStart({ DATA_DIR: dataDir, EMAIL_VERIFICATION: 'required' });

    // Assess
    expect(expectRefusal(result, `DATA_DIR=${dataDir}`)).toContain(customersTable.tokenIndex.indexName);
  });

  it('DATA_DIR in a directory that exists but takes no new directory (/proc)', async () => {
    expect(expectRefusal(await npmStart({ DATA_DIR: '/proc/signup-data' }), 'DATA_DIR=')).toContain(
      'cannot be written',
    );
  });

  it('DATA_DIR that cannot be written', async () => {
    // Prepare: a directory its user can read but not write; root may write anywhere, so root runs
    // the server as nobody, who needs a way in.
    const asNobody = process.getuid?.() === 0;
    const parent = emptyDir();
    const readOnly = join(parent, 'read-only');
    mkdirSync(readOnly, { mode: 0o555 });
    if (asNobody) chmodSync(parent, 0o755);

    // Act
    const result = await npmStart({ DATA_DIR: readOnly }, { asNobody });

    // Assess
    expect(expectRefusal(result, 'DATA_DIR=')).toContain('cannot be written');
  });
});

describe('a DATA_DIR already in use by a running npm start', () => {
  it('is refused by a second npm start and by npm run invoke, in one line each', async () => {
    // Prepare
    const running = await startLocalServer();

    try {
      // Act
      const [secondStart, invoke] = await Promise.all([
        npmStart({ DATA_DIR: running.dataDir }),
        run(['scripts/invoke.ts', 'events/create-customer.json'], { DATA_DIR: running.dataDir }),
      ]);

      // Assess
      expect(expectRefusal(secondStart, 'DATA_DIR=')).toContain('in use');
      expect(expectRefusal(invoke, 'DATA_DIR=')).toContain('in use');
    } finally {
      await running.stop();
    }
  });
});

describe('npm start with CORS_ORIGINS that leaves out the signup page', () => {
  it('warns at start that the page will not be able to call the API, and serves', async () => {
    const server = await startLocalServer({ CORS_ORIGINS: 'https://shop.example.com' });
    await server.stop();

    const warning = server
      .output()
      .split('\n')
      .find((line) => line.startsWith('Warning: CORS_ORIGINS'));
    expect(warning).toMatch(/signup page's origin http:\/\/127\.0\.0\.1:\d+: the page will not be able/);
  });
});

describe('npm start with CORS_ORIGINS holding what is not an origin', () => {
  it('says so in the same one warning line, since no browser sends such an Origin', async () => {
    const server = await startLocalServer({ CORS_ORIGINS: 'https://shop.example.com/,shop.example.com' });
    await server.stop();

    const warnings = server
      .output()
      .split('\n')
      .filter((line) => line.startsWith('Warning:'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('the page will not be able to call the API');
    expect(warnings[0]).toContain('https://shop.example.com/, shop.example.com are not origins');
  });
});

describe.concurrent('cdk synth refuses a wrong context value in one line, without a stack', () => {
  it('-c stage=qa', async () => {
    // The CLI adds its own line: the app's subprocess exited.
    expect(expectRefusal(await cdkSynth(['stage=qa']), 'stage', 2)).toContain('"qa"');
  });

  it('-c corsOrigins with a path', async () => {
    const refusal = expectRefusal(
      await cdkSynth(['corsOrigins=https://shop.example.com/signup']),
      'corsOrigins',
      2,
    );

    expect(refusal).toContain('https://shop.example.com/signup');
  });
});
