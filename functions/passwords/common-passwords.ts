import { readFileSync } from 'node:fs';
import { pythonStripLines } from '../core/rules/python-text.ts';

/** Django's list sits beside this module, in the source tree and in the bundle alike. */
const LIST_FILE = new URL('./common-passwords.txt', import.meta.url);

let lines: string | undefined;

/**
 * Whether the lower-cased, stripped password is on Django's common-password list (lower-case, one a
 * line, stripped as Django strips it). Read on first use, so a cold start that checks no password
 * never pays for it, and kept as one string searched for `\n<candidate>\n`: nothing is built per
 * password (BENCHMARKS.md, steps 2 and 10).
 */
export const isCommonPassword = (candidate: string): boolean => {
  lines ??= `\n${pythonStripLines(readFileSync(LIST_FILE, 'utf8'))}\n`;
  // No password on the list holds a newline: such a candidate would match across two lines.
  return !candidate.includes('\n') && lines.includes(`\n${candidate}\n`);
};
