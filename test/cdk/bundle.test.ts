import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCustomerBundle } from '../../lib/bundling.ts';
import { type BuiltBundle, build } from '../../scripts/build.ts';

let bundle: BuiltBundle;

beforeAll(async () => {
  // Outside the repository, so nothing can be resolved from its node_modules.
  bundle = await build(await mkdtemp(join(tmpdir(), 'create-customer-')));
}, 60_000);

describe('npm run build', () => {
  it(`writes ${createCustomerBundle.fileName} within ${createCustomerBundle.maxBytes / 1000} kB`, () => {
    expect(basename(bundle.file)).toBe('index.mjs');
    expect(bundle.bytes).toBeLessThanOrEqual(createCustomerBundle.maxBytes);
  });

  it('puts the common-password list and its licence beside it, and nothing else', async () => {
    const expected = ['index.mjs', ...createCustomerBundle.dataFiles.map((file) => basename(file))];
    expect((await readdir(bundle.outDir)).sort()).toEqual(expected.sort());
    for (const dataFile of createCustomerBundle.dataFiles) {
      const copy = await readFile(join(bundle.outDir, basename(dataFile)));
      expect(copy.equals(await readFile(dataFile))).toBe(true);
    }
  });

  it('is one self-contained ES module that Node 24 loads without node_modules', async () => {
    const script = `const { handler } = await import(${JSON.stringify(bundle.file)}); console.log(typeof handler);`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      cwd: bundle.outDir,
      env: { PATH: process.env.PATH, TABLE_NAME: 'customers', AWS_REGION: 'us-east-1' },
    });
    expect(stdout.trim()).toBe('function');
  });

  it('is minified, and never falls back on require(), which an ES module does not have', async () => {
    const source = await readFile(bundle.file, 'utf8');
    // A few long lines rather than one per statement.
    expect(source.split('\n').length).toBeLessThan(100);
    // esbuild's stand-in for a require() it could not bundle throws this when called.
    expect(source).not.toContain('Dynamic require of');
  });
});
