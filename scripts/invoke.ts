import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { STATUS_CODES } from 'node:http';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { createDynamoDbClient } from '../functions/dynamodb/client.ts';
import { signupFunctionMemoryMb, signupFunctionTimeoutSeconds } from '../lib/signup-function.ts';
import { stageConfigs } from '../lib/stage-config.ts';
import { type EmbeddedDynamoDb, ensureTable, startEmbeddedDynamoDb } from '../local/embedded-dynamodb.ts';
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

const USAGE = 'usage: npm run invoke -- [--headers] events/<file>.json';

/** The answer as a person reads it: the status, the headers if asked for, then the body, pretty when JSON. */
const formatAnswer = (answer: APIGatewayProxyResult, withHeaders: boolean): string => {
  const lines = [`${answer.statusCode} ${STATUS_CODES[answer.statusCode] ?? ''}`.trimEnd()];
  if (withHeaders) {
    for (const [name, value] of Object.entries(answer.headers ?? {})) lines.push(`${name}: ${value}`);
    for (const [name, values] of Object.entries(answer.multiValueHeaders ?? {}))
      for (const value of values) lines.push(`${name}: ${value}`);
  }
  lines.push('');
  try {
    lines.push(JSON.stringify(JSON.parse(answer.body), null, 2));
  } catch {
    lines.push(answer.body);
  }
  return lines.join('\n');
};

const invoke = async (): Promise<string> => {
  const { values, positionals } = parseArgs({
    options: { headers: { type: 'boolean', default: false } },
    allowPositionals: true,
  });
  const [eventFile] = positionals;
  if (eventFile === undefined || positionals.length > 1) throw new Error(USAGE);
  const event = JSON.parse(await readFile(eventFile, 'utf8')) as APIGatewayProxyEvent;

  // In memory unless DATA_DIR keeps the customers between runs; first, so that a DATA_DIR in use
  // is said before the build.
  const store: EmbeddedDynamoDb = await startEmbeddedDynamoDb(
    process.env.DATA_DIR ? { dataDir: process.env.DATA_DIR } : {},
  );
  try {
    // The bundle as `npm run build` writes it, freshly built: the file Lambda runs, not the sources.
    const { file } = await build();
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
    return formatAnswer(await handler(event, lambdaContext()), values.headers);
  } finally {
    await store.close();
  }
};

try {
  console.log(await invoke());
} catch (error) {
  // One line for a person, never a stack.
  const message = error instanceof Error ? error.message : String(error);
  // By name: the bundle refuses its settings with its own copy of SettingError.
  const setting = error instanceof Error && error.name === 'SettingError';
  console.error(setting ? message : `npm run invoke failed: ${message.split('\n')[0]}`);
  process.exitCode = 1;
}
