import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { createConnection, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trackRequests } from '../../local/embedded-dynamodb.ts';

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

/**
 * A dynalite on LevelDB in a temporary directory, which a test may stop and start again under its
 * clients. The clients reach it through a TCP relay on the endpoint's port: stopping drops every
 * connection and stops listening there, while dynalite finishes the requests it had, as DynamoDB
 * would finish a write whose answer is lost. Closing dynalite's LevelDB under requests it was still
 * working on can make one of them throw "Database is closed" where nothing catches it.
 */
export const startRestartableDynalite = async (): Promise<RestartableDynalite> => {
  const dataDir = await mkdtemp(join(tmpdir(), 'dynalite-'));
  const store = dynalite({ path: dataDir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const requests = trackRequests(store);
  store.listen(0, '127.0.0.1');
  await once(store, 'listening');
  const storePort = (store.address() as AddressInfo).port;

  const sockets = new Set<Socket>();
  const keep = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    // A reset from either side ends both; the relay itself never fails a test.
    socket.on('error', () => undefined);
  };
  const relay = createServer((client) => {
    const upstream = createConnection(storePort, '127.0.0.1');
    keep(client);
    keep(upstream);
    client.pipe(upstream).pipe(client);
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });
  let port = 0;
  const listen = async () => {
    relay.listen(port, '127.0.0.1');
    await once(relay, 'listening');
    port = (relay.address() as AddressInfo).port;
  };
  const stop = async () => {
    if (!relay.listening) return;
    const closed = new Promise((resolve) => relay.close(resolve));
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  await listen();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop,
    restart: listen,
    close: async () => {
      await stop();
      // LevelDB closes only once dynalite has finished every request it was given.
      await requests.idle();
      const closed = new Promise<void>((resolve, reject) =>
        store.close((error) => (error ? reject(error) : resolve())),
      );
      store.closeAllConnections();
      await closed;
      await rm(dataDir, { recursive: true, force: true });
    },
  };
};
