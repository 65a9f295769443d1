import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { brand } from '../functions/core/brand.ts';
import { createCustomerChangesHandler } from '../functions/customer-changes/create-customer-changes-handler.ts';
import {
  createDocumentClient,
  createDynamoDbClient,
  toDocumentClient,
} from '../functions/dynamodb/client.ts';
import { createTelemetry } from '../functions/http/telemetry.ts';
import { type MailSettings, readMailSettings } from '../functions/mail/settings.ts';
import { attachChangeRelay, type ChangeRelay } from './change-relay.ts';
import { createEventLog } from './event-log.ts';

/** The sender of the local run's mails, unless MAIL_FROM says otherwise. */
const LOCAL_MAIL_FROM = `${brand.productName} <no-reply@example.com>`;
/** Stands in for the page's origin while the settings are checked, before the page has a port. */
const PLACEHOLDER_VERIFY_URL = 'http://127.0.0.1/verify';

export interface LocalMailContext {
  tableName: string;
  signupSecret: string;
  /** The DynamoDB endpoint the local run stores in. */
  dynamodbEndpoint: string;
  /** The local inbox, unless SES_ENDPOINT names another. */
  sesEndpoint?: string | undefined;
  /** The verification page on the local signup page's origin, unless VERIFY_URL names another. */
  verifyUrl?: string | undefined;
}

/** The mail settings of `npm start`: the environment's, with the local run's defaults under them. */
export const localMailSettings = (environment: NodeJS.ProcessEnv, context: LocalMailContext): MailSettings =>
  readMailSettings({
    ...environment,
    TABLE_NAME: context.tableName,
    SIGNUP_SECRET: context.signupSecret,
    DYNAMODB_ENDPOINT: context.dynamodbEndpoint,
    MAIL_FROM: environment.MAIL_FROM || LOCAL_MAIL_FROM,
    VERIFY_URL: environment.VERIFY_URL || context.verifyUrl || PLACEHOLDER_VERIFY_URL,
    SES_ENDPOINT: environment.SES_ENDPOINT || context.sesEndpoint,
  });

export interface LocalMail extends ChangeRelay {
  /** The document client the local handlers write with: each customer write it makes is relayed. */
  documentClient: DynamoDBDocumentClient;
}

/**
 * The local run's mail path: the handlers' writes to customer items relayed, as the table's stream
 * and the Pipe would, to the same `customer-changes` handler the queue feeds in AWS, which mails
 * through SES's API to the local inbox (or SES_ENDPOINT) and logs its events (there is no bus).
 */
export const startLocalMail = (settings: MailSettings, dynamodbEndpoint: string): LocalMail => {
  const telemetry = createTelemetry();
  const consume = createCustomerChangesHandler(settings, {
    db: createDocumentClient({ endpoint: dynamodbEndpoint }),
    publisher: createEventLog(telemetry.logger),
    telemetry,
  });
  const writes = createDynamoDbClient({ endpoint: dynamodbEndpoint });
  const relay = attachChangeRelay(writes, {
    tableName: settings.tableName,
    reads: createDynamoDbClient({ endpoint: dynamodbEndpoint, maxAttempts: 1 }),
    consume,
    onGiveUp: (messageId) =>
      telemetry.logger.error('change given up after its retries', { message_id: messageId }),
    onUnread: (error) =>
      telemetry.logger.warn('change not relayed: the item could not be read', {
        error: (error as Error).name,
      }),
  });
  return { documentClient: toDocumentClient(writes), idle: relay.idle };
};
