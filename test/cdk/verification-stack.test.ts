import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RemovalPolicy } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import type { APIGatewayProxyEvent, SQSEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { customersTable } from '../../functions/dynamodb/customers-table.ts';
import { changeFlow } from '../../lib/customer-changes.ts';
import { functionSettings } from '../../lib/service-function.ts';
import { resendPath, verifyPath } from '../../lib/signup-api.ts';
import { mailDomain, stageConfigs, stageNames } from '../../lib/stage-config.ts';
import { build } from '../../scripts/build.ts';
import { type SynthesizedStage, synthStage } from './synth-stage.ts';

type Resource = { Properties: Record<string, unknown>; DeletionPolicy?: string };
type Resources = Record<string, Resource>;

const onlyLogicalId = (resources: Resources): string => {
  const ids = Object.keys(resources);
  expect(ids).toHaveLength(1);
  return ids[0] as string;
};

/** The one resource of `resources` that the construct `constructId` made, by CDK's logical id. */
const logicalIdOf = (resources: Resources, constructId: string): string =>
  onlyLogicalId(
    Object.fromEntries(
      Object.entries(resources).filter(([id]) => new RegExp(`^${constructId}[0-9A-F]{8}$`).test(id)),
    ),
  );

const readEvent = async <Event>(name: string): Promise<Event> =>
  JSON.parse(await readFile(new URL(`../../events/${name}.json`, import.meta.url), 'utf8')) as Event;

let bundleDirectory: string;

beforeAll(async () => {
  bundleDirectory = await mkdtemp(join(tmpdir(), 'bundles-'));
  await build(bundleDirectory);
}, 120_000);

describe('the change flow’s numbers', () => {
  const consumerTimeout = functionSettings['customer-changes'].timeoutSeconds;

  it('hide a message being handled from other receivers for over six times the function’s timeout', () => {
    expect(changeFlow.visibilityTimeoutSeconds).toBeGreaterThan(6 * consumerTimeout);
  });

  it('retry a failing message for hours before its dead-letter queue: an hour’s SES outage loses nothing', () => {
    // A failed message comes back once its visibility timeout has passed.
    const retriedForSeconds = changeFlow.maxReceiveCount * changeFlow.visibilityTimeoutSeconds;
    expect(retriedForSeconds).toBeGreaterThanOrEqual(3 * 3600);
  });

  it('keep a message two weeks, SQS’s longest, far past the stream’s 24 hours', () => {
    expect(changeFlow.retention.toDays()).toBe(14);
  });
});

describe('-c mailFrom, -c verifyUrl, -c emailVerification, -c enumerationProtection', () => {
  it('replace the stage’s sender, its identity’s domain, the link’s page and the modes', async () => {
    const { template } = await synthStage('prod', bundleDirectory, {
      mailFrom: 'hello@mail.shop.example',
      verifyUrl: 'https://shop.example/account/verify',
      emailVerification: 'off',
      enumerationProtection: 'off',
    });

    template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'mail.shop.example' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          MAIL_FROM: 'hello@mail.shop.example',
          VERIFY_URL: 'https://shop.example/account/verify',
        }),
      },
    });
    template.resourcePropertiesCountIs(
      'AWS::Lambda::Function',
      {
        Environment: {
          Variables: Match.objectLike({ EMAIL_VERIFICATION: 'off', ENUMERATION_PROTECTION: 'off' }),
        },
      },
      3,
    );
  }, 120_000);
});

describe('the example events of npm run invoke', () => {
  it('post to the verify and resend routes, with the fields the contract names', async () => {
    const verify = await readEvent<APIGatewayProxyEvent>('verify-customer');
    const resend = await readEvent<APIGatewayProxyEvent>('resend-verification');

    expect([verify.httpMethod, verify.resource, verify.path]).toEqual(['POST', verifyPath, `${verifyPath}/`]);
    expect(Object.keys(JSON.parse(verify.body ?? '')).sort()).toEqual(['password', 'token']);
    expect([resend.httpMethod, resend.resource, resend.path]).toEqual(['POST', resendPath, `${resendPath}/`]);
    expect(Object.keys(JSON.parse(resend.body ?? ''))).toEqual(['email']);
  });

  it('give customer-changes an SQS message carrying a stream record of a pending customer, as the pipe sends it', async () => {
    const { Records } = await readEvent<SQSEvent>('customer-changes');
    const [message] = Records;
    const record = JSON.parse(message?.body ?? '') as {
      eventName: string;
      dynamodb: { Keys: Record<string, { S: string }>; NewImage: Record<string, Record<string, unknown>> };
    };

    expect(message?.eventSource).toBe('aws:sqs');
    expect(record.eventName).toBe('INSERT');
    expect(record.dynamodb.Keys[customersTable.partitionKey]?.S).toMatch(/^customer#/);
    expect(record.dynamodb.NewImage.is_active).toEqual({ BOOL: false });
    expect(record.dynamodb.NewImage).toHaveProperty('token_nonce');
    // What a stream record of the real table carries and no example should: the password hash.
    expect(record.dynamodb.NewImage).not.toHaveProperty('password');
  });
});

describe.each(stageNames)('e-mail verification in the %s stack', (stage) => {
  const config = stageConfigs[stage];
  const retained = config.removalPolicy === RemovalPolicy.RETAIN;
  let synthesized: SynthesizedStage;
  let queues: Resources;
  let queueId: string;
  let deadLetterId: string;
  let pipeDeadLetterId: string;
  let pipe: Record<string, unknown>;

  beforeAll(async () => {
    synthesized = await synthStage(stage, bundleDirectory);
    queues = synthesized.template.findResources('AWS::SQS::Queue') as Resources;
    queueId = logicalIdOf(queues, 'ChangeFlowQueue');
    deadLetterId = logicalIdOf(queues, 'ChangeFlowDeadLetterQueue');
    pipeDeadLetterId = logicalIdOf(queues, 'ChangeFlowPipeDeadLetterQueue');
    const pipes = synthesized.template.findResources('AWS::Pipes::Pipe') as Resources;
    pipe = pipes[onlyLogicalId(pipes)]?.Properties ?? {};
  }, 180_000);

  it(`requires verification, with enumeration protection ${config.enumerationProtection}`, () => {
    expect(config.emailVerification).toBe('required');
    expect(config.enumerationProtection).toBe(stage === 'prod' ? 'on' : 'off');
  });

  describe('the mail', () => {
    it('sends from the stage’s domain, signed with DKIM, through the configuration set by default', () => {
      const sets = synthesized.template.findResources('AWS::SES::ConfigurationSet') as Resources;
      synthesized.template.hasResourceProperties('AWS::SES::EmailIdentity', {
        EmailIdentity: mailDomain(config.mailFrom),
        DkimAttributes: { SigningEnabled: true },
        ConfigurationSetAttributes: { ConfigurationSetName: { Ref: onlyLogicalId(sets) } },
      });
    });

    it('suppresses bounced and complaining addresses, keeps reputation metrics, and requires TLS', () => {
      synthesized.template.hasResourceProperties('AWS::SES::ConfigurationSet', {
        ReputationOptions: { ReputationMetricsEnabled: true },
        SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
        DeliveryOptions: { TlsPolicy: 'REQUIRE' },
        SendingOptions: { SendingEnabled: true },
      });
    });

    it('counts each mail’s fate in CloudWatch under the configuration set', () => {
      const sets = synthesized.template.findResources('AWS::SES::ConfigurationSet') as Resources;
      synthesized.template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
        ConfigurationSetName: { Ref: onlyLogicalId(sets) },
        EventDestination: {
          Enabled: true,
          MatchingEventTypes: Match.arrayWith(['send', 'delivery', 'bounce', 'complaint', 'reject']),
          CloudWatchDestination: {
            DimensionConfigurations: [
              {
                DimensionName: 'ses:configuration-set',
                DimensionValueSource: 'messageTag',
                DefaultDimensionValue: 'none',
              },
            ],
          },
        },
      });
    });

    it('outputs the three DKIM records to add to the domain', () => {
      const identityId = onlyLogicalId(
        synthesized.template.findResources('AWS::SES::EmailIdentity') as Resources,
      );
      for (const index of [1, 2, 3]) {
        synthesized.template.hasOutput(`DkimRecord${index}`, {
          Value: {
            'Fn::Join': [
              ' CNAME ',
              [
                { 'Fn::GetAtt': [identityId, `DkimDNSTokenName${index}`] },
                { 'Fn::GetAtt': [identityId, `DkimDNSTokenValue${index}`] },
              ],
            ],
          },
        });
      }
    });
  });

  describe('the change flow', () => {
    it('pipes the table’s stream, customer items only, from now on, to the queue', () => {
      const tableId = onlyLogicalId(synthesized.template.findResources('AWS::DynamoDB::Table') as Resources);
      expect(pipe).toMatchObject({
        Source: { 'Fn::GetAtt': [tableId, 'StreamArn'] },
        Target: { 'Fn::GetAtt': [queueId, 'Arn'] },
        SourceParameters: {
          FilterCriteria: {
            Filters: [
              { Pattern: JSON.stringify({ dynamodb: { Keys: { pk: { S: [{ prefix: 'customer#' }] } } } }) },
            ],
          },
          DynamoDBStreamParameters: {
            StartingPosition: 'LATEST',
            BatchSize: changeFlow.pipeBatchSize,
            MaximumRetryAttempts: changeFlow.pipeMaximumRetryAttempts,
            OnPartialBatchItemFailure: 'AUTOMATIC_BISECT',
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': [pipeDeadLetterId, 'Arn'] } },
          },
        },
      });
    });

    it('lets the pipe read the stream and send to its queues, nothing else, and only for this account', () => {
      const roleId = (pipe.RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      const tableId = onlyLogicalId(synthesized.template.findResources('AWS::DynamoDB::Table') as Resources);
      synthesized.template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Statement: [
            Match.objectLike({
              Principal: { Service: 'pipes.amazonaws.com' },
              Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
            }),
          ],
        },
      });
      const policies = synthesized.template.findResources('AWS::IAM::Policy', {
        Properties: { Roles: [{ Ref: roleId }] },
      }) as Resources;
      expect(policies[onlyLogicalId(policies)]?.Properties.PolicyDocument).toEqual({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: [
              'dynamodb:DescribeStream',
              'dynamodb:GetRecords',
              'dynamodb:GetShardIterator',
              'dynamodb:ListStreams',
            ],
            Resource: { 'Fn::GetAtt': [tableId, 'StreamArn'] },
          },
          {
            Effect: 'Allow',
            Action: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
            Resource: [{ 'Fn::GetAtt': [pipeDeadLetterId, 'Arn'] }, { 'Fn::GetAtt': [queueId, 'Arn'] }],
          },
        ],
      });
    });

    it('lets the example stream record through the pipe’s filter', async () => {
      const { Records } = await readEvent<SQSEvent>('customer-changes');
      const record = JSON.parse(Records[0]?.body ?? '') as { dynamodb: { Keys: { pk: { S: string } } } };
      const filter = JSON.parse(
        (pipe.SourceParameters as { FilterCriteria: { Filters: [{ Pattern: string }] } }).FilterCriteria
          .Filters[0].Pattern,
      ) as { dynamodb: { Keys: { pk: { S: [{ prefix: string }] } } } };
      expect(record.dynamodb.Keys.pk.S.startsWith(filter.dynamodb.Keys.pk.S[0].prefix)).toBe(true);
    });

    it('keeps messages encrypted two weeks, hidden while handled, then in a dead-letter queue after many receives', () => {
      expect(queues[queueId]?.Properties).toEqual({
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: 14 * 24 * 3600,
        VisibilityTimeout: changeFlow.visibilityTimeoutSeconds,
        RedrivePolicy: {
          deadLetterTargetArn: { 'Fn::GetAtt': [deadLetterId, 'Arn'] },
          maxReceiveCount: changeFlow.maxReceiveCount,
        },
      });
      for (const id of [deadLetterId, pipeDeadLetterId]) {
        expect(queues[id]?.Properties).toEqual({
          SqsManagedSseEnabled: true,
          MessageRetentionPeriod: 14 * 24 * 3600,
        });
      }
    });

    it(`${retained ? 'keeps' : 'deletes'} the queues with the stack, and refuses them anything but TLS`, () => {
      for (const id of [queueId, deadLetterId, pipeDeadLetterId]) {
        expect(queues[id]?.DeletionPolicy).toBe(retained ? 'Retain' : 'Delete');
        synthesized.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
          Queues: [{ Ref: id }],
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            ]),
          },
        });
      }
    });

    it('feeds the customer-changes function’s alias in batches, each failed message reported alone, few at once', () => {
      const aliases = synthesized.template.findResources('AWS::Lambda::Alias') as Resources;
      const aliasId = logicalIdOf(aliases, 'CustomerChangesLive');
      synthesized.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
        FunctionName: Match.objectLike({
          'Fn::Join': [
            '',
            Match.arrayWith([
              Match.objectLike({
                'Fn::Select': [6, Match.objectLike({ 'Fn::Split': [':', { Ref: aliasId }] })],
              }),
            ]),
          ],
        }),
        BatchSize: changeFlow.functionBatchSize,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: changeFlow.functionMaxConcurrency },
      });
      synthesized.template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    });
  });

  describe('the event bus', () => {
    it('is the stage’s own, and archives every event of this account for replay', () => {
      const buses = synthesized.template.findResources('AWS::Events::EventBus') as Resources;
      const busId = onlyLogicalId(buses);
      expect(buses[busId]?.Properties.Name).toBe(`customer-signup-${stage}-customers`);
      synthesized.template.hasResourceProperties('AWS::Events::Archive', {
        SourceArn: { 'Fn::GetAtt': [busId, 'Arn'] },
        EventPattern: { account: [{ Ref: 'AWS::AccountId' }] },
        RetentionDays: config.eventArchiveRetentionDays,
      });
      synthesized.template.hasOutput('EventBusName', { Value: { Ref: busId } });
    });
  });

  describe('the link key', () => {
    it('is generated by the stack, long and without punctuation, and never written in the template', () => {
      const secrets = synthesized.template.findResources('AWS::SecretsManager::Secret') as Resources;
      expect(secrets[onlyLogicalId(secrets)]).toMatchObject({
        Properties: {
          GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true, IncludeSpace: false },
        },
        DeletionPolicy: retained ? 'Retain' : 'Delete',
      });
      expect(secrets[onlyLogicalId(secrets)]?.Properties).not.toHaveProperty('SecretString');
    });
  });
});
