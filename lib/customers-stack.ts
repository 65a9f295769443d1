import { type App, CfnOutput, Duration, Fn, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type { IAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import { LambdaDeploymentGroup } from 'aws-cdk-lib/aws-codedeploy';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Construct } from 'constructs';
import { customersTable } from '../functions/dynamodb/customers-table.ts';
import { SignupAlarms } from './alarms.ts';
import { bundlesDirectory, type FunctionName } from './bundling.ts';
import { CustomerChanges } from './customer-changes.ts';
import { SignupDashboard } from './dashboard.ts';
import { CustomerMail } from './mail.ts';
import { ServiceFunction } from './service-function.ts';
import { SignupApi } from './signup-api.ts';
import { SignupWebAcl } from './signup-web-acl.ts';
import {
  alarmEmailFromContext,
  corsOriginsFromContext,
  type StageConfig,
  type StageName,
  stageConfig,
  verificationFromContext,
} from './stage-config.ts';

export const customersStackName = (stage: StageName): string => `customer-signup-${stage}`;

export interface CustomersStackProps extends StackProps {
  config: StageConfig;
  /** Subscribed to the alarm topic; undefined: nobody yet. */
  alarmEmail?: string;
  /** The bundles to deploy, one folder per function: what `npm run build` wrote unless a test built its own. */
  codeDirectory?: string;
}

/**
 * One stage of the signup service: the table, the functions behind their aliases, the API and, where
 * the stage wants it, WAF; the mail (SES) and the change flow that sends it; the alarms, the dashboard
 * and the deployments that roll back on the alarms.
 */
export class CustomersStack extends Stack {
  public constructor(scope: Construct, id: string, props: CustomersStackProps) {
    super(scope, id, props);
    const { config } = props;
    const bundles = props.codeDirectory ?? bundlesDirectory;

    // The keys, the indexes and the TTL attribute come from the definition the local store uses too.
    const table = new Table(this, 'Customers', {
      partitionKey: { name: customersTable.partitionKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: customersTable.timeToLiveAttribute,
      // The change flow mails from what a write changed: it compares the item before and after.
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
      deletionProtection: config.deletionProtection,
      removalPolicy: config.removalPolicy,
    });
    table.addGlobalSecondaryIndex({
      indexName: customersTable.slugIndex.indexName,
      partitionKey: { name: customersTable.slugIndex.partitionKey, type: AttributeType.STRING },
      projectionType: ProjectionType.INCLUDE,
      nonKeyAttributes: [...customersTable.slugIndex.projectedAttributes],
    });
    table.addGlobalSecondaryIndex({
      indexName: customersTable.tokenIndex.indexName,
      partitionKey: { name: customersTable.tokenIndex.partitionKey, type: AttributeType.STRING },
      projectionType: ProjectionType.KEYS_ONLY,
    });

    // The key of the verification links and of the signup's Idempotency-Key records. Generated here,
    // so no person ever reads or types it, and every function that needs it gets it.
    const signingSecret = new Secret(this, 'SigningSecret', {
      description:
        'SIGNUP_SECRET: the key the verification links and Idempotency-Key records are derived with',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: config.removalPolicy,
    });
    Validations.of(signingSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Rotating the key kills every link not yet used (and keyed retries of the last 24 hours count as new requests), and CloudFormation passes a new value only to functions it updates anyway: the key is replaced (a new secret resource) when it may have leaked, which updates all four at once.',
    });

    const service = (
      id: string,
      name: FunctionName,
      environment: Record<string, string>,
      reserved?: number,
    ) => {
      const serviceFunction = new ServiceFunction(this, id, {
        name,
        bundlesDirectory: bundles,
        environment,
        logRetention: config.logRetention,
        removalPolicy: config.removalPolicy,
        reservedConcurrency: reserved,
      });
      serviceFunction.bindTable(table);
      serviceFunction.bindSigningSecret(signingSecret);
      return serviceFunction;
    };
    const verificationSettings = {
      EMAIL_VERIFICATION: config.emailVerification,
      ENUMERATION_PROTECTION: config.enumerationProtection,
      VERIFICATION_TTL_SECONDS: String(config.verificationTtlSeconds),
    };
    const httpSettings = {
      BCRYPT_COST: String(config.bcryptCost),
      CORS_ORIGINS: config.corsOrigins.join(','),
      ...verificationSettings,
    };
    const signupFunction = service(
      'CreateCustomer',
      'create-customer',
      httpSettings,
      config.reservedConcurrency,
    );
    const verifyFunction = service(
      'VerifyCustomer',
      'verify-customer',
      httpSettings,
      config.verificationReservedConcurrency,
    );
    const resendFunction = service(
      'ResendVerification',
      'resend-verification',
      httpSettings,
      config.verificationReservedConcurrency,
    );
    const changesFunction = service('CustomerChanges', 'customer-changes', {
      VERIFICATION_TTL_SECONDS: String(config.verificationTtlSeconds),
    });

    const mail = new CustomerMail(this, 'Mail', { mailFrom: config.mailFrom });
    changesFunction.bindMail({
      identity: mail.identity,
      configurationSet: mail.configurationSet,
      configurationSetArn: mail.configurationSetArn,
      mailFrom: config.mailFrom,
      verifyUrl: config.verifyUrl,
    });
    const changes = new CustomerChanges(this, 'ChangeFlow', {
      table,
      consumer: changesFunction,
      removalPolicy: config.removalPolicy,
      eventArchiveRetention: Duration.days(config.eventArchiveRetentionDays),
    });

    const api = new SignupApi(this, 'SignupApi', {
      stageName: config.stage,
      signupFunction: signupFunction.liveAlias,
      verifyFunction: verifyFunction.liveAlias,
      resendFunction: resendFunction.liveAlias,
      throttling: config.throttling,
      resendThrottling: config.resendThrottling,
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

    const observed = {
      config,
      signupFunction: signupFunction.liveAlias,
      apiStage,
      table,
      webAcl,
      mail,
      changes,
    };
    const alarms = new SignupAlarms(this, 'Alarms', {
      ...observed,
      verificationFunctions: {
        'verify-customer': verifyFunction.liveAlias,
        'resend-verification': resendFunction.liveAlias,
      },
      alarmEmail: props.alarmEmail,
    });
    new SignupDashboard(this, 'Dashboard', {
      ...observed,
      functionLogGroup: signupFunction.logGroup,
      changesFunction: changesFunction.liveAlias,
    });

    const deployments: [string, ServiceFunction, IAlarm[]][] = [
      ['Deployment', signupFunction, alarms.deploymentAlarms],
      ['VerifyCustomerDeployment', verifyFunction, alarms.verificationDeploymentAlarms['verify-customer']],
      [
        'ResendVerificationDeployment',
        resendFunction,
        alarms.verificationDeploymentAlarms['resend-verification'],
      ],
    ];
    for (const [deploymentId, released, deploymentAlarms] of deployments) {
      const deployment = new LambdaDeploymentGroup(this, deploymentId, {
        alias: released.liveAlias,
        deploymentConfig: config.deployment,
        alarms: deploymentAlarms,
        autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: true },
      });
      Validations.of(deployment).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]',
        reason:
          "CodeDeploy's role for Lambda: AWS's managed policy, limited to shifting aliases and reading the alarms.",
      });
    }

    new CfnOutput(this, 'ApiUrl', { description: 'POST signups here', value: api.customersUrl });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'FunctionName', { value: signupFunction.functionName });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarms.topic.topicArn });
    new CfnOutput(this, 'EventBusName', { value: changes.eventBus.eventBusName });
    new CfnOutput(this, 'ChangeQueueUrl', { value: changes.queue.queueUrl });
    new CfnOutput(this, 'ChangeDeadLetterQueueUrl', { value: changes.deadLetterQueue.queueUrl });
    // The three CNAME records that prove the sending domain to SES (Easy DKIM): add them to its DNS zone.
    mail.identity.dkimRecords.forEach((record, index) => {
      new CfnOutput(this, `DkimRecord${index + 1}`, {
        description: 'CNAME to add to the sending domain',
        value: Fn.join(' CNAME ', [record.name, record.value]),
      });
    });
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
  const withOrigins = corsOrigins === undefined ? stageDefaults : { ...stageDefaults, corsOrigins };
  const config: StageConfig = {
    ...withOrigins,
    ...verificationFromContext(withOrigins, (key) => app.node.tryGetContext(key)),
  };
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
