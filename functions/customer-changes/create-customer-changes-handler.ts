import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { brand } from '../core/brand.ts';
import { type CustomerEventPublisher, createCustomerChangeEffects } from '../core/customer-change-effects.ts';
import { createDocumentClient } from '../dynamodb/client.ts';
import { createDynamoDbMailQuota } from '../dynamodb/mail-quota.ts';
import { createDynamoDbMailRecipients } from '../dynamodb/mail-recipients.ts';
import { createTelemetry, type Telemetry } from '../http/telemetry.ts';
import { createEventBridgeClient, createSesClient } from '../mail/clients.ts';
import { createEventBridgePublisher } from '../mail/event-publisher.ts';
import { createSesMailer } from '../mail/ses-mailer.ts';
import type { MailSettings } from '../mail/settings.ts';
import { createHandler } from './handler.ts';

export interface CustomerChangesOverrides {
  /** The document client to read and count with (the local run's); by default one on the settings' endpoint. */
  db?: DynamoDBDocumentClient;
  /** Where events go (the local run logs them); by default EventBridge. */
  publisher?: CustomerEventPublisher;
  telemetry?: Telemetry;
}

/** The handler of the table's changes with its real clients: DynamoDB, SES (or the endpoint given), EventBridge. */
export const createCustomerChangesHandler = (
  settings: MailSettings,
  overrides: CustomerChangesOverrides = {},
) => {
  const db =
    overrides.db ??
    createDocumentClient(
      settings.dynamodbEndpoint === undefined ? {} : { endpoint: settings.dynamodbEndpoint },
    );
  return createHandler({
    carryOut: createCustomerChangeEffects({
      recipients: createDynamoDbMailRecipients(db, settings.tableName),
      quota: createDynamoDbMailQuota(db, settings.tableName),
      mailer: createSesMailer({
        client: createSesClient(settings.sesEndpoint),
        from: settings.mailFrom,
        configurationSetName: settings.sesConfigurationSet,
      }),
      publisher:
        overrides.publisher ??
        createEventBridgePublisher({
          client: createEventBridgeClient(),
          eventBusName: settings.eventBusName,
        }),
      signupSecret: settings.signupSecret,
      verifyUrl: settings.verifyUrl,
      signInUrl: new URL(brand.signInUrl, settings.verifyUrl).href,
      now: () => new Date(),
    }),
    telemetry: overrides.telemetry ?? createTelemetry(),
  });
};
