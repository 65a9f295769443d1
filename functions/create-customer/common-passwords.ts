import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { pythonStrip } from './rules/python-text.ts';

const gunzipAsync = promisify(gunzip);

/** Django's list sits beside this module, in the source tree and in the bundle alike. */
const LIST_FILE = new URL('./common-passwords.txt.gz', import.meta.url);

let loaded: Promise<ReadonlySet<string>> | undefined;

/**
 * Django's common-password list (lower-case, one a line), read on first use and kept for the life
 * of the process: a cold start that never checks a password never pays for it.
 */
export const loadCommonPasswords = (): Promise<ReadonlySet<string>> => {
  loaded ??= readFile(LIST_FILE)
    .then((compressed) => gunzipAsync(compressed))
    .then((text) => new Set(text.toString('utf8').split('\n').map(pythonStrip)));
  return loaded;
};
