/**
 * Preloaded into `npm start`'s server by the benchmark (`node --import`), never part of the function:
 * counts the bcryptjs hashes the server computes, so that the benchmark can show that a rejection
 * ran none. It wraps the methods of the bcryptjs module the server itself imports (one module
 * instance per process) and answers `hashes?` on the IPC channel the benchmark opened.
 */
import bcrypt from 'bcryptjs';

let hashes = 0;

const counted = <F extends (...args: never[]) => unknown>(method: F): F =>
  function (this: unknown, ...args: Parameters<F>) {
    hashes += 1;
    return Reflect.apply(method, this, args);
  } as F;

bcrypt.hash = counted(bcrypt.hash);
bcrypt.hashSync = counted(bcrypt.hashSync);

process.on('message', (message) => {
  if (message === 'hashes?') process.send?.({ hashes });
});
