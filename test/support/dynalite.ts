import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeEach } from 'vitest';
import { createDynamoDbClient, toDocumentClient } from '../../functions/create-customer/dynamodb-client.ts';
import { ensureTable, startEmbeddedDynamoDb } from '../../local/embedded-dynamodb.ts';

export interface EmbeddedTable {
  endpoint: string;
  client: DynamoDBClient;
  documentClient: DynamoDBDocumentClient;
  /** With `freshTablePerTest`, the current test's table: read it inside the test. */
  readonly tableName: string;
}

/**
 * Starts an in-memory dynalite for the calling test file, with a customers table of its own, and
 * stops it after the file. Call at the top level: `const db = await useEmbeddedTable();`.
 */
export const useEmbeddedTable = async ({ freshTablePerTest = false } = {}): Promise<EmbeddedTable> => {
  const dynamoDb = await startEmbeddedDynamoDb();
  const client = createDynamoDbClient({ endpoint: dynamoDb.endpoint });
  afterAll(async () => {
    client.destroy();
    await dynamoDb.close();
  });

  const prefix = `customers-${randomUUID().slice(0, 8)}`;
  let tables = 0;
  const createTable = async (): Promise<string> => {
    tables += 1;
    const name = `${prefix}-${tables}`;
    await ensureTable(client, name);
    return name;
  };
  let tableName = await createTable();
  if (freshTablePerTest) {
    beforeEach(async () => {
      tableName = await createTable();
    });
  }

  return {
    endpoint: dynamoDb.endpoint,
    client,
    documentClient: toDocumentClient(client),
    get tableName() {
      return tableName;
    },
  };
};
