/**
 * Preloaded into `npm start`'s server by the benchmark (`node --import`), never part of the function:
 * counts the bcryptjs hashes the server computes, so that the benchmark can show that a rejection
 * ran none. Node preloads it in every thread, so it also runs in the server's hashing thread: there
 * it wraps that thread's bcryptjs and tells the main thread of each hash on a broadcast channel; the
 * main thread adds them up and answers `hashes?` on the IPC channel the benchmark opened. It also
 * adds up how long the synchronous hashes took, so that a signup can be set against its own hash.
 */
import { BroadcastChannel, isMainThread } from 'node:worker_threads';
import bcrypt from 'bcryptjs';

const channel = new BroadcastChannel('bench-hash-counter');
channel.unref();

let hashes = 0;
let hashMs = 0;
/** One hash, with its duration when it ran synchronously (0 for the callback and promise forms). */
const count = isMainThread
  ? (ms: number) => {
      hashes += 1;
      hashMs += ms;
    }
  : (ms: number) => channel.postMessage(ms);

const counted = <F extends (...args: never[]) => unknown>(method: F, synchronous: boolean): F =>
  function (this: unknown, ...args: Parameters<F>) {
    const started = performance.now();
    const result = Reflect.apply(method, this, args);
    count(synchronous ? performance.now() - started : 0);
    return result;
  } as F;

bcrypt.hash = counted(bcrypt.hash, false);
bcrypt.hashSync = counted(bcrypt.hashSync, true);

if (isMainThread) {
  channel.onmessage = (message) => count(Number((message as { data: unknown }).data));
  process.on('message', (message) => {
    if (message === 'hashes?') process.send?.({ hashes, hashMs });
  });
}
