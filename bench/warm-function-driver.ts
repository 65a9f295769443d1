/**
 * The deployed bundle warm, as Lambda runs it: imported once, its handler invoked with one API
 * Gateway event after another. The bundle's DynamoDB is embedded in this process, which also times
 * the hash and the signup's two store requests alone (`store-requests.ts`), the order turned every
 * sample, so that each signup is set against the three parts it cannot do without. No HTTP server
 * and no change relay: those are `npm start`'s. Sends its samples to the benchmark over IPC.
 *
 * Usage (the function's settings in the environment, DYNAMODB_ENDPOINT set here):
 * node warm-function-driver.ts <bundle.mjs> <event.json> <samples> <warm-ups> <data dir>
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import bcrypt from 'bcryptjs';
import { localContext } from '../local/api-gateway-event.ts';
import { storeRequests } from './store-requests.ts';
import { uniqueLastName } from './warm.ts';

export interface WarmFunctionSamples {
  signup: number[];
  /** Each signup's own hash: its hashing thread's time from the request to the answer. */
  ownHash: number[];
  hash: number[];
  emailRead: number[];
  customerPut: number[];
}

const [bundle = '', eventFile = '', samplesText = '', warmUpsText = '', dataDir = ''] = process.argv.slice(2);
const samples = Number(samplesText);
const warmUps = Number(warmUpsText);
const template = JSON.parse(readFileSync(eventFile, 'utf8')) as APIGatewayProxyEvent;
const { password } = JSON.parse(template.body ?? '{}') as { password: string };
const cost = Number(process.env.BCRYPT_COST);

/**
 * How long the bundle's hashing thread took over the requests posted to it, from each post to its
 * answer: the signup's own hash, as the function waits for it. A hook on every worker of this
 * process, for the benchmark alone; the function knows nothing of it.
 */
let threadMs = 0;
const post = Worker.prototype.postMessage;
Worker.prototype.postMessage = function postMessage(
  this: Worker,
  ...args: Parameters<Worker['postMessage']>
) {
  const posted = performance.now();
  this.once('message', () => {
    threadMs += performance.now() - posted;
  });
  return Reflect.apply(post, this, args);
};

const store = await storeRequests(dataDir, process.env.TABLE_NAME ?? '');
process.env.DYNAMODB_ENDPOINT = store.endpoint;
const { handler } = (await import(pathToFileURL(bundle).href)) as {
  handler: (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
};

/** The `index`-th signup: an e-mail and a last name of its own, so no namesake's reservation is swept. */
const signup = async (index: number): Promise<number> => {
  const body = JSON.parse(template.body ?? '{}') as Record<string, unknown>;
  const event = {
    ...template,
    body: JSON.stringify({
      ...body,
      email: `function${index}@example.com`,
      last_name: uniqueLastName('Function', index + warmUps),
    }),
  };
  const threadMsBefore = threadMs;
  const started = performance.now();
  const answer = await handler(event, localContext(10_000));
  const ms = performance.now() - started;
  if (index >= 0) measured.ownHash.push(threadMs - threadMsBefore);
  if (answer.statusCode !== 201)
    throw new Error(`signup ${index} answered ${answer.statusCode} ${answer.body}`);
  return ms;
};

const timedHash = async (): Promise<number> => {
  const started = performance.now();
  bcrypt.hashSync(password, cost);
  return performance.now() - started;
};

const measured: WarmFunctionSamples = { signup: [], ownHash: [], hash: [], emailRead: [], customerPut: [] };
for (let i = -warmUps; i < samples; i++) {
  const steps: [keyof WarmFunctionSamples, () => Promise<number>][] = [
    ['signup', () => signup(i)],
    ['hash', timedHash],
    ['emailRead', () => store.emailRead(i)],
    ['customerPut', () => store.customerPut(i)],
  ];
  for (let step = 0; step < steps.length; step++) {
    const entry = steps[(i + warmUps + step) % steps.length];
    if (entry === undefined) throw new Error('no such step');
    const [name, measure] = entry;
    const ms = await measure();
    if (i >= 0) measured[name].push(ms);
  }
}
await store.close();
process.send?.(measured);
// Like Lambda's freeze: the hashing thread and kept-alive sockets must not hold the process.
process.exit(0);
