import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median, round, type Summary, summarise } from './stats.ts';
import type { WarmFunctionSamples } from './warm-function-driver.ts';

const driver = fileURLToPath(new URL('./warm-function-driver.ts', import.meta.url));
const signupEvent = fileURLToPath(new URL('../events/create-customer.json', import.meta.url));

export interface WarmFunctionResult {
  signup: Summary;
  hashAlone: Summary;
  emailRead: Summary;
  customerPut: Summary;
  /** Median signup over median hash alone. */
  ratio: number;
  /** Median signup over the median of the signups' own hashes. */
  ratioToOwnHash: number;
  /** Each sample's signup minus its hash, e-mail read and customer put: what the function adds. */
  pathBeyond: Summary;
  /** Each signup's own hash, from its request to its thread to the answer. */
  ownHash: Summary;
  /** The same as `pathBeyond` with each signup's own hash in place of the hash alone. */
  pathBeyondOwnHash: Summary;
}

/**
 * The deployed bundle's warm signups, invoked as Lambda invokes them in a process of their own
 * (`warm-function-driver.ts`), each against the hash and the two store requests alone.
 */
export const measureWarmFunction = ({
  bundle,
  environment,
  samples,
  warmUps,
  dataDir,
}: {
  bundle: string;
  environment: Record<string, string>;
  samples: number;
  warmUps: number;
  dataDir: string;
}): Promise<WarmFunctionResult> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [driver, bundle, signupEvent, String(samples), String(warmUps), dataDir],
      { env: environment, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] },
    );
    // The function logs a line or two per signup: kept only to explain a failure.
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    let measured: WarmFunctionSamples | undefined;
    child.on('message', (message) => {
      measured = message as WarmFunctionSamples;
    });
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0 || measured === undefined) {
        reject(new Error(`the warm function driver failed (exit ${code}):\n${output}`));
        return;
      }
      const { signup, ownHash, hash, emailRead, customerPut } = measured;
      const beyond = (hashes: number[]) =>
        signup.map(
          (ms, i) =>
            ms - (hashes[i] ?? Number.NaN) - (emailRead[i] ?? Number.NaN) - (customerPut[i] ?? Number.NaN),
        );
      resolve({
        signup: summarise(signup),
        hashAlone: summarise(hash),
        emailRead: summarise(emailRead),
        customerPut: summarise(customerPut),
        ratio: round(median(signup) / median(hash)),
        ratioToOwnHash: round(median(signup) / median(ownHash)),
        pathBeyond: summarise(beyond(hash)),
        ownHash: summarise(ownHash),
        pathBeyondOwnHash: summarise(beyond(ownHash)),
      });
    });
  });
