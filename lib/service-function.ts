import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  Alias,
  Architecture,
  Code,
  Function as LambdaFunction,
  LoggingFormat,
  Runtime,
} from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IConfigurationSet, IEmailIdentity } from 'aws-cdk-lib/aws-ses';
import type { Construct } from 'constructs';
import { customersTable } from '../functions/dynamodb/customers-table.ts';
import { type FunctionName, functionBundles } from './bundling.ts';

/** Calls on the items whose key starts with one of the prefixes (`dynamodb:LeadingKeys`), and on nothing else. */
export interface TableGrant {
  actions: readonly string[];
  keyPrefixes: readonly string[];
}

/** What differs from function to function; everything else is the same for all of them. */
export interface FunctionSettings {
  description: string;
  memoryMb: number;
  timeoutSeconds: number;
  tableGrants: readonly TableGrant[];
  /** Indexes of the table the function queries (by their own key, so no prefix condition applies). */
  queriedIndexes: readonly string[];
}

const { keyPrefixes } = customersTable;

/**
 * Every function's settings. The HTTP functions' time budget stays well inside API Gateway's 29 s;
 * the ones that run bcrypt get one full vCPU (1769 MB), as bcrypt is single-threaded CPU work.
 */
export const functionSettings = {
  'create-customer': {
    description: 'POST /api/v1/customers/: the customer signup',
    memoryMb: 1769,
    // bcryptjs hashes in about 0.27 s at cost 12; the rest leaves room for a few store calls and their retries.
    timeoutSeconds: 10,
    // The store reads and writes customers, slug reservations and counters, and Powertools' idempotency
    // layer also deletes the record of a request that failed.
    tableGrants: [
      {
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        keyPrefixes: [keyPrefixes.customer, keyPrefixes.slug, keyPrefixes.slugCounter],
      },
      {
        actions: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        keyPrefixes: [keyPrefixes.idempotency],
      },
      // A keyed signup marks its request before its customer write; a retry reads the mark.
      { actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], keyPrefixes: [keyPrefixes.signupRequest] },
    ],
    queriedIndexes: [],
  },
  'verify-customer': {
    description: 'POST /api/v1/customers/verify/: proves the address with the link and the password',
    memoryMb: 1769,
    timeoutSeconds: 10,
    // Finds the customer by its token's hash, reads it, counts a wrong password or activates it.
    tableGrants: [
      { actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], keyPrefixes: [keyPrefixes.customer] },
    ],
    queriedIndexes: [customersTable.tokenIndex.indexName],
  },
  'resend-verification': {
    description: 'POST /api/v1/customers/verify/resend/: a new link for a pending account',
    // No hashing: a conditional update and nothing else; less than a vCPU still starts fast.
    memoryMb: 1024,
    timeoutSeconds: 10,
    tableGrants: [{ actions: ['dynamodb:UpdateItem'], keyPrefixes: [keyPrefixes.customer] }],
    queriedIndexes: [],
  },
  'customer-changes': {
    description:
      'Mails the verification links and notices, and publishes the customer events, from the table changes',
    // Waits on SES and DynamoDB, not on the CPU; nobody waits on its cold start.
    memoryMb: 512,
    // One batch: a re-read, a quota update and a mail per message, each with the SDK's retries.
    timeoutSeconds: 15,
    // Re-reads the customer before mailing and counts each mail against the address's daily quota.
    tableGrants: [
      {
        actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        keyPrefixes: [keyPrefixes.customer, keyPrefixes.mailQuota],
      },
    ],
    queriedIndexes: [],
  },
} as const satisfies Record<FunctionName, FunctionSettings>;

export interface ServiceFunctionProps {
  /** Which function: its bundle, its settings and its grants. */
  name: FunctionName;
  /** The folder `npm run build` wrote, holding one folder per function, each deployed as it is. */
  bundlesDirectory: string;
  /** The settings it reads at start-up that depend on the stage. */
  environment: Record<string, string>;
  logRetention: RetentionDays;
  removalPolicy: RemovalPolicy;
  reservedConcurrency: number | undefined;
}

/** One of the service's Lambdas, every setting in one place, so no function drifts from another or from stage to stage. */
export class ServiceFunction extends LambdaFunction {
  /** What the API and the queue invoke: CodeDeploy moves it from version to version. */
  public readonly liveAlias: Alias;
  private readonly settings: FunctionSettings;

  public constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    const codeDirectory = join(props.bundlesDirectory, props.name);
    const bundle = functionBundles[props.name];
    if (!existsSync(join(codeDirectory, bundle.fileName))) {
      throw new Error(`${join(codeDirectory, bundle.fileName)} is missing: run \`npm run build\` first`);
    }
    const settings: FunctionSettings = functionSettings[props.name];
    const logGroup = new LogGroup(scope, `${id}LogGroup`, {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    // Its own role instead of AWSLambdaBasicExecutionRole, which may write to every log group.
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Writes its own logs and calls what ${props.name} needs, nothing more.`,
    });
    logGroup.grantWrite(role);

    super(scope, id, {
      description: settings.description,
      runtime: Runtime.NODEJS_24_X,
      // Graviton: about a fifth cheaper per GB-second than x86.
      architecture: Architecture.ARM_64,
      memorySize: settings.memoryMb,
      timeout: Duration.seconds(settings.timeoutSeconds),
      code: Code.fromAsset(codeDirectory),
      handler: bundle.handler,
      environment: props.environment,
      role,
      logGroup,
      // Each console line becomes a JSON record carrying the request id.
      loggingFormat: LoggingFormat.JSON,
      reservedConcurrentExecutions: props.reservedConcurrency,
    });
    this.settings = settings;
    this.liveAlias = new Alias(this, 'Live', { aliasName: 'live', version: this.currentVersion });
  }

  /** Grants exactly the calls this function makes on `table`'s items and indexes, and names the table for it. */
  public bindTable(table: ITable): void {
    for (const { actions, keyPrefixes: prefixes } of this.settings.tableGrants) {
      this.addToRolePolicy(
        new PolicyStatement({
          actions: [...actions],
          resources: [table.tableArn],
          conditions: {
            'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': prefixes.map((prefix) => `${prefix}*`) },
          },
        }),
      );
    }
    if (this.settings.queriedIndexes.length > 0) {
      this.addToRolePolicy(
        new PolicyStatement({
          actions: ['dynamodb:Query'],
          resources: this.settings.queriedIndexes.map((index) => `${table.tableArn}/index/${index}`),
        }),
      );
    }
    this.addEnvironment('TABLE_NAME', table.tableName);
  }

  /**
   * SIGNUP_SECRET, the key of the verification links and of the signup's Idempotency-Key records, as
   * a CloudFormation dynamic reference: resolved at deploy time into the function's configuration, so
   * the function reads no secret store at start-up and its role needs no access to the secret.
   */
  public bindSigningSecret(secret: ISecret): void {
    this.addEnvironment('SIGNUP_SECRET', secret.secretValue.unsafeUnwrap());
  }

  /** Lets the function send through this identity and configuration set only, and tells it how to write the mails. */
  public bindMail(mail: {
    identity: IEmailIdentity;
    configurationSet: IConfigurationSet;
    configurationSetArn: string;
    mailFrom: string;
    verifyUrl: string;
  }): void {
    this.addToRolePolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [mail.identity.emailIdentityArn, mail.configurationSetArn],
      }),
    );
    this.addEnvironment('MAIL_FROM', mail.mailFrom);
    this.addEnvironment('VERIFY_URL', mail.verifyUrl);
    this.addEnvironment('SES_CONFIGURATION_SET', mail.configurationSet.configurationSetName);
  }

  /** Lets the function publish the customer events to this bus, and names the bus for it. */
  public bindEventBus(bus: IEventBus): void {
    bus.grantPutEventsTo(this);
    this.addEnvironment('EVENT_BUS_NAME', bus.eventBusName);
  }
}
