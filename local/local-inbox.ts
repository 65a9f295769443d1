import { once } from 'node:events';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { type AddressInfo, createServer } from 'node:net';

/** `aws-ses-v2-local`: the SESv2 API on this machine, keeping every mail in memory. CommonJS, hence require. */
const startSesV2Local = (
  createRequire(import.meta.url)('aws-ses-v2-local') as {
    default: (config: { host: string; port: number }) => Promise<Server>;
  }
).default;

export interface LocalInbox {
  /** The SES endpoint to send to; its page shows the mails, its `GET /store` lists them as JSON. */
  url: string;
  close(): Promise<void>;
}

/** Why a port cannot be listened on: the package keeps the error to itself, so the port is tried once more here. */
const listenError = async (port: number, host: string): Promise<NodeJS.ErrnoException> => {
  const probe = createServer();
  probe.listen(port, host);
  const [error] = (await Promise.race([once(probe, 'error'), once(probe, 'listening')])) as [
    NodeJS.ErrnoException | undefined,
  ];
  probe.close();
  return error ?? Object.assign(new Error(`port ${port} could not be listened on`), { code: 'EADDRINUSE' });
};

/**
 * Starts the local inbox on `port` (0: any free one) of the loopback interface. The package resolves
 * with its server even when the port was refused, so whether it listens is checked here, and the
 * error is the one listening would give (`code` EADDRINUSE, EACCES).
 */
export const startLocalInbox = async (port: number): Promise<LocalInbox> => {
  const host = '127.0.0.1';
  const server = await startSesV2Local({ host, port });
  if (!server.listening) {
    server.close();
    throw await listenError(port, host);
  }
  return {
    url: `http://${host}:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((closed) => {
        server.close(() => closed());
        server.closeAllConnections();
      }),
  };
};
