import { pathToFileURL } from 'node:url';
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../functions/dynamodb/client.ts';
import { customersTable } from '../functions/dynamodb/customers-table.ts';

/** The public fields the slug index projects, for the customer holding `slug`; undefined if none does. */
export const findCustomerBySlug = async (
  db: DynamoDBDocumentClient,
  tableName: string,
  slug: string,
): Promise<Record<string, unknown> | undefined> => {
  const { Items = [] } = await db.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: customersTable.slugIndex.indexName,
      KeyConditionExpression: '#slug = :slug',
      ExpressionAttributeNames: { '#slug': customersTable.slugIndex.partitionKey },
      ExpressionAttributeValues: { ':slug': slug },
    }),
  );
  const [item] = Items;
  if (item === undefined) return undefined;
  const { pk: _key, ...customer } = item;
  return customer;
};

// An operator's lookup: `npm run find-customer -- <slug>`, on TABLE_NAME (and DYNAMODB_ENDPOINT, if set).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [slug] = process.argv.slice(2);
  const tableName = process.env.TABLE_NAME;
  if (slug === undefined || !tableName) {
    console.error('usage: TABLE_NAME=<table> [DYNAMODB_ENDPOINT=<url>] npm run find-customer -- <slug>');
    process.exit(2);
  }
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  const db = createDocumentClient(endpoint ? { endpoint } : {});
  const customer = await findCustomerBySlug(db, tableName, slug);
  db.destroy();
  if (customer === undefined) {
    console.error(`No customer has the slug "${slug}".`);
    process.exit(1);
  }
  console.log(JSON.stringify(customer, null, 2));
}
