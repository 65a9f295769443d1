import { createDynamoDbClient, toDocumentClient } from '../functions/dynamodb/client.ts';
import { createDynamoDbCustomerStore } from '../functions/dynamodb/customer-store.ts';
import { ensureTable, startEmbeddedDynamoDb } from '../local/embedded-dynamodb.ts';

export interface StoreRequests {
  /** The embedded DynamoDB's endpoint, for a function to share the engine with. */
  endpoint: string;
  /** One e-mail read as a signup makes it, timed: the e-mail is new. */
  emailRead: (sample: number) => Promise<number>;
  /** One customer's put as a signup makes it after its hash, timed; its slug claim beforehand is not. */
  customerPut: (sample: number) => Promise<number>;
  close: () => Promise<void>;
}

const timed = async (request: () => Promise<unknown>): Promise<number> => {
  const started = performance.now();
  await request();
  return performance.now() - started;
};

/**
 * The two requests a warm signup cannot do without, each alone, through the signup's own store and
 * client options, on an embedded DynamoDB in this process on LevelDB under `dataDir`: the process
 * whose function shares the engine (`endpoint`), so that the requests alone and the signup's own
 * pay for the engine on the same thread.
 */
export const storeRequests = async (dataDir: string, tableName: string): Promise<StoreRequests> => {
  const dynamoDb = await startEmbeddedDynamoDb({ dataDir });
  const client = createDynamoDbClient({ endpoint: dynamoDb.endpoint });
  await ensureTable(client, tableName);
  const store = createDynamoDbCustomerStore(toDocumentClient(client), tableName);
  const passwordHash = `bcrypt$$2b$10$${'a'.repeat(53)}`;
  return {
    endpoint: dynamoDb.endpoint,
    emailRead: (sample) => timed(() => store.findEmailHolder(`bench-read-${sample}@example.com`)),
    customerPut: async (sample) => {
      const emailKey = `bench-put-${sample}@example.com`;
      const slugBase = `bench-put-${sample}`;
      const claim = await store.claimSlug(slugBase, emailKey);
      return timed(() =>
        store.createCustomer(
          {
            emailKey,
            email: emailKey,
            first_name: 'Bench',
            last_name: 'Put',
            date_of_birth: '1990-01-15',
            passwordHash,
            slugBase,
          },
          claim,
        ),
      );
    },
    close: async () => {
      client.destroy();
      await dynamoDb.close();
    },
  };
};
