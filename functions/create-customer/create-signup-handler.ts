import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CustomerStore } from '../core/customer-store.ts';
import { type IdempotencyRecords, requestDigests } from '../core/idempotency-records.ts';
import { transliterate } from '../core/rules/transliterations.ts';
import { createSignup } from '../core/signup.ts';
import { createDocumentClient } from '../dynamodb/client.ts';
import { createDynamoDbCustomerStore } from '../dynamodb/customer-store.ts';
import { createDynamoDbIdempotencyRecords } from '../dynamodb/idempotency-records.ts';
import { createTelemetry } from '../http/telemetry.ts';
import { createBcryptHasher } from '../passwords/bcrypt-hasher.ts';
import { isCommonPassword } from '../passwords/common-passwords.ts';
import { type SignupSettings, verificationSettingsOf } from '../settings.ts';
import { createHandler } from './handler.ts';

/** Made on first call, then kept. */
const onFirstUse = <T>(create: () => T): (() => T) => {
  let made: T | undefined;
  return () => {
    made ??= create();
    return made;
  };
};

/**
 * The signup handler with its real clients: DynamoDB (AWS's, or the endpoint given), bcrypt, the clock.
 * The DynamoDB clients are made on the first request that needs the store: a cold start whose first
 * request is refused by the rules never pays for them.
 */
export const createSignupHandler = (settings: SignupSettings, db?: DynamoDBDocumentClient) => {
  const digests = requestDigests(settings.signupSecret);
  const documentClient = onFirstUse(
    () =>
      db ??
      createDocumentClient(
        settings.dynamodbEndpoint === undefined ? {} : { endpoint: settings.dynamodbEndpoint },
      ),
  );
  const customers = onFirstUse(() => createDynamoDbCustomerStore(documentClient(), settings.tableName));
  const keys = onFirstUse(() =>
    createDynamoDbIdempotencyRecords(documentClient(), settings.tableName, digests),
  );
  const store: CustomerStore = {
    findEmailHolder: (emailKey, keyedDigest, signal) =>
      customers().findEmailHolder(emailKey, keyedDigest, signal),
    claimSlug: (slugBase, emailKey, signal) => customers().claimSlug(slugBase, emailKey, signal),
    abandonClaim: (claim, signal) => customers().abandonClaim(claim, signal),
    createCustomer: (customer, claim, signal) => customers().createCustomer(customer, claim, signal),
    requestNotice: (request, signal) => customers().requestNotice(request, signal),
  };
  const idempotencyRecords: IdempotencyRecords = {
    claim: (request, inProgressMs) => keys().claim(request, inProgressMs),
    remember: (request, answer) => keys().remember(request, answer),
    forget: (request) => keys().forget(request),
  };
  return createHandler({
    signup: createSignup({
      store,
      hasher: createBcryptHasher(settings.bcryptCost),
      isCommonPassword,
      transliterate,
      now: () => new Date(),
      ...verificationSettingsOf(settings),
    }),
    idempotencyRecords,
    requestDigests: digests,
    corsOrigins: settings.corsOrigins,
    telemetry: createTelemetry(),
  });
};
