import { MessageRejected, type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Mailer } from '../core/customer-change-effects.ts';

export interface SesMailerOptions {
  client: SESv2Client;
  /** The sender, `Name <address>` or a bare address, of an identity SES has verified. */
  from: string;
  /** Where SES reports deliveries, bounces and complaints of these mails. */
  configurationSetName?: string | undefined;
}

const utf8 = (data: string) => ({ Data: data, Charset: 'UTF-8' });

/**
 * Sends each mail with SESv2 `SendEmail`, as a simple message with a text and an HTML part. SES's
 * `MessageRejected` refuses this very mail (an address it will not take, an unverified recipient
 * in the sandbox): sending it again cannot help, so it is `refused`. Any other error (throttling,
 * an outage, an account paused) is thrown, for the change to be delivered again.
 */
export const createSesMailer = ({ client, from, configurationSetName }: SesMailerOptions): Mailer => ({
  send: async (mail) => {
    try {
      await client.send(
        new SendEmailCommand({
          FromEmailAddress: from,
          Destination: { ToAddresses: [mail.to] },
          Content: {
            Simple: {
              Subject: utf8(mail.subject),
              Body: { Text: utf8(mail.text), Html: utf8(mail.html) },
            },
          },
          ...(configurationSetName === undefined ? {} : { ConfigurationSetName: configurationSetName }),
        }),
      );
      return 'sent';
    } catch (error) {
      if (error instanceof MessageRejected) return 'refused';
      throw error;
    }
  },
});
