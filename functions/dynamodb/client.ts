import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';

export interface DynamoDbClientOptions {
  /** A local DynamoDB (dynalite); then dummy credentials and `us-east-1` are used. */
  endpoint?: string;
  region?: string;
  /** Attempts per request, the first included. */
  maxAttempts?: number;
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
}

/*
 * The function has about 10 s and a signup makes four to six sequential requests, which DynamoDB
 * answers in milliseconds: a request that hangs for a second is a fault worth retrying, and a dead
 * store fails one request within about 3.3 s (3 attempts of 1 s plus backoff), leaving time for a 503.
 */
const DEFAULT_MAX_ATTEMPTS = 3;
const DEFAULT_CONNECTION_TIMEOUT_MS = 500;
const DEFAULT_REQUEST_TIMEOUT_MS = 1000;

export const createDynamoDbClient = (options: DynamoDbClientOptions): DynamoDBClient => {
  const local = options.endpoint !== undefined;
  return new DynamoDBClient({
    ...(local
      ? {
          endpoint: options.endpoint,
          region: 'us-east-1',
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        }
      : { region: options.region }),
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: options.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS,
      requestTimeout: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      // Without it the request timeout only logs a warning.
      throwOnRequestTimeout: true,
      // Reusing connections across warm invocations saves a TLS handshake per request.
      httpAgent: { keepAlive: true, maxSockets: 50 },
      httpsAgent: { keepAlive: true, maxSockets: 50 },
    }),
  });
};

export const toDocumentClient = (client: DynamoDBClient): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });

export const createDocumentClient = (options: DynamoDbClientOptions): DynamoDBDocumentClient =>
  toDocumentClient(createDynamoDbClient(options));
