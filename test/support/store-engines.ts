import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createDynamoDbClient, toDocumentClient } from '../../functions/create-customer/dynamodb-client.ts';
import { ensureTable, startEmbeddedDynamoDb } from '../../local/embedded-dynamodb.ts';

export interface StoreEngine {
  name: string;
  start(): Promise<{ endpoint: string; stop(): Promise<void> }>;
}

export const storeEngines: StoreEngine[] = [
  {
    name: 'dynalite',
    start: async () => {
      const dynamoDb = await startEmbeddedDynamoDb();
      return { endpoint: dynamoDb.endpoint, stop: () => dynamoDb.close() };
    },
  },
];

export interface EngineTable {
  readonly documentClient: DynamoDBDocumentClient;
  /** The current test's own table. */
  readonly tableName: string;
}

/** Starts the engine for the calling `describe`, with a fresh customers table for each test. */
export const useEngineTable = (engine: StoreEngine): EngineTable => {
  let running: Awaited<ReturnType<StoreEngine['start']>> | undefined;
  let client: ReturnType<typeof createDynamoDbClient> | undefined;
  let documentClient: DynamoDBDocumentClient | undefined;
  let tableName = '';
  const prefix = `customers-${randomUUID().slice(0, 8)}`;
  let tables = 0;
  beforeAll(async () => {
    running = await engine.start();
    // A long timeout: a busy machine's slow answer is not a fault to retry (retries skip counter indices).
    client = createDynamoDbClient({ endpoint: running.endpoint, requestTimeoutMs: 30_000 });
    documentClient = toDocumentClient(client);
  });
  beforeEach(async () => {
    tables += 1;
    tableName = `${prefix}-${tables}`;
    if (client === undefined) throw new Error(`${engine.name} did not start`);
    await ensureTable(client, tableName);
  });
  afterAll(async () => {
    client?.destroy();
    await running?.stop();
  });
  return {
    get documentClient() {
      if (documentClient === undefined) throw new Error(`${engine.name} did not start`);
      return documentClient;
    },
    get tableName() {
      return tableName;
    },
  };
};
