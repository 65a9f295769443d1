import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { median, round, type Summary, summarise } from './stats.ts';

const driver = fileURLToPath(new URL('./cold-start-driver.mjs', import.meta.url));
/**
 * The invalid request of every cold start: the contract's example that breaks most rules. It runs the
 * whole edge and every field rule, the common-password list included ("12345678"), yet its e-mail is
 * invalid, so the store is never asked: nothing in it depends on a network.
 */
export const coldStartEvent = fileURLToPath(
  new URL('../events/invalid-create-customer.json', import.meta.url),
);

export interface DriverTimings {
  /** Milliseconds since the process started (`performance.timeOrigin`). */
  driverStarted: number;
  beforeImport: number;
  imported: number;
  answered: number;
  /** CPU time the process used until the answer, user and system: less swayed by other processes. */
  cpuMs: number;
  statusCode: number;
  body: string;
}

/** A port nobody listens on: a DynamoDB endpoint any request to which fails at once. */
export const closedPort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });

/** What Lambda sets, as far as the function reads it, and the prod stage's settings. */
export const functionEnvironment = (
  endpointPort: number,
  bcryptCost: number,
  corsOrigins: readonly string[],
) => ({
  PATH: process.env.PATH ?? '',
  AWS_REGION: 'us-east-1',
  AWS_LAMBDA_FUNCTION_NAME: 'create-customer-bench',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1769',
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
  TABLE_NAME: 'customers-bench',
  DYNAMODB_ENDPOINT: `http://127.0.0.1:${endpointPort}`,
  BCRYPT_COST: String(bcryptCost),
  CORS_ORIGINS: corsOrigins.join(','),
  // As the stack passes it: a value in the environment, read at no cost.
  SIGNUP_SECRET: 'b'.repeat(64),
});

/** The signup's answer to the cold-start request must be the rules' field errors, nothing else. */
export const expectFieldErrors = (run: DriverTimings): void => {
  if (run.statusCode !== 400 || !run.body.includes('"email"')) {
    throw new Error(`the signup bundle answered the invalid request with ${run.statusCode} ${run.body}`);
  }
};

/** Runs the driver once in a fresh process; extra Node flags (a CPU profile) come first. */
export const runDriver = (
  bundle: string,
  environment: Record<string, string>,
  nodeFlags: readonly string[] = [],
): Promise<DriverTimings> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeFlags, driver, bundle, coldStartEvent], {
      env: environment,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.once('error', reject);
    child.once('close', (code) => {
      const line = stdout.split('\n').find((text) => text.startsWith('cold-start '));
      if (code !== 0 || line === undefined) {
        reject(new Error(`cold start of ${bundle} failed (exit ${code}):\n${stderr}${stdout}`));
        return;
      }
      resolve(JSON.parse(line.slice('cold-start '.length)) as DriverTimings);
    });
  });

export interface ColdStartSide {
  /** Process start to the handler's answer. */
  total: Summary;
  /** Medians of the phases: Node's own start, importing the bundle, answering the first request. */
  phases: { nodeStart: number; importBundle: number; firstAnswer: number };
  cpuMs: Summary;
}

export interface ColdStartResult {
  samplesPerSide: number;
  ours: ColdStartSide;
  baseline: ColdStartSide;
  /** Median of ours over median of the baseline: the budget's number. */
  ratio: number;
  /** Less noisy readings of the same, to judge a run by: the median of the ratios of each pair, and of CPU times. */
  pairedRatio: number;
  cpuRatio: number;
}

const side = (runs: readonly DriverTimings[]): ColdStartSide => ({
  total: summarise(runs.map((run) => run.answered)),
  phases: {
    nodeStart: round(median(runs.map((run) => run.driverStarted))),
    importBundle: round(median(runs.map((run) => run.imported - run.beforeImport))),
    firstAnswer: round(median(runs.map((run) => run.answered - run.imported))),
  },
  cpuMs: summarise(runs.map((run) => run.cpuMs)),
});

/**
 * Cold starts of the signup bundle and of the baseline in fresh processes, interleaved (and the
 * order swapped every pair) so that whatever else the machine does weighs on both alike.
 */
export const measureColdStarts = async ({
  ours,
  baseline,
  samples,
  environment,
}: {
  ours: string;
  baseline: string;
  samples: number;
  environment: Record<string, string>;
}): Promise<ColdStartResult> => {
  // One of each first, unmeasured: the first process after a build reads the files from disk.
  expectFieldErrors(await runDriver(ours, environment));
  await runDriver(baseline, environment);
  const oursRuns: DriverTimings[] = [];
  const baselineRuns: DriverTimings[] = [];
  for (let i = 0; i < samples; i++) {
    const pair = i % 2 === 0 ? ([ours, baseline] as const) : ([baseline, ours] as const);
    for (const bundle of pair) {
      const run = await runDriver(bundle, environment);
      (bundle === ours ? oursRuns : baselineRuns).push(run);
    }
  }
  for (const run of [...oursRuns, ...baselineRuns]) {
    // Both answer the invalid request with 400: anything else is a store fault (503) or a crash (500).
    if (run.statusCode !== 400) throw new Error(`a cold start answered ${run.statusCode} ${run.body}`);
  }
  const result = { ours: side(oursRuns), baseline: side(baselineRuns) };
  return {
    samplesPerSide: samples,
    ...result,
    ratio: round(result.ours.total.median / result.baseline.total.median),
    pairedRatio: round(
      median(oursRuns.map((run, i) => run.answered / (baselineRuns[i]?.answered ?? Number.NaN))),
    ),
    cpuRatio: round(result.ours.cpuMs.median / result.baseline.cpuMs.median),
  };
};
