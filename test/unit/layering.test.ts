import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const functionsDir = join(root, 'functions');

/** The folder of `functions/` a file belongs to (`settings` for `functions/settings.ts`), or undefined outside it. */
const roleOf = (file: string): string | undefined => {
  const path = relative(functionsDir, file).split('/');
  if (path[0] === '..') return undefined;
  return path.length === 1 ? 'settings' : path[0];
};

const adapters = ['dynamodb', 'passwords', 'mail'];

/** What each role may import; entries (the other folders) may import all of `functions/`, nothing outside it. */
const mayImport = (from: string, to: string | undefined): boolean => {
  if (to === undefined) return false;
  if (from === to) return true;
  if (from === 'core') return false;
  // Settings read the environment into the shapes the use cases take.
  if (from === 'settings') return to === 'core';
  if (from === 'http' || adapters.includes(from)) return to === 'core' || to === 'settings';
  return true;
};

const sources = readdirSync(functionsDir, { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
  .map((file) => join(functionsDir, file));

const importsOf = (file: string): string[] =>
  [...readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((match) =>
    resolve(dirname(file), match[1] as string),
  );

describe('the layout of functions/', () => {
  it('finds the roles it checks', () => {
    const roles = new Set(sources.map(roleOf));
    for (const role of ['core', 'http', 'dynamodb', 'passwords', 'settings', 'create-customer'])
      expect(roles).toContain(role);
  });

  it('has its arrows point one way: entries → http → core ← adapters, nothing into lib/ or local/', () => {
    const wrong = sources.flatMap((file) =>
      importsOf(file)
        .filter((target) => !mayImport(roleOf(file) as string, roleOf(target)))
        .map((target) => `${relative(root, file)} → ${relative(root, target)}`),
    );
    expect(wrong).toEqual([]);
  });
});
