import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import bcrypt from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import { createBcryptHasher } from '../../functions/passwords/bcrypt-hasher.ts';

const hasherModule = fileURLToPath(new URL('../../functions/passwords/bcrypt-hasher.ts', import.meta.url));

describe('the bcrypt hasher', () => {
  it("stores Django's bcrypt format at the configured cost, which bcrypt verifies", async () => {
    const stored = await createBcryptHasher(5).hash('SecureP@ssw0rd123');

    expect(stored).toMatch(/^bcrypt\$\$2b\$05\$[./A-Za-z0-9]{53}$/);
    expect(await bcrypt.compare('SecureP@ssw0rd123', stored.slice('bcrypt$'.length))).toBe(true);
    expect(await bcrypt.compare('SecureP@ssw0rd124', stored.slice('bcrypt$'.length))).toBe(false);
  });

  it('answers hashes asked for at once each with its own password’s hash', async () => {
    const hasher = createBcryptHasher(4);
    const passwords = Array.from({ length: 6 }, (_, i) => `Password-${i}-é✓`);

    const stored = await Promise.all(passwords.map((password) => hasher.hash(password)));

    const verified = await Promise.all(
      stored.map((hash, i) => bcrypt.compare(passwords[i] as string, hash.slice('bcrypt$'.length))),
    );
    expect(verified).toEqual(passwords.map(() => true));
  });

  it('fails a hash bcrypt refuses with its reason, never the password, and hashes again after', async () => {
    // Settings only ever pass a number from 4 to 31: a salt-like string is what makes bcryptjs throw.
    const refused = createBcryptHasher('nonsense' as unknown as number).hash('Secret-Password-1');

    await expect(refused).rejects.toThrow(/^bcrypt failed: Invalid salt/);
    await expect(refused).rejects.not.toThrow(/Secret-Password-1/);
    expect(await createBcryptHasher(4).hash('x')).toMatch(/^bcrypt\$\$2b\$04\$/);
  });

  it('verifies a password against its stored hash on its threads, and nothing else', async () => {
    const hasher = createBcryptHasher(4);
    const stored = await hasher.hash('SecureP@ssw0rd123');
    const long = 'a'.repeat(72);
    const storedLong = await hasher.hash(long);

    const checks = await Promise.all([
      hasher.verify('SecureP@ssw0rd123', stored),
      hasher.verify('SecureP@ssw0rd124', stored),
      hasher.verify('SecureP@ssw0rd123', stored.slice('bcrypt$'.length)),
      hasher.verify('SecureP@ssw0rd123', `pbkdf2_sha256$${stored}`),
      hasher.verify('SecureP@ssw0rd123', 'bcrypt$$2b$04$short'),
      hasher.verify(long, storedLong),
      // bcrypt reads 72 bytes: a longer password must not pass for the hash of its start.
      hasher.verify(`${long}b`, storedLong),
    ]);

    expect(checks).toEqual([true, false, false, false, false, true, false]);
  });

  it("verifies a hash Django's own bcrypt format holds, made by bcrypt elsewhere", async () => {
    const made = `bcrypt$${bcrypt.hashSync('Éléonore-1990', 5)}`;

    expect(await createBcryptHasher(4).verify('Éléonore-1990', made)).toBe(true);
  });

  /** Runs `body` in a process of its own with a hasher at cost 8, and returns what it printed. */
  const runWithHasher = async (body: string): Promise<string[]> => {
    const script = `
      const { createBcryptHasher } = await import(${JSON.stringify(hasherModule)});
      const hasher = createBcryptHasher(8);
      const idle = () => new Promise((resolve) => setTimeout(resolve, 300));
      ${body}`;
    // A file, not --eval: a worker thread inherits the process's flags, and --input-type fails it.
    const file = join(await mkdtemp(join(tmpdir(), 'hasher-')), 'hasher.mjs');
    await writeFile(file, script);
    // A process the thread held open would be killed by the timeout, and the promise rejected.
    const { stdout } = await promisify(execFile)(process.execPath, [file], { timeout: 10_000 });
    return stdout.trim().split('\n');
  };

  it('keeps a process alive while a hash is pending, and lets it exit once idle', async () => {
    const printed = await runWithHasher(`
      hasher.prepare();
      // Each hash asked for while the thread is up and idle.
      await idle();
      console.log(await hasher.hash('SecureP@ssw0rd123'));
      await idle();
      console.log(await hasher.hash('SecureP@ssw0rd123'));`);

    expect(printed).toEqual([
      expect.stringMatching(/^bcrypt\$\$2b\$08\$/),
      expect.stringMatching(/^bcrypt\$\$2b\$08\$/),
    ]);
  });

  it('lets a process exit whose thread was made ready and never asked for a hash (a taken e-mail)', async () => {
    const printed = await runWithHasher(`
      hasher.prepare();
      await idle();
      console.log('done');`);

    expect(printed).toEqual(['done']);
  });
});
