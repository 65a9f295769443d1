import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { type IdempotencyRecords, requestDigests } from '../../functions/core/idempotency-records.ts';
import { transliterate } from '../../functions/core/rules/transliterations.ts';
import { createSignup, type SignupDependencies } from '../../functions/core/signup.ts';
import { createHandler } from '../../functions/create-customer/handler.ts';
import { createDynamoDbCustomerStore } from '../../functions/dynamodb/customer-store.ts';
import { createDynamoDbIdempotencyRecords } from '../../functions/dynamodb/idempotency-records.ts';
import type { Telemetry } from '../../functions/http/telemetry.ts';
import { createBcryptHasher } from '../../functions/passwords/bcrypt-hasher.ts';
import { isCommonPassword } from '../../functions/passwords/common-passwords.ts';
import { localContext } from '../../local/api-gateway-event.ts';
import { testSignupSecret } from './new-customer.ts';

/** Telemetry that writes nothing, for tests about other things. */
export const silentTelemetry = (): Telemetry => ({
  logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
  metrics: {
    addDimension: () => undefined,
    addMetric: () => undefined,
    publishStoredMetrics: () => undefined,
    captureColdStartMetric: () => undefined,
  },
});

export interface TestHandlerOptions {
  documentClient: DynamoDBDocumentClient;
  tableName: string;
  telemetry?: Telemetry;
  hasher?: SignupDependencies['hasher'];
  now?: () => Date;
  idempotencyRecords?: IdempotencyRecords;
  corsOrigins?: string[];
  timeoutEarlyInMillis?: number;
}

/** The digests of keyed requests under the tests' signup secret. */
export const testDigests = requestDigests(testSignupSecret);

/** The Idempotency-Key records on the given table, under the tests' signup secret. */
export const testIdempotencyRecords = (documentClient: DynamoDBDocumentClient, tableName: string) =>
  createDynamoDbIdempotencyRecords(documentClient, tableName, testDigests);

/** bcrypt at its cheapest cost, one hasher (and so its threads) for every handler of a test file. */
export const cheapHasher = createBcryptHasher(4);

/** The signup handler as Lambda runs it, on the given table, with bcrypt at its cheapest cost. */
export const createTestHandler = ({
  documentClient,
  tableName,
  telemetry = silentTelemetry(),
  hasher = cheapHasher,
  now = () => new Date(),
  idempotencyRecords = testIdempotencyRecords(documentClient, tableName),
  corsOrigins = ['https://shop.example.com'],
  timeoutEarlyInMillis = 0,
}: TestHandlerOptions) =>
  createHandler({
    signup: createSignup({
      // One clock for the signup and its store: a test that signs up in the past stores a past customer.
      store: createDynamoDbCustomerStore(documentClient, tableName, { now: () => now().getTime() }),
      hasher,
      isCommonPassword,
      transliterate,
      now,
    }),
    idempotencyRecords,
    requestDigests: testDigests,
    corsOrigins,
    telemetry,
    timeoutEarlyInMillis,
  });

export interface TestRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | null;
  /** The function's time budget for this request. */
  budgetMs?: number;
}

export interface TestAnswer extends APIGatewayProxyResult {
  json: unknown;
}

/** Sends one API Gateway proxy event to a handler, as API Gateway would. */
export const invoke = async (
  handler: ReturnType<typeof createTestHandler>,
  { method = 'POST', path = '/api/v1/customers/', headers = {}, body = null, budgetMs = 10_000 }: TestRequest,
): Promise<TestAnswer> => {
  const event = {
    httpMethod: method,
    path,
    headers,
    body,
    isBase64Encoded: false,
    requestContext: { requestId: crypto.randomUUID() },
  };
  const answer = await handler(event as never, localContext(budgetMs));
  return { ...answer, json: answer.body ? JSON.parse(answer.body) : undefined };
};

/** A signup the contract accepts, with the e-mail and names given. */
export const validSignup = (overrides: Record<string, unknown> = {}) => ({
  email: 'john@example.com',
  first_name: 'John',
  last_name: 'Doe',
  password: 'SecureP@ssw0rd123',
  password2: 'SecureP@ssw0rd123',
  date_of_birth: '1990-01-15',
  ...overrides,
});

/** The contract's 201 body for `validSignup()`, the first customer of its name. */
export const contractCustomer = {
  email: 'john@example.com',
  first_name: 'John',
  last_name: 'Doe',
  slug: 'john-doe',
  date_of_birth: '1990-01-15',
  address: null,
  last_purchase_date: null,
};

export const jsonPost = (body: unknown, headers: Record<string, string> = {}): TestRequest => ({
  headers: { 'Content-Type': 'application/json', ...headers },
  body: JSON.stringify(body),
});
