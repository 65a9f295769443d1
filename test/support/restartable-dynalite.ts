import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// dynalite is CommonJS without type declarations.
const dynalite = createRequire(import.meta.url)('dynalite') as (options: Record<string, unknown>) => Server;

export interface RestartableDynalite {
  endpoint: string;
  /** Stops the store as a crash would look to its clients: every connection dropped, nothing listening. */
  stop(): Promise<void>;
  /** Starts it again on the same port and the same data. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** A dynalite on LevelDB in a temporary directory, which a test may stop and start again under its clients. */
export const startRestartableDynalite = async (): Promise<RestartableDynalite> => {
  const dataDir = await mkdtemp(join(tmpdir(), 'dynalite-'));
  let server: Server | undefined;
  let port = 0;
  const listen = async () => {
    server = dynalite({ path: dataDir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  };
  const stop = async () => {
    const running = server;
    server = undefined;
    if (running === undefined) return;
    const closed = new Promise<void>((resolve, reject) =>
      running.close((error) => (error ? reject(error) : resolve())),
    );
    running.closeAllConnections();
    await closed;
  };
  await listen();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop,
    restart: listen,
    close: async () => {
      await stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
};
