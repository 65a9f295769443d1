import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

/** `npm run invoke` on the signup example, in memory, at the lowest cost: what a person reads. */
const invoke = async (...flags: string[]): Promise<string[]> => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['scripts/invoke.ts', ...flags, 'events/create-customer.json'],
    { cwd: projectRoot, env: { ...process.env, DATA_DIR: '', BCRYPT_COST: '4' } },
  );
  // The function's own log lines are one JSON object each; the answer follows them.
  return stdout.split('\n').filter((line) => !line.startsWith('{"'));
};

// One after the other: each run builds the bundle into dist/.
describe('npm run invoke', () => {
  it('prints the status, then the body as pretty JSON, and no header', async () => {
    const lines = await invoke();

    expect(lines[0]).toBe('201 Created');
    expect(lines[1]).toBe('');
    expect(JSON.parse(lines.slice(2).join('\n'))).toMatchObject({ slug: 'john-doe' });
    expect(lines).toContain('  "slug": "john-doe",');
    expect(lines.join('\n')).not.toMatch(/^Content-Type:/im);
  });

  it('prints the headers under the status with --headers', async () => {
    const lines = await invoke('--headers');

    expect(lines[0]).toBe('201 Created');
    expect(lines).toContain('Cache-Control: no-store');
    expect(lines.indexOf('Cache-Control: no-store')).toBeLessThan(lines.indexOf(''));
  });
});
