import type { Worker } from 'node:worker_threads';
import type { HashAnswer, HashRequest } from './bcrypt-worker.ts';

export interface PasswordHasher {
  /** The password as Django's BCryptPasswordHasher stores it: `bcrypt$$2b$<cost>$…`. */
  hash(password: string): Promise<string>;
  /** Makes ready what the first hash needs, so that it starts at once: called when a hash is likely. */
  prepare(): void;
}

/**
 * The worker's file beside this module: the TypeScript source when Node strips its types (`npm start`,
 * vitest), the bundled `.mjs` when this module is in the bundle (`npm run build`).
 */
const workerFile = (): URL =>
  new URL(import.meta.url.endsWith('.ts') ? './bcrypt-worker.ts' : './bcrypt-worker.mjs', import.meta.url);

interface HashingThread {
  hash(password: string, cost: number): Promise<string>;
}

/** A worker thread that hashes, holding the process open only while a hash is pending. */
const startHashingThread = (onGone: () => void): HashingThread => {
  // Loaded here rather than imported: a cold start that never hashes does not pay for the module.
  const { Worker } = process.getBuiltinModule('node:worker_threads');
  const worker: Worker = new Worker(workerFile());
  worker.unref();
  const pending = new Map<number, PromiseWithResolvers<string>>();
  let nextId = 0;
  worker.on('message', (answer: HashAnswer) => {
    const waiting = pending.get(answer.id);
    pending.delete(answer.id);
    if (pending.size === 0) worker.unref();
    if ('hash' in answer) waiting?.resolve(answer.hash);
    else waiting?.reject(new Error(`bcrypt failed: ${answer.error}`));
  });
  const gone = (error: Error) => {
    onGone();
    for (const waiting of pending.values()) waiting.reject(error);
    pending.clear();
  };
  worker.on('error', gone);
  worker.on('exit', (code) => gone(new Error(`the bcrypt worker exited with code ${code}`)));
  return {
    hash: (password, cost) => {
      const id = nextId++;
      const waiting = Promise.withResolvers<string>();
      pending.set(id, waiting);
      worker.ref();
      worker.postMessage({ id, password, cost } satisfies HashRequest);
      return waiting.promise;
    },
  };
};

/**
 * bcryptjs on a worker thread. A hash is tens to hundreds of milliseconds of CPU: on the event loop it
 * would hold up the requests the signup makes meanwhile (the slug claim), and every other request
 * `npm start` serves. The thread starts on first use and is kept; if it dies, its pending hashes fail
 * and the next hash starts another.
 */
export const createBcryptHasher = (cost: number): PasswordHasher => {
  let thread: HashingThread | undefined;
  const ready = (): HashingThread => {
    if (thread === undefined) {
      const started = startHashingThread(() => {
        if (thread === started) thread = undefined;
      });
      thread = started;
    }
    return thread;
  };
  return {
    prepare: () => {
      ready();
    },
    hash: async (password) => `bcrypt$${await ready().hash(password, cost)}`,
  };
};
