import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DeleteItemCommand,
  DeleteTableCommand,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { createDynamoDbClient } from '../../functions/dynamodb/client.ts';
import { customersTable } from '../../functions/dynamodb/customers-table.ts';
import { ensureTable } from '../../local/embedded-dynamodb.ts';
import { dynamoDbLocalDirectory, isDynamoDbLocalCached } from '../../scripts/dynamodb-local.ts';

export interface DynamoDbLocal {
  endpoint: string;
  /** Stops the JVM and waits until it has exited. */
  stop(): Promise<void>;
}

/** The JVM needs seconds on a busy machine; past this something is wrong with it (and vitest's hook timeout is 60 s). */
const STARTUP_TIMEOUT_MS = 45_000;
/** Its own output, kept for the error when it does not come up. */
const KEPT_OUTPUT_CHARS = 2_000;

const freeLoopbackPort = async (): Promise<number> => {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no TCP port was assigned');
  return address.port;
};

/**
 * Whether it answers a DynamoDB request yet. The first one loads much of the JVM's code, so it is
 * given longer than the tests' clients give any request.
 */
const answers = async (endpoint: string): Promise<boolean> => {
  const client = createDynamoDbClient({ endpoint, maxAttempts: 1, requestTimeoutMs: 30_000 });
  try {
    await client.send(new ListTablesCommand({}));
    return true;
  } catch {
    return false;
  } finally {
    client.destroy();
  }
};

/**
 * A cold JVM answers its first writes slowly, on a busy machine past the second the tests' clients
 * allow a request, and the SDK's retry then meets the write its first attempt made (an Idempotency-Key
 * claimed by itself answers 409). One round of each request the store makes, on a table of its own,
 * loads that code before the tests.
 */
const warmUp = async (endpoint: string): Promise<void> => {
  const client = createDynamoDbClient({ endpoint, maxAttempts: 1, requestTimeoutMs: 30_000 });
  const TableName = 'warm-up';
  const Key = { [customersTable.partitionKey]: { S: 'warm-up' } };
  const slug = { ':slug': { S: 'warm-up' } };
  try {
    await ensureTable(client, TableName);
    await client.send(
      new PutItemCommand({
        TableName,
        Item: { ...Key, [customersTable.slugIndex.partitionKey]: slug[':slug'] },
        ConditionExpression: 'attribute_not_exists(pk)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    await client.send(
      new UpdateItemCommand({
        TableName,
        Key,
        UpdateExpression: 'SET claims = :one',
        ExpressionAttributeValues: { ':one': { N: '1' } },
      }),
    );
    await client.send(new GetItemCommand({ TableName, Key, ConsistentRead: true }));
    await client.send(
      new QueryCommand({
        TableName,
        IndexName: customersTable.slugIndex.indexName,
        KeyConditionExpression: 'slug = :slug',
        ExpressionAttributeValues: slug,
      }),
    );
    await client.send(new DeleteItemCommand({ TableName, Key }));
    await client.send(new DeleteTableCommand({ TableName }));
  } finally {
    client.destroy();
  }
};

/**
 * Runs java under a shell that stops it (SIGTERM) once the shell's stdin closes: when the tests stop
 * it, and when their process ends in any way, even killed, so that no JVM outlives its tests.
 * Exit code 127: no java.
 */
const SUPERVISED_JAVA = `
command -v java >/dev/null 2>&1 || exit 127
exec 3<&0
java "$@" </dev/null 3<&- &
jvm=$!
{ cat <&3 >/dev/null; kill "$jvm" 2>/dev/null; } &
exec 3<&-
wait "$jvm"
`;

const hasExited = (jvm: ChildProcess) => jvm.exitCode !== null || jvm.signalCode !== null;

const stopJvm = async (jvm: ChildProcess): Promise<void> => {
  // No pid: the shell was never started.
  if (jvm.pid === undefined || hasExited(jvm)) return;
  const exited = once(jvm, 'exit');
  jvm.stdin?.end();
  await exited;
};

/**
 * What it prints when its port was taken between our check and its bind, after which it stays up
 * without listening (and whatever took the port would answer in its place).
 */
const PORT_TAKEN = 'Failed to bind';
const PORT_ATTEMPTS = 3;

class PortTakenError extends Error {}

const launch = async (port: number): Promise<DynamoDbLocal> => {
  const endpoint = `http://127.0.0.1:${port}`;
  const jvm = spawn(
    'sh',
    [
      '-c',
      SUPERVISED_JAVA,
      'dynamodb-local',
      // C1 only: the optimising compiler would spend the start's CPU on code that runs for seconds
      // (BENCHMARKS.md, DynamoDB Local).
      '-XX:TieredStopAtLevel=1',
      '-Djava.library.path=DynamoDBLocal_lib',
      '-jar',
      'DynamoDBLocal.jar',
      '-inMemory',
      '-sharedDb',
      '-disableTelemetry',
      '-port',
      String(port),
    ],
    { cwd: dynamoDbLocalDirectory, stdio: ['pipe', 'pipe', 'pipe'] },
  );

  const failedToStart = new Promise<never>((_, reject) => {
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-KEPT_OUTPUT_CHARS);
      if (output.includes(PORT_TAKEN)) reject(new PortTakenError(`DynamoDB Local: port ${port} was taken`));
    };
    jvm.stdout.on('data', keep);
    jvm.stderr.on('data', keep);
    jvm.once('error', (error) => reject(new Error(`DynamoDB Local could not be started: ${error.message}`)));
    jvm.once('exit', (code, signal) => {
      if (code === 127) {
        reject(
          new Error(
            'DynamoDB Local needs Java: no `java` on the PATH (Debian: apt-get install default-jre-headless)',
          ),
        );
        return;
      }
      const lastLines = output.trim().split('\n').slice(-3).join(' | ');
      reject(new Error(`DynamoDB Local exited before answering (${signal ?? `code ${code}`}): ${lastLines}`));
    });
  });
  let settled = false;
  const answering = (async () => {
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    while (!settled && !(await answers(endpoint))) {
      if (Date.now() > deadline)
        throw new Error(`DynamoDB Local did not answer within ${STARTUP_TIMEOUT_MS} ms`);
      await sleep(50);
    }
  })();

  try {
    await Promise.race([answering, failedToStart]);
  } catch (error) {
    await stopJvm(jvm);
    throw error;
  } finally {
    settled = true;
  }
  try {
    await warmUp(endpoint);
  } catch (error) {
    await stopJvm(jvm);
    throw new Error(`DynamoDB Local failed its warm-up: ${(error as Error).message}`);
  }
  return { endpoint, stop: () => stopJvm(jvm) };
};

/**
 * Starts AWS's DynamoDB Local (a JVM) in memory on a free port, for one test file or run, and
 * resolves once it answers. `-sharedDb`: one database whatever the client's credentials and region,
 * as dynalite has; `-disableTelemetry`: the tests make no calls to AWS. It listens on every interface
 * (it has no option to listen on loopback only); the endpoint is the loopback one.
 */
export const startDynamoDbLocal = async (): Promise<DynamoDbLocal> => {
  if (!(await isDynamoDbLocalCached())) {
    throw new Error('DynamoDB Local is not in .cache/dynamodb-local: run npm run dynamodb-local:fetch');
  }
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await launch(await freeLoopbackPort());
    } catch (error) {
      if (!(error instanceof PortTakenError) || attempt === PORT_ATTEMPTS) throw error;
    }
  }
};
