/**
 * Preloaded into `npm start`'s server by the benchmark for one measurement, never part of the
 * function: the customer store's reads and writes answer at once, without reaching DynamoDB. What a
 * signup then adds to its hash is the rest of the path alone (HTTP, middy, the rules, the hashing
 * thread): the floor under the warm-signup ratio that no store, however fast, could go below. Only
 * the document client the store uses is replaced; the table's set-up at start still runs on dynalite.
 */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** What DynamoDB answers each command of a new customer's signup: nothing there, every write taken. */
const answers: Record<string, unknown> = {
  GetCommand: {},
  PutCommand: {},
  UpdateCommand: { Attributes: {} },
  DeleteCommand: {},
  QueryCommand: { Items: [] },
};

DynamoDBDocumentClient.prototype.send = function send(command: { constructor: { name: string } }) {
  const answer = answers[command.constructor.name];
  if (answer === undefined) throw new Error(`instant store: no answer for ${command.constructor.name}`);
  return Promise.resolve(answer);
} as never;
