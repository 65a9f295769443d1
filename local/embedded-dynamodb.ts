import { once } from 'node:events';
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { createTableInput, customersTable } from '../functions/dynamodb/customers-table.ts';
import { SettingError } from '../functions/settings.ts';

interface DynaliteOptions {
  /** LevelDB directory; in memory when absent. */
  path?: string;
  createTableMs: number;
  deleteTableMs: number;
  updateTableMs: number;
}

// dynalite is CommonJS without type declarations.
const dynalite = createRequire(import.meta.url)('dynalite') as (options: DynaliteOptions) => Server;

interface LevelDatabase {
  open(): Promise<void>;
  close(): Promise<void>;
}
/** The LevelDB binding dynalite stores its data with: the one whose lock decides who owns a directory. */
const { Level } = createRequire(createRequire(import.meta.url).resolve('dynalite'))('level') as {
  Level: new (location: string) => LevelDatabase;
};

const errorCode = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
};

/**
 * `mkdir -p` one level at a time: Node's recursive mkdir retries forever where a directory exists
 * but refuses new entries with ENOENT, as /proc does.
 */
export const makeDirectories = (directory: string): void => {
  const missing: string[] = [];
  for (
    let current = resolve(directory);
    statSync(current, { throwIfNoEntry: false }) === undefined;
    current = dirname(current)
  ) {
    missing.unshift(current);
    if (dirname(current) === current) break;
  }
  for (const level of missing) {
    try {
      mkdirSync(level);
    } catch (error) {
      // Made by another process meanwhile: the checks after it say whether it is a directory.
      if (errorCode(error) !== 'EEXIST') throw error;
    }
  }
  // As mkdir -p: a file in the directory's place is an error.
  if (!statSync(directory).isDirectory()) {
    throw Object.assign(new Error(`${directory} is not a directory`), { code: 'EEXIST' });
  }
};

/**
 * Makes `dataDir` ready for dynalite, or says in one line why it cannot be: dynalite itself opens
 * LevelDB in the background and answers every request "Database is closed" when that failed.
 */
const prepareDataDir = async (dataDir: string): Promise<void> => {
  const refuse = (why: string) => new SettingError('DATA_DIR', `DATA_DIR=${dataDir} ${why}`);
  try {
    makeDirectories(dataDir);
    accessSync(dataDir, constants.W_OK);
  } catch (error) {
    const code = errorCode(error);
    const existing = statSync(dataDir, { throwIfNoEntry: false });
    if (code === 'EEXIST' || code === 'ENOTDIR' || (existing !== undefined && !existing.isDirectory())) {
      throw refuse(`is not a directory (${code}): set DATA_DIR to a directory, created if missing`);
    }
    throw refuse(`cannot be written (${code}): set DATA_DIR to a directory you can write`);
  }
  const probe = new Level(dataDir);
  try {
    await probe.open();
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    if (errorCode(cause) === 'LEVEL_LOCKED') {
      throw refuse(
        'is in use by another `npm start` or `npm run invoke`: stop that one, or set DATA_DIR to another directory',
      );
    }
    throw refuse(
      `cannot be opened as a database (${(cause as Error | undefined)?.message ?? errorCode(error)})`,
    );
  }
  await probe.close();
};

/**
 * Counts the requests dynalite is still working on, to close its LevelDB only after the last: an
 * action outlives its client's connection, and one that reaches LevelDB after the close throws
 * "Database is closed" where nothing catches it. dynalite ends each request with `res.end`.
 */
export const trackRequests = (server: Server) => {
  let working = 0;
  let idle = Promise.withResolvers<void>();
  idle.resolve();
  server.prependListener('request', (_, response) => {
    if (working++ === 0) idle = Promise.withResolvers<void>();
    const end = response.end.bind(response);
    let ended = false;
    response.end = ((...args: Parameters<typeof end>) => {
      if (!ended && --working === 0) idle.resolve();
      ended = true;
      return end(...args);
    }) as typeof response.end;
  });
  return {
    /** Settles once no request is being worked on. */
    idle: async (): Promise<void> => {
      while (working > 0) await idle.promise;
    },
  };
};

export interface EmbeddedDynamoDb {
  endpoint: string;
  /** Stops the server and closes LevelDB, which writes everything out for the next start. */
  close(): Promise<void>;
}

/** Starts dynalite in this process on 127.0.0.1 and a free port: in memory, or in LevelDB under `dataDir`. */
export const startEmbeddedDynamoDb = async ({
  dataDir,
}: {
  dataDir?: string;
} = {}): Promise<EmbeddedDynamoDb> => {
  if (dataDir !== undefined) await prepareDataDir(dataDir);
  const server = dynalite({
    ...(dataDir === undefined ? {} : { path: dataDir }),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  const requests = trackRequests(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: async () => {
      const closed = new Promise<void>((resolve, reject) => {
        // dynalite's close waits for the HTTP server (idle kept-alive sockets are closed), then for
        // pending writes, then closes LevelDB.
        server.close((error) => (error ? reject(error) : resolve()));
      });
      await requests.idle();
      server.closeAllConnections();
      await closed;
    },
  };
};

/** Creates the customers table unless it exists, waits until it is active, and enables TTL where supported. */
export const ensureTable = async (client: DynamoDBClient, tableName: string): Promise<void> => {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (error) {
    if (!(error instanceof Error && error.name === 'ResourceNotFoundException')) throw error;
    try {
      await client.send(new CreateTableCommand(createTableInput(tableName)));
    } catch (createError) {
      // Created by another process meanwhile.
      if (!(createError instanceof Error && createError.name === 'ResourceInUseException')) throw createError;
    }
  }
  // dynalite flips the table to ACTIVE just after answering, so poll briefly rather than the default 20 s.
  await waitUntilTableExists(
    { client, minDelay: 0.02, maxDelay: 1, maxWaitTime: 60 },
    { TableName: tableName },
  );
  await enableTimeToLive(client, tableName);
};

/** The indexes of the table's definition that a table kept from an older version lacks. */
export const missingIndexes = async (client: DynamoDBClient, tableName: string): Promise<string[]> => {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const present = new Set((Table?.GlobalSecondaryIndexes ?? []).map(({ IndexName }) => IndexName));
  return (createTableInput(tableName).GlobalSecondaryIndexes ?? [])
    .map(({ IndexName }) => IndexName ?? '')
    .filter((name) => !present.has(name));
};

const enableTimeToLive = async (client: DynamoDBClient, tableName: string): Promise<void> => {
  const { TimeToLiveDescription } = await client.send(
    new DescribeTimeToLiveCommand({ TableName: tableName }),
  );
  const status = TimeToLiveDescription?.TimeToLiveStatus;
  if (status === 'ENABLED' || status === 'ENABLING') return;
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: customersTable.timeToLiveAttribute, Enabled: true },
      }),
    );
  } catch (error) {
    // dynalite has no UpdateTimeToLive (nor expiry): expired idempotency records must be ignored on read.
    if (!(error instanceof Error && error.name === 'UnknownOperationException')) throw error;
  }
};
