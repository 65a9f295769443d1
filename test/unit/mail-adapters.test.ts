import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  MessageRejected,
  SESv2Client,
  SendEmailCommand,
  SendingPausedException,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import type { CustomerEvent } from '../../functions/core/customer-changes.ts';
import { createEventBridgePublisher, EventsNotPublishedError } from '../../functions/mail/event-publisher.ts';
import { createSesMailer } from '../../functions/mail/ses-mailer.ts';

const mail = {
  to: 'ada@example.com',
  subject: 'Confirm your e-mail address',
  text: 'text',
  html: '<p>html</p>',
};

describe('the SES mailer', () => {
  it('sends a simple message with both parts from MAIL_FROM, in the configuration set when there is one', async () => {
    const client = new SESv2Client({ region: 'eu-west-1' });
    const ses = mockClient(client);
    ses.on(SendEmailCommand).resolves({ MessageId: 'm1' });

    const result = await createSesMailer({
      client,
      from: 'Shop <no-reply@example.com>',
      configurationSetName: 'signup',
    }).send(mail);
    expect(result).toBe('sent');
    await createSesMailer({ client, from: 'no-reply@example.com' }).send(mail);

    const [withSet, withoutSet] = ses.commandCalls(SendEmailCommand).map((call) => call.args[0].input);
    expect(withSet).toEqual({
      FromEmailAddress: 'Shop <no-reply@example.com>',
      Destination: { ToAddresses: ['ada@example.com'] },
      Content: {
        Simple: {
          Subject: { Data: 'Confirm your e-mail address', Charset: 'UTF-8' },
          Body: { Text: { Data: 'text', Charset: 'UTF-8' }, Html: { Data: '<p>html</p>', Charset: 'UTF-8' } },
        },
      },
      ConfigurationSetName: 'signup',
    });
    expect(withoutSet).not.toHaveProperty('ConfigurationSetName');
  });
});

describe('the SES mailer on errors', () => {
  const failingWith = (error: Error) => {
    const client = new SESv2Client({ region: 'eu-west-1' });
    mockClient(client).on(SendEmailCommand).rejects(error);
    return createSesMailer({ client, from: 'no-reply@example.com' });
  };

  it('answers refused when SES rejects the message itself: sending it again cannot help', async () => {
    const rejected = new MessageRejected({ message: 'Email address is not verified.', $metadata: {} });
    expect(await failingWith(rejected).send(mail)).toBe('refused');
  });

  it.each([
    new TooManyRequestsException({ message: 'Too many requests', $metadata: {} }),
    new SendingPausedException({ message: 'Sending paused', $metadata: {} }),
    new Error('socket hang up'),
  ])('throws $name, for the change to be delivered again', async (error) => {
    await expect(failingWith(error).send(mail)).rejects.toBe(error);
  });
});

describe('the EventBridge publisher', () => {
  const event: CustomerEvent = {
    type: 'CustomerVerified',
    changeId: 'c1',
    customer: {
      email: 'ada@example.com',
      first_name: 'Ada',
      last_name: 'Lovelace',
      slug: 'ada-lovelace',
      date_of_birth: null,
      address: null,
      last_purchase_date: null,
      created_at: '2026-12-02T10:00:00.000Z',
      is_active: true,
    },
  };

  it('puts each event on the bus with the service as source and the event type as detail-type', async () => {
    const client = new EventBridgeClient({ region: 'eu-west-1' });
    const bridge = mockClient(client);
    bridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e1' }] });

    await createEventBridgePublisher({ client, eventBusName: 'customers' }).publish([event]);

    expect(bridge.commandCalls(PutEventsCommand)[0]?.args[0].input).toEqual({
      Entries: [
        {
          EventBusName: 'customers',
          Source: 'customer-signup',
          DetailType: 'CustomerVerified',
          Detail: JSON.stringify({ change_id: 'c1', customer: event.customer }),
        },
      ],
    });
  });

  it('fails when the bus refuses an entry, so that the change is delivered again', async () => {
    const client = new EventBridgeClient({ region: 'eu-west-1' });
    mockClient(client)
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'ThrottlingException' }] });

    await expect(
      createEventBridgePublisher({ client, eventBusName: 'customers' }).publish([event]),
    ).rejects.toThrow(EventsNotPublishedError);
  });
});
