import {
  dynamoDbLocalPackage,
  ensureDynamoDbLocal,
  isDynamoDbLocalCached,
} from '../../scripts/dynamodb-local.ts';

/** Once per run, before any test file: a fresh clone's first run fetches DynamoDB Local for the store suites. */
export default async function setup(): Promise<void> {
  if (await isDynamoDbLocalCached()) return;
  console.log(`Fetching DynamoDB Local for the store tests (${dynamoDbLocalPackage.spec}, 56 MB)`);
  try {
    await ensureDynamoDbLocal();
  } catch (error) {
    // The other tests still run; those on DynamoDB Local fail, each saying it is missing.
    console.error((error as Error).message);
  }
}
