import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { createDynamoDbClient } from '../functions/create-customer/dynamodb-client.ts';
import { signupFunctionMemoryMb, signupFunctionTimeoutSeconds } from '../lib/signup-function.ts';
import { stageConfigs } from '../lib/stage-config.ts';
import { ensureTable, startEmbeddedDynamoDb } from '../local/embedded-dynamodb.ts';
import { build } from './build.ts';

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** What Lambda hands the function, as far as a local run needs it. */
const lambdaContext = (): Context => {
  const deadline = Date.now() + signupFunctionTimeoutSeconds * 1000;
  const functionName = 'create-customer-local';
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: String(signupFunctionMemoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => deadline - Date.now(),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};

const [eventFile] = process.argv.slice(2);
if (eventFile === undefined) {
  console.error('usage: npm run invoke -- events/<file>.json');
  process.exit(2);
}
const event = JSON.parse(await readFile(eventFile, 'utf8')) as APIGatewayProxyEvent;

// The bundle as `npm run build` writes it, freshly built: the file Lambda runs, not the sources.
const { file } = await build();
// In memory unless DATA_DIR keeps the customers between runs.
const store = await startEmbeddedDynamoDb(process.env.DATA_DIR ? { dataDir: process.env.DATA_DIR } : {});
try {
  const tableName = process.env.TABLE_NAME ?? 'customers';
  const client = createDynamoDbClient({ endpoint: store.endpoint });
  await ensureTable(client, tableName);
  client.destroy();

  // The dev stage's settings, as the deployed function gets them, unless the environment says otherwise.
  const { dev } = stageConfigs;
  process.env.TABLE_NAME = tableName;
  process.env.DYNAMODB_ENDPOINT = store.endpoint;
  process.env.BCRYPT_COST ??= String(dev.bcryptCost);
  process.env.CORS_ORIGINS ??= dev.corsOrigins.join(',');

  const { handler } = (await import(pathToFileURL(file).href)) as { handler: Handler };
  console.log(JSON.stringify(await handler(event, lambdaContext()), null, 2));
} finally {
  await store.close();
}
