import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { loadCommonPasswords } from './common-passwords.ts';
import { createDocumentClient } from './dynamodb-client.ts';
import { createDynamoDbCustomerStore } from './dynamodb-customer-store.ts';
import { createDynamoDbIdempotencyRecords } from './dynamodb-idempotency-records.ts';
import { createHandler } from './handler.ts';
import { createBcryptHasher } from './password-hasher.ts';
import type { Settings } from './settings.ts';
import { createSignup } from './signup.ts';
import type { Telemetry } from './telemetry.ts';
import { loadTransliteration } from './transliterations.ts';

const SERVICE_NAME = 'customer-signup';
const METRICS_NAMESPACE = 'CustomerSignup';

const isCommonPassword = async () => {
  const commonPasswords = await loadCommonPasswords();
  return (candidate: string) => commonPasswords.has(candidate);
};

/** Powertools' logger and metrics, writing JSON lines to stdout: CloudWatch in Lambda, the terminal locally. */
export const createTelemetry = (): Telemetry => ({
  logger: new Logger({ serviceName: SERVICE_NAME }),
  metrics: new Metrics({ serviceName: SERVICE_NAME, namespace: METRICS_NAMESPACE }),
});

/** The signup handler with its real clients: DynamoDB (AWS's, or the endpoint given), bcrypt, the clock. */
export const createSignupHandler = (
  settings: Settings,
  db: DynamoDBDocumentClient = createDocumentClient(
    settings.dynamodbEndpoint === undefined ? {} : { endpoint: settings.dynamodbEndpoint },
  ),
) =>
  createHandler({
    signup: createSignup({
      store: createDynamoDbCustomerStore(db, settings.tableName),
      hasher: createBcryptHasher(settings.bcryptCost),
      isCommonPassword,
      transliterate: loadTransliteration,
      now: () => new Date(),
    }),
    idempotencyRecords: createDynamoDbIdempotencyRecords(db, settings.tableName),
    corsOrigins: settings.corsOrigins,
    telemetry: createTelemetry(),
  });
