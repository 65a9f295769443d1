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
import { slugCounterKey, slugKey } from '../../functions/dynamodb/slug-reservations.ts';
import { openApiDocument } from '../../functions/http/openapi.ts';
import { customersStackName } from '../../lib/customers-stack.ts';
import { tableGrants } from '../../lib/signup-function.ts';
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

/** The DynamoDB actions each document-client command the function sends needs. */
const actionOfCommand: Record<string, string> = {
  GetCommand: 'dynamodb:GetItem',
  PutCommand: 'dynamodb:PutItem',
  UpdateCommand: 'dynamodb:UpdateItem',
  DeleteCommand: 'dynamodb:DeleteItem',
  QueryCommand: 'dynamodb:Query',
};

/** The commands named in the project's own sources that the function's bundle is built from. */
const commandsSentByTheFunction = async (): Promise<Set<string>> => {
  const { metafile } = await esbuild({
    entryPoints: [fileURLToPath(new URL('../../functions/create-customer/index.ts', import.meta.url))],
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

let bundleDirectory: string;

beforeAll(async () => {
  // A build of its own, so the tests neither need nor disturb dist/.
  ({ outDir: bundleDirectory } = await build(await mkdtemp(join(tmpdir(), 'create-customer-'))));
}, 60_000);

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
  });

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

  it('grants exactly the DynamoDB actions the function sends, on the item prefixes it sends them to', async () => {
    const commands = await commandsSentByTheFunction();
    expect(commands.size).toBeGreaterThan(0);
    const needed = [...commands].map((command) => actionOfCommand[command] ?? `unmapped ${command}`);
    // Powertools' persistence layer sends its own commands, delete included, on idempotency records.
    const [store, idempotency] = tableGrants;
    expect(new Set(needed)).toEqual(new Set(store.actions));
    expect(new Set(idempotency.actions)).toEqual(new Set([...store.actions, 'dynamodb:DeleteItem']));
    const keys = [customerKey('a@example.com'), slugKey('john-doe'), slugCounterKey('john-doe')];
    expect(keys.every((key) => store.keyPrefixes.some((prefix) => key.startsWith(prefix)))).toBe(true);
  });
});

describe.each(stageNames)('the %s stack', (stage) => {
  const config = stageConfigs[stage];
  const retained = config.removalPolicy === RemovalPolicy.RETAIN;
  let synthesized: SynthesizedStage;
  let tableId: string;
  let functionId: string;
  let aliasId: string;

  beforeAll(async () => {
    synthesized = await synthStage(stage, bundleDirectory);
    const { template } = synthesized;
    tableId = onlyLogicalId(template.findResources('AWS::DynamoDB::Table') as Resources);
    functionId = onlyLogicalId(template.findResources('AWS::Lambda::Function') as Resources);
    aliasId = onlyLogicalId(template.findResources('AWS::Lambda::Alias') as Resources);
  }, 60_000);

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
    it('is the table the local store creates: keys, slug index, TTL', () => {
      const local = createTableInput('customers');
      synthesized.template.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: local.KeySchema,
        AttributeDefinitions: local.AttributeDefinitions,
        GlobalSecondaryIndexes: local.GlobalSecondaryIndexes,
        TimeToLiveSpecification: { AttributeName: customersTable.timeToLiveAttribute, Enabled: true },
      });
    });

    it('copies no password hash into any index: only the public fields are projected', () => {
      const tables = Object.values(synthesized.template.findResources('AWS::DynamoDB::Table'));
      const indexes = tables.flatMap(
        (table) =>
          (table.Properties.GlobalSecondaryIndexes ?? []) as { Projection: Record<string, unknown> }[],
      );
      expect(indexes.length).toBeGreaterThan(0);
      for (const { Projection } of indexes) {
        expect(Projection.ProjectionType).toBe('INCLUDE');
        expect(Projection.NonKeyAttributes).not.toContain('password');
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

  describe('the function', () => {
    it('runs the bundle `npm run build` wrote, byte for byte', async () => {
      const functions = synthesized.template.findResources('AWS::Lambda::Function') as Resources;
      const code = functions[functionId]?.Properties.Code as { S3Key: string };
      const staged = join(synthesized.assemblyDirectory, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
      expect((await readdir(staged)).sort()).toEqual((await readdir(bundleDirectory)).sort());
      for (const file of await readdir(bundleDirectory)) {
        expect((await readFile(join(staged, file))).equals(await readFile(join(bundleDirectory, file)))).toBe(
          true,
        );
      }
    });

    it('is nodejs24.x on arm64 with one full vCPU, a timeout inside API Gateway’s, its own log group', () => {
      synthesized.template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        MemorySize: 1769,
        Timeout: 10,
        Handler: 'index.handler',
        LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: Match.anyValue() } },
        ReservedConcurrentExecutions: config.reservedConcurrency ?? Match.absent(),
      });
    });

    it('gets the table name, the bcrypt cost and the CORS origins, and nothing else', () => {
      synthesized.template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.exact({
            TABLE_NAME: { Ref: tableId },
            BCRYPT_COST: String(config.bcryptCost),
            CORS_ORIGINS: config.corsOrigins.join(','),
          }),
        },
      });
    });

    it('may only write its own logs and call the actions it uses on the items of its table', () => {
      const functions = synthesized.template.findResources('AWS::Lambda::Function') as Resources;
      const role = functions[functionId]?.Properties.Role as { 'Fn::GetAtt': [string, string] };
      const [roleId] = role['Fn::GetAtt'];
      const logGroup = functions[functionId]?.Properties.LoggingConfig as { LogGroup: { Ref: string } };
      const tableArn = { 'Fn::GetAtt': [tableId, 'Arn'] };

      synthesized.template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: Match.objectLike({
          Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })],
        }),
        ManagedPolicyArns: Match.absent(),
      });
      synthesized.template.resourcePropertiesCountIs('AWS::IAM::Policy', { Roles: [{ Ref: roleId }] }, 1);
      synthesized.template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: roleId }],
        PolicyDocument: {
          Statement: [
            {
              Effect: 'Allow',
              Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              Resource: { 'Fn::GetAtt': [logGroup.LogGroup.Ref, 'Arn'] },
            },
            ...tableGrants.map(({ actions, keyPrefixes }) => ({
              Effect: 'Allow',
              Action: [...actions],
              Resource: tableArn,
              Condition: {
                'ForAllValues:StringLike': {
                  'dynamodb:LeadingKeys': keyPrefixes.map((prefix) => `${prefix}*`),
                },
              },
            })),
          ],
        },
      });
    });
  });

  describe('the logs', () => {
    it(`keep ${config.logRetention} days and are ${retained ? 'kept' : 'deleted'} with the stack`, () => {
      const logGroups = synthesized.template.findResources('AWS::Logs::LogGroup');
      // The function's and the API's access logs, and WAF's where the stage has a web ACL.
      expect(Object.keys(logGroups)).toHaveLength(config.webAcl ? 3 : 2);
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
      // Those three and openapi.json.
      expect(Object.keys(resources)).toHaveLength(4);

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
      synthesized.template.resourcePropertiesCountIs('AWS::ApiGateway::Method', { HttpMethod: 'ANY' }, 1);
      synthesized.template.resourcePropertiesCountIs('AWS::ApiGateway::Method', { HttpMethod: 'POST' }, 1);
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
        MethodSettings: [
          Match.objectLike({
            HttpMethod: '*',
            ResourcePath: '/*',
            ThrottlingRateLimit: config.throttling.rateLimit,
            ThrottlingBurstLimit: config.throttling.burstLimit,
          }),
        ],
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
