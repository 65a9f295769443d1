import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createDynamoDbClient, toDocumentClient } from '../../functions/dynamodb/client.ts';
import { ensureTable, startEmbeddedDynamoDb } from '../../local/embedded-dynamodb.ts';
import { startDynamoDbLocal } from './dynamodb-local.ts';

/** A store engine's running server. */
export interface RunningStore {
  endpoint: string;
  stop(): Promise<void>;
}

export interface StoreEngine {
  /** As a test title shows it (`describe.each(storeEngines)('on $name', …)`). */
  name: string;
  /** Starts an empty store of this engine, in memory, on a free loopback port. */
  start(): Promise<RunningStore>;
}

/** dynalite in this process: the engine of `npm start` and most tests. */
export const dynaliteEngine: StoreEngine = {
  name: 'dynalite',
  start: async () => {
    const dynalite = await startEmbeddedDynamoDb();
    return { endpoint: dynalite.endpoint, stop: dynalite.close };
  },
};

/** AWS's DynamoDB Local, a JVM: transactions, TTL and ReturnValuesOnConditionCheckFailure as DynamoDB has them. */
export const dynamoDbLocalEngine: StoreEngine = { name: 'DynamoDB Local', start: startDynamoDbLocal };

/** The engines a store suite runs on: `describe.each(storeEngines)('on $name', (engine) => …)`. */
export const storeEngines: readonly StoreEngine[] = [dynaliteEngine, dynamoDbLocalEngine];

/** Clients on a running store, and customers tables made on it under a prefix of their own. */
export interface StoreTables {
  client: DynamoDBClient;
  documentClient: DynamoDBDocumentClient;
  /** Creates a customers table (as `functions/dynamodb/customers-table.ts` defines it) and returns its name. */
  createTable(): Promise<string>;
  close(): void;
}

/** `requestTimeoutMs` replaces the production client's 1 s, for tests that count on no SDK retry. */
export const connectTables = (
  endpoint: string,
  { requestTimeoutMs }: { requestTimeoutMs?: number } = {},
): StoreTables => {
  const client = createDynamoDbClient({
    endpoint,
    ...(requestTimeoutMs === undefined ? {} : { requestTimeoutMs }),
  });
  const prefix = `customers-${randomUUID().slice(0, 8)}`;
  let tables = 0;
  return {
    client,
    documentClient: toDocumentClient(client),
    createTable: async () => {
      tables += 1;
      const name = `${prefix}-${tables}`;
      await ensureTable(client, name);
      return name;
    },
    close: () => client.destroy(),
  };
};

export interface StoreTable {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  readonly documentClient: DynamoDBDocumentClient;
  /** With `freshTablePerTest`, the current test's table. */
  readonly tableName: string;
}

/**
 * Starts `engine` before the tests of the calling `describe` block and stops it after them, with a
 * customers table. Call inside the block; read the fields inside tests and hooks.
 */
export const useStoreTable = (
  engine: StoreEngine,
  {
    freshTablePerTest = false,
    requestTimeoutMs,
  }: { freshTablePerTest?: boolean; requestTimeoutMs?: number } = {},
): StoreTable => {
  let store: RunningStore | undefined;
  let tables: StoreTables | undefined;
  let tableName: string | undefined;
  beforeAll(async () => {
    store = await engine.start();
    tables = connectTables(store.endpoint, { requestTimeoutMs });
    if (!freshTablePerTest) tableName = await tables.createTable();
  });
  afterAll(async () => {
    tables?.close();
    await store?.stop();
  });
  if (freshTablePerTest) {
    beforeEach(async () => {
      tableName = await started(tables).createTable();
    });
  }
  return {
    get endpoint() {
      return started(store).endpoint;
    },
    get client() {
      return started(tables).client;
    },
    get documentClient() {
      return started(tables).documentClient;
    },
    get tableName() {
      return started(tableName);
    },
  };
};

const started = <T>(value: T | undefined): T => {
  if (value === undefined)
    throw new Error('the store is read before its engine started: read it inside a test');
  return value;
};
