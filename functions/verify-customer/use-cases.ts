import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { VerificationStore } from '../core/customer-store.ts';
import {
  createResend,
  createVerification,
  type ResendVerification,
  type VerifyCustomer,
} from '../core/verification.ts';
import { createDocumentClient } from '../dynamodb/client.ts';
import { createDynamoDbVerificationStore } from '../dynamodb/verification-store.ts';
import { createBcryptHasher } from '../passwords/bcrypt-hasher.ts';
import { type Settings, verificationSettingsOf } from '../settings.ts';

export interface VerificationUseCases {
  verify: VerifyCustomer;
  resend: ResendVerification;
}

/**
 * The verify and resend use cases with their real clients: DynamoDB (AWS's, or the endpoint given)
 * and bcrypt on worker threads. As for the signup, the DynamoDB clients are made on the first
 * request that needs the store.
 */
export const createVerificationUseCases = (
  settings: Settings,
  db?: DynamoDBDocumentClient,
): VerificationUseCases => {
  let made: VerificationStore | undefined;
  const verifications = (): VerificationStore => {
    made ??= createDynamoDbVerificationStore(
      db ??
        createDocumentClient(
          settings.dynamodbEndpoint === undefined ? {} : { endpoint: settings.dynamodbEndpoint },
        ),
      settings.tableName,
    );
    return made;
  };
  const store: VerificationStore = {
    findAccountByTokenHash: (hash, signal) => verifications().findAccountByTokenHash(hash, signal),
    recordWrongPassword: (account, signal) => verifications().recordWrongPassword(account, signal),
    activate: (account, maxFailedAttempts, signal) =>
      verifications().activate(account, maxFailedAttempts, signal),
    renewLink: (emailKey, link, minIntervalMs, signal) =>
      verifications().renewLink(emailKey, link, minIntervalMs, signal),
  };
  // A check reads its cost from the stored hash: the setting only starts the threads alike.
  const hasher = createBcryptHasher(settings.bcryptCost);
  return {
    verify: createVerification({ store, hasher }),
    resend: createResend({ store, ...verificationSettingsOf(settings) }),
  };
};
