import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RemovalPolicy } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { build as esbuild } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { customerKey } from '../../functions/dynamodb/customers.ts';
import { createTableInput, customersTable } from '../../functions/dynamodb/customers-table.ts';
import { signupRequestKey } from '../../functions/dynamodb/signup-requests.ts';
import { slugCounterKey, slugKey } from '../../functions/dynamodb/slug-reservations.ts';
import { openApiDocument } from '../../functions/http/openapi.ts';
import { type FunctionName, functionNames } from '../../lib/bundling.ts';
import { customersStackName } from '../../lib/customers-stack.ts';
import { functionSettings } from '../../lib/service-function.ts';
import { stageConfig, stageConfigs, stageNames } from '../../lib/stage-config.ts';
import { build } from '../../scripts/build.ts';
import { type SynthesizedStage, synthStage } from './synth-stage.ts';

type Resources = Record<string, { Properties: Record<string, unknown> }>;

interface IntegrationResponse {
  StatusCode: string;
  ResponseParameters: Record<string, string>;
  ResponseTemplates: Record<string, string>;
}

const onlyLogicalId = (resources: Resources): string => {
  const ids = Object.keys(resources);
  expect(ids).toHaveLength(1);
  return ids[0] as string;
};

/** The construct ids the stack gives each function (`lib/customers-stack.ts`). */
const functionConstructIds: Record<FunctionName, string> = {
  'create-customer': 'CreateCustomer',
  'verify-customer': 'VerifyCustomer',
  'resend-verification': 'ResendVerification',
  'customer-changes': 'CustomerChanges',
};

/** The logical id of the one resource of `resources` that the construct `constructId` made, by CDK's naming. */
const logicalIdOf = (resources: Resources, constructId: string): string =>
  onlyLogicalId(
    Object.fromEntries(
      Object.entries(resources).filter(([id]) => new RegExp(`^${constructId}[0-9A-F]{8}$`).test(id)),
    ),
  );

/** The DynamoDB actions each document-client command the function sends needs. */
const actionOfCommand: Record<string, string> = {
  GetCommand: 'dynamodb:GetItem',
  PutCommand: 'dynamodb:PutItem',
  UpdateCommand: 'dynamodb:UpdateItem',
  DeleteCommand: 'dynamodb:DeleteItem',
  QueryCommand: 'dynamodb:Query',
  SendEmailCommand: 'ses:SendEmail',
  PutEventsCommand: 'events:PutEvents',
};

/** The commands named in the project's own sources that the function's bundle is built from. */
const commandsSentBy = async (name: FunctionName): Promise<Set<string>> => {
  const { metafile } = await esbuild({
    entryPoints: [fileURLToPath(new URL(`../../functions/${name}/index.ts`, import.meta.url))],
    bundle: true,
    write: false,
    metafile: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    logLevel: 'silent',
  });
  const sources = await Promise.all(
    Object.keys(metafile.inputs)
      .filter((file) => file.startsWith('functions/') && file.endsWith('.ts'))
      .map((file) => readFile(file, 'utf8')),
  );
  return new Set(
    sources.flatMap((source) => [...source.matchAll(/\bnew (\w+Command)\(/g)].map((match) => match[1] ?? '')),
  );
};

/**
 * Commands whose modules a function bundles but that it never sends, so its role is not granted them:
 * the verify and resend stores read the customer items' module (`dynamodb/customers.ts`, whose
 * requests module sends Get, Put and Update) for its attribute helpers; resend only renews a link,
 * one conditional update. The store tests show which requests each use case makes.
 */
const bundledButNeverSent: Partial<Record<FunctionName, string[]>> = {
  'verify-customer': ['PutCommand'],
  'resend-verification': ['GetCommand', 'PutCommand', 'QueryCommand'],
};

let bundleDirectory: string;

beforeAll(async () => {
  // A build of its own, so the tests neither need nor disturb dist/.
  bundleDirectory = await mkdtemp(join(tmpdir(), 'bundles-'));
  await build(bundleDirectory);
}, 120_000);

describe('stage settings', () => {
  it('refuses a stage it does not know', () => {
    expect(() => stageConfig('staging')).toThrow(/Unknown stage "staging"/);
  });

  it('takes the CORS origins of -c corsOrigins in place of the stage’s', async () => {
    const origins = 'https://shop.acme.example,https://acme.example:8443';
    const { template } = await synthStage('prod', bundleDirectory, { corsOrigins: origins });

    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ CORS_ORIGINS: origins }) },
    });
  }, 120_000);

  it.each([
    '',
    'https://shop.acme.example/',
    'https://shop.acme.example/signup',
    'shop.acme.example',
    'ftp://shop.acme.example',
    'https://a.example,,https://b.example',
  ])('refuses -c corsOrigins=%j, which is not a list of origins', async (origins) => {
    await expect(synthStage('dev', bundleDirectory, { corsOrigins: origins })).rejects.toThrow(/corsOrigins/);
  });

  it('names each stack after its stage', () => {
    expect(stageNames.map(customersStackName)).toEqual(['customer-signup-dev', 'customer-signup-prod']);
  });

  it('grants the signup exactly the DynamoDB actions it sends, on the item prefixes it sends them to', async () => {
    const commands = await commandsSentBy('create-customer');
    expect(commands.size).toBeGreaterThan(0);
    const needed = [...commands].map((command) => actionOfCommand[command] ?? `unmapped ${command}`);
    // Powertools' persistence layer sends its own commands, delete included, on idempotency records.
    const [store, idempotency, marker] = functionSettings['create-customer'].tableGrants;
    expect(new Set(needed)).toEqual(new Set(store.actions));
    expect(new Set(idempotency.actions)).toEqual(new Set([...store.actions, 'dynamodb:DeleteItem']));
    const keys = [customerKey('a@example.com'), slugKey('john-doe'), slugCounterKey('john-doe')];
    expect(keys.every((key) => store.keyPrefixes.some((prefix) => key.startsWith(prefix)))).toBe(true);
    expect(signupRequestKey('digest').startsWith(marker.keyPrefixes[0])).toBe(true);
    expect(new Set(marker.actions)).toEqual(new Set(['dynamodb:GetItem', 'dynamodb:UpdateItem']));
  });
});

describe.each(stageNames)('the %s stack', (stage) => {
  const config = stageConfigs[stage];
  const retained = config.removalPolicy === RemovalPolicy.RETAIN;
  let synthesized: SynthesizedStage;
  let tableId: string;
  let aliasId: string;

  beforeAll(async () => {
    synthesized = await synthStage(stage, bundleDirectory);
    const { template } = synthesized;
    tableId = onlyLogicalId(template.findResources('AWS::DynamoDB::Table') as Resources);
    aliasId = logicalIdOf(template.findResources('AWS::Lambda::Alias') as Resources, 'CreateCustomerLive');
  }, 180_000);

  /** The statements of the policy of the role `functionName` runs as: all it may do besides assuming it. */
  const policyStatementsOf = (functionName: FunctionName) => {
    const functions = synthesized.template.findResources('AWS::Lambda::Function') as Resources;
    const id = logicalIdOf(functions, functionConstructIds[functionName]);
    const role = functions[id]?.Properties.Role as { 'Fn::GetAtt': [string, string] };
    const policies = synthesized.template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: role['Fn::GetAtt'][0] }] },
    }) as Resources;
    const policy = policies[onlyLogicalId(policies)]?.Properties.PolicyDocument as {
      Statement: { Action: string | string[]; Resource: unknown; Condition?: unknown }[];
    };
    return policy.Statement;
  };

  it.each(functionNames)('lets %s call every AWS action its sources send', async (name) => {
    const allowed = new Set(policyStatementsOf(name).flatMap(({ Action }) => Action));
    const unsent = new Set(bundledButNeverSent[name] ?? []);
    for (const command of await commandsSentBy(name)) {
      if (unsent.has(command)) continue;
      expect(allowed, command).toContain(actionOfCommand[command] ?? `unmapped ${command}`);
    }
  });

  it('carries the stage in the stack name', () => {
    expect(synthesized.stack.stackName).toBe(`customer-signup-${stage}`);
  });

  it('passes the cdk-nag AwsSolutions checks, every finding acknowledged with its reason', async () => {
    const report = JSON.parse(
      await readFile(join(synthesized.assemblyDirectory, 'validation-report.json'), 'utf8'),
    ) as { pluginReports: { violations: unknown[] }[] };
    expect(report.pluginReports.flatMap(({ violations }) => violations)).toEqual([]);
  });

  describe('the table', () => {
    it('is the table the local store creates: keys, slug and token indexes, TTL', () => {
      const local = createTableInput('customers');
      synthesized.template.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: local.KeySchema,
        AttributeDefinitions: local.AttributeDefinitions,
        GlobalSecondaryIndexes: local.GlobalSecondaryIndexes,
        TimeToLiveSpecification: { AttributeName: customersTable.timeToLiveAttribute, Enabled: true },
      });
    });

    it('streams each change with the item before and after, for the mails', () => {
      synthesized.template.hasResourceProperties('AWS::DynamoDB::Table', {
        StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      });
    });

    it('copies no password hash into any index: the public fields or the keys only', () => {
      const tables = Object.values(synthesized.template.findResources('AWS::DynamoDB::Table'));
      const indexes = tables.flatMap(
        (table) =>
          (table.Properties.GlobalSecondaryIndexes ?? []) as {
            IndexName: string;
            Projection: Record<string, unknown>;
          }[],
      );
      expect(indexes.map(({ IndexName }) => IndexName).sort()).toEqual(['slug-index', 'token-index']);
      for (const { Projection } of indexes) {
        expect(['INCLUDE', 'KEYS_ONLY']).toContain(Projection.ProjectionType);
        expect(Projection.NonKeyAttributes ?? []).not.toContain('password');
      }
    });

    it('is on demand, encrypted, with point-in-time recovery', () => {
      synthesized.template.hasResourceProperties('AWS::DynamoDB::Table', {
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      });
    });

    it(`is ${retained ? 'kept, and protected from deletion' : 'deleted with the stack'}`, () => {
      synthesized.template.hasResource('AWS::DynamoDB::Table', {
        Properties: Match.objectLike({ DeletionProtectionEnabled: config.deletionProtection }),
        DeletionPolicy: retained ? 'Retain' : 'Delete',
        UpdateReplacePolicy: retained ? 'Retain' : 'Delete',
      });
    });
  });

  describe('the functions', () => {
    const functionResource = (name: FunctionName) => {
      const functions = synthesized.template.findResources('AWS::Lambda::Function') as Resources;
      return functions[logicalIdOf(functions, functionConstructIds[name])]?.Properties ?? {};
    };

    it('are four, one per bundle', () => {
      synthesized.template.resourceCountIs('AWS::Lambda::Function', functionNames.length);
    });

    it.each(functionNames)('%s runs the bundle `npm run build` wrote for it, byte for byte', async (name) => {
      const code = functionResource(name).Code as { S3Key: string };
      const staged = join(synthesized.assemblyDirectory, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
      const built = join(bundleDirectory, name);
      expect((await readdir(staged)).sort()).toEqual((await readdir(built)).sort());
      for (const file of await readdir(built)) {
        expect((await readFile(join(staged, file))).equals(await readFile(join(built, file)))).toBe(true);
      }
    });

    it.each(functionNames)(
      '%s is nodejs24.x on arm64 with its memory and timeout, and its own log group',
      (name) => {
        const settings = functionSettings[name];
        expect(functionResource(name)).toMatchObject({
          Runtime: 'nodejs24.x',
          Architectures: ['arm64'],
          MemorySize: settings.memoryMb,
          Timeout: settings.timeoutSeconds,
          Handler: 'index.handler',
          LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: expect.any(String) } },
        });
      },
    );

    it('answer HTTP well inside API Gateway’s 29 s, the signup and verify with one full vCPU for bcrypt', () => {
      for (const name of ['create-customer', 'verify-customer', 'resend-verification'] as const) {
        expect(functionSettings[name].timeoutSeconds).toBeLessThanOrEqual(10);
      }
      expect(functionSettings['create-customer'].memoryMb).toBe(1769);
      expect(functionSettings['verify-customer'].memoryMb).toBe(1769);
    });

    it('reserve the stage’s concurrency for the signup, and its verification share for verify and resend', () => {
      expect(functionResource('create-customer').ReservedConcurrentExecutions).toBe(
        config.reservedConcurrency,
      );
      expect(functionResource('verify-customer').ReservedConcurrentExecutions).toBe(
        config.verificationReservedConcurrency,
      );
      expect(functionResource('resend-verification').ReservedConcurrentExecutions).toBe(
        config.verificationReservedConcurrency,
      );
      // A reservation would make Lambda refuse the queue's deliveries, which then count as receives.
      expect(functionResource('customer-changes').ReservedConcurrentExecutions).toBeUndefined();
    });

    const signingSecret = () => ({
      'Fn::Join': [
        '',
        [
          '{{resolve:secretsmanager:',
          {
            Ref: onlyLogicalId(
              synthesized.template.findResources('AWS::SecretsManager::Secret') as Resources,
            ),
          },
          ':SecretString:::}}',
        ],
      ],
    });

    it.each(['create-customer', 'verify-customer', 'resend-verification'] as const)(
      '%s gets the table, the bcrypt cost, the CORS origins, the verification settings and the key, nothing else',
      (name) => {
        expect(functionResource(name).Environment).toEqual({
          Variables: {
            TABLE_NAME: { Ref: tableId },
            BCRYPT_COST: String(config.bcryptCost),
            CORS_ORIGINS: config.corsOrigins.join(','),
            EMAIL_VERIFICATION: config.emailVerification,
            ENUMERATION_PROTECTION: config.enumerationProtection,
            VERIFICATION_TTL_SECONDS: String(config.verificationTtlSeconds),
            SIGNUP_SECRET: signingSecret(),
          },
        });
      },
    );

    it('customer-changes gets the table, the key, the mail settings and the bus, nothing else', () => {
      const ids = (type: string) => onlyLogicalId(synthesized.template.findResources(type) as Resources);
      expect(functionResource('customer-changes').Environment).toEqual({
        Variables: {
          TABLE_NAME: { Ref: tableId },
          SIGNUP_SECRET: signingSecret(),
          VERIFICATION_TTL_SECONDS: String(config.verificationTtlSeconds),
          MAIL_FROM: config.mailFrom,
          VERIFY_URL: config.verifyUrl,
          SES_CONFIGURATION_SET: { Ref: ids('AWS::SES::ConfigurationSet') },
          EVENT_BUS_NAME: { Ref: ids('AWS::Events::EventBus') },
        },
      });
    });

    it.each(functionNames)('%s runs as a role of its own, without managed policies', (name) => {
      const role = functionResource(name).Role as { 'Fn::GetAtt': [string, string] };
      const roles = synthesized.template.findResources('AWS::IAM::Role') as Resources;
      expect(roles[role['Fn::GetAtt'][0]]?.Properties).toMatchObject({
        AssumeRolePolicyDocument: {
          Statement: [expect.objectContaining({ Principal: { Service: 'lambda.amazonaws.com' } })],
        },
      });
      expect(roles[role['Fn::GetAtt'][0]]?.Properties.ManagedPolicyArns).toBeUndefined();
    });

    const tableArn = () => ({ 'Fn::GetAtt': [tableId, 'Arn'] });
    const logsOf = (name: FunctionName) => ({
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: {
        'Fn::GetAtt': [
          (functionResource(name).LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref,
          'Arn',
        ],
      },
    });
    const itemGrants = (name: FunctionName) =>
      functionSettings[name].tableGrants.map(({ actions, keyPrefixes }) => ({
        Effect: 'Allow',
        Action: actions.length === 1 ? actions[0] : [...actions],
        Resource: tableArn(),
        Condition: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': keyPrefixes.map((prefix) => `${prefix}*`) },
        },
      }));

    it('the signup may only write its own logs and call the actions it uses on its items', () => {
      expect(policyStatementsOf('create-customer')).toEqual([
        logsOf('create-customer'),
        ...itemGrants('create-customer'),
      ]);
    });

    it('verify may read and update customers, and query the token index, nothing else', () => {
      expect(policyStatementsOf('verify-customer')).toEqual([
        logsOf('verify-customer'),
        {
          Effect: 'Allow',
          Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
          Resource: tableArn(),
          Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['customer#*'] } },
        },
        {
          Effect: 'Allow',
          Action: 'dynamodb:Query',
          Resource: { 'Fn::Join': ['', [tableArn(), '/index/token-index']] },
        },
      ]);
    });

    it('resend may only update customers', () => {
      expect(policyStatementsOf('resend-verification')).toEqual([
        logsOf('resend-verification'),
        {
          Effect: 'Allow',
          Action: 'dynamodb:UpdateItem',
          Resource: tableArn(),
          Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['customer#*'] } },
        },
      ]);
    });

    it('customer-changes may read and update customers and mail quotas, send through the identity and set only, take from its queue, publish to its bus', () => {
      const ids = (type: string) => onlyLogicalId(synthesized.template.findResources(type) as Resources);
      const sesArn = (resource: string, ref: string) => ({
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':ses:',
            { Ref: 'AWS::Region' },
            ':',
            { Ref: 'AWS::AccountId' },
            `:${resource}/`,
            { Ref: ref },
          ],
        ],
      });
      const queues = synthesized.template.findResources('AWS::SQS::Queue', {
        Properties: { RedrivePolicy: Match.anyValue() },
      }) as Resources;
      expect(policyStatementsOf('customer-changes')).toEqual([
        logsOf('customer-changes'),
        {
          Effect: 'Allow',
          Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
          Resource: tableArn(),
          Condition: {
            'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['customer#*', 'mail-quota#*'] },
          },
        },
        {
          Effect: 'Allow',
          Action: 'ses:SendEmail',
          Resource: [
            sesArn('configuration-set', ids('AWS::SES::ConfigurationSet')),
            sesArn('identity', ids('AWS::SES::EmailIdentity')),
          ],
        },
        {
          Effect: 'Allow',
          Action: [
            'sqs:ChangeMessageVisibility',
            'sqs:DeleteMessage',
            'sqs:GetQueueAttributes',
            'sqs:GetQueueUrl',
            'sqs:ReceiveMessage',
          ],
          Resource: { 'Fn::GetAtt': [onlyLogicalId(queues), 'Arn'] },
        },
        {
          Effect: 'Allow',
          Action: 'events:PutEvents',
          Resource: { 'Fn::GetAtt': [ids('AWS::Events::EventBus'), 'Arn'] },
        },
      ]);
    });

    it('no function may read the key from Secrets Manager: CloudFormation resolves it at deploy time', () => {
      for (const name of functionNames) {
        expect(JSON.stringify(policyStatementsOf(name))).not.toContain('secretsmanager');
      }
    });
  });

  describe('the logs', () => {
    it(`keep ${config.logRetention} days and are ${retained ? 'kept' : 'deleted'} with the stack`, () => {
      const logGroups = synthesized.template.findResources('AWS::Logs::LogGroup');
      // The four functions' and the API's access logs, and WAF's where the stage has a web ACL.
      expect(Object.keys(logGroups)).toHaveLength(config.webAcl ? 6 : 5);
      for (const logGroup of Object.values(logGroups)) {
        expect(logGroup).toMatchObject({
          Properties: { RetentionInDays: config.logRetention },
          DeletionPolicy: retained ? 'Retain' : 'Delete',
        });
      }
    });
  });

  describe('the API', () => {
    const proxyTo = () => ({
      Type: 'AWS_PROXY',
      IntegrationHttpMethod: 'POST',
      // The alias CodeDeploy moves, never the function's $LATEST.
      Uri: { 'Fn::Join': ['', Match.arrayWith([{ Ref: aliasId }])] },
    });

    it('is a regional REST API', () => {
      synthesized.template.hasResourceProperties('AWS::ApiGateway::RestApi', {
        EndpointConfiguration: { Types: ['REGIONAL'] },
      });
    });

    it('routes POST /api/v1/customers (and with the trailing slash) to the function', () => {
      const resources = synthesized.template.findResources('AWS::ApiGateway::Resource') as Resources;
      const byPathPart = (part: string) =>
        Object.entries(resources).find(([, resource]) => resource.Properties.PathPart === part)?.[0];
      const [api, v1, customers] = ['api', 'v1', 'customers'].map(byPathPart);
      expect(resources[v1 ?? '']?.Properties.ParentId).toEqual({ Ref: api });
      expect(resources[customers ?? '']?.Properties.ParentId).toEqual({ Ref: v1 });
      // Those three, verify, verify/resend and openapi.json.
      expect(Object.keys(resources)).toHaveLength(6);

      synthesized.template.hasResourceProperties('AWS::ApiGateway::Method', {
        HttpMethod: 'POST',
        ResourceId: { Ref: customers },
        AuthorizationType: 'NONE',
        Integration: proxyTo(),
      });
    });

    it('sends every other method, CORS preflights included, to the function for its 405 and 204', () => {
      synthesized.template.hasResourceProperties('AWS::ApiGateway::Method', {
        HttpMethod: 'ANY',
        Integration: proxyTo(),
      });
      synthesized.template.resourcePropertiesCountIs('AWS::ApiGateway::Method', { HttpMethod: 'OPTIONS' }, 0);
      // The signup's, verify's and resend's.
      synthesized.template.resourcePropertiesCountIs('AWS::ApiGateway::Method', { HttpMethod: 'ANY' }, 3);
      synthesized.template.resourcePropertiesCountIs('AWS::ApiGateway::Method', { HttpMethod: 'POST' }, 3);
    });

    it.each([
      ['verify', 'customers', 'VerifyCustomerLive'],
      ['resend', 'verify', 'ResendVerificationLive'],
    ])(
      'routes POST and every other method of …/%s (and with the trailing slash) to its own function',
      (part, parent, alias) => {
        const resources = synthesized.template.findResources('AWS::ApiGateway::Resource') as Resources;
        const byPathPart = (pathPart: string) =>
          Object.entries(resources).find(([, resource]) => resource.Properties.PathPart === pathPart)?.[0];
        const resourceId = byPathPart(part);
        expect(resources[resourceId ?? '']?.Properties.ParentId).toEqual({ Ref: byPathPart(parent) });
        const aliasOfFunction = logicalIdOf(
          synthesized.template.findResources('AWS::Lambda::Alias') as Resources,
          alias,
        );
        for (const method of ['POST', 'ANY']) {
          synthesized.template.hasResourceProperties('AWS::ApiGateway::Method', {
            HttpMethod: method,
            ResourceId: { Ref: resourceId },
            AuthorizationType: 'NONE',
            Integration: {
              Type: 'AWS_PROXY',
              IntegrationHttpMethod: 'POST',
              Uri: { 'Fn::Join': ['', Match.arrayWith([{ Ref: aliasOfFunction }])] },
            },
          });
        }
      },
    );

    it('throttles the resend route harder than the stage: each accepted resend may send a mail', () => {
      synthesized.template.hasResourceProperties('AWS::ApiGateway::Stage', {
        MethodSettings: Match.arrayWith([
          Match.objectLike({
            HttpMethod: 'POST',
            ResourcePath: '/~1api~1v1~1customers~1verify~1resend',
            ThrottlingRateLimit: config.resendThrottling.rateLimit,
            ThrottlingBurstLimit: config.resendThrottling.burstLimit,
          }),
        ]),
      });
      expect(config.resendThrottling.rateLimit).toBeLessThan(config.throttling.rateLimit);
      expect(config.resendThrottling.burstLimit).toBeLessThan(config.throttling.burstLimit);
    });

    it('answers GET /openapi.json itself with the OpenAPI document, readable from any origin', () => {
      const resources = synthesized.template.findResources('AWS::ApiGateway::Resource', {
        Properties: { PathPart: 'openapi.json' },
      }) as Resources;
      const methods = synthesized.template.findResources('AWS::ApiGateway::Method', {
        Properties: { ResourceId: { Ref: onlyLogicalId(resources) } },
      }) as Resources;
      const method = methods[onlyLogicalId(methods)]?.Properties as {
        HttpMethod: string;
        Integration: { Type: string; IntegrationResponses: IntegrationResponse[] };
      };
      const [answer] = method.Integration.IntegrationResponses as [IntegrationResponse];
      const template = answer.ResponseTemplates['application/json'] ?? '';

      expect(method.HttpMethod).toBe('GET');
      expect(method.Integration.Type).toBe('MOCK');
      expect(answer.StatusCode).toBe('200');
      expect(answer.ResponseParameters).toEqual({
        'method.response.header.Content-Type': "'application/json'",
        'method.response.header.Access-Control-Allow-Origin': "'*'",
      });
      // Nothing API Gateway's template language would read as a reference or a directive.
      expect(template).not.toMatch(/[$#]/);
      expect(JSON.parse(template)).toEqual(openApiDocument);
    });

    it('throttles the stage and writes a JSON access log line per request', () => {
      synthesized.template.hasResourceProperties('AWS::ApiGateway::Stage', {
        StageName: stage,
        MethodSettings: Match.arrayWith([
          Match.objectLike({
            HttpMethod: '*',
            ResourcePath: '/*',
            ThrottlingRateLimit: config.throttling.rateLimit,
            ThrottlingBurstLimit: config.throttling.burstLimit,
          }),
        ]),
        AccessLogSetting: {
          DestinationArn: {
            'Fn::Join': ['', Match.arrayWith([{ Ref: Match.stringLikeRegexp('^SignupApiAccessLogs') }])],
          },
          Format: Match.serializedJson(
            Match.objectLike({
              requestId: '$context.requestId',
              ip: '$context.identity.sourceIp',
              status: '$context.status',
              errorType: '$context.error.responseType',
              wafStatus: '$context.wafResponseCode',
            }),
          ),
        },
      });
      // API Gateway needs the account's CloudWatch role before it may write access logs.
      synthesized.template.resourceCountIs('AWS::ApiGateway::Account', 1);
    });

    it.each([
      ['MISSING_AUTHENTICATION_TOKEN', '404', 'Not found.'],
      ['THROTTLED', '429', 'Request was throttled.'],
      ['REQUEST_TOO_LARGE', '413', 'Request body is too large.'],
      ['INTEGRATION_TIMEOUT', '503', 'Service temporarily unavailable, try again later.'],
      ['INTEGRATION_FAILURE', '503', 'Service temporarily unavailable, try again later.'],
      ['DEFAULT_5XX', Match.absent(), 'A server error occurred.'],
    ])('answers its own %s with %s and the contract’s {"detail": "%s"}', (type, statusCode, detail) => {
      synthesized.template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: type,
        StatusCode: statusCode,
        ResponseParameters: Match.objectLike({ 'gatewayresponse.header.Content-Type': "'application/json'" }),
        ResponseTemplates: { 'application/json': Match.serializedJson(Match.exact({ detail })) },
      });
    });

    it.each([
      'MISSING_AUTHENTICATION_TOKEN',
      'THROTTLED',
      'REQUEST_TOO_LARGE',
      'INTEGRATION_TIMEOUT',
      'INTEGRATION_FAILURE',
      'DEFAULT_4XX',
      'DEFAULT_5XX',
    ])('lets a page of any origin read its own %s answer and its Retry-After', (type) => {
      synthesized.template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: type,
        ResponseParameters: Match.objectLike({
          'gatewayresponse.header.Access-Control-Allow-Origin': "'*'",
          'gatewayresponse.header.Access-Control-Expose-Headers': "'Retry-After'",
        }),
      });
    });

    it('answers its other 4xx with its own message as {"detail": "..."}', () => {
      synthesized.template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: 'DEFAULT_4XX',
        ResponseParameters: Match.objectLike({ 'gatewayresponse.header.Content-Type': "'application/json'" }),
        ResponseTemplates: { 'application/json': '{"detail":$context.error.messageString}' },
      });
    });

    it.each(['THROTTLED', 'INTEGRATION_TIMEOUT', 'INTEGRATION_FAILURE'])(
      'tells clients when to retry after %s',
      (type) => {
        synthesized.template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
          ResponseType: type,
          ResponseParameters: Match.objectLike({ 'gatewayresponse.header.Retry-After': "'1'" }),
        });
      },
    );

    it('outputs the URL to post signups to', () => {
      synthesized.template.hasOutput('ApiUrl', {
        Value: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('/api/v1/customers/$')])] },
      });
    });
  });

  const rateLimitPerIp = config.webAcl?.rateLimitPerIp;
  if (rateLimitPerIp) {
    describe('the WAF web ACL', () => {
      it('answers a client IP over its rate limit with 429 and the contract’s JSON', () => {
        synthesized.template.hasResourceProperties('AWS::WAFv2::WebACL', {
          Scope: 'REGIONAL',
          DefaultAction: { Allow: {} },
          Rules: Match.arrayWith([
            Match.objectLike({
              Statement: {
                RateBasedStatement: {
                  AggregateKeyType: 'IP',
                  Limit: rateLimitPerIp.limit,
                  EvaluationWindowSec: rateLimitPerIp.windowSeconds,
                },
              },
              Action: {
                Block: {
                  CustomResponse: {
                    ResponseCode: 429,
                    CustomResponseBodyKey: 'throttled',
                    ResponseHeaders: [
                      { Name: 'Retry-After', Value: '60' },
                      { Name: 'Access-Control-Allow-Origin', Value: '*' },
                      { Name: 'Access-Control-Expose-Headers', Value: 'Retry-After' },
                    ],
                  },
                },
              },
            }),
          ]),
          CustomResponseBodies: Match.objectLike({
            throttled: {
              ContentType: 'APPLICATION_JSON',
              Content: Match.serializedJson(Match.exact({ detail: 'Request was throttled.' })),
            },
          }),
        });
      });

      it('guards the API stage', () => {
        const stages = synthesized.template.findResources('AWS::ApiGateway::Stage') as Resources;
        const webAcls = synthesized.template.findResources('AWS::WAFv2::WebACL') as Resources;
        synthesized.template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
          ResourceArn: { 'Fn::Join': ['', Match.arrayWith([{ Ref: onlyLogicalId(stages) }])] },
          WebACLArn: { 'Fn::GetAtt': [onlyLogicalId(webAcls), 'Arn'] },
        });
      });
    });
  } else {
    it('has no WAF web ACL, as its stage settings say', () => {
      synthesized.template.resourceCountIs('AWS::WAFv2::WebACL', 0);
      synthesized.template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 0);
    });
  }
});
