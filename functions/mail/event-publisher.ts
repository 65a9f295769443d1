import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { CustomerEventPublisher } from '../core/customer-change-effects.ts';
import type { CustomerEvent } from '../core/customer-changes.ts';

/** The `source` of every event this service publishes: a rule matches on it. */
export const EVENT_SOURCE = 'customer-signup';

/** An event's `detail`: the customer's public fields, and the change's id to deduplicate a repeated delivery by. */
export const eventDetail = (event: CustomerEvent) => ({
  change_id: event.changeId,
  customer: event.customer,
});

export class EventsNotPublishedError extends Error {
  override name = 'EventsNotPublishedError';
}

/** Publishes to EventBridge with `PutEvents`; an entry the bus refused fails the whole call, to be retried. */
export const createEventBridgePublisher = ({
  client,
  eventBusName,
}: {
  client: EventBridgeClient;
  eventBusName: string;
}): CustomerEventPublisher => ({
  publish: async (events) => {
    const answer = await client.send(
      new PutEventsCommand({
        Entries: events.map((event) => ({
          EventBusName: eventBusName,
          Source: EVENT_SOURCE,
          DetailType: event.type,
          Detail: JSON.stringify(eventDetail(event)),
        })),
      }),
    );
    if ((answer.FailedEntryCount ?? 0) > 0) {
      const codes = (answer.Entries ?? []).flatMap((entry) => entry.ErrorCode ?? []);
      throw new EventsNotPublishedError(
        `EventBridge refused ${answer.FailedEntryCount} of ${events.length} events (${[...new Set(codes)].join(', ')})`,
      );
    }
  },
});
