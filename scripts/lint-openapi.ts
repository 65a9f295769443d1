/**
 * Lints the OpenAPI document as integrators' tools read it: Redocly's recommended rules (redocly.yaml)
 * and Spectral's OpenAPI and OWASP API Security rules (.spectral.yaml). The document is generated, so
 * it is written to a temporary file for them; nothing generated is committed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { openApiDocument } from '../functions/http/openapi.ts';

const repository = new URL('..', import.meta.url).pathname;
const require = createRequire(import.meta.url);

/** A package's command, run on this Node: the `.bin` shims would pick whichever `node` is first on the PATH. */
const binaryOf = (packageName: string, command: string): string => {
  const manifestPath = require.resolve(`${packageName}/package.json`);
  const { bin } = JSON.parse(readFileSync(manifestPath, 'utf8')) as { bin: Record<string, string> };
  const relativePath = bin[command];
  if (relativePath === undefined) throw new Error(`${packageName} has no command ${command}`);
  return join(dirname(manifestPath), relativePath);
};

const run = (name: string, script: string, args: string[]): boolean => {
  const { status } = spawnSync(process.execPath, [script, ...args], {
    cwd: repository,
    stdio: 'inherit',
    // No telemetry and no update check: lint runs offline, in CI too.
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  });
  if (status !== 0) console.error(`${name} found problems in the OpenAPI document (exit ${status}).`);
  return status === 0;
};

const folder = mkdtempSync(join(tmpdir(), 'openapi-lint-'));
try {
  const document = join(folder, 'openapi.json');
  writeFileSync(document, JSON.stringify(openApiDocument, null, 2));
  const results = [
    run('Redocly', binaryOf('@redocly/cli', 'redocly'), ['lint', document, '--format=stylish']),
    run('Spectral', binaryOf('@stoplight/spectral-cli', 'spectral'), [
      'lint',
      document,
      '--ruleset',
      join(repository, '.spectral.yaml'),
      '--fail-severity=warn',
    ]),
  ];
  if (results.includes(false)) process.exitCode = 1;
} finally {
  rmSync(folder, { recursive: true, force: true });
}
