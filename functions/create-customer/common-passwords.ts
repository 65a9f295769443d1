import { readFileSync } from 'node:fs';
import { pythonStripLines } from './rules/python-text.ts';

/** Django's list sits beside this module, in the source tree and in the bundle alike. */
const LIST_FILE = new URL('./common-passwords.txt', import.meta.url);

export interface CommonPasswords {
  /** Whether the lower-cased, stripped password is on the list. */
  has(candidate: string): boolean;
}

let loaded: Promise<CommonPasswords> | undefined;

/**
 * Django's common-password list (lower-case, one a line, each stripped as Django strips it), read on
 * first use and kept for the life of the process: a cold start that never checks a password never
 * pays for it. It stays one string with a newline on either side of every password: nothing is
 * built per password (a Set of the 19,727 took 7 ms to build and 1.4 MB of heap), and a lookup is
 * one substring search of 160 kB, tens of microseconds.
 */
export const loadCommonPasswords = (): Promise<CommonPasswords> => {
  loaded ??= new Promise((resolve) => {
    // Synchronous: once per process, a tenth of a millisecond, and a cold start's first answer waits
    // for it anyway. Kept as text rather than Django's gzip: zlib's first inflate costs a cold start 2 ms.
    const lines = `\n${pythonStripLines(readFileSync(LIST_FILE, 'utf8'))}\n`;
    resolve({
      // No password on the list holds a newline: such a candidate would match across two lines.
      has: (candidate) => !candidate.includes('\n') && lines.includes(`\n${candidate}\n`),
    });
  });
  return loaded;
};
