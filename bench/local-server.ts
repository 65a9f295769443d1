import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = fileURLToPath(new URL('../', import.meta.url));
const hashCounter = fileURLToPath(new URL('./hash-counter.ts', import.meta.url));
const instantStoreModule = fileURLToPath(new URL('./instant-store.ts', import.meta.url));

export interface Answer {
  status: number;
  body: string;
  /** From sending the request to the last byte of the answer. */
  ms: number;
}

export interface BenchServer {
  /** POSTs a JSON body to the signup endpoint (or `path` on the API) over a kept-alive connection of `agent`. */
  post: (body: unknown, agent?: Agent, path?: string) => Promise<Answer>;
  /** The local inbox's URL, as the server printed it. */
  inboxUrl: string;
  /** How many bcryptjs hashes the server has computed since it started. */
  hashes: () => Promise<number>;
  /** How long the server's synchronous bcryptjs hashes took in all, in ms, since it started. */
  hashMs: () => Promise<number>;
  stop: () => Promise<void>;
}

/**
 * `npm start`'s server (local/server.ts) as a user starts it: on 127.0.0.1, a free port, an empty
 * DATA_DIR (the embedded DynamoDB on LevelDB) and the given bcrypt cost, with the hash counter
 * preloaded and an IPC channel to ask it.
 */
export const startBenchServer = async ({
  bcryptCost,
  nodeFlags = [],
  instantStore = false,
  environment = {},
}: {
  bcryptCost: number;
  /** More settings of the server, such as EMAIL_VERIFICATION. */
  environment?: Readonly<Record<string, string>>;
  /** Node flags for the server, such as `--cpu-prof` to see where a signup's time goes. */
  nodeFlags?: readonly string[];
  /** Whether the store's requests answer at once (bench/instant-store.ts) instead of reaching dynalite. */
  instantStore?: boolean;
}): Promise<BenchServer> => {
  const dataDir = await mkdtemp(join(tmpdir(), 'signup-bench-data-'));
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...nodeFlags,
      '--import',
      hashCounter,
      ...(instantStore ? ['--import', instantStoreModule] : []),
      'local/server.ts',
    ],
    {
      cwd: projectRoot,
      env: {
        ...process.env,
        ...environment,
        PORT: '0',
        DATA_DIR: dataDir,
        BCRYPT_COST: String(bcryptCost),
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    },
  );
  // The server logs a line per request: keep reading so that it never waits on a full pipe.
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const [endpoint, inboxUrl] = await new Promise<[URL, string]>((resolve, reject) => {
    const onData = () => {
      const api = /Signup API: (http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(output);
      const inbox = /Mail: local inbox (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (api?.[1] && inbox?.[1]) {
        child.stdout?.off('data', onData);
        resolve([new URL(api[1]), inbox[1]]);
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`the local server exited (${code}) before listening:\n${output}`)),
    );
  });

  const defaultAgent = new Agent({ keepAlive: true, maxSockets: 1 });
  const post = (body: unknown, agent: Agent = defaultAgent, path?: string): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const text = JSON.stringify(body);
      const started = performance.now();
      const outgoing = request(
        path === undefined ? endpoint : new URL(path, endpoint),
        {
          method: 'POST',
          agent,
          headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) },
        },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
          incoming.on('end', () =>
            resolve({
              status: incoming.statusCode ?? 0,
              body: Buffer.concat(chunks).toString('utf8'),
              ms: performance.now() - started,
            }),
          );
          incoming.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(text);
    });

  const hashCounts = (): Promise<{ hashes: number; hashMs: number }> =>
    new Promise((resolve) => {
      child.once('message', (message) => resolve(message as { hashes: number; hashMs: number }));
      child.send('hashes?');
    });
  const hashes = async () => (await hashCounts()).hashes;
  const hashMs = async () => (await hashCounts()).hashMs;

  const stop = async () => {
    defaultAgent.destroy();
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  };
  return { post, inboxUrl, hashes, hashMs, stop };
};
