import { type App, CfnOutput, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Construct } from 'constructs';
import { createCustomerBundle } from './bundling.ts';
import { customersTable } from './customers-table.ts';
import { RateLimitWebAcl } from './rate-limit-web-acl.ts';
import { SignupApi } from './signup-api.ts';
import { SignupFunction } from './signup-function.ts';
import { corsOriginsFromContext, type StageConfig, type StageName, stageConfig } from './stage-config.ts';

export const customersStackName = (stage: StageName): string => `customer-signup-${stage}`;

export interface CustomersStackProps extends StackProps {
  config: StageConfig;
  /** The bundle to deploy: what `npm run build` wrote unless a test built its own. */
  codeDirectory?: string;
}

/** One stage of the signup service: the table, the function, the API and, where the stage wants it, WAF. */
export class CustomersStack extends Stack {
  public constructor(scope: Construct, id: string, props: CustomersStackProps) {
    super(scope, id, props);
    const { config } = props;

    // The keys, the slug index and the TTL attribute come from the definition the local store uses too.
    const table = new Table(this, 'Customers', {
      partitionKey: { name: customersTable.partitionKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: customersTable.timeToLiveAttribute,
      deletionProtection: config.deletionProtection,
      removalPolicy: config.removalPolicy,
    });
    table.addGlobalSecondaryIndex({
      indexName: customersTable.slugIndex.indexName,
      partitionKey: { name: customersTable.slugIndex.partitionKey, type: AttributeType.STRING },
      projectionType: ProjectionType.INCLUDE,
      nonKeyAttributes: [...customersTable.slugIndex.projectedAttributes],
    });

    const signupFunction = new SignupFunction(this, 'CreateCustomer', {
      codeDirectory: props.codeDirectory ?? createCustomerBundle.outDir,
      bcryptCost: config.bcryptCost,
      corsOrigins: config.corsOrigins,
      logRetention: config.logRetention,
      removalPolicy: config.removalPolicy,
      reservedConcurrency: config.reservedConcurrency,
    });
    signupFunction.bindTable(table);

    const api = new SignupApi(this, 'SignupApi', {
      stageName: config.stage,
      signupFunction,
      throttling: config.throttling,
      logRetention: config.logRetention,
      removalPolicy: config.removalPolicy,
    });

    if (config.rateLimitPerIp) {
      new RateLimitWebAcl(this, 'RateLimit', {
        stage: api.restApi.deploymentStage,
        ...config.rateLimitPerIp,
        metricPrefix: this.stackName,
      });
    } else {
      Validations.of(api.restApi.deploymentStage).acknowledge({
        id: 'AwsSolutions-APIG3',
        reason: `The ${config.stage} stage runs without WAF by its stage settings; gateway throttling still applies.`,
      });
    }

    new CfnOutput(this, 'ApiUrl', { description: 'POST signups here', value: api.customersUrl });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'FunctionName', { value: signupFunction.functionName });
  }
}

/**
 * Adds the stack of the stage named by the app's `stage` context (with the `corsOrigins` context in place
 * of the stage's origins, if given), under cdk-nag's AwsSolutions checks: what `cdk synth -c stage=…`
 * synthesizes, and the tests too.
 */
export const addCustomersStack = (app: App, codeDirectory?: string): CustomersStack => {
  const stageDefaults = stageConfig(app.node.tryGetContext('stage'));
  const corsOrigins = corsOriginsFromContext(app.node.tryGetContext('corsOrigins'));
  const config = corsOrigins === undefined ? stageDefaults : { ...stageDefaults, corsOrigins };
  // Environment-agnostic: synth needs no AWS credentials; deploy targets the CLI's account and region.
  const stack = new CustomersStack(app, customersStackName(config.stage), {
    config,
    codeDirectory,
    description: `The customer signup API (${config.stage})`,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stack;
};
