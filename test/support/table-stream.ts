import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import { createTableInput } from '../../functions/dynamodb/customers-table.ts';

/** The customers table with the stream the deployment gives it: both images of every change. */
export const createTableWithStream = async (client: DynamoDBClient, tableName: string): Promise<string> => {
  const { TableDescription } = await client.send(
    new CreateTableCommand({
      ...createTableInput(tableName),
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    }),
  );
  const streamArn = TableDescription?.LatestStreamArn;
  if (streamArn === undefined) throw new Error(`table ${tableName} has no stream`);
  return streamArn;
};

/**
 * Reads a table's stream as the EventBridge Pipe does, and hands out each record once, in the JSON an
 * SQS message body holds (the creation time in epoch seconds, the stream's ARN as its source).
 */
export const tableStreamReader = (endpoint: string, streamArn: string) => {
  const streams = new DynamoDBStreamsClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const seen = new Set<string>();
  return {
    /** The records written since the last call. */
    newRecords: async (): Promise<DynamoDBRecord[]> => {
      const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
      const fresh: DynamoDBRecord[] = [];
      for (const shard of StreamDescription?.Shards ?? []) {
        let { ShardIterator: iterator } = await streams.send(
          new GetShardIteratorCommand({
            StreamArn: streamArn,
            ShardId: shard.ShardId,
            ShardIteratorType: 'TRIM_HORIZON',
          }),
        );
        while (iterator !== undefined) {
          const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
          const records = page.Records ?? [];
          if (records.length === 0) break;
          for (const record of records) {
            const sequenceNumber = record.dynamodb?.SequenceNumber ?? '';
            if (seen.has(sequenceNumber)) continue;
            seen.add(sequenceNumber);
            const created = record.dynamodb?.ApproximateCreationDateTime;
            fresh.push(
              JSON.parse(
                JSON.stringify({
                  ...record,
                  dynamodb: {
                    ...record.dynamodb,
                    ApproximateCreationDateTime:
                      created === undefined ? undefined : Math.floor(created.getTime() / 1000),
                  },
                  eventSourceARN: streamArn,
                }),
              ) as DynamoDBRecord,
            );
          }
          iterator = page.NextShardIterator;
        }
      }
      return fresh;
    },
    close: () => streams.destroy(),
  };
};
