import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { loadCommonPasswords } from './common-passwords.ts';
import { createDocumentClient } from './dynamodb-client.ts';
import { createDynamoDbCustomerStore } from './dynamodb-customer-store.ts';
import { createHandler } from './handler.ts';
import { createBcryptHasher } from './password-hasher.ts';
import type { Settings } from './settings.ts';
import { createSignup } from './signup.ts';
import { loadTransliteration } from './transliterations.ts';

const isCommonPassword = async () => {
  const commonPasswords = await loadCommonPasswords();
  return (candidate: string) => commonPasswords.has(candidate);
};

const logUnexpected = (error: unknown) => {
  // Name, message and stack only: never the request, which may hold a password.
  const { name, message, stack } = error instanceof Error ? error : new Error(String(error));
  console.error(JSON.stringify({ level: 'ERROR', message: 'unexpected error', error: { name, message, stack } }));
};

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
    corsOrigins: settings.corsOrigins,
    logUnexpected,
  });
