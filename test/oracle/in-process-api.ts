/**
 * Our signup handler, called in this process as API Gateway calls it, on an embedded in-memory
 * DynamoDB: each suite of cases gets a table of its own, so that it starts on an empty store.
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { createDynamoDbClient, toDocumentClient } from '../../functions/dynamodb/client.ts';
import { localContext } from '../../local/api-gateway-event.ts';
import { ensureTable, startEmbeddedDynamoDb } from '../../local/embedded-dynamodb.ts';
import { createTestHandler } from '../support/signup-handler.ts';
import {
  type Answer,
  answerProblems,
  type Mismatch,
  type OracleCase,
  type RecordedCase,
} from './oracle-case.ts';

/** The deployed function's time budget. */
const FUNCTION_TIMEOUT_MS = 10_000;

/** The proxy event API Gateway (REST, v1) builds for a request. */
export const toEvent = (request: OracleCase): APIGatewayProxyEvent => {
  const hasBody = !['GET', 'HEAD'].includes(request.method) && request.body !== '';
  return {
    httpMethod: request.method,
    path: request.path,
    resource: request.path,
    headers: { ...request.headers },
    multiValueHeaders: Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [name, [value]]),
    ),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: hasBody ? request.body : null,
    isBase64Encoded: false,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: request.method,
      identity: { sourceIp: '127.0.0.1', userAgent: null } as never,
      path: request.path,
      stage: 'local',
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: request.path,
    },
  };
};

export interface InProcessApi {
  /** A handler on a new, empty table. */
  freshHandler(): Promise<(request: OracleCase) => Promise<Answer>>;
  close(): Promise<void>;
}

export const startInProcessApi = async (): Promise<InProcessApi> => {
  const dynamoDb = await startEmbeddedDynamoDb();
  const client = createDynamoDbClient({ endpoint: dynamoDb.endpoint });
  const documentClient = toDocumentClient(client);
  return {
    freshHandler: async () => {
      const tableName = `customers-${randomUUID().slice(0, 8)}`;
      await ensureTable(client, tableName);
      const handler = createTestHandler({ documentClient, tableName, corsOrigins: [] });
      return async (request) => {
        const result = await handler(toEvent(request), localContext(FUNCTION_TIMEOUT_MS));
        const headers = Object.fromEntries(
          Object.entries(result.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)]),
        );
        // A HEAD answer carries no body on the wire.
        return {
          status: result.statusCode,
          contentType: headers['content-type'] ?? '',
          text: request.method === 'HEAD' ? '' : (result.body ?? ''),
        };
      };
    },
    close: async () => {
      client.destroy();
      await dynamoDb.close();
    },
  };
};

/** Replays recorded cases in order on an empty store; the answers that differ. */
export const replaySuite = async (api: InProcessApi, cases: readonly RecordedCase[]): Promise<Mismatch[]> => {
  const call = await api.freshHandler();
  const mismatches: Mismatch[] = [];
  for (const recorded of cases) {
    const answer = await call(recorded);
    const problems = answerProblems(recorded, answer);
    if (problems.length > 0) mismatches.push({ case: recorded, answer, problems });
  }
  return mismatches;
};
