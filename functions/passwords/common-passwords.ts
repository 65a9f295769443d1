import { readFileSync } from 'node:fs';
import { pythonStripLines } from '../core/rules/python-text.ts';

/** Django's list sits beside this module, in the source tree and in the bundle alike. */
const LIST_FILE = new URL('./common-passwords.txt', import.meta.url);

let lines: string | undefined;

/**
 * Whether the lower-cased, stripped password is on Django's common-password list (lower-case, one a
 * line, each stripped as Django strips it). The list is read on first use and kept for the life of
 * the process: a cold start that never checks a password never pays for it. It stays one string
 * with a newline on either side of every password: nothing is built per password (a Set of the
 * 19,727 took 7 ms to build and 1.4 MB of heap), and a lookup is one substring search of 160 kB,
 * tens of microseconds. Read synchronously: once per process, a tenth of a millisecond, in the
 * middle of the rules' synchronous check. Kept as text rather than Django's gzip: zlib's first
 * inflate costs a cold start 2 ms.
 */
export const isCommonPassword = (candidate: string): boolean => {
  lines ??= `\n${pythonStripLines(readFileSync(LIST_FILE, 'utf8'))}\n`;
  // No password on the list holds a newline: such a candidate would match across two lines.
  return !candidate.includes('\n') && lines.includes(`\n${candidate}\n`);
};
