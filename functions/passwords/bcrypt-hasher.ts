import type { Worker } from 'node:worker_threads';
import type { PasswordHasher } from '../core/password-hasher.ts';
import { limits } from '../core/rules/limits.ts';
import type { BcryptAnswer, BcryptRequest } from './bcrypt-worker.ts';

/**
 * The worker's file beside this module: the TypeScript source when Node strips its types (`npm start`,
 * vitest), the bundled `.mjs` when this module is in the bundle (`npm run build`).
 */
const workerFile = (): URL =>
  new URL(import.meta.url.endsWith('.ts') ? './bcrypt-worker.ts' : './bcrypt-worker.mjs', import.meta.url);

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
/** What a thread is asked: a request without the id it is sent with. */
type ThreadRequest = WithoutId<BcryptRequest>;

interface HashingThread {
  ask(request: ThreadRequest): Promise<BcryptAnswer>;
  /** Requests asked of it and not answered yet. */
  readonly pending: number;
}

/** A worker thread that hashes and checks, holding the process open only while a request is pending. */
const startHashingThread = (onGone: () => void): HashingThread => {
  // Loaded here rather than imported: a cold start that never hashes does not pay for the module.
  const { Worker } = process.getBuiltinModule('node:worker_threads');
  const worker: Worker = new Worker(workerFile());
  const pending = new Map<number, PromiseWithResolvers<BcryptAnswer>>();
  let nextId = 0;
  worker.on('message', (answer: BcryptAnswer) => {
    const waiting = pending.get(answer.id);
    pending.delete(answer.id);
    if (pending.size === 0) worker.unref();
    if ('error' in answer) waiting?.reject(new Error(`bcrypt failed: ${answer.error}`));
    else waiting?.resolve(answer);
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
    ask: (request) => {
      const id = nextId++;
      const waiting = Promise.withResolvers<BcryptAnswer>();
      pending.set(id, waiting);
      worker.ref();
      worker.postMessage({ ...request, id } satisfies BcryptRequest);
      return waiting.promise;
    },
  };
};

/** Django's BCryptPasswordHasher writes its name before bcrypt's own `$2b$…`. */
const DJANGO_BCRYPT_PREFIX = 'bcrypt$';

/**
 * bcryptjs on worker threads. A hash (and a check, which is a hash) is tens to hundreds of milliseconds of CPU: on the event loop it
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
    hash: async (password) => {
      const answer = await leastBusy().ask({ kind: 'hash', password, cost });
      if (!('hash' in answer)) throw new Error('the bcrypt worker answered a hash with something else');
      return `${DJANGO_BCRYPT_PREFIX}${answer.hash}`;
    },
    verify: async (password, stored) => {
      if (!stored.startsWith(DJANGO_BCRYPT_PREFIX)) return false;
      // bcrypt reads only so many bytes: a longer password would pass for the hash of its start.
      if (Buffer.byteLength(password, 'utf8') > limits.passwordMaxBytes) return false;
      const answer = await leastBusy().ask({
        kind: 'verify',
        password,
        hash: stored.slice(DJANGO_BCRYPT_PREFIX.length),
      });
      if (!('matches' in answer)) throw new Error('the bcrypt worker answered a check with something else');
      return answer.matches;
    },
  };
};
