import type { Logger } from '@aws-lambda-powertools/logger';
import type { CustomerEventPublisher } from '../functions/core/customer-change-effects.ts';
import { maskEmail } from '../functions/http/telemetry.ts';
import { EVENT_SOURCE } from '../functions/mail/event-publisher.ts';

/** Locally there is no bus: each event is a log line, its customer reduced to the slug and a masked address. */
export const createEventLog = (logger: Pick<Logger, 'info'>): CustomerEventPublisher => ({
  publish: async (events) => {
    for (const event of events) {
      logger.info('customer event', {
        source: EVENT_SOURCE,
        detail_type: event.type,
        change_id: event.changeId,
        slug: event.customer.slug,
        email: maskEmail(event.customer.email),
        is_active: event.customer.is_active,
      });
    }
  },
});
