import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { EffectOutcome, EffectResult } from '../core/customer-change-effects.ts';
import {
  type CustomerChange,
  type CustomerChangeAction,
  type CustomerImage,
  customerChangeActions,
} from '../core/customer-changes.ts';
import { customersTable } from '../dynamodb/customers-table.ts';
import { maskEmail, type Telemetry } from '../http/telemetry.ts';

export interface CustomerChangesHandlerOptions {
  /** Carries out one change's actions: every action tried, each one's result returned. */
  carryOut: (actions: readonly CustomerChangeAction[]) => Promise<EffectResult[]>;
  telemetry: Telemetry;
}

/** The parts of a DynamoDB stream record the decisions read, as EventBridge Pipes puts it in a message body. */
interface StreamRecord {
  eventID?: unknown;
  eventName?: unknown;
  dynamodb?: {
    Keys?: Record<string, AttributeValue>;
    NewImage?: Record<string, AttributeValue>;
    OldImage?: Record<string, AttributeValue>;
  };
}

class MalformedChangeError extends Error {
  override name = 'MalformedChangeError';
}

const image = (attributes: Record<string, AttributeValue> | undefined): CustomerImage | undefined =>
  attributes === undefined ? undefined : unmarshall(attributes);

/** The change a message carries, or undefined when it is not a customer item's (the Pipe's filter lets none through). */
export const changeOfMessage = (message: SQSRecord): CustomerChange | undefined => {
  let record: StreamRecord;
  try {
    record = JSON.parse(message.body) as StreamRecord;
  } catch {
    throw new MalformedChangeError('the message body is not JSON');
  }
  const key = record.dynamodb?.Keys?.[customersTable.partitionKey]?.S;
  if (typeof record.eventID !== 'string' || key === undefined)
    throw new MalformedChangeError('the message body is not a DynamoDB stream record of the table');
  const prefix = customersTable.keyPrefixes.customer;
  if (!key.startsWith(prefix)) return undefined;
  return {
    changeId: record.eventID,
    emailKey: key.slice(prefix.length),
    oldImage: image(record.dynamodb?.OldImage),
    newImage: image(record.dynamodb?.NewImage),
  };
};

/** A provider's error as a log line may hold it: its name, code and status, and its message without addresses. */
interface ErrorDescription {
  name: string;
  message?: string;
  code?: string;
  status_code?: number;
  cause?: ErrorDescription;
}

const describeError = (error: unknown): ErrorDescription => {
  if (!(error instanceof Error)) return { name: 'NonError' };
  const { $metadata, code } = error as { $metadata?: { httpStatusCode?: number }; code?: unknown };
  return {
    name: error.name,
    message: error.message.replace(/[^\s<>"',;:]+@[^\s<>"',;:]+/g, '[address]'),
    ...(typeof code === 'string' ? { code } : {}),
    ...($metadata?.httpStatusCode === undefined ? {} : { status_code: $metadata.httpStatusCode }),
    ...(error.cause === undefined ? {} : { cause: describeError(error.cause) }),
  };
};

/** The metric an outcome counts in, and by how much. */
const metricOf = (outcome: EffectOutcome): [name: string, value: number] => {
  if (outcome.effect === 'events') return ['EventsPublished', outcome.count];
  if (outcome.result === 'sent') return ['MailsSent', 1];
  if (outcome.result === 'refused') return ['MailsRefused', 1];
  if (outcome.result === 'quota-reached') return ['MailQuotaReached', 1];
  return ['StaleMailsSkipped', 1];
};

/**
 * The consumer of the table's changes: an SQS batch whose messages are DynamoDB stream records, as
 * an EventBridge Pipe delivers them. Each message's mails and events are carried out; a message any of
 * whose actions failed is reported back, so SQS delivers it again later (and to the DLQ after many
 * tries): an outage of SES or EventBridge delays mails and events, and loses none.
 */
export const createHandler =
  ({ carryOut, telemetry: { logger, metrics } }: CustomerChangesHandlerOptions) =>
  async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const counts = new Map<string, number>();
    const count = (name: string, value = 1) => counts.set(name, (counts.get(name) ?? 0) + value);
    const failures = await Promise.all(
      event.Records.map(async (message): Promise<string | undefined> => {
        const line = {
          message_id: message.messageId,
          receive_count: message.attributes?.ApproximateReceiveCount,
        };
        let change: CustomerChange | undefined;
        try {
          change = changeOfMessage(message);
        } catch (error) {
          logger.error('change not understood', { ...line, error: describeError(error) });
          return message.messageId;
        }
        if (change === undefined) return undefined;
        const actions = customerChangeActions(change);
        if (actions.length === 0) return undefined;
        const results = await carryOut(actions);
        const email = maskEmail(change.newImage?.email);
        for (const result of results) if (result.ok) count(...metricOf(result.outcome));
        const failed = results.flatMap((result) => (result.ok ? [] : [result.error]));
        for (const error of failed) count(error.effect === 'events' ? 'EventsFailed' : 'MailsFailed');
        const outcomes = results.flatMap((result) =>
          result.ok ? [`${result.outcome.effect}:${result.outcome.result}`] : [],
        );
        if (failed.length === 0) {
          logger.info('change carried out', { ...line, email, outcomes });
          return undefined;
        }
        logger.warn('change failed, to be delivered again', {
          ...line,
          email,
          outcomes,
          errors: failed.map((error) => ({ effect: error.effect, ...describeError(error.cause) })),
        });
        return message.messageId;
      }),
    );
    // Added and flushed in one tick, so that batches handled at once in one process (the local relay's)
    // never share a flush; and only when there is something to say, as Powertools warns of an empty one.
    for (const [name, value] of counts) metrics.addMetric(name, MetricUnit.Count, value);
    if (counts.size > 0) metrics.publishStoredMetrics();
    return {
      batchItemFailures: failures
        .filter((id): id is string => id !== undefined)
        .map((itemIdentifier) => ({ itemIdentifier })),
    };
  };
