import { Duration, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { CfnPipe } from 'aws-cdk-lib/aws-pipes';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { customersTable } from '../functions/dynamodb/customers-table.ts';
import { functionSettings, type ServiceFunction } from './service-function.ts';

/** The numbers of the change flow, chosen together (the README says what they add up to). */
export const changeFlow = {
  /** Stream records the pipe reads at once; each becomes one message. */
  pipeBatchSize: 10,
  /** The pipe's tries to hand a batch to SQS before it records the batch's place in its own DLQ. */
  pipeMaximumRetryAttempts: 10,
  /** Messages the function takes at once; each is reported back alone when it fails. */
  functionBatchSize: 10,
  /**
   * At most this many functions mail at once (Lambda's least): SES's sending rate is per account and
   * small at first, and more senders would only meet its throttling.
   */
  functionMaxConcurrency: 2,
  /**
   * Lambda's advice for an SQS source is at least six times the function's timeout: a message being
   * handled must not be handed out again; the rest is the margin for a slow start.
   */
  visibilityTimeoutSeconds: functionSettings['customer-changes'].timeoutSeconds * 6 + 30,
  /**
   * A message that keeps failing goes to the DLQ after this many receives. A failed message comes back
   * after the visibility timeout, so this rides out a mail provider's outage of hours, not minutes.
   */
  maxReceiveCount: 100,
  /** SQS's longest: a message is kept two weeks, in the queue and then in its DLQ. */
  retention: Duration.days(14),
} as const;

export interface CustomerChangesProps {
  /** The customers table, with its stream (new and old images). */
  table: ITable;
  /** The function the queue feeds. */
  consumer: ServiceFunction;
  removalPolicy: RemovalPolicy;
  eventArchiveRetention: Duration;
}

/**
 * What happens after a customer write, outside the request: the table's stream, filtered to the
 * customer items by an EventBridge pipe, into an SQS queue that the customer-changes function drains
 * (it mails the links and publishes the customer events to the bus, which keeps an archive).
 */
export class CustomerChanges extends Construct {
  public readonly queue: Queue;
  /** Messages the function failed on `maxReceiveCount` times: the stream records themselves. */
  public readonly deadLetterQueue: Queue;
  /** Batches the pipe could not hand to SQS: their place in the stream (kept there 24 h), not the records. */
  public readonly pipeDeadLetterQueue: Queue;
  public readonly pipe: CfnPipe;
  /** The pipe's name: the `PipeName` dimension of its metrics. */
  public readonly pipeName: string;
  public readonly eventBus: EventBus;

  public constructor(scope: Construct, id: string, props: CustomerChangesProps) {
    super(scope, id);
    const { table, consumer, removalPolicy } = props;
    const streamArn = table.tableStreamArn;
    if (streamArn === undefined) throw new Error('the customers table needs its stream for the change flow');

    const queueSettings = {
      // SQS's own keys: no key to pay for or grant, and the pipe may send without a KMS grant.
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: changeFlow.retention,
      removalPolicy,
    };
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', queueSettings);
    this.pipeDeadLetterQueue = new Queue(this, 'PipeDeadLetterQueue', queueSettings);
    for (const deadLetterQueue of [this.deadLetterQueue, this.pipeDeadLetterQueue]) {
      Validations.of(deadLetterQueue).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason:
          'A dead-letter queue itself: what lands here waits for a person (an alarm fires), not another queue.',
      });
    }
    this.queue = new Queue(this, 'Queue', {
      ...queueSettings,
      visibilityTimeout: Duration.seconds(changeFlow.visibilityTimeoutSeconds),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: changeFlow.maxReceiveCount },
    });

    const pipeRole = new Role(this, 'PipeRole', {
      assumedBy: new ServicePrincipal('pipes.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'Reads the customers table stream and sends its customer records to the change queue.',
    });
    pipeRole.addToPolicy(
      new PolicyStatement({
        actions: [
          'dynamodb:DescribeStream',
          'dynamodb:GetRecords',
          'dynamodb:GetShardIterator',
          'dynamodb:ListStreams',
        ],
        resources: [streamArn],
      }),
    );
    this.queue.grantSendMessages(pipeRole);
    this.pipeDeadLetterQueue.grantSendMessages(pipeRole);

    this.pipeName = `${Stack.of(this).stackName}-customer-changes`;
    this.pipe = new CfnPipe(this, 'Pipe', {
      name: this.pipeName,
      description: 'Customer items of the table stream, to the queue the customer-changes function drains',
      roleArn: pipeRole.roleArn,
      source: streamArn,
      sourceParameters: {
        // Slugs, counters, idempotency records and mail quotas change too; only customers mail or publish.
        filterCriteria: {
          filters: [
            {
              pattern: JSON.stringify({
                dynamodb: {
                  Keys: {
                    [customersTable.partitionKey]: { S: [{ prefix: customersTable.keyPrefixes.customer }] },
                  },
                },
              }),
            },
          ],
        },
        dynamoDbStreamParameters: {
          // What is written from the pipe's creation on; nothing older is mailed again.
          startingPosition: 'LATEST',
          batchSize: changeFlow.pipeBatchSize,
          maximumRetryAttempts: changeFlow.pipeMaximumRetryAttempts,
          // A batch SQS refuses in part is split until the failing record is alone.
          onPartialBatchItemFailure: 'AUTOMATIC_BISECT',
          deadLetterConfig: { arn: this.pipeDeadLetterQueue.queueArn },
        },
      },
      target: this.queue.queueArn,
    });
    // The pipe starts reading once its role may do so.
    this.pipe.node.addDependency(pipeRole);

    consumer.liveAlias.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: changeFlow.functionBatchSize,
        // The function names the messages it failed; the others leave the queue.
        reportBatchItemFailures: true,
        maxConcurrency: changeFlow.functionMaxConcurrency,
      }),
    );

    this.eventBus = new EventBus(this, 'EventBus', {
      eventBusName: `${Stack.of(this).stackName}-customers`,
      description: 'CustomerSignedUp and CustomerVerified, with the public fields only',
    });
    this.eventBus.archive('Archive', {
      description: 'Every customer event, to replay to a consumer added later',
      eventPattern: { account: [Stack.of(this).account] },
      retention: props.eventArchiveRetention,
    });
    consumer.bindEventBus(this.eventBus);
  }
}
