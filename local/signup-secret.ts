import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SettingError } from '../functions/settings.ts';
import { makeDirectories } from './embedded-dynamodb.ts';

/** The file under DATA_DIR that keeps the local run's secret, so links mailed before a restart still work after it. */
export const SIGNUP_SECRET_FILE = 'signup-secret';

const errorCode = (error: unknown): string | undefined => (error as NodeJS.ErrnoException).code;

const readKept = (file: string): string | undefined => {
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
};

/**
 * The signup secret of `npm start`: SIGNUP_SECRET when set, else the one kept in DATA_DIR, made
 * (256 random bits) the first time. A DATA_DIR that cannot keep it is refused as the store refuses it.
 */
export const localSignupSecret = (environment: NodeJS.ProcessEnv, dataDir: string): string => {
  if (environment.SIGNUP_SECRET) return environment.SIGNUP_SECRET;
  const file = join(dataDir, SIGNUP_SECRET_FILE);
  try {
    const kept = readKept(file);
    if (kept !== undefined) return kept;
    makeDirectories(dataDir);
    const secret = randomBytes(32).toString('base64url');
    // `wx`: a start that made one at the same moment keeps its own, and this one reads it.
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (error) {
    const code = errorCode(error);
    if (code === 'EEXIST') {
      const kept = readKept(file);
      if (kept !== undefined) return kept;
    }
    if (code === 'EEXIST' || code === 'ENOTDIR') {
      throw new SettingError(
        'DATA_DIR',
        `DATA_DIR=${dataDir} is not a directory (${code}): set DATA_DIR to a directory, created if missing`,
      );
    }
    throw new SettingError(
      'DATA_DIR',
      `DATA_DIR=${dataDir} cannot be written (${code}): set DATA_DIR to a directory you can write, or set SIGNUP_SECRET`,
    );
  }
};
