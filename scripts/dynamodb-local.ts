import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access, mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * AWS's DynamoDB Local, as the npm package `amplify-dynamodb-simulator` ships it in `emulator/`. The
 * package as a dependency would pull in 283 more, so only its tarball is fetched, checked against
 * this pin, and its `emulator/` kept in a git-ignored cache.
 */
export const dynamoDbLocalPackage = {
  spec: 'amplify-dynamodb-simulator@2.9.30',
  integrity:
    'sha512-xTeeRLvzEfqyd5lh3bH4c0kHvSHHmmhD5ZDsHFKAQ5g2Zl6JqlFdutaQhCLHzxEp6Ry1o7TB6niIoXuQAnSewQ==',
} as const;

const cacheRoot = join(import.meta.dirname, '..', '.cache', 'dynamodb-local');

/** Where the emulator is kept: `DynamoDBLocal.jar` and `DynamoDBLocal_lib/`, one folder per pinned version. */
export const dynamoDbLocalDirectory = join(cacheRoot, dynamoDbLocalPackage.spec);

const isPresent = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** The emulator's folder is renamed into place only when complete, so its presence means a whole copy. */
export const isDynamoDbLocalCached = () => isPresent(join(dynamoDbLocalDirectory, 'DynamoDBLocal.jar'));

const lastLine = (text: string) => text.trim().split('\n').at(-1) ?? '';

const integrityOf = async (file: string): Promise<string> => {
  const hash = createHash('sha512');
  for await (const chunk of createReadStream(file)) hash.update(chunk);
  return `sha512-${hash.digest('base64')}`;
};

/** npm's own words for a failure: with `--json` it prints `{"error": {"summary": …}}`. */
const npmFailure = (error: { code?: unknown; stdout?: string; message: string }): string => {
  if (error.code === 'ENOENT') return 'npm is not on the PATH';
  try {
    const summary = (JSON.parse(error.stdout ?? '') as { error?: { summary?: string } }).error?.summary;
    if (summary) return summary;
  } catch {
    // Not npm's JSON: fall back to how the command ended.
  }
  return lastLine(error.message);
};

const packTarball = async (workDir: string): Promise<string> => {
  try {
    const { stdout } = await run(
      'npm',
      ['pack', dynamoDbLocalPackage.spec, '--pack-destination', workDir, '--json', '--loglevel=error'],
      { maxBuffer: 16 * 1024 * 1024 },
    );
    const [packed] = JSON.parse(stdout) as { filename: string }[];
    if (packed === undefined) throw new Error('npm pack named no file');
    return join(workDir, packed.filename);
  } catch (error) {
    throw new Error(
      `DynamoDB Local: npm pack ${dynamoDbLocalPackage.spec} failed: ${npmFailure(error as Error)}`,
    );
  }
};

const extractEmulator = async (tarball: string, into: string): Promise<void> => {
  await mkdir(into);
  try {
    // npm's tarballs hold everything under `package/`.
    await run('tar', ['-xzf', tarball, '-C', into, '--strip-components=2', 'package/emulator']);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr;
    const reason = stderr ? lastLine(stderr) : (error as Error).message;
    throw new Error(
      `DynamoDB Local: extracting emulator/ from ${dynamoDbLocalPackage.spec} failed: ${reason}`,
    );
  }
};

/** A fetch's folder this old was left by a run that was stopped; one still at work is younger. */
const ABANDONED_FETCH_MS = 3_600_000;
const FETCH_PREFIX = 'fetch-';

const removeAbandonedFetches = async (): Promise<void> => {
  for (const name of await readdir(cacheRoot)) {
    if (!name.startsWith(FETCH_PREFIX)) continue;
    const path = join(cacheRoot, name);
    if (Date.now() - (await stat(path)).mtimeMs > ABANDONED_FETCH_MS) {
      await rm(path, { recursive: true, force: true });
    }
  }
};

/**
 * Makes sure the emulator is in the cache: fetched once with `npm pack` (npm's registry settings and
 * cache apply), refused unless its checksum is the pinned one. Returns its folder.
 */
export const ensureDynamoDbLocal = async (): Promise<string> => {
  if (await isDynamoDbLocalCached()) return dynamoDbLocalDirectory;
  await mkdir(cacheRoot, { recursive: true });
  await removeAbandonedFetches();
  // Beside the cache, so the finished copy moves in with one rename.
  const workDir = await mkdtemp(join(cacheRoot, FETCH_PREFIX));
  try {
    const tarball = await packTarball(workDir);
    const integrity = await integrityOf(tarball);
    if (integrity !== dynamoDbLocalPackage.integrity) {
      throw new Error(
        `DynamoDB Local: ${dynamoDbLocalPackage.spec} has checksum ${integrity}, not the pinned ${dynamoDbLocalPackage.integrity}`,
      );
    }
    const extracted = join(workDir, 'emulator');
    await extractEmulator(tarball, extracted);
    try {
      await rename(extracted, dynamoDbLocalDirectory);
    } catch (error) {
      // Another run finished the same copy first.
      if (!(await isDynamoDbLocalCached())) throw error;
    }
    return dynamoDbLocalDirectory;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
};

if (import.meta.main) {
  try {
    const started = performance.now();
    const cached = await isDynamoDbLocalCached();
    const directory = relative(process.cwd(), await ensureDynamoDbLocal());
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      cached
        ? `DynamoDB Local: in ${directory}`
        : `DynamoDB Local: fetched into ${directory} in ${seconds} s`,
    );
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 1;
  }
}
