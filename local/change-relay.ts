/**
 * dynalite has no streams: this relay stands in for DynamoDB Streams, the EventBridge Pipe and the SQS
 * queue of the deployment. It watches every write a DynamoDB client makes to a customer item, takes
 * the item's images before and after (one write per item at a time, so the two images are that
 * write's), and hands the stream record AWS would make, wrapped as the SQS message the Pipe would
 * deliver, to the same handler the queue feeds in AWS, again later when the handler reports it failed.
 */
import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type AttributeValue, type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { customersTable } from '../functions/dynamodb/customers-table.ts';

type Item = Record<string, AttributeValue>;

/** What the queue's consumer is: the `customer-changes` handler. */
export type ChangeConsumer = (event: SQSEvent) => Promise<SQSBatchResponse>;

export interface ChangeRelayOptions {
  tableName: string;
  /**
   * The client the item is read with after each write, and before one that asks for values back:
   * one that gives up quickly, so that a store that fails costs a write little more than it would
   * have anyway.
   */
  reads: DynamoDBClient;
  consume: ChangeConsumer;
  /** The waits before each new delivery of a message the consumer failed; past the last it is given up, as a DLQ would take it. */
  retryDelaysMs?: readonly number[];
  /** Told of a message given up on (its id only: the body holds the customer). */
  onGiveUp?: (messageId: string) => void;
  /** Told of a write whose images could not be read, so that no record of it was made. */
  onUnread?: (error: unknown) => void;
}

export interface ChangeRelay {
  /** Resolves once every change relayed so far has been consumed or given up on. */
  idle(): Promise<void>;
}

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
/** Roughly what SQS's visibility timeout and a Pipe's retries would space deliveries by, shortened for a person waiting. */
const DEFAULT_RETRY_DELAYS_MS = [1_000, 2_000, 5_000, 10_000, 30_000, 60_000, 60_000, 60_000];

const utf8 = new TextDecoder();

const SINGLE_ITEM_WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand']);
const WRITE_COMMANDS = new Set([...SINGLE_ITEM_WRITES, 'TransactWriteItemsCommand']);

interface WireRequest {
  headers: Record<string, string>;
  body?: unknown;
}

/**
 * A single-item write that asks for no values back is sent asking for the item as it was (`ALL_OLD`),
 * so that its old image comes with its answer instead of from a read that the answer would wait for,
 * and is that write's own whoever else writes the item. False for any other write.
 */
const askForOldImage = (commandName: string, request: WireRequest): boolean => {
  // The serialised JSON, as text or as its bytes. The SDK's bytes convert themselves to text with a
  // console warning when a string method (Buffer.from calls valueOf) touches them; a decoder reads them as bytes.
  const text =
    typeof request.body === 'string'
      ? request.body
      : request.body instanceof Uint8Array
        ? utf8.decode(request.body)
        : undefined;
  if (!SINGLE_ITEM_WRITES.has(commandName) || text === undefined) return false;
  const body = JSON.parse(text) as { ReturnValues?: string };
  if ((body.ReturnValues ?? 'NONE') !== 'NONE') return false;
  const asked = JSON.stringify({ ...body, ReturnValues: 'ALL_OLD' });
  request.body = asked;
  // The length was set before this step; the signature, after it, covers the new body.
  for (const name of Object.keys(request.headers))
    if (name.toLowerCase() === 'content-length') request.headers[name] = String(Buffer.byteLength(asked));
  return true;
};

/**
 * The old image the write answered, as the wire has it: a document client has already converted its
 * answer, which the relay then converts back (its partition key, a string there, tells which).
 */
const oldImageOf = (attributes: Record<string, unknown> | undefined): Item | undefined => {
  if (attributes === undefined || Object.keys(attributes).length === 0) return undefined;
  return typeof attributes[customersTable.partitionKey] === 'string'
    ? marshall(attributes, { convertClassInstanceToMap: true })
    : (attributes as Item);
};

/** The partition keys of customer items a write's input touches, in the relayed table. */
const customerKeysWritten = (
  commandName: string,
  input: Record<string, unknown>,
  tableName: string,
): string[] => {
  type Target = { TableName?: string; Item?: Item; Key?: Item };
  const targets: Target[] =
    commandName === 'TransactWriteItemsCommand'
      ? ((input.TransactItems as Record<string, Target | undefined>[] | undefined) ?? []).flatMap((entry) =>
          [entry.Put, entry.Update, entry.Delete].filter((target) => target !== undefined),
        )
      : [input as Target];
  return [
    ...new Set(
      targets.flatMap((target) => {
        const key = (target.Item ?? target.Key)?.[customersTable.partitionKey]?.S;
        return target.TableName === tableName && key?.startsWith(customersTable.keyPrefixes.customer)
          ? [key]
          : [];
      }),
    ),
  ];
};

let sequence = 0n;

/** The stream record of one change of one item, as DynamoDB Streams writes it (NEW_AND_OLD_IMAGES). */
export const streamRecordOf = (
  tableName: string,
  key: string,
  oldImage: Item | undefined,
  newImage: Item | undefined,
): DynamoDBRecord => {
  sequence += 1n;
  return {
    eventID: randomUUID().replaceAll('-', ''),
    eventName: oldImage === undefined ? 'INSERT' : newImage === undefined ? 'REMOVE' : 'MODIFY',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: REGION,
    dynamodb: {
      ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
      Keys: { [customersTable.partitionKey]: { S: key } },
      ...(newImage === undefined ? {} : { NewImage: newImage as never }),
      ...(oldImage === undefined ? {} : { OldImage: oldImage as never }),
      SequenceNumber: String(sequence).padStart(21, '0'),
      SizeBytes: JSON.stringify([key, oldImage, newImage]).length,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
    eventSourceARN: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${tableName}/stream/local`,
  };
};

/** A stream record as the SQS message an EventBridge Pipe delivers: the record, as JSON, is the body. */
export const pipesMessageOf = (record: DynamoDBRecord, receiveCount = 1): SQSRecord => {
  const body = JSON.stringify(record);
  const now = String(Date.now());
  return {
    messageId: randomUUID(),
    receiptHandle: randomUUID(),
    body,
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: now,
      SenderId: 'local-change-relay',
      ApproximateFirstReceiveTimestamp: now,
    },
    messageAttributes: {},
    md5OfBody: createHash('md5').update(body).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:customer-changes`,
    awsRegion: REGION,
  };
};

/** Two images are one item when their attributes are: a write that changed nothing makes no stream record. */
const sameItem = (left: Item | undefined, right: Item | undefined): boolean => {
  const canonical = (item: Item | undefined) =>
    item === undefined ? '' : JSON.stringify(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : 1)));
  return canonical(left) === canonical(right);
};

/**
 * Relays the customer-item writes `client` makes (every command, whether sent by it or by a document
 * client over it) to `consume`. The write's answer never waits for the consumer.
 */
export const attachChangeRelay = (
  client: DynamoDBClient,
  {
    tableName,
    reads,
    consume,
    retryDelaysMs = DEFAULT_RETRY_DELAYS_MS,
    onGiveUp,
    onUnread,
  }: ChangeRelayOptions,
): ChangeRelay => {
  const itemQueues = new Map<string, Promise<unknown>>();
  /** Writes answered whose after-images are still being read. */
  const recording = new Set<Promise<void>>();
  const deliveries = new Set<Promise<void>>();

  const read = async (key: string): Promise<Item | undefined> =>
    (
      await reads.send(
        new GetItemCommand({
          TableName: tableName,
          Key: { [customersTable.partitionKey]: { S: key } },
          ConsistentRead: true,
        }),
      )
    ).Item;

  /** Runs `work` after every earlier write to the same items. */
  const oneAtATime = <T>(keys: readonly string[], work: () => Promise<T>): Promise<T> => {
    const earlier = keys.map((key) => itemQueues.get(key) ?? Promise.resolve());
    const run = Promise.allSettled(earlier).then(work);
    const settled = run.catch(() => undefined);
    for (const key of keys) itemQueues.set(key, settled);
    void settled.then(() => {
      for (const key of keys) if (itemQueues.get(key) === settled) itemQueues.delete(key);
    });
    return run;
  };

  const deliver = async (record: DynamoDBRecord): Promise<void> => {
    for (let attempt = 1; ; attempt += 1) {
      const message = pipesMessageOf(record, attempt);
      const answer = await consume({ Records: [message] }).catch(() => ({
        batchItemFailures: [{ itemIdentifier: message.messageId }],
      }));
      if (answer.batchItemFailures.length === 0) return;
      const delay = retryDelaysMs[attempt - 1];
      if (delay === undefined) {
        onGiveUp?.(message.messageId);
        return;
      }
      await sleep(delay);
    }
  };

  const relay = (record: DynamoDBRecord) => {
    const delivery = deliver(record);
    deliveries.add(delivery);
    void delivery.finally(() => deliveries.delete(delivery));
  };

  client.middlewareStack.add(
    (next, context) => async (args) => {
      const commandName = context.commandName ?? '';
      if (!WRITE_COMMANDS.has(commandName)) return next(args);
      const keys = customerKeysWritten(commandName, args.input as Record<string, unknown>, tableName);
      if (keys.length === 0) return next(args);
      // A store that cannot be read is one the write itself will likely fail on: the write goes on,
      // answered as it would be without the relay, and only its record is missing.
      const readAll = () =>
        Promise.all(keys.map(read)).catch((error: unknown) => {
          onUnread?.(error);
          return undefined;
        });
      // The write's answer goes out as soon as it comes; the next write to these items waits until
      // this one's after-image is read, so each record's images are still its own write's.
      const answered = Promise.withResolvers<Awaited<ReturnType<typeof next>>>();
      const recorded = oneAtATime(keys, async () => {
        const oldImageAsked = askForOldImage(commandName, args.request as WireRequest);
        let before = oldImageAsked ? [] : await readAll();
        let result: Awaited<ReturnType<typeof next>>;
        try {
          result = await next(args);
        } catch (error) {
          answered.reject(error);
          return;
        }
        if (oldImageAsked) {
          // The caller asked for nothing: it gets nothing.
          const { Attributes, ...output } = result.output as { Attributes?: Record<string, unknown> };
          before = [oldImageOf(Attributes)];
          result = { ...result, output: output as typeof result.output };
        }
        answered.resolve(result);
        const after = before === undefined ? undefined : await readAll();
        if (before === undefined || after === undefined) return;
        keys.forEach((key, index) => {
          if (!sameItem(before[index], after[index]))
            relay(streamRecordOf(tableName, key, before[index], after[index]));
        });
      });
      recording.add(recorded);
      void recorded.finally(() => recording.delete(recorded));
      return answered.promise;
    },
    // At `build` the input is the wire's (a document client's marshalling is done), and a write's retries are inside.
    { step: 'build', name: 'localChangeRelay' },
  );

  return {
    idle: async () => {
      while (recording.size > 0 || deliveries.size > 0)
        await Promise.allSettled([...recording, ...deliveries]);
    },
  };
};
