import { Agent } from 'node:http';
import bcrypt from 'bcryptjs';
import type { Answer, BenchServer } from './local-server.ts';
import { median, quantile, round, type Summary, summarise } from './stats.ts';

const PASSWORD = 'SecureP@ssw0rd123';

/**
 * A last name of letters only for the `index`-th signup of a series: each signup its own slug, so
 * none is a namesake of an earlier one, whose reservation would sweep that one's index first.
 */
export const uniqueLastName = (series: string, index: number): string => {
  let letters = '';
  let rest = index;
  do {
    letters = String.fromCharCode(97 + (rest % 26)) + letters;
    rest = Math.floor(rest / 26);
  } while (rest > 0);
  return `${series} ${letters}`;
};

const signupBody = (email: string, lastName = 'Doe') => ({
  email,
  first_name: 'John',
  last_name: lastName,
  password: PASSWORD,
  password2: PASSWORD,
  date_of_birth: '1990-01-15',
});

const expectAnswer = (answer: Answer, status: number, words: string) => {
  if (answer.status !== status || !answer.body.includes(words)) {
    throw new Error(`expected ${status} with ${JSON.stringify(words)}, got ${answer.status} ${answer.body}`);
  }
};

/** One bcryptjs hash at `cost` in this process: the cost no signup can avoid. */
const timeHash = async (cost: number): Promise<number> => {
  const started = performance.now();
  await bcrypt.hash(PASSWORD, cost);
  return performance.now() - started;
};

/** Checks the server computed exactly `expected` hashes while `work` ran, and returns what it returned. */
const countingHashes = async <T>(
  server: BenchServer,
  expected: number,
  what: string,
  work: () => Promise<T>,
) => {
  const before = await server.hashes();
  const result = await work();
  const hashes = (await server.hashes()) - before;
  if (hashes !== expected) throw new Error(`${what}: the server computed ${hashes} hashes, not ${expected}`);
  return { result, hashes };
};

export interface WarmSignupResult {
  bcryptCost: number;
  signup: Summary;
  hashAlone: Summary;
  /** Median signup over median hash. */
  ratio: number;
  /** Each signup's own hash, as long as it took in the server's hashing thread. */
  ownHash: Summary;
  /** Median signup over the median of their own hashes. */
  ratioToOwnHash: number;
  /** Each signup minus its own hash: what the rest of the path adds, the store's requests included. */
  beyondOwnHash: Summary;
}

/**
 * Valid signups on the local server against bcryptjs hashes at the same cost in this process,
 * interleaved (the order turned every sample) so that any slowdown of the machine hits both.
 */
export const measureWarmSignup = async (
  server: BenchServer,
  { samples, warmUps, bcryptCost }: { samples: number; warmUps: number; bcryptCost: number },
): Promise<WarmSignupResult> => {
  // Warm both sides up first: the server's first signup reads the data files, and V8 optimises late.
  for (let i = 0; i < warmUps; i++) {
    expectAnswer(
      await server.post(signupBody(`warm-up-${i}@example.com`, uniqueLastName('Warmup', i))),
      201,
      '"slug"',
    );
    await timeHash(bcryptCost);
  }
  const signups: number[] = [];
  const hashes: number[] = [];
  const ownHashes: number[] = [];
  await countingHashes(server, samples, 'valid signups', async () => {
    for (let i = 0; i < samples; i++) {
      const steps = [
        async () => {
          const hashedBefore = await server.hashMs();
          const answer = await server.post(signupBody(`warm-${i}@example.com`, uniqueLastName('Warm', i)));
          expectAnswer(answer, 201, '"slug"');
          signups.push(answer.ms);
          ownHashes.push((await server.hashMs()) - hashedBefore);
        },
        async () => {
          hashes.push(await timeHash(bcryptCost));
        },
      ];
      for (let step = 0; step < steps.length; step++) await steps[(i + step) % steps.length]?.();
    }
  });
  return {
    bcryptCost,
    signup: summarise(signups),
    hashAlone: summarise(hashes),
    ratio: round(median(signups) / median(hashes)),
    ownHash: summarise(ownHashes),
    ratioToOwnHash: round(median(signups) / median(ownHashes)),
    beyondOwnHash: summarise(signups.map((ms, i) => ms - (ownHashes[i] ?? Number.NaN))),
  };
};

export interface RejectionResult {
  latency: Summary;
  /** Hashes the server computed for all of them: none. */
  hashes: number;
}

export interface RejectionsResult {
  invalidInput: RejectionResult;
  commonPassword: RejectionResult;
  duplicateEmail: RejectionResult;
}

/**
 * The three refusals, round-robin, each counted for hashes on the server. The common password's
 * e-mail is new, so the store is asked whether it is taken (the contract reports both at once);
 * the duplicate's e-mail belongs to a customer stored by the warm-signup run.
 */
export const measureRejections = async (
  server: BenchServer,
  { samples, warmUps, takenEmail }: { samples: number; warmUps: number; takenEmail: string },
): Promise<RejectionsResult> => {
  const kinds = {
    invalidInput: {
      body: () => ({
        email: 'john@example',
        first_name: '  ',
        last_name: 'Doe',
        password: '12345678',
        password2: '12345679',
        date_of_birth: '1990-02-30',
      }),
      words: 'Enter a valid email address.',
    },
    commonPassword: {
      body: (i: number) => ({
        ...signupBody(`common-${i}@example.com`),
        password: 'password123',
        password2: 'password123',
      }),
      words: 'This password is too common.',
    },
    duplicateEmail: {
      body: () => signupBody(takenEmail),
      words: 'customer with this email address already exists.',
    },
  } as const;
  const names = Object.keys(kinds) as (keyof typeof kinds)[];
  const latencies = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<
    keyof typeof kinds,
    number[]
  >;
  for (const name of names) {
    for (let i = 0; i < warmUps; i++)
      expectAnswer(await server.post(kinds[name].body(-1 - i)), 400, kinds[name].words);
  }
  const hashesOf = {} as Record<keyof typeof kinds, number>;
  for (const name of names) hashesOf[name] = 0;
  for (let i = 0; i < samples; i++) {
    for (const name of names) {
      const { hashes } = await countingHashes(server, 0, name, async () => {
        const answer = await server.post(kinds[name].body(i));
        expectAnswer(answer, 400, kinds[name].words);
        latencies[name].push(answer.ms);
      });
      hashesOf[name] += hashes;
    }
  }
  const result = (name: keyof typeof kinds): RejectionResult => ({
    latency: summarise(latencies[name]),
    hashes: hashesOf[name],
  });
  return {
    invalidInput: result('invalidInput'),
    commonPassword: result('commonPassword'),
    duplicateEmail: result('duplicateEmail'),
  };
};

export interface ThroughputResult {
  clients: number;
  signups: number;
  bcryptCost: number;
  seconds: number;
  signupsPerSecond: number;
  latency: Summary & { p99: number };
  /** Signups per second if the server did nothing but hash, one core: 1000 / median hash ms. */
  hashBoundPerSecond: number;
}

/** Valid signups from `clients` concurrent clients, each on its own connection, each signup its own name. */
export const measureThroughput = async (
  server: BenchServer,
  {
    clients,
    signups,
    bcryptCost,
    hashMs,
  }: { clients: number; signups: number; bcryptCost: number; hashMs: number },
): Promise<ThroughputResult> => {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await countingHashes(server, signups, 'concurrent signups', () =>
    Promise.all(
      Array.from({ length: clients }, async () => {
        const agent = new Agent({ keepAlive: true, maxSockets: 1 });
        try {
          while (next < signups) {
            const i = next++;
            const answer = await server.post(
              signupBody(`load-${i}@example.com`, uniqueLastName('Load', i)),
              agent,
            );
            expectAnswer(answer, 201, '"slug"');
            latencies.push(answer.ms);
          }
        } finally {
          agent.destroy();
        }
      }),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    clients,
    signups,
    bcryptCost,
    seconds: round(seconds, 2),
    signupsPerSecond: round(signups / seconds, 1),
    latency: { ...summarise(latencies), p99: round(quantile(latencies, 0.99)) },
    hashBoundPerSecond: round(1000 / hashMs, 1),
  };
};
