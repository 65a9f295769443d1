import { ensureDynamoDbLocal } from '../../scripts/dynamodb-local.ts';

/** Once per run, before any test file: a fresh clone's first run fetches DynamoDB Local for the store suites. */
export default async function setup(): Promise<void> {
  await ensureDynamoDbLocal();
}
