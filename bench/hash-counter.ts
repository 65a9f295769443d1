/**
 * Preloaded into `npm start`'s server by the benchmark (`node --import`), never part of the function:
 * counts the bcryptjs hashes the server computes, so that the benchmark can show that a rejection
 * ran none. Node preloads it in every thread, so it also runs in the server's hashing thread: there
 * it wraps that thread's bcryptjs and tells the main thread of each hash on a broadcast channel; the
 * main thread adds them up and answers `hashes?` on the IPC channel the benchmark opened.
 */
import { BroadcastChannel, isMainThread } from 'node:worker_threads';
import bcrypt from 'bcryptjs';

const channel = new BroadcastChannel('bench-hash-counter');
channel.unref();

let hashes = 0;
const count = isMainThread
  ? () => {
      hashes += 1;
    }
  : () => channel.postMessage('hash');

const counted = <F extends (...args: never[]) => unknown>(method: F): F =>
  function (this: unknown, ...args: Parameters<F>) {
    count();
    return Reflect.apply(method, this, args);
  } as F;

bcrypt.hash = counted(bcrypt.hash);
bcrypt.hashSync = counted(bcrypt.hashSync);

if (isMainThread) {
  channel.onmessage = () => {
    hashes += 1;
  };
  process.on('message', (message) => {
    if (message === 'hashes?') process.send?.({ hashes });
  });
}
