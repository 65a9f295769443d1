import { routePaths } from '../functions/http/route-paths.ts';
import type { Answer, BenchServer } from './local-server.ts';
import { median, round, type Summary, summarise } from './stats.ts';

const PASSWORD = 'SecureP@ssw0rd123';

/** The server's settings for this measurement: the contract's verification with enumeration protection. */
export const ENUMERATION_PROTECTED = {
  EMAIL_VERIFICATION: 'required',
  ENUMERATION_PROTECTION: 'on',
} as const;

const signupBody = (email: string, lastName: string) => ({
  email,
  first_name: 'John',
  last_name: lastName,
  password: PASSWORD,
  password2: PASSWORD,
});

const expect202 = (answer: Answer, what: string) => {
  if (answer.status !== 202) throw new Error(`${what}: expected 202, got ${answer.status} ${answer.body}`);
};

/** The token of the newest link mailed to `address` in the local inbox, waiting for the relay to send it. */
const mailedToken = async (inboxUrl: string, address: string): Promise<string> => {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const store = (await (await fetch(`${inboxUrl}/store`)).json()) as {
      emails: { destination: { to: string[] }; body: { text?: string } }[];
    };
    const mail = store.emails.findLast((email) => email.destination.to.includes(address));
    const token = mail?.body.text?.match(/#token=([A-Za-z0-9_-]+)/)?.[1];
    if (token !== undefined) return token;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no verification mail reached ${address} in 20 s`);
};

export interface EnumerationTimingResult {
  newAddress: Summary;
  pendingAddress: Summary;
  takenAddress: Summary;
  /** Median of each over the new address's median: what a prober timing the answers could tell. */
  pendingRatio: number;
  takenRatio: number;
}

/**
 * Under enumeration protection, signups of a new address, of a pending one (its earlier signup not
 * verified) and of a verified customer's, round-robin on one server: each must answer 202 in the
 * time the others do. The verified customer is made as a user makes one, through the mailed link.
 */
export const measureEnumerationTiming = async (
  server: BenchServer,
  { samples }: { samples: number },
): Promise<EnumerationTimingResult> => {
  const taken = 'taken@example.com';
  const pending = 'pending@example.com';
  expect202(await server.post(signupBody(taken, 'Taken')), 'the signup to verify');
  const verified = await server.post(
    { token: await mailedToken(server.inboxUrl, taken), password: PASSWORD },
    undefined,
    routePaths.verify,
  );
  if (verified.status !== 200) throw new Error(`verifying: got ${verified.status} ${verified.body}`);
  expect202(await server.post(signupBody(pending, 'Pending')), 'the pending signup');

  const kinds = {
    newAddress: (i: number) => signupBody(`new-${i}@example.com`, `New ${i}`),
    pendingAddress: (i: number) => signupBody(pending, `Pending ${i}`),
    takenAddress: (i: number) => signupBody(taken, `Taken ${i}`),
  } as const;
  const names = Object.keys(kinds) as (keyof typeof kinds)[];
  const latencies = {
    newAddress: [] as number[],
    pendingAddress: [] as number[],
    takenAddress: [] as number[],
  };
  // Warm-up, then the order turned every sample so that a slowdown of the machine hits each kind alike.
  for (let i = 0; i < samples + 3; i++) {
    for (let step = 0; step < names.length; step++) {
      const name = names[(i + step) % names.length] as keyof typeof kinds;
      const answer = await server.post(kinds[name](i));
      expect202(answer, name);
      if (i >= 3) latencies[name].push(answer.ms);
    }
  }
  const newMedian = median(latencies.newAddress);
  return {
    newAddress: summarise(latencies.newAddress),
    pendingAddress: summarise(latencies.pendingAddress),
    takenAddress: summarise(latencies.takenAddress),
    pendingRatio: round(median(latencies.pendingAddress) / newMedian),
    takenRatio: round(median(latencies.takenAddress) / newMedian),
  };
};
