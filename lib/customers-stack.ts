import { type App, CfnOutput, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { LambdaDeploymentGroup } from 'aws-cdk-lib/aws-codedeploy';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Construct } from 'constructs';
import { customersTable } from '../functions/dynamodb/customers-table.ts';
import { SignupAlarms } from './alarms.ts';
import { createCustomerBundle } from './bundling.ts';
import { SignupDashboard } from './dashboard.ts';
import { SignupApi } from './signup-api.ts';
import { SignupFunction } from './signup-function.ts';
import { SignupWebAcl } from './signup-web-acl.ts';
import {
  alarmEmailFromContext,
  corsOriginsFromContext,
  type StageConfig,
  type StageName,
  stageConfig,
} from './stage-config.ts';

export const customersStackName = (stage: StageName): string => `customer-signup-${stage}`;

export interface CustomersStackProps extends StackProps {
  config: StageConfig;
  /** Subscribed to the alarm topic; undefined: nobody yet. */
  alarmEmail?: string;
  /** The bundle to deploy: what `npm run build` wrote unless a test built its own. */
  codeDirectory?: string;
}

/**
 * One stage of the signup service: the table, the function behind its alias, the API and, where the
 * stage wants it, WAF; the alarms, the dashboard and the deployment that rolls back on the alarms.
 */
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
      signupFunction: signupFunction.liveAlias,
      throttling: config.throttling,
      logRetention: config.logRetention,
      removalPolicy: config.removalPolicy,
    });

    const apiStage = api.restApi.deploymentStage;
    const webAcl = config.webAcl
      ? new SignupWebAcl(this, 'WebAcl', {
          stage: apiStage,
          stageName: config.stage,
          settings: config.webAcl,
          corsOrigins: config.corsOrigins,
          name: this.stackName,
          removalPolicy: config.removalPolicy,
        })
      : undefined;
    if (!webAcl) {
      Validations.of(apiStage).acknowledge({
        id: 'AwsSolutions-APIG3',
        reason: `The ${config.stage} stage runs without WAF by its stage settings; gateway throttling still applies.`,
      });
    }

    const observed = { config, signupFunction: signupFunction.liveAlias, apiStage, table, webAcl };
    const alarms = new SignupAlarms(this, 'Alarms', { ...observed, alarmEmail: props.alarmEmail });
    new SignupDashboard(this, 'Dashboard', { ...observed, functionLogGroup: signupFunction.logGroup });

    const deployment = new LambdaDeploymentGroup(this, 'Deployment', {
      alias: signupFunction.liveAlias,
      deploymentConfig: config.deployment,
      alarms: alarms.deploymentAlarms,
      autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: true },
    });
    Validations.of(deployment).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]',
      reason:
        "CodeDeploy's role for Lambda: AWS's managed policy, limited to shifting aliases and reading the alarms.",
    });

    new CfnOutput(this, 'ApiUrl', { description: 'POST signups here', value: api.customersUrl });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'FunctionName', { value: signupFunction.functionName });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarms.topic.topicArn });
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
  const alarmEmail = alarmEmailFromContext(app.node.tryGetContext('alarmEmail'));
  // Environment-agnostic: synth needs no AWS credentials; deploy targets the CLI's account and region.
  const stack = new CustomersStack(app, customersStackName(config.stage), {
    config,
    alarmEmail,
    codeDirectory,
    description: `The customer signup API (${config.stage})`,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stack;
};
