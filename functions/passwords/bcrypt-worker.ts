/**
 * The thread that hashes passwords (see `password-hasher.ts`): one request at a time, answered in
 * order. The synchronous hash is right here: this thread has nothing else to do meanwhile.
 */
import { parentPort } from 'node:worker_threads';
import bcrypt from 'bcryptjs';

export interface HashRequest {
  id: number;
  password: string;
  cost: number;
}

export type HashAnswer = { id: number; hash: string } | { id: number; error: string };

if (parentPort === null) throw new Error('bcrypt-worker.ts runs as a worker thread only');
const port = parentPort;

port.on('message', ({ id, password, cost }: HashRequest) => {
  let answer: HashAnswer;
  try {
    answer = { id, hash: bcrypt.hashSync(password, cost) };
  } catch (error) {
    // Only the message crosses: a password never reaches an error bcryptjs builds.
    answer = { id, error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(answer);
});
