/**
 * One cold start, in a fresh Node process: import a bundle as Lambda's runtime does, answer one API
 * Gateway event, and print the timings since the process started. Plain JavaScript on purpose: type
 * stripping would add tens of milliseconds to every process, ours and the baseline's alike, and
 * blur the ratio the benchmark reports.
 *
 * Usage: node cold-start-driver.mjs <bundle.mjs> <event.json>
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const driverStarted = performance.now();
const [bundle, eventFile] = process.argv.slice(2);
const event = JSON.parse(readFileSync(eventFile, 'utf8'));

const beforeImport = performance.now();
const { handler } = await import(pathToFileURL(bundle).href);
const imported = performance.now();

const deadline = Date.now() + 10_000;
const context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'create-customer-bench',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:create-customer-bench',
  memoryLimitInMB: '1769',
  awsRequestId: 'cold-start-bench',
  logGroupName: '/aws/lambda/create-customer-bench',
  logStreamName: 'bench',
  getRemainingTimeInMillis: () => deadline - Date.now(),
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};
const response = await handler(event, context);
const answered = performance.now();
const { user, system } = process.cpuUsage();

// One marked line: the function's own log lines may share stdout.
process.stdout.write(
  `cold-start ${JSON.stringify({
    driverStarted,
    beforeImport,
    imported,
    answered,
    cpuMs: (user + system) / 1000,
    statusCode: response.statusCode,
    body: response.body,
  })}\n`,
);
// Lambda freezes the process here; leaving open sockets or timers must not hold the next sample up.
process.exit(0);
