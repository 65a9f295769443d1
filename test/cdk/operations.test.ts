import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTelemetry, routeTelemetry } from '../../functions/http/telemetry.ts';
import { grantedStoreActions, storeOperations } from '../../lib/alarms.ts';
import { signupMetrics } from '../../lib/dashboard.ts';
import { stageConfigs, stageNames } from '../../lib/stage-config.ts';
import { build } from '../../scripts/build.ts';
import { capturingOutput } from '../support/captured-output.ts';
import { useEmbeddedTable } from '../support/dynalite.ts';
import { createTestHandler, invoke, jsonPost, validSignup } from '../support/signup-handler.ts';
import { type SynthesizedStage, synthStage } from './synth-stage.ts';

type Resource = { Type: string; Properties: Record<string, unknown>; UpdatePolicy?: Record<string, unknown> };
type Resources = Record<string, Resource>;

const onlyLogicalId = (resources: Resources): string => {
  const ids = Object.keys(resources);
  expect(ids).toHaveLength(1);
  return ids[0] as string;
};

/** Every string of a template fragment, `Fn::Join`s flattened: what a dashboard body or an ARN reads as. */
const textOf = (value: unknown): string => JSON.stringify(value);

const db = await useEmbeddedTable();
let bundleDirectory: string;

beforeAll(async () => {
  bundleDirectory = await mkdtemp(join(tmpdir(), 'bundles-'));
  await build(bundleDirectory);
}, 120_000);

/** The one resource of `resources` that the construct `constructId` made, by CDK's logical id. */
const logicalIdOf = (resources: Resources, constructId: string): string =>
  onlyLogicalId(
    Object.fromEntries(
      Object.entries(resources).filter(([id]) => new RegExp(`^${constructId}[0-9A-F]{8}$`).test(id)),
    ),
  );

describe('-c alarmEmail', () => {
  it('subscribes that address to the alarm topic', async () => {
    const { template } = await synthStage('prod', bundleDirectory, { alarmEmail: 'oncall@shop.example' });
    const topicId = onlyLogicalId(template.findResources('AWS::SNS::Topic') as Resources);

    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@shop.example',
      TopicArn: { Ref: topicId },
    });
  }, 120_000);

  it.each(['', 'oncall', 'a@b.example,c@d.example', 'on call@shop.example'])(
    'refuses -c alarmEmail=%j, naming the setting',
    async (address) => {
      await expect(synthStage('dev', bundleDirectory, { alarmEmail: address })).rejects.toThrow(/alarmEmail/);
    },
  );
});

describe('a -c setting synth cannot use', () => {
  it.each([
    [{ stage: 'staging' }, 'stage'],
    [{ stage: 'prod', alarmEmail: 'oncall' }, 'alarmEmail'],
    [{ stage: 'prod', corsOrigins: 'shop.example' }, 'corsOrigins'],
    [{ stage: 'dev', emailVerification: 'maybe' }, 'emailVerification'],
    [{ stage: 'dev', enumerationProtection: 'yes' }, 'enumerationProtection'],
    [
      { stage: 'prod', emailVerification: 'off' },
      'enumerationProtection=on needs -c emailVerification=required',
    ],
    [{ stage: 'prod', mailFrom: 'shop.example.com' }, 'mailFrom'],
    [{ stage: 'prod', mailFrom: 'Shop <no-reply@shop.example.com>' }, 'mailFrom'],
    [{ stage: 'prod', verifyUrl: 'shop.example.com/verify' }, 'verifyUrl'],
    [{ stage: 'prod', verifyUrl: 'https://shop.example.com/verify#token=' }, 'verifyUrl'],
    [{ stage: 'prod', verifyUrl: 'http://shop.example.com/verify' }, 'verifyUrl'],
  ])('%j is one line naming %s, no stack trace', async (context, setting) => {
    // What `cdk synth -c …` runs: the app, its context in CDK_CONTEXT_JSON.
    const run = spawnSync(process.execPath, [new URL('../../bin/app.ts', import.meta.url).pathname], {
      env: {
        ...process.env,
        CDK_CONTEXT_JSON: JSON.stringify(context),
        CDK_OUTDIR: await mkdtemp(join(tmpdir(), 'cdk-refused-')),
      },
      encoding: 'utf8',
    });

    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringContaining(setting)]);
  });
});

describe('the dashboard’s signup metrics', () => {
  // Retried: on a busy machine the embedded store may miss the SDK's 1 s timeout, and a 503 emits other metrics.
  it('are the ones the function emits: namespace, names, and the dimensions it sends them with', {
    retry: 2,
  }, async () => {
    const call = createTestHandler({
      documentClient: db.documentClient,
      tableName: db.tableName,
      telemetry: createTelemetry(),
    });
    const keyed = jsonPost(validSignup({ email: `metrics-${randomUUID()}@example.com` }), {
      'Idempotency-Key': randomUUID(),
    });
    const { result: statuses, lines } = await capturingOutput(async () => [
      (await invoke(call, keyed)).statusCode,
      (await invoke(call, keyed)).statusCode,
      (await invoke(call, jsonPost(validSignup({ email: 'not-an-email' })))).statusCode,
    ]);
    expect(statuses).toEqual([201, 201, 400]);

    const emitted = lines
      .filter((line) => '_aws' in line)
      .map((line) => {
        const [directive] = (
          line._aws as {
            CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[];
          }
        ).CloudWatchMetrics;
        return {
          namespace: directive?.Namespace,
          name: directive?.Metrics[0]?.Name,
          dimensions: Object.fromEntries((directive?.Dimensions[0] ?? []).map((name) => [name, line[name]])),
        };
      });
    const service = { service: signupMetrics.service };
    expect(emitted).toEqual([
      { namespace: signupMetrics.namespace, name: signupMetrics.created, dimensions: service },
      { namespace: signupMetrics.namespace, name: signupMetrics.replayed, dimensions: service },
      {
        namespace: signupMetrics.namespace,
        name: signupMetrics.rejected,
        dimensions: { ...service, reason: 'invalid-fields' },
      },
    ]);
  });
});

describe.each(stageNames)('operating the %s stack', (stage) => {
  const config = stageConfigs[stage];
  let synthesized: SynthesizedStage;
  let alarms: Resources;
  let topicId: string;
  let functionId: string;

  const alarmNamed = (suffix: string): [string, Resource] => {
    const found = Object.entries(alarms).find(
      ([, alarm]) => alarm.Properties.AlarmName === `customer-signup-${stage}-${suffix}`,
    );
    if (!found) throw new Error(`no alarm ${suffix}`);
    return found;
  };

  beforeAll(async () => {
    synthesized = await synthStage(stage, bundleDirectory);
    alarms = synthesized.template.findResources('AWS::CloudWatch::Alarm') as Resources;
    topicId = onlyLogicalId(synthesized.template.findResources('AWS::SNS::Topic') as Resources);
    functionId = logicalIdOf(
      synthesized.template.findResources('AWS::Lambda::Function') as Resources,
      'CreateCustomer',
    );
  }, 180_000);

  describe('the alarms', () => {
    it('notify one topic that takes only TLS and only this account’s alarms, and nobody without -c alarmEmail', () => {
      synthesized.template.resourceCountIs('AWS::SNS::Subscription', 0);
      synthesized.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [{ Ref: topicId }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
            Match.objectLike({
              Effect: 'Allow',
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: 'sns:Publish',
              Condition: Match.objectLike({
                StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              }),
            }),
          ]),
        },
      });
    });

    it('are seven (nine with WAF), each with its reason, each notifying the topic when it fires and when it clears', () => {
      expect(Object.keys(alarms).length).toBeGreaterThanOrEqual(config.webAcl ? 9 : 7);
      for (const alarm of Object.values(alarms)) {
        expect(alarm.Properties).toMatchObject({
          AlarmActions: [{ Ref: topicId }],
          OKActions: [{ Ref: topicId }],
          AlarmDescription: expect.stringMatching(/.{60,}/),
        });
      }
    });

    it('watch the function’s alias for errors and throttles', () => {
      for (const [suffix, metricName] of [
        ['function-errors', 'Errors'],
        ['function-throttles', 'Throttles'],
      ] as const) {
        const [, alarm] = alarmNamed(suffix);
        expect(alarm.Properties).toMatchObject({
          Namespace: 'AWS/Lambda',
          MetricName: metricName,
          Statistic: 'Sum',
        });
        expect(alarm.Properties.Dimensions).toContainEqual({
          Name: 'Resource',
          Value: { 'Fn::Join': ['', [{ Ref: functionId }, ':live']] },
        });
      }
    });

    it('watch the API stage’s 5xx rate (over enough requests), its 4xx against their usual band, its p99 latency', () => {
      const [, serverErrors] = alarmNamed('api-5xx-rate');
      expect(textOf(serverErrors.Properties.Metrics)).toMatch(
        /IF\(requests >= 10, 100 \* errors \/ requests, 0\)/,
      );
      expect(textOf(serverErrors.Properties.Metrics)).toContain('"MetricName":"5XXError"');
      expect(serverErrors.Properties.Threshold).toBe(5);

      const [, clientErrors] = alarmNamed('api-4xx-spike');
      expect(clientErrors.Properties.ComparisonOperator).toBe('GreaterThanUpperThreshold');
      expect(textOf(clientErrors.Properties.Metrics)).toContain('ANOMALY_DETECTION_BAND');
      expect(textOf(clientErrors.Properties.Metrics)).toContain('"MetricName":"4XXError"');

      const [, latency] = alarmNamed('latency-p99');
      expect(latency.Properties).toMatchObject({
        Namespace: 'AWS/ApiGateway',
        MetricName: 'Latency',
        ExtendedStatistic: 'p99',
        Threshold: config.latencyP99AlarmMilliseconds,
      });
      // Above what one hash explains, or the alarm would ring on every cold signup.
      expect(config.latencyP99AlarmMilliseconds).toBeGreaterThan(3 * config.hashMilliseconds);
    });

    it('watch DynamoDB’s throttles and system errors on every operation the function sends, and no other', () => {
      expect(storeOperations.map((operation) => `dynamodb:${operation}`).sort()).toEqual(
        [...grantedStoreActions].sort(),
      );
      expect(storeOperations).toContain('Query');
      for (const [suffix, metricName] of [
        ['store-throttles', 'ThrottledRequests'],
        ['store-system-errors', 'SystemErrors'],
      ] as const) {
        const [, alarm] = alarmNamed(suffix);
        const metrics = alarm.Properties.Metrics as {
          MetricStat?: { Metric: { MetricName: string; Dimensions: { Name: string; Value: unknown }[] } };
        }[];
        const operations = metrics
          .flatMap((metric) => (metric.MetricStat ? [metric.MetricStat.Metric] : []))
          .map((metric) => {
            expect(metric.MetricName).toBe(metricName);
            return metric.Dimensions.find((dimension) => dimension.Name === 'Operation')?.Value;
          });
        expect(operations.sort()).toEqual([...storeOperations].sort());
      }
    });

    it.each([
      ['verify-customer-errors', 'VerifyCustomerLive'],
      ['resend-verification-errors', 'ResendVerificationLive'],
    ])('watch %s on the function’s alias', (suffix, aliasConstructId) => {
      const [, alarm] = alarmNamed(suffix);
      const aliasId = logicalIdOf(
        synthesized.template.findResources('AWS::Lambda::Alias') as Resources,
        aliasConstructId,
      );
      const aliases = synthesized.template.findResources('AWS::Lambda::Alias') as Resources;
      const functionRef = aliases[aliasId]?.Properties.FunctionName;
      expect(alarm.Properties).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Errors', Threshold: 1 });
      expect(alarm.Properties.Dimensions).toContainEqual({
        Name: 'Resource',
        Value: { 'Fn::Join': ['', [functionRef, ':live']] },
      });
    });

    it('watch the change queue’s oldest message, both dead-letter queues and the pipe’s failures', () => {
      const queues = synthesized.template.findResources('AWS::SQS::Queue') as Resources;
      const queueId = onlyLogicalId(
        Object.fromEntries(Object.entries(queues).filter(([, queue]) => queue.Properties.RedrivePolicy)),
      );
      const redrive = queues[queueId]?.Properties.RedrivePolicy as {
        deadLetterTargetArn: { 'Fn::GetAtt': [string] };
      };
      const deadLetterId = redrive.deadLetterTargetArn['Fn::GetAtt'][0];
      const pipes = synthesized.template.findResources('AWS::Pipes::Pipe') as Resources;
      const pipe = pipes[onlyLogicalId(pipes)]?.Properties as {
        Name: string;
        SourceParameters: {
          DynamoDBStreamParameters: { DeadLetterConfig: { Arn: { 'Fn::GetAtt': [string] } } };
        };
      };
      const pipeDeadLetterId =
        pipe.SourceParameters.DynamoDBStreamParameters.DeadLetterConfig.Arn['Fn::GetAtt'][0];

      const [, age] = alarmNamed('mail-queue-age');
      expect(age.Properties).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateAgeOfOldestMessage',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
        Threshold: 900,
      });
      for (const [suffix, id] of [
        ['mail-dead-letters', deadLetterId],
        ['pipe-dead-letters', pipeDeadLetterId],
      ] as const) {
        const [, alarm] = alarmNamed(suffix);
        expect(alarm.Properties).toMatchObject({
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id, 'QueueName'] } }],
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        });
      }
      const [, pipeFailures] = alarmNamed('pipe-failures');
      expect(pipeFailures.Properties).toMatchObject({
        Namespace: 'AWS/EventBridge/Pipes',
        MetricName: 'ExecutionFailed',
        Dimensions: [{ Name: 'PipeName', Value: pipe.Name }],
        Statistic: 'Sum',
        Threshold: 1,
      });
    });

    it('watch SES’s bounce rate at 5% and complaint rate at 0.1%, where AWS reviews an account', () => {
      for (const [suffix, metricName, threshold] of [
        ['mail-bounce-rate', 'Reputation.BounceRate', 0.05],
        ['mail-complaint-rate', 'Reputation.ComplaintRate', 0.001],
      ] as const) {
        const [, alarm] = alarmNamed(suffix);
        expect(alarm.Properties).toMatchObject({
          Namespace: 'AWS/SES',
          MetricName: metricName,
          Statistic: 'Maximum',
          Threshold: threshold,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        });
      }
    });

    if (config.webAcl) {
      const webAcl = config.webAcl;
      it('watch WAF’s blocked requests and the account-creation fraud rules’ verdicts', () => {
        const [, blocked] = alarmNamed('waf-blocked-spike');
        expect(blocked.Properties).toMatchObject({
          Namespace: 'AWS/WAFV2',
          MetricName: 'BlockedRequests',
          Threshold: webAcl.blockedRequestsAlarm,
        });
        expect(blocked.Properties.Dimensions).toEqual(
          expect.arrayContaining([
            { Name: 'Rule', Value: 'ALL' },
            { Name: 'WebACL', Value: `customer-signup-${stage}` },
          ]),
        );

        const [, verdicts] = alarmNamed('fraud-verdicts');
        const watched = (
          verdicts.Properties.Metrics as {
            MetricStat?: { Metric: { MetricName: string; Dimensions: { Name: string; Value: unknown }[] } };
          }[]
        ).flatMap(({ MetricStat }) =>
          MetricStat
            ? [
                `${MetricStat.Metric.MetricName} of ${MetricStat.Metric.Dimensions.find(({ Name }) => Name === 'Rule')?.Value}`,
              ]
            : [],
        );
        expect(watched.sort()).toEqual(
          ['account-creation-fraud-json', 'account-creation-fraud-form-encoded']
            .flatMap((rule) =>
              ['BlockedRequests', 'ChallengeRequests', 'CaptchaRequests', 'CountedRequests'].map(
                (verdict) => `${verdict} of customer-signup-${stage}-${rule}`,
              ),
            )
            .sort(),
        );
        expect(textOf(verdicts.Properties.Metrics)).toContain('SUM([');
        expect(verdicts.Properties.Threshold).toBe(webAcl.fraudVerdictsAlarm);
      });
    } else {
      it('have nothing to say of WAF, which the stage has not', () => {
        expect(textOf(alarms)).not.toContain('AWS/WAFV2');
      });
    }
  });

  describe('the dashboard', () => {
    it('graphs signups created, rejected by reason and replayed, latency beside the hash, cold starts, store faults, cost drivers', () => {
      const dashboards = synthesized.template.findResources('AWS::CloudWatch::Dashboard') as Resources;
      const body = textOf(dashboards[onlyLogicalId(dashboards)]?.Properties.DashboardBody);
      for (const shown of [
        `\\"${signupMetrics.namespace}\\",\\"${signupMetrics.created}\\",\\"service\\",\\"${signupMetrics.service}\\"`,
        `\\"${signupMetrics.namespace}\\",\\"${signupMetrics.replayed}\\",\\"service\\",\\"${signupMetrics.service}\\"`,
        `{${signupMetrics.namespace},reason,service} MetricName=\\\\\\"${signupMetrics.rejected}\\\\\\"`,
        `one bcrypt hash at cost ${config.bcryptCost}`,
        `\\"value\\":${config.hashMilliseconds}`,
        '\\"stat\\":\\"p99\\"',
        'initDurationMs',
        'store-unavailable',
        'ThrottledRequests',
        'ConsumedWriteCapacityUnits',
        'Invocations',
      ]) {
        expect(body).toContain(shown);
      }
      expect(body.includes('AWS/WAFV2')).toBe(config.webAcl !== undefined);
    });

    it('graphs every count the three HTTP functions emit', () => {
      const dashboards = synthesized.template.findResources('AWS::CloudWatch::Dashboard') as Resources;
      const body = textOf(dashboards[onlyLogicalId(dashboards)]?.Properties.DashboardBody);
      const emitted = Object.values(routeTelemetry).flatMap(({ counted, rejected }) => [
        ...Object.values(counted),
        rejected,
      ]);
      for (const name of emitted) expect(body, name).toContain(name);
    });

    it('graphs the mails sent and failed, and the change queue', () => {
      const dashboards = synthesized.template.findResources('AWS::CloudWatch::Dashboard') as Resources;
      const body = textOf(dashboards[onlyLogicalId(dashboards)]?.Properties.DashboardBody);
      for (const shown of [
        'Mails: sent, delivered, delayed',
        'Mails failed: bounced, complained, rejected, dead letters',
        'Change queue: waiting, oldest (s), pipe failures',
        '\\"AWS/SES\\",\\"Send\\",\\"ses:configuration-set\\"',
        '\\"AWS/SES\\",\\"Bounce\\",\\"ses:configuration-set\\"',
        '\\"AWS/SES\\",\\"Complaint\\",\\"ses:configuration-set\\"',
        'ApproximateAgeOfOldestMessage',
        'ApproximateNumberOfMessagesVisible',
        '\\"AWS/EventBridge/Pipes\\",\\"ExecutionFailed\\"',
      ]) {
        expect(body).toContain(shown);
      }
    });
  });

  describe('the deployment', () => {
    it('points the API at the alias `live`, which CloudFormation moves only through CodeDeploy', () => {
      const aliases = synthesized.template.findResources('AWS::Lambda::Alias') as Resources;
      for (const constructId of ['CreateCustomerLive', 'VerifyCustomerLive', 'ResendVerificationLive']) {
        const aliasId = logicalIdOf(aliases, constructId);
        expect(aliases[aliasId]?.Properties.Name).toBe('live');
        expect(aliases[aliasId]?.UpdatePolicy).toMatchObject({
          CodeDeployLambdaAliasUpdate: expect.any(Object),
        });
        // POST and every other method of its route.
        synthesized.template.resourcePropertiesCountIs(
          'AWS::Lambda::Permission',
          { FunctionName: { Ref: aliasId } },
          2,
        );
      }
    });

    it(`shifts traffic ${stage === 'prod' ? '10% for 5 minutes first' : 'all at once'}, rolling back when a release’s alarm fires`, () => {
      const releaseAlarms = ['function-errors', 'api-5xx-rate', 'latency-p99'].map((suffix) => ({
        Name: { Ref: alarmNamed(suffix)[0] },
      }));
      synthesized.template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
        DeploymentConfigName:
          stage === 'prod'
            ? 'CodeDeployDefault.LambdaCanary10Percent5Minutes'
            : 'CodeDeployDefault.LambdaAllAtOnce',
        AlarmConfiguration: { Enabled: true, Alarms: releaseAlarms },
        AutoRollbackConfiguration: {
          Enabled: true,
          Events: Match.arrayWith(['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM']),
        },
      });
    });

    it.each(['verify-customer', 'resend-verification'])(
      `shifts %s's traffic as the signup's, rolling back on its errors or the API's 5xx rate`,
      (name) => {
        const releaseAlarms = [`${name}-errors`, 'api-5xx-rate'].map((suffix) => ({
          Name: { Ref: alarmNamed(suffix)[0] },
        }));
        synthesized.template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
          DeploymentConfigName:
            stage === 'prod'
              ? 'CodeDeployDefault.LambdaCanary10Percent5Minutes'
              : 'CodeDeployDefault.LambdaAllAtOnce',
          AlarmConfiguration: { Enabled: true, Alarms: releaseAlarms },
          AutoRollbackConfiguration: {
            Enabled: true,
            Events: Match.arrayWith(['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM']),
          },
        });
      },
    );

    it('releases the change consumer without CodeDeploy: the queue keeps what a bad version fails', () => {
      synthesized.template.resourceCountIs('AWS::CodeDeploy::DeploymentGroup', 3);
    });
  });

  const webAcl = config.webAcl;
  if (webAcl) {
    describe('the WAF web ACL', () => {
      const rules = () => {
        const webAcls = synthesized.template.findResources('AWS::WAFv2::WebACL') as Resources;
        return webAcls[onlyLogicalId(webAcls)]?.Properties.Rules as {
          Name: string;
          Priority: number;
          Statement: Record<string, Record<string, unknown>>;
          OverrideAction?: unknown;
          Action?: unknown;
        }[];
      };
      const managedGroup = (name: string) =>
        rules().filter((rule) => rule.Statement.ManagedRuleGroupStatement?.Name === name);

      it('keeps the rate limit first, then AWS’s IP reputation and known bad inputs, each blocking what it matches', () => {
        expect(rules()[0]).toMatchObject({ Name: 'rate-limit-per-ip', Priority: 0 });
        for (const name of [
          'AWSManagedRulesAmazonIpReputationList',
          'AWSManagedRulesKnownBadInputsRuleSet',
        ]) {
          const [group] = managedGroup(name);
          expect(group).toMatchObject({
            OverrideAction: { None: {} },
            Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS' } },
          });
        }
      });

      it('runs account creation fraud prevention last, on the signup path but not verify’s, for JSON and form bodies', () => {
        // ACFP takes the creation path as a prefix; verify and resend create no account.
        const notVerification = {
          NotStatement: {
            Statement: {
              ByteMatchStatement: {
                FieldToMatch: { UriPath: {} },
                PositionalConstraint: 'STARTS_WITH',
                SearchString: `/${stage}/api/v1/customers/verify`,
                TextTransformations: [{ Priority: 0, Type: 'NONE' }],
              },
            },
          },
        };
        const acfp = managedGroup('AWSManagedRulesACFPRuleSet');
        expect(acfp).toHaveLength(2);
        const others = rules().filter((rule) => !acfp.includes(rule));
        expect(Math.min(...acfp.map((rule) => rule.Priority))).toBeGreaterThan(
          Math.max(...others.map((rule) => rule.Priority)),
        );
        const configs = acfp.map((rule) => rule.Statement.ManagedRuleGroupStatement);
        expect(configs).toEqual([
          expect.objectContaining({
            ManagedRuleGroupConfigs: [
              {
                AWSManagedRulesACFPRuleSet: expect.objectContaining({
                  CreationPath: `/${stage}/api/v1/customers`,
                  RequestInspection: {
                    PayloadType: 'JSON',
                    EmailField: { Identifier: '/email' },
                    PasswordField: { Identifier: '/password' },
                  },
                }),
              },
            ],
            ScopeDownStatement: {
              AndStatement: {
                Statements: [
                  {
                    ByteMatchStatement: expect.objectContaining({
                      FieldToMatch: { SingleHeader: { Name: 'content-type' } },
                      SearchString: 'application/json',
                    }),
                  },
                  notVerification,
                ],
              },
            },
          }),
          expect.objectContaining({
            ManagedRuleGroupConfigs: [
              {
                AWSManagedRulesACFPRuleSet: expect.objectContaining({
                  CreationPath: `/${stage}/api/v1/customers`,
                  RequestInspection: {
                    PayloadType: 'FORM_ENCODED',
                    EmailField: { Identifier: 'email' },
                    PasswordField: { Identifier: 'password' },
                  },
                }),
              },
            ],
            ScopeDownStatement: {
              AndStatement: {
                Statements: [
                  {
                    ByteMatchStatement: expect.objectContaining({
                      SearchString: 'application/x-www-form-urlencoded',
                    }),
                  },
                  notVerification,
                ],
              },
            },
          }),
        ]);
      });

      it('refuses a POST from a page of another origin with 403 and the contract’s JSON, not one without Origin', () => {
        const crossSite = rules().find((rule) => rule.Name === 'cross-site-post');
        if (!crossSite) throw new Error('no cross-site-post rule');
        const { Statements: statements } = crossSite.Statement.AndStatement as {
          Statements: Record<string, unknown>[];
        };
        expect(statements).toContainEqual({
          SizeConstraintStatement: expect.objectContaining({
            FieldToMatch: { SingleHeader: { Name: 'origin' } },
            ComparisonOperator: 'GT',
            Size: 0,
          }),
        });
        const allowed = textOf(statements.find((statement) => 'NotStatement' in statement));
        for (const origin of config.corsOrigins) expect(allowed).toContain(`"SearchString":"${origin}"`);
        expect(crossSite.Action).toMatchObject({
          Block: { CustomResponse: { ResponseCode: 403, CustomResponseBodyKey: 'forbidden' } },
        });
        synthesized.template.hasResourceProperties('AWS::WAFv2::WebACL', {
          CustomResponseBodies: Match.objectLike({
            forbidden: {
              ContentType: 'APPLICATION_JSON',
              Content: Match.serializedJson({ detail: 'You do not have permission to perform this action.' }),
            },
          }),
        });
      });

      it('logs to an aws-waf-logs- log group, kept as the stage says, with what could carry a secret redacted', () => {
        const logGroups = synthesized.template.findResources('AWS::Logs::LogGroup', {
          Properties: { LogGroupName: Match.stringLikeRegexp('^aws-waf-logs-') },
        }) as Resources;
        const logGroupId = onlyLogicalId(logGroups);
        expect(logGroups[logGroupId]?.Properties.RetentionInDays).toBe(webAcl.logRetention);
        const webAcls = synthesized.template.findResources('AWS::WAFv2::WebACL') as Resources;

        synthesized.template.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
          ResourceArn: { 'Fn::GetAtt': [onlyLogicalId(webAcls), 'Arn'] },
          LogDestinationConfigs: [
            { 'Fn::Join': ['', Match.arrayWith([':log-group:', { Ref: logGroupId }])] },
          ],
          RedactedFields: Match.arrayWith([
            { QueryString: {} },
            { SingleHeader: { Name: 'cookie' } },
            { SingleHeader: { Name: 'idempotency-key' } },
          ]),
        });
      });
    });
  } else {
    it('has no web ACL and no WAF logs', () => {
      synthesized.template.resourceCountIs('AWS::WAFv2::WebACL', 0);
      synthesized.template.resourceCountIs('AWS::WAFv2::LoggingConfiguration', 0);
    });
  }
});
