import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface LocalServer {
  baseUrl: string;
  /** The local inbox (SES's API; `GET /store` lists the mails), when npm start runs it. */
  inboxUrl: string | undefined;
  dataDir: string;
  /** Everything the server wrote, for tests that read its logs. */
  output: () => string;
  stop: () => Promise<void>;
}

const projectRoot = new URL('../../', import.meta.url);

const canListen = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });

/** A free port whose next two are free too: `npm start` serves the web form on PORT+1, the local inbox on PORT+2. */
const freePortTriple = async (): Promise<number> => {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 40_000);
    if ((await canListen(port)) && (await canListen(port + 1)) && (await canListen(port + 2))) return port;
  }
};

/** A start that lost its free port to another process between the probe and the server's listen. */
class PortTakenMeanwhile extends Error {}

/**
 * Starts `npm start`'s server as a user would, on a free port and an empty DATA_DIR, and waits for its
 * URL. Other test files start servers at the same time: a port found free may be taken before the
 * server listens on it, and then the start is tried again on other ports.
 */
export const startLocalServer = async (environment: Record<string, string> = {}): Promise<LocalServer> => {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startOnce(environment);
    } catch (error) {
      if (!(error instanceof PortTakenMeanwhile) || environment.PORT !== undefined || attempt === 5)
        throw error;
    }
  }
};

const startOnce = async (environment: Record<string, string>): Promise<LocalServer> => {
  const dataDir = environment.DATA_DIR ?? mkdtempSync(join(tmpdir(), 'signup-data-'));
  const child: ChildProcess = spawn(process.execPath, ['local/server.ts'], {
    cwd: projectRoot,
    env: {
      ...process.env,
      PORT: String(await freePortTriple()),
      BCRYPT_COST: '4',
      ...environment,
      DATA_DIR: dataDir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /Signup API: (http:\/\/[^/\s]+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) =>
      reject(
        /^PORT=\d+: port \d+.* is in use/m.test(output)
          ? new PortTakenMeanwhile(output)
          : new Error(`the server exited (${code}) before listening:\n${output}`),
      ),
    );
  });
  return {
    baseUrl,
    inboxUrl: /Mail: local inbox (http:\/\/[^/\s]+)/.exec(output)?.[1],
    dataDir,
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        // Exited already, with a code or by a signal: no 'exit' is coming.
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGINT');
      }),
  };
};
