import { Aws, Duration, Stack, Validations } from 'aws-cdk-lib';
import type { Stage } from 'aws-cdk-lib/aws-apigateway';
import {
  Alarm,
  AnomalyDetectionAlarm,
  ComparisonOperator,
  type IAlarm,
  type IMetric,
  MathExpression,
  Metric,
  Stats,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { type ITable, Operation } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { CustomerChanges } from './customer-changes.ts';
import { reputationMetric } from './mail.ts';
import { type FunctionSettings, functionSettings } from './service-function.ts';
import type { SignupWebAcl } from './signup-web-acl.ts';
import type { StageConfig } from './stage-config.ts';

/** The DynamoDB actions the functions may send: on items, and Query on the indexes they read. */
export const grantedStoreActions: string[] = [
  ...new Set(
    Object.values(functionSettings as Record<string, FunctionSettings>).flatMap(
      ({ tableGrants, queriedIndexes }) => [
        ...tableGrants.flatMap(({ actions }) => actions),
        ...(queriedIndexes.length > 0 ? ['dynamodb:Query'] : []),
      ],
    ),
  ),
];

/** The DynamoDB operations the functions send: the ones whose throttles and faults reach a customer. */
export const storeOperations: Operation[] = Object.values(Operation).filter((operation) =>
  grantedStoreActions.includes(`dynamodb:${operation}`),
);

/** The HTTP functions added by e-mail verification, each released by CodeDeploy like the signup. */
export type VerificationFunctionName = 'verify-customer' | 'resend-verification';

/** WAF's metric of one web ACL rule (`ALL`: the whole web ACL). */
export const wafMetric = (webAcl: SignupWebAcl, metricName: string, rule: string, period: Duration): Metric =>
  new Metric({
    namespace: 'AWS/WAFV2',
    metricName,
    dimensionsMap: { WebACL: webAcl.webAclName, Region: Aws.REGION, Rule: rule },
    statistic: Stats.SUM,
    period,
  });

/** What ACFP does to a request it judges: each a metric of its own in AWS/WAFV2. */
const fraudVerdicts = ['BlockedRequests', 'ChallengeRequests', 'CaptchaRequests', 'CountedRequests'] as const;

export interface SignupAlarmsProps {
  config: StageConfig;
  /** What the API invokes: the function's alias. */
  signupFunction: IFunction;
  apiStage: Stage;
  table: ITable;
  webAcl: SignupWebAcl | undefined;
  /** The verify and resend functions' aliases, which the API invokes. */
  verificationFunctions: Record<VerificationFunctionName, IFunction>;
  changes: CustomerChanges;
  /** Who is woken: an e-mail subscription to the alarm topic; undefined: none yet. */
  alarmEmail: string | undefined;
}

/**
 * The stage's alarms, each telling in its description why it matters and where to look, all notifying
 * one SNS topic. `deploymentAlarms` are those a bad version of the function would set off.
 */
export class SignupAlarms extends Construct {
  public readonly topic: Topic;
  /** The alarms CodeDeploy watches while it moves traffic to a new version, and rolls back on. */
  public readonly deploymentAlarms: IAlarm[] = [];
  /** The same for the verify and resend functions: their own errors and the API's 5xx rate. */
  public readonly verificationDeploymentAlarms: Record<VerificationFunctionName, IAlarm[]> = {
    'verify-customer': [],
    'resend-verification': [],
  };

  public constructor(scope: Construct, id: string, props: SignupAlarmsProps) {
    super(scope, id);
    const { config, signupFunction, apiStage, table, webAcl } = props;
    const stackName = Stack.of(this).stackName;
    const oneMinute = Duration.minutes(1);
    const fiveMinutes = Duration.minutes(5);

    this.topic = new Topic(this, 'Topic', {
      displayName: `Customer signup alarms (${config.stage})`,
      enforceSSL: true,
    });
    // The topic's policy replaces the default one: CloudWatch alarms of this account must be let in.
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: {
            'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*`,
          },
        },
      }),
    );
    if (props.alarmEmail !== undefined) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    Validations.of(this.topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Alarm notifications carry alarm names and metric values, no customer data; CloudWatch cannot publish to a topic under the AWS-managed SNS key, and a key of our own costs a monthly fee.',
    });

    const notify = (alarm: Alarm, rollsBack: boolean): Alarm => {
      alarm.addAlarmAction(new SnsAction(this.topic));
      alarm.addOkAction(new SnsAction(this.topic));
      if (rollsBack) this.deploymentAlarms.push(alarm);
      return alarm;
    };
    const name = (what: string): string => `${stackName}-${what}`;

    notify(
      new Alarm(this, 'FunctionErrors', {
        alarmName: name('function-errors'),
        alarmDescription:
          'The signup function failed an invocation: it answers every error itself, so this is a crash, a timeout or a failed start. Clients got 503. Read the function log group for the request id.',
        metric: signupFunction.metricErrors({ period: oneMinute, statistic: Stats.SUM }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      true,
    );

    notify(
      new Alarm(this, 'FunctionThrottles', {
        alarmName: name('function-throttles'),
        alarmDescription:
          'Lambda refused signups: every instance the function may run is busy (its reserved concurrency, or the account limit). Clients got 503 with Retry-After. A flood of signups or slow hashing: see the WAF and latency graphs.',
        metric: signupFunction.metricThrottles({ period: fiveMinutes, statistic: Stats.SUM }),
        threshold: 5,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      false,
    );

    // A rate, counted only once there are requests enough for one failure not to be a percentage.
    const serverErrorRate = new MathExpression({
      expression: 'IF(requests >= 10, 100 * errors / requests, 0)',
      usingMetrics: {
        errors: apiStage.metricServerError({ period: oneMinute, statistic: Stats.SUM }),
        requests: apiStage.metricCount({ period: oneMinute, statistic: Stats.SUM }),
      },
      label: '5xx answers (% of requests)',
      period: oneMinute,
    });
    const api5xxRate = notify(
      new Alarm(this, 'Api5xxRate', {
        alarmName: name('api-5xx-rate'),
        alarmDescription:
          "Over 5% of requests got a 5xx for 2 of 3 minutes: the store failing (503 store-unavailable), the function failing or refused. A canary failing all its requests (10%) sets it off. See the dashboard's rejections by reason and the store faults.",
        metric: serverErrorRate,
        threshold: 5,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      true,
    );

    notify(
      new AnomalyDetectionAlarm(this, 'Api4xxSpike', {
        alarmName: name('api-4xx-spike'),
        alarmDescription:
          '4xx answers far above their usual band for 10 minutes: a client or the signup page sending what the contract refuses (a release that rejects valid signups looks like this), or a bot. See the rejections by reason.',
        metric: apiStage.metricClientError({ period: fiveMinutes, statistic: Stats.SUM }),
        stdDevs: 3,
        comparisonOperator: ComparisonOperator.GREATER_THAN_UPPER_THRESHOLD,
        evaluationPeriods: 2,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      false,
    );

    notify(
      new Alarm(this, 'LatencyP99', {
        alarmName: name('latency-p99'),
        alarmDescription: `The API's p99 latency over ${config.latencyP99AlarmMilliseconds} ms for 3 of 5 minutes: more than one bcrypt hash (about ${config.hashMilliseconds} ms), a cold start and the store's round trips explain. A slow store (see its latency), a slower version, or instances starved of CPU.`,
        metric: apiStage.metricLatency({ period: oneMinute, statistic: Stats.p(99) }),
        threshold: config.latencyP99AlarmMilliseconds,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      true,
    );

    /** DynamoDB's count of one kind of failed request, on exactly the operations the signup sends. */
    const storeAlarm = (
      id: string,
      suffix: string,
      alarmDescription: string,
      metricOf: typeof table.metricThrottledRequestsForOperations,
    ) =>
      notify(
        new Alarm(this, id, {
          alarmName: name(suffix),
          alarmDescription,
          metric: metricOf.call(table, {
            operations: storeOperations,
            period: fiveMinutes,
            statistic: Stats.SUM,
          }),
          threshold: 5,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
        false,
      );
    storeAlarm(
      'StoreThrottles',
      'store-throttles',
      "DynamoDB throttled the signup's requests: an on-demand table past twice its previous peak, or one hot partition. The SDK retries; past its retries clients got 503. See the store graphs.",
      table.metricThrottledRequestsForOperations,
    );
    storeAlarm(
      'StoreSystemErrors',
      'store-system-errors',
      "DynamoDB answered the signup's requests with its own errors (HTTP 500): an AWS-side fault. The SDK retries; past its retries clients got 503. Check the AWS Health Dashboard for DynamoDB in this region.",
      table.metricSystemErrorsForOperations,
    );

    for (const [functionName, verificationFunction] of Object.entries(props.verificationFunctions) as [
      VerificationFunctionName,
      IFunction,
    ][]) {
      const errors = notify(
        new Alarm(this, `${functionName}-errors`, {
          alarmName: name(`${functionName}-errors`),
          alarmDescription: `The ${functionName} function failed an invocation: it answers every error itself, so this is a crash, a timeout or a failed start. Clients got 503. Read its log group for the request id.`,
          metric: verificationFunction.metricErrors({ period: oneMinute, statistic: Stats.SUM }),
          threshold: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
        false,
      );
      this.verificationDeploymentAlarms[functionName].push(errors, api5xxRate);
    }

    const { changes } = props;
    const countAlarm = (
      id: string,
      suffix: string,
      alarmDescription: string,
      metric: IMetric,
      threshold: number,
    ) =>
      notify(
        new Alarm(this, id, {
          alarmName: name(suffix),
          alarmDescription,
          metric,
          threshold,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
        false,
      );
    countAlarm(
      'MailQueueAge',
      'mail-queue-age',
      'A customer change has waited over 15 minutes to be mailed: SES refusing or down, the customer-changes function failing (its log group), or throttled. Nothing is lost: messages are retried for hours, then kept 14 days in the dead-letter queue.',
      changes.queue.metricApproximateAgeOfOldestMessage({ period: fiveMinutes, statistic: Stats.MAXIMUM }),
      15 * 60,
    );
    countAlarm(
      'MailDeadLetters',
      'mail-dead-letters',
      "Customer changes failed every retry and wait in the change queue's dead-letter queue (the stream records themselves, kept 14 days): a verification mail was not sent. Read the function's log group, fix, then move them back with the console's DLQ redrive.",
      changes.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: fiveMinutes,
        statistic: Stats.MAXIMUM,
      }),
      1,
    );
    countAlarm(
      'PipeDeadLetters',
      'pipe-dead-letters',
      "The pipe could not hand stream records to the change queue and recorded where they are in the stream. The stream keeps them 24 hours only: read them back from the positions in the pipe's dead-letter queue within that time.",
      changes.pipeDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: fiveMinutes,
        statistic: Stats.MAXIMUM,
      }),
      1,
    );
    countAlarm(
      'PipeFailures',
      'pipe-failures',
      "The pipe from the table's stream to the change queue failed executions: its role, the queue, or AWS. It retries; what it gives up on is in its dead-letter queue (see pipe-dead-letters).",
      new Metric({
        namespace: 'AWS/EventBridge/Pipes',
        metricName: 'ExecutionFailed',
        dimensionsMap: { PipeName: changes.pipeName },
        statistic: Stats.SUM,
        period: fiveMinutes,
      }),
      1,
    );
    countAlarm(
      'MailBounceRate',
      'mail-bounce-rate',
      "SES's bounce rate for the account reached 5%, where AWS reviews an account (it may pause sending at 10%). Addresses that do not exist are signing up: look for a bot in WAF's logs and the signups by address.",
      reputationMetric('Reputation.BounceRate'),
      0.05,
    );
    countAlarm(
      'MailComplaintRate',
      'mail-complaint-rate',
      "SES's complaint rate for the account reached 0.1%, where AWS reviews an account (it may pause sending at 0.5%). People mark our mails as spam: someone signs up addresses that are not theirs. Look at the signups by address and the resend volume.",
      reputationMetric('Reputation.ComplaintRate'),
      0.001,
    );

    const webAclSettings = config.webAcl;
    if (webAcl && webAclSettings) {
      notify(
        new Alarm(this, 'WafBlockedSpike', {
          alarmName: name('waf-blocked-spike'),
          alarmDescription: `WAF blocked over ${webAclSettings.blockedRequestsAlarm} requests in 5 minutes: an attack, or a rule blocking customers. The WAF logs (aws-waf-logs-…) say which rule and which clients.`,
          metric: wafMetric(webAcl, 'BlockedRequests', 'ALL', fiveMinutes),
          threshold: webAclSettings.blockedRequestsAlarm,
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
        false,
      );

      const verdicts: Record<string, IMetric> = {};
      for (const [ruleIndex, rule] of webAcl.fraudRuleMetricNames.entries()) {
        for (const [verdictIndex, verdict] of fraudVerdicts.entries()) {
          verdicts[`v${ruleIndex}_${verdictIndex}`] = wafMetric(webAcl, verdict, rule, fiveMinutes);
        }
      }
      notify(
        new Alarm(this, 'FraudVerdicts', {
          alarmName: name('fraud-verdicts'),
          alarmDescription: `The account creation fraud rules (ACFP) judged over ${webAclSettings.fraudVerdictsAlarm} signups in 5 minutes (blocked, challenged or counted): a wave of scripted or stolen-credential signups. The WAF logs' labels say which rule; look for new customers from the same addresses.`,
          metric: new MathExpression({
            expression: `SUM([${Object.keys(verdicts).join(', ')}])`,
            usingMetrics: verdicts,
            label: 'ACFP verdicts',
            period: fiveMinutes,
          }),
          threshold: webAclSettings.fraudVerdictsAlarm,
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
        false,
      );
    }
  }
}
