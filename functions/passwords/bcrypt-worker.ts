/**
 * The thread that hashes and checks passwords (see `bcrypt-hasher.ts`): one request at a time,
 * answered in order. The synchronous calls are right here: this thread has nothing else to do meanwhile.
 */
import { parentPort } from 'node:worker_threads';
import bcrypt from 'bcryptjs';

export type BcryptRequest =
  | { id: number; kind: 'hash'; password: string; cost: number }
  | { id: number; kind: 'verify'; password: string; hash: string };

export type BcryptAnswer =
  | { id: number; hash: string }
  | { id: number; matches: boolean }
  | { id: number; error: string };

if (parentPort === null) throw new Error('bcrypt-worker.ts runs as a worker thread only');
const port = parentPort;

port.on('message', (request: BcryptRequest) => {
  const { id } = request;
  let answer: BcryptAnswer;
  try {
    answer =
      request.kind === 'hash'
        ? { id, hash: bcrypt.hashSync(request.password, request.cost) }
        : { id, matches: bcrypt.compareSync(request.password, request.hash) };
  } catch (error) {
    // Only the message crosses: a password never reaches an error bcryptjs builds.
    answer = { id, error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(answer);
});
