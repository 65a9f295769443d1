import { Duration, Stack } from 'aws-cdk-lib';
import type { Stage } from 'aws-cdk-lib/aws-apigateway';
import {
  Dashboard,
  GraphWidget,
  type IMetric,
  LogQueryVisualizationType,
  LogQueryWidget,
  MathExpression,
  Metric,
  Stats,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { storeOperations, wafMetric } from './alarms.ts';
import type { CustomerChanges } from './customer-changes.ts';
import type { CustomerMail } from './mail.ts';
import type { SignupWebAcl } from './signup-web-acl.ts';
import type { StageConfig } from './stage-config.ts';

/** Where the function's EMF metrics land (`functions/create-customer/create-signup-handler.ts`, `telemetry.ts`). */
export const signupMetrics = {
  namespace: 'CustomerSignup',
  /** Powertools Metrics adds the service as a dimension of every metric. */
  service: 'customer-signup',
  created: 'SignupsCreated',
  replayed: 'SignupsReplayed',
  /** With the dimension `reason`, the outcome of the refused request. */
  rejected: 'SignupsRejected',
  /** Under enumeration protection: a valid signup answered 202, whoever holds its address. */
  accepted: 'SignupsAccepted',
  verified: 'CustomersVerified',
  /** With the dimension `reason`, as the signup's. */
  verificationsRejected: 'VerificationsRejected',
  resendsAccepted: 'ResendsAccepted',
  resendsRejected: 'ResendsRejected',
  /** The change queue's function: mails and events, one count each. */
  changes: [
    'MailsSent',
    'MailsRefused',
    'MailsFailed',
    'MailQuotaReached',
    'StaleMailsSkipped',
    'EventsPublished',
    'EventsFailed',
  ],
} as const;

const period = Duration.minutes(5);

/** Every metric of `name` by `reason`, one line each. */
const rejectedByReason = (name: string): MathExpression =>
  new MathExpression({
    expression: `SEARCH('{${signupMetrics.namespace},reason,service} MetricName="${name}" service="${signupMetrics.service}"', 'Sum', ${period.toSeconds()})`,
    usingMetrics: {},
    label: '',
    period,
  });

const signupMetric = (metricName: string, dimensions: Record<string, string> = {}): Metric =>
  new Metric({
    namespace: signupMetrics.namespace,
    metricName,
    dimensionsMap: { service: signupMetrics.service, ...dimensions },
    statistic: Stats.SUM,
    period,
  });

/** Every rule's count of one WAF verdict in this web ACL. */
const wafVerdictsByRule = (webAcl: SignupWebAcl, metricName: string): MathExpression =>
  new MathExpression({
    expression: `SEARCH('{AWS/WAFV2,Region,Rule,WebACL} MetricName="${metricName}" WebACL="${webAcl.webAclName}" NOT Rule="ALL"', 'Sum', ${period.toSeconds()})`,
    usingMetrics: {},
    label: '',
    period,
  });

export interface SignupDashboardProps {
  config: StageConfig;
  /** What the API invokes: the function's alias. */
  signupFunction: IFunction;
  /** The function's own log group, where Lambda writes its start-up reports. */
  functionLogGroup: ILogGroup;
  apiStage: Stage;
  table: ITable;
  webAcl: SignupWebAcl | undefined;
  mail: CustomerMail;
  changes: CustomerChanges;
  /** The alias the change queue invokes. */
  changesFunction: IFunction;
}

/** One CloudWatch dashboard per stage: what the signups do, how fast, what fails, what is blocked, what costs. */
export class SignupDashboard extends Construct {
  public constructor(scope: Construct, id: string, props: SignupDashboardProps) {
    super(scope, id);
    const { config, signupFunction, apiStage, table, webAcl } = props;
    const dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: Stack.of(this).stackName,
      defaultInterval: Duration.hours(6),
    });

    dashboard.addWidgets(
      new GraphWidget({
        title: 'Signups: created, accepted and replayed',
        left: [
          signupMetric(signupMetrics.created),
          signupMetric(signupMetrics.accepted),
          signupMetric(signupMetrics.replayed),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: 'Signups rejected, by reason',
        left: [rejectedByReason(signupMetrics.rejected)],
        width: 16,
      }),
    );

    dashboard.addWidgets(
      new GraphWidget({
        title: 'Addresses verified, links resent',
        left: [signupMetric(signupMetrics.verified), signupMetric(signupMetrics.resendsAccepted)],
        width: 8,
      }),
      new GraphWidget({
        title: 'Verifications and resends refused, by reason',
        left: [
          rejectedByReason(signupMetrics.verificationsRejected),
          rejectedByReason(signupMetrics.resendsRejected),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: 'Changes: mails and events',
        left: signupMetrics.changes.map((name) => signupMetric(name)),
        width: 8,
      }),
    );

    dashboard.addWidgets(
      new GraphWidget({
        title: 'Latency (ms) beside one bcrypt hash',
        left: [
          apiStage.metricLatency({ statistic: Stats.p(50), period, label: 'API p50' }),
          apiStage.metricLatency({ statistic: Stats.p(99), period, label: 'API p99' }),
          signupFunction.metricDuration({ statistic: Stats.p(50), period, label: 'function p50' }),
          signupFunction.metricDuration({ statistic: Stats.p(99), period, label: 'function p99' }),
        ],
        leftAnnotations: [
          { value: config.hashMilliseconds, label: `one bcrypt hash at cost ${config.bcryptCost}` },
          { value: config.latencyP99AlarmMilliseconds, label: 'p99 alarm' },
        ],
        width: 12,
      }),
      // Lambda's JSON platform report carries initDurationMs only for a cold start.
      new LogQueryWidget({
        title: 'Cold starts and their start-up time (ms)',
        logGroupNames: [props.functionLogGroup.logGroupName],
        queryLines: [
          'filter type = "platform.report" and ispresent(record.metrics.initDurationMs)',
          'stats count(*) as coldStarts, avg(record.metrics.initDurationMs) as avgInitMs, max(record.metrics.initDurationMs) as maxInitMs by bin(5m)',
        ],
        view: LogQueryVisualizationType.LINE,
        width: 12,
      }),
    );

    dashboard.addWidgets(
      // Two graphs: the throttles' and the system errors' expressions name their operations alike.
      new GraphWidget({
        title: 'Store faults: 503s and throttles',
        left: [
          signupMetric(signupMetrics.rejected, { reason: 'store-unavailable' }).with({
            label: '503 store-unavailable',
          }),
          table.metricThrottledRequestsForOperations({
            operations: storeOperations,
            period,
            statistic: Stats.SUM,
          }),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: 'Store system errors, function errors and throttles',
        left: [
          table.metricSystemErrorsForOperations({
            operations: storeOperations,
            period,
            statistic: Stats.SUM,
          }),
          signupFunction.metricErrors({ period, statistic: Stats.SUM, label: 'function errors' }),
          signupFunction.metricThrottles({ period, statistic: Stats.SUM, label: 'function throttles' }),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: 'Store latency, p99 (ms)',
        left: storeOperations.map((operation) =>
          table.metricSuccessfulRequestLatency({
            dimensionsMap: { TableName: table.tableName, Operation: operation },
            statistic: Stats.p(99),
            period,
            label: operation,
          }),
        ),
        width: 8,
      }),
    );

    const { mail, changes, changesFunction } = props;
    dashboard.addWidgets(
      new GraphWidget({
        title: 'Mails: sent, delivered, delayed',
        left: ['Send', 'Delivery', 'DeliveryDelay'].map((event) => mail.metricSendingEvent(event, period)),
        width: 8,
      }),
      new GraphWidget({
        title: 'Mails failed: bounced, complained, rejected, dead letters',
        left: [
          ...['Bounce', 'Complaint', 'Reject'].map((event) => mail.metricSendingEvent(event, period)),
          changes.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
            period,
            statistic: Stats.MAXIMUM,
            label: 'changes in the dead-letter queue',
          }),
          changesFunction.metricErrors({ period, statistic: Stats.SUM, label: 'customer-changes errors' }),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: 'Change queue: waiting, oldest (s), pipe failures',
        left: [
          changes.queue.metricApproximateNumberOfMessagesVisible({
            period,
            statistic: Stats.MAXIMUM,
            label: 'waiting',
          }),
          changes.queue.metricNumberOfMessagesDeleted({ period, statistic: Stats.SUM, label: 'done' }),
          new Metric({
            namespace: 'AWS/EventBridge/Pipes',
            metricName: 'ExecutionFailed',
            dimensionsMap: { PipeName: changes.pipeName },
            statistic: Stats.SUM,
            period,
            label: 'pipe failures',
          }),
        ],
        right: [
          changes.queue.metricApproximateAgeOfOldestMessage({
            period,
            statistic: Stats.MAXIMUM,
            label: 'oldest (s)',
          }),
        ],
        width: 8,
      }),
    );

    if (webAcl) {
      dashboard.addWidgets(
        new GraphWidget({
          title: 'WAF: allowed and blocked',
          left: [
            wafMetric(webAcl, 'AllowedRequests', 'ALL', period).with({ label: 'allowed' }),
            wafMetric(webAcl, 'BlockedRequests', 'ALL', period).with({ label: 'blocked' }),
          ],
          width: 12,
        }),
        new GraphWidget({
          title: 'WAF: blocked, challenged and counted by rule',
          left: [
            wafVerdictsByRule(webAcl, 'BlockedRequests'),
            wafVerdictsByRule(webAcl, 'ChallengeRequests'),
            wafVerdictsByRule(webAcl, 'CaptchaRequests'),
            wafVerdictsByRule(webAcl, 'CountedRequests'),
          ],
          width: 12,
        }),
      );
    }

    const costDrivers: IMetric[] = [
      apiStage.metricCount({ period, statistic: Stats.SUM, label: 'API requests' }),
      signupFunction.metricInvocations({ period, statistic: Stats.SUM, label: 'function invocations' }),
      table.metricConsumedWriteCapacityUnits({ period, statistic: Stats.SUM, label: 'write units' }),
      table.metricConsumedReadCapacityUnits({ period, statistic: Stats.SUM, label: 'read units' }),
      mail.metricSendingEvent('Send', period).with({ label: 'mails sent' }),
      changes.queue.metricNumberOfMessagesReceived({
        period,
        statistic: Stats.SUM,
        label: 'queue receives',
      }),
    ];
    if (webAcl) {
      costDrivers.push(
        new MathExpression({
          expression: 'allowed + blocked',
          usingMetrics: {
            allowed: wafMetric(webAcl, 'AllowedRequests', 'ALL', period),
            blocked: wafMetric(webAcl, 'BlockedRequests', 'ALL', period),
          },
          label: 'WAF requests inspected',
          period,
        }),
      );
    }
    dashboard.addWidgets(
      new GraphWidget({ title: 'Cost-driving counts', left: costDrivers, width: 12 }),
      new GraphWidget({
        title: 'Function time billed (ms, sum)',
        left: [signupFunction.metricDuration({ period, statistic: Stats.SUM, label: 'duration' })],
        width: 6,
      }),
      new TextWidget({
        markdown:
          'What each alarm means and what to do: the README\'s "Operating it". The API, the functions, the table, the queue and SES are priced per request or mail; WAF per request inspected and per rule.',
        width: 6,
      }),
    );
  }
}
