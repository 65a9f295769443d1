import { Duration, Stack } from 'aws-cdk-lib';
import { Metric, Stats } from 'aws-cdk-lib/aws-cloudwatch';
import {
  CloudWatchDimensionSource,
  ConfigurationSet,
  ConfigurationSetTlsPolicy,
  EmailIdentity,
  EmailSendingEvent,
  EventDestination,
  Identity,
  SuppressionReasons,
} from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import { mailDomain } from './stage-config.ts';

export interface CustomerMailProps {
  /** The sender; its domain becomes the identity, signed with Easy DKIM. */
  mailFrom: string;
}

/** SES's dimension of the sending metrics the configuration set publishes: SES tags each mail with its set. */
const configurationSetDimension = 'ses:configuration-set';

/**
 * The verification mails' way out: the sending domain's SES identity, signed with DKIM, and the
 * configuration set every mail goes through, which suppresses addresses that bounced or complained,
 * publishes the reputation metrics and counts each mail's fate in CloudWatch.
 */
export class CustomerMail extends Construct {
  public readonly identity: EmailIdentity;
  public readonly configurationSet: ConfigurationSet;
  /** The set's ARN, a resource of `ses:SendEmail`: SES authorizes the set as well as the identity. */
  public readonly configurationSetArn: string;

  public constructor(scope: Construct, id: string, props: CustomerMailProps) {
    super(scope, id);
    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      // The account's bounce and complaint rates decide whether SES lets it send at all.
      reputationMetrics: true,
      // Never mail again an address that bounced or complained: each would raise those rates.
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      // The link is a bearer of an account: it does not cross the Internet in clear.
      tlsPolicy: ConfigurationSetTlsPolicy.REQUIRE,
      sendingEnabled: true,
    });
    this.configurationSetArn = Stack.of(this).formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: this.configurationSet.configurationSetName,
    });
    this.configurationSet.addEventDestination('CloudWatch', {
      destination: EventDestination.cloudWatchDimensions([
        {
          name: configurationSetDimension,
          source: CloudWatchDimensionSource.MESSAGE_TAG,
          defaultValue: 'none',
        },
      ]),
      events: [
        EmailSendingEvent.SEND,
        EmailSendingEvent.DELIVERY,
        EmailSendingEvent.DELIVERY_DELAY,
        EmailSendingEvent.BOUNCE,
        EmailSendingEvent.COMPLAINT,
        EmailSendingEvent.REJECT,
      ],
    });
    this.identity = new EmailIdentity(this, 'Identity', {
      identity: Identity.domain(mailDomain(props.mailFrom)),
      // Every mail from the domain goes through the set, even one sent without naming it.
      configurationSet: this.configurationSet,
      dkimSigning: true,
    });
  }

  /** SES's count of one sending event (`Send`, `Delivery`, `Bounce`, …) of the mails through the set. */
  public metricSendingEvent(metricName: string, period: Duration = Duration.minutes(5)): Metric {
    return new Metric({
      namespace: 'AWS/SES',
      metricName,
      dimensionsMap: { [configurationSetDimension]: this.configurationSet.configurationSetName },
      statistic: Stats.SUM,
      period,
      label: metricName,
    });
  }
}

/**
 * The account's reputation as SES judges it, over its recent mails rather than a period's: past AWS's
 * review thresholds the account may lose the right to send.
 */
export const reputationMetric = (metricName: 'Reputation.BounceRate' | 'Reputation.ComplaintRate'): Metric =>
  new Metric({
    namespace: 'AWS/SES',
    metricName,
    statistic: Stats.MAXIMUM,
    period: Duration.hours(1),
  });
