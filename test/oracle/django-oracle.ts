/**
 * The contract's Django oracle (test/oracle/django-oracle/, a copy of shared/oracle/): whether it can
 * run here, and its answers to a list of cases.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { OracleCase, RecordedCase } from './oracle-case.ts';

/** Debian's interpreter, where apt installs Django; ORACLE_PYTHON names another. */
const PYTHON = process.env.ORACLE_PYTHON ?? '/usr/bin/python3';
const oracleDir = process.env.ORACLE_DIR ?? fileURLToPath(new URL('./django-oracle/', import.meta.url));
const execFileAsync = promisify(execFile);

/** Why the oracle cannot run here, or undefined when it can. */
export const oracleUnavailableReason = (): string | undefined => {
  const probe = spawnSync(PYTHON, ['-c', 'import django, rest_framework, unidecode'], { encoding: 'utf8' });
  if (probe.error) return `${PYTHON} cannot run (${probe.error.message})`;
  if (probe.status !== 0) {
    return `${PYTHON} cannot import django, rest_framework and unidecode (apt-get install python3-django python3-djangorestframework python3-unidecode): ${probe.stderr.trim().split('\n').at(-1)}`;
  }
  return undefined;
};

/** The oracle's answers to the cases, played in order on an empty database. */
export const recordWithOracle = async (cases: readonly OracleCase[]): Promise<RecordedCase[]> => {
  const dir = await mkdtemp(join(tmpdir(), 'signup-oracle-'));
  try {
    const input = join(dir, 'cases.json');
    const output = join(dir, 'recorded.json');
    await writeFile(input, JSON.stringify(cases.map(({ expect: _, ...request }) => request)));
    await execFileAsync(PYTHON, [join(oracleDir, 'record.py'), input, output], {
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONHASHSEED: '0' },
      maxBuffer: 64 * 1024 * 1024,
    });
    return JSON.parse(await readFile(output, 'utf8')) as RecordedCase[];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};
