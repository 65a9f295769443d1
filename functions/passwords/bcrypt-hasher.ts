import type { Worker } from 'node:worker_threads';
import type { PasswordHasher } from '../core/password-hasher.ts';
import type { HashAnswer, HashRequest } from './bcrypt-worker.ts';

/**
 * The worker's file beside this module: the TypeScript source when Node strips its types (`npm start`,
 * vitest), the bundled `.mjs` when this module is in the bundle (`npm run build`).
 */
const workerFile = (): URL =>
  new URL(import.meta.url.endsWith('.ts') ? './bcrypt-worker.ts' : './bcrypt-worker.mjs', import.meta.url);

interface HashingThread {
  hash(password: string, cost: number): Promise<string>;
  /** Hashes asked of it and not answered yet. */
  readonly pending: number;
}

/** A worker thread that hashes, holding the process open only while a hash is pending. */
const startHashingThread = (onGone: () => void): HashingThread => {
  // Loaded here rather than imported: a cold start that never hashes does not pay for the module.
  const { Worker } = process.getBuiltinModule('node:worker_threads');
  const worker: Worker = new Worker(workerFile());
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
  // After the listeners: adding a 'message' listener holds the process open again.
  worker.unref();
  return {
    get pending() {
      return pending.size;
    },
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
 * bcryptjs on worker threads. A hash is tens to hundreds of milliseconds of CPU: on the event loop it
 * would hold up the requests the signup makes meanwhile (the slug claim), and every other request
 * `npm start` serves. A thread starts on first use and is kept; another starts only when a hash is
 * asked for while every thread is busy, up to one per core: Lambda, one request at a time, runs one;
 * `npm start` under load hashes on every core. If a thread dies, its pending hashes fail and the
 * next hash starts another.
 */
export const createBcryptHasher = (cost: number): PasswordHasher => {
  const threads: HashingThread[] = [];
  const start = (): HashingThread => {
    const started = startHashingThread(() => {
      const index = threads.indexOf(started);
      if (index >= 0) threads.splice(index, 1);
    });
    threads.push(started);
    return started;
  };
  const leastBusy = (): HashingThread => {
    const idle = threads.find((thread) => thread.pending === 0);
    if (idle !== undefined) return idle;
    if (threads.length < process.getBuiltinModule('node:os').availableParallelism()) return start();
    return threads.reduce((least, thread) => (thread.pending < least.pending ? thread : least));
  };
  return {
    prepare: () => {
      if (threads.length === 0) start();
    },
    hash: async (password) => `bcrypt$${await leastBusy().hash(password, cost)}`,
  };
};
