import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SIGNUP_SECRET_FILE } from '../../local/signup-secret.ts';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

/** `npm run invoke -- …args`, its exit code and what it printed. */
const invoke = async (
  args: string[],
  settings: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> => {
  const { DATA_DIR: _kept, SIGNUP_SECRET: _unset, ...environment } = process.env;
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['scripts/invoke.ts', ...args], {
      cwd: projectRoot,
      env: { ...environment, ...settings },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
};

describe('npm run invoke', () => {
  it('calls the function it is named with its example event', async () => {
    const { code, stdout } = await invoke(['create-customer']);

    expect(code).toBe(0);
    expect(stdout).toContain('201 Created');
  }, 90_000);

  it('still takes an event file alone, for the signup', async () => {
    const { code, stdout } = await invoke(['events/invalid-create-customer.json']);

    expect(code).toBe(0);
    expect(stdout).toContain('400 Bad Request');
  }, 90_000);

  it('with DATA_DIR, keys Idempotency-Key records with the secret npm start keeps there: a retry is replayed', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'invoke-data-'));
    try {
      const event = JSON.parse(await readFile(join(projectRoot, 'events/create-customer.json'), 'utf8'));
      event.headers['Idempotency-Key'] = 'invoke-retry';
      event.multiValueHeaders['Idempotency-Key'] = ['invoke-retry'];
      const eventFile = join(dataDir, 'keyed-signup.json');
      await writeFile(eventFile, JSON.stringify(event));

      const first = await invoke(['create-customer', eventFile], { DATA_DIR: dataDir, BCRYPT_COST: '4' });
      const retry = await invoke(['create-customer', eventFile], { DATA_DIR: dataDir, BCRYPT_COST: '4' });

      // The answer, without the function's log lines: the retry gets the first answer, not a second signup's.
      const answer = (stdout: string) => stdout.split('\n').filter((line) => !line.startsWith('{"'));
      expect(first.stdout).toContain('201 Created');
      expect(answer(retry.stdout)).toEqual(answer(first.stdout));
      expect(existsSync(join(dataDir, SIGNUP_SECRET_FILE))).toBe(true);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 180_000);

  it.each([[['create-customr']], [['verify-customer', 'events/verify-customer.json', 'more']]])(
    'refuses %j in one line naming the functions it knows',
    async (args) => {
      const { code, stderr } = await invoke(args);

      expect(code).toBe(1);
      expect(stderr.trim().split('\n')).toEqual([expect.stringContaining('customer-changes')]);
    },
  );
});
