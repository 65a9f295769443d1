import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

/** `npm run invoke -- …args`, its exit code and what it printed. */
const invoke = async (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
  const { DATA_DIR: _kept, ...environment } = process.env;
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['scripts/invoke.ts', ...args], {
      cwd: projectRoot,
      env: environment,
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

  it.each([[['create-customr']], [['verify-customer', 'events/verify-customer.json', 'more']]])(
    'refuses %j in one line naming the functions it knows',
    async (args) => {
      const { code, stderr } = await invoke(args);

      expect(code).toBe(1);
      expect(stderr.trim().split('\n')).toEqual([expect.stringContaining('customer-changes')]);
    },
  );
});
