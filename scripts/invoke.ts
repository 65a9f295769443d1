import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { STATUS_CODES } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { createDynamoDbClient } from '../functions/dynamodb/client.ts';
import { type FunctionName, functionNames } from '../lib/bundling.ts';
import { functionSettings } from '../lib/service-function.ts';
import { stageConfigs } from '../lib/stage-config.ts';
import { type EmbeddedDynamoDb, ensureTable, startEmbeddedDynamoDb } from '../local/embedded-dynamodb.ts';
import { localSignupSecret } from '../local/signup-secret.ts';
import { buildFunction } from './build.ts';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** What Lambda hands the function, as far as a local run needs it. */
const lambdaContext = (name: FunctionName): Context => {
  const { timeoutSeconds, memoryMb } = functionSettings[name];
  const deadline = Date.now() + timeoutSeconds * 1000;
  const functionName = `${name}-local`;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: String(memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => deadline - Date.now(),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};

const USAGE = `usage: npm run invoke -- [--headers] [${functionNames.join('|')}] [events/<file>.json]`;
const defaultFunction: FunctionName = 'create-customer';

const isFunctionName = (name: string | undefined): name is FunctionName =>
  functionNames.some((known) => known === name);

/**
 * The function and the event file the arguments name: a function alone takes its example event
 * (`events/<function>.json`); an event file alone goes to the signup, as before there were others.
 */
const whatToInvoke = (positionals: string[]): { name: FunctionName; eventFile: string } => {
  const [first, second, ...rest] = positionals;
  if (first === undefined || rest.length > 0) throw new Error(USAGE);
  if (isFunctionName(first)) return { name: first, eventFile: second ?? `events/${first}.json` };
  if (second !== undefined) {
    throw new Error(`${first} is not a function: use one of ${functionNames.join(', ')}`);
  }
  if (!existsSync(first) && !first.endsWith('.json')) {
    throw new Error(`${first} is neither a function nor an event file: ${USAGE}`);
  }
  return { name: defaultFunction, eventFile: first };
};

const isHttpAnswer = (answer: unknown): answer is APIGatewayProxyResult =>
  typeof answer === 'object' && answer !== null && 'statusCode' in answer && 'body' in answer;

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
  const { name, eventFile } = whatToInvoke(positionals);
  const event = JSON.parse(await readFile(eventFile, 'utf8')) as unknown;

  // In memory unless DATA_DIR keeps the customers between runs; first, so that a DATA_DIR in use
  // is said before the build.
  const store: EmbeddedDynamoDb = await startEmbeddedDynamoDb(
    process.env.DATA_DIR ? { dataDir: process.env.DATA_DIR } : {},
  );
  let bundleDirectory: string | undefined;
  try {
    // The bundle as `npm run build` writes it, freshly built: the file Lambda runs, not the sources. In a
    // folder of this run's own, so runs side by side (and a deploy's build) never see a half-written one.
    bundleDirectory = await mkdtemp(join(tmpdir(), `${name}-`));
    const { file } = await buildFunction(name, bundleDirectory);
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
    process.env.EMAIL_VERIFICATION ??= dev.emailVerification;
    process.env.ENUMERATION_PROTECTION ??= dev.enumerationProtection;
    process.env.VERIFICATION_TTL_SECONDS ??= String(dev.verificationTtlSeconds);
    process.env.MAIL_FROM ??= dev.mailFrom;
    process.env.VERIFY_URL ??= dev.verifyUrl;
    // With DATA_DIR, the key `npm start` keeps there: its links and Idempotency-Key records stay
    // valid across both. Else a key of this run's own, as the stack generates one.
    process.env.SIGNUP_SECRET ??= process.env.DATA_DIR
      ? localSignupSecret(process.env, process.env.DATA_DIR)
      : randomBytes(48).toString('base64url');

    const { handler } = (await import(pathToFileURL(file).href)) as { handler: Handler };
    const answer = await handler(event, lambdaContext(name));
    return isHttpAnswer(answer)
      ? formatAnswer(answer, values.headers)
      : JSON.stringify(answer ?? null, null, 2);
  } finally {
    await store.close();
    if (bundleDirectory !== undefined) await rm(bundleDirectory, { recursive: true, force: true });
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
