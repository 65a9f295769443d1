import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeEach } from 'vitest';
import { startEmbeddedDynamoDb } from '../../local/embedded-dynamodb.ts';
import { connectTables } from './store-engines.ts';

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
  const tables = connectTables(dynamoDb.endpoint);
  afterAll(async () => {
    tables.close();
    await dynamoDb.close();
  });

  let tableName = await tables.createTable();
  if (freshTablePerTest) {
    beforeEach(async () => {
      tableName = await tables.createTable();
    });
  }

  return {
    endpoint: dynamoDb.endpoint,
    client: tables.client,
    documentClient: tables.documentClient,
    get tableName() {
      return tableName;
    },
  };
};
