import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { startDynamoDbLocal } from '../support/dynamodb-local.ts';

const run = promisify(execFile);

/** The JVMs on this machine serving `port`, by their command lines. */
const jvmsOnPort = async (port: string): Promise<string[]> => {
  const { stdout } = await run('ps', ['-ww', '-eo', 'args']);
  return stdout
    .split('\n')
    .filter(
      (args) =>
        args.startsWith('java ') && args.includes('DynamoDBLocal.jar') && args.endsWith(` -port ${port}`),
    );
};

const portOf = (endpoint: string) => new URL(endpoint).port;

describe('DynamoDB Local', () => {
  const originalPath = process.env.PATH;
  afterEach(() => {
    process.env.PATH = originalPath;
  });

  it('fails with one line saying java is missing when it is not on the PATH', async () => {
    // A PATH with the shell and cat the supervisor needs, and no java.
    const bin = await mkdtemp(join(tmpdir(), 'no-java-'));
    const { stdout } = await run('sh', ['-c', 'command -v sh; command -v cat']);
    const [sh, cat] = stdout.trim().split('\n');
    await symlink(sh as string, join(bin, 'sh'));
    await symlink(cat as string, join(bin, 'cat'));
    process.env.PATH = bin;

    const started = startDynamoDbLocal();

    await expect(started).rejects.toThrow(
      'DynamoDB Local needs Java: no `java` on the PATH (Debian: apt-get install default-jre-headless)',
    );
    await rm(bin, { recursive: true });
  });

  it('answers once started, and leaves no JVM once stopped', async () => {
    const dynamoDbLocal = await startDynamoDbLocal();
    const port = portOf(dynamoDbLocal.endpoint);
    expect(await jvmsOnPort(port)).toHaveLength(1);

    await dynamoDbLocal.stop();

    expect(await jvmsOnPort(port)).toEqual([]);
    await expect(fetch(dynamoDbLocal.endpoint)).rejects.toThrow();
  });

  it('leaves no JVM behind a test process that is killed', async () => {
    // A test process of its own that starts DynamoDB Local, says where, and waits to be killed.
    const testProcess = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { startDynamoDbLocal } from ${JSON.stringify(join(import.meta.dirname, '../support/dynamodb-local.ts'))};
         const { endpoint } = await startDynamoDbLocal();
         console.log(endpoint);
         setInterval(() => undefined, 60_000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    onTestFinished(() => {
      testProcess.kill('SIGKILL');
    });
    const [firstOutput] = (await once(testProcess.stdout, 'data')) as [Buffer];
    const port = portOf(firstOutput.toString().trim());
    expect(await jvmsOnPort(port)).toHaveLength(1);

    testProcess.kill('SIGKILL');

    await vi.waitFor(async () => expect(await jvmsOnPort(port)).toEqual([]), {
      timeout: 10_000,
      interval: 200,
    });
  });
});
