/**
 * The cold-start baseline: a function that only constructs the DynamoDB document client, bundled
 * with the signup's own esbuild options. No signup can start faster than the SDK it needs.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export const handler = async () => ({
  statusCode: 400,
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ client: db.constructor.name }),
});
