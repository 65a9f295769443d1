import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The customers table, defined once: the CDK stack and the local store both build it from here,
 * so the table that tests run against is the table that is deployed.
 *
 * One partition key holds several kinds of item, told apart by a prefix:
 * - `customer#<emailKey>`: the customer; its conditional put is the e-mail uniqueness check.
 * - `slug#<slug>`: the reservation of a slug; its conditional put is the slug uniqueness check.
 * - `slug-next#<base>`: the suffix counter of a slug base.
 * - `idempotency#…`: remembered answers to requests with an Idempotency-Key.
 * - `signup-request#<keyed digest>`: the slug reservations a keyed signup wrote customers under, for its retries.
 * - `mail-quota#<emailKey>#<YYYY-MM-DD>`: the verification mails sent to an address that day.
 */
export const customersTable = {
  partitionKey: 'pk',
  /** The item prefixes above, for the function's `dynamodb:LeadingKeys` grants. */
  keyPrefixes: {
    customer: 'customer#',
    slug: 'slug#',
    slugCounter: 'slug-next#',
    idempotency: 'idempotency#',
    signupRequest: 'signup-request#',
    mailQuota: 'mail-quota#',
  },
  /**
   * Only customer items carry `slug`, so the index holds exactly one item per customer. It projects
   * the public fields only: no password hash is copied into it.
   */
  slugIndex: {
    indexName: 'slug-index',
    partitionKey: 'slug',
    projectedAttributes: ['email', 'first_name', 'last_name', 'date_of_birth', 'created_at', 'is_active'],
  },
  /**
   * Only customer items with a verification link carry `token_hash`: the verify route finds the
   * account of a link by its token's hash. Keys only: the customer is then read from the table.
   */
  tokenIndex: {
    indexName: 'token-index',
    partitionKey: 'token_hash',
  },
  /**
   * Epoch seconds after which DynamoDB may delete the item: idempotency records, signup request
   * markers, mail quotas, pending accounts.
   */
  timeToLiveAttribute: 'expiration',
} as const;

/** The CreateTable request for the local store and the tests (the stack declares the same shape in CDK). */
export const createTableInput = (tableName: string): CreateTableCommandInput => ({
  TableName: tableName,
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [
    { AttributeName: customersTable.partitionKey, AttributeType: 'S' },
    { AttributeName: customersTable.slugIndex.partitionKey, AttributeType: 'S' },
    { AttributeName: customersTable.tokenIndex.partitionKey, AttributeType: 'S' },
  ],
  KeySchema: [{ AttributeName: customersTable.partitionKey, KeyType: 'HASH' }],
  GlobalSecondaryIndexes: [
    {
      IndexName: customersTable.slugIndex.indexName,
      KeySchema: [{ AttributeName: customersTable.slugIndex.partitionKey, KeyType: 'HASH' }],
      Projection: {
        ProjectionType: 'INCLUDE',
        NonKeyAttributes: [...customersTable.slugIndex.projectedAttributes],
      },
    },
    {
      IndexName: customersTable.tokenIndex.indexName,
      KeySchema: [{ AttributeName: customersTable.tokenIndex.partitionKey, KeyType: 'HASH' }],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    },
  ],
});
