import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
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
import type { Construct } from 'constructs';
import { customersTable } from '../functions/dynamodb/customers-table.ts';
import { createCustomerBundle } from './bundling.ts';

/**
 * The function's time budget. bcryptjs hashes in about 0.27 s at cost 12 on one core (measured on x86); the
 * rest leaves room for a few DynamoDB calls, each with the SDK's bounded retries, well inside API Gateway's 29 s.
 */
export const signupFunctionTimeoutSeconds = 10;
/** Lambda gives one full vCPU at 1769 MB; bcrypt is single-threaded CPU work, so less memory is slower. */
export const signupFunctionMemoryMb = 1769;

/**
 * The DynamoDB calls the function makes, on the item prefixes it makes them on (`dynamodb:LeadingKeys`),
 * and nothing more: the store reads and writes customers, slug reservations and counters, and
 * Powertools' idempotency layer also deletes the record of a request that failed.
 */
export const tableGrants = [
  {
    actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
    keyPrefixes: [
      customersTable.keyPrefixes.customer,
      customersTable.keyPrefixes.slug,
      customersTable.keyPrefixes.slugCounter,
    ],
  },
  {
    actions: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
    keyPrefixes: [customersTable.keyPrefixes.idempotency],
  },
] as const;

export interface SignupFunctionProps {
  /** The folder `npm run build` wrote, deployed as it is. */
  codeDirectory: string;
  bcryptCost: number;
  /** Origins the function answers CORS requests and preflights for. */
  corsOrigins: string[];
  logRetention: RetentionDays;
  removalPolicy: RemovalPolicy;
  reservedConcurrency: number | undefined;
}

/** The signup Lambda with every setting in one place, so it cannot drift from stage to stage. */
export class SignupFunction extends LambdaFunction {
  /** What the API invokes: CodeDeploy moves it from version to version. */
  public readonly liveAlias: Alias;

  public constructor(scope: Construct, id: string, props: SignupFunctionProps) {
    const bundle = join(props.codeDirectory, createCustomerBundle.fileName);
    if (!existsSync(bundle)) {
      throw new Error(`${bundle} is missing: run \`npm run build\` first`);
    }
    const logGroup = new LogGroup(scope, `${id}LogGroup`, {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    // Its own role instead of AWSLambdaBasicExecutionRole, which may write to every log group.
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Writes its own logs and the customers in its own table.',
    });
    logGroup.grantWrite(role);

    super(scope, id, {
      description: 'POST /api/v1/customers/: the customer signup',
      runtime: Runtime.NODEJS_24_X,
      // Graviton: about a fifth cheaper per GB-second than x86.
      architecture: Architecture.ARM_64,
      memorySize: signupFunctionMemoryMb,
      timeout: Duration.seconds(signupFunctionTimeoutSeconds),
      code: Code.fromAsset(props.codeDirectory),
      handler: createCustomerBundle.handler,
      environment: { BCRYPT_COST: String(props.bcryptCost), CORS_ORIGINS: props.corsOrigins.join(',') },
      role,
      logGroup,
      // Each console line becomes a JSON record carrying the request id.
      loggingFormat: LoggingFormat.JSON,
      reservedConcurrentExecutions: props.reservedConcurrency,
    });
    this.liveAlias = new Alias(this, 'Live', { aliasName: 'live', version: this.currentVersion });
  }

  /** Grants exactly the calls the signup makes on `table`'s items, and names the table for it. */
  public bindTable(table: ITable): void {
    for (const { actions, keyPrefixes } of tableGrants) {
      this.addToRolePolicy(
        new PolicyStatement({
          actions: [...actions],
          resources: [table.tableArn],
          conditions: {
            'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': keyPrefixes.map((prefix) => `${prefix}*`) },
          },
        }),
      );
    }
    this.addEnvironment('TABLE_NAME', table.tableName);
  }
}
