import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * What happens to one store request a signup sends, as the scheduler decides it:
 * - `run`: it reaches the store and its answer comes back;
 * - `fault`: it never reaches the store, and the signup is told of a fault (throttled, unreachable);
 * - `lost`: it is applied, but its answer is lost on the way back (a fault for the signup);
 * - `retried`: it is applied, its answer is lost, and the SDK sends it again: the signup gets the
 *   second attempt's answer;
 * - `crash`: the signup's process dies before it is sent, and sends nothing ever after.
 */
export type StepAction = 'run' | 'fault' | 'lost' | 'retried' | 'crash';

export interface PendingStep {
  actor: number;
  /** The command's name and the key it is about, for reading a failing schedule. */
  label: string;
}

/** At each point where every live signup waits on a store request: which one goes, and how. */
export interface Choice {
  actor: number;
  action: StepAction;
  /** Moves the store's clock past the reclaim time first: every waiting signup has been paused that long. */
  pauseFirst: boolean;
}

export type Chooser = (pending: readonly PendingStep[]) => Choice;

interface Waiting extends PendingStep {
  go(action: StepAction): Promise<void>;
}

const storeFault = () =>
  Object.assign(new Error('injected: the store did not answer'), {
    name: 'ThrottlingException',
    $metadata: { httpStatusCode: 400 },
  });
const lostAnswer = () => Object.assign(new Error('injected: the answer was lost'), { code: 'ECONNRESET' });

/** A signup's process died: what it was waiting on never comes back. */
export class Crashed extends Error {
  override name = 'Crashed';
}

const labelOf = (command: unknown): string => {
  const input = (command as { input?: { Key?: { pk?: unknown }; Item?: { pk?: unknown } } }).input;
  return `${(command as object).constructor.name} ${String(input?.Key?.pk ?? input?.Item?.pk ?? '')}`;
};

const settled = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs signups against a real store engine with every store request held at a gate, so that a
 * chooser decides the order in which they reach the store and what befalls each one. The signups
 * run their real code; only the timing and the faults are the scheduler's.
 */
export const runSchedule = async <T>(
  db: DynamoDBDocumentClient,
  signups: ((client: DynamoDBDocumentClient) => Promise<T>)[],
  choose: Chooser,
  pause: () => void,
): Promise<{ results: (T | Error)[]; trace: string[] }> => {
  const waiting = new Map<number, Waiting>();
  const crashed = new Set<number>();
  const trace: string[] = [];
  const gated = (actor: number) =>
    ({
      send: (command: Parameters<DynamoDBDocumentClient['send']>[0], options?: object) => {
        if (crashed.has(actor)) return Promise.reject(new Crashed());
        return new Promise((resolve, reject) => {
          const send = () => db.send(command, options as never);
          waiting.set(actor, {
            actor,
            label: labelOf(command),
            go: async (action) => {
              waiting.delete(actor);
              try {
                if (action === 'crash') {
                  crashed.add(actor);
                  reject(new Crashed());
                } else if (action === 'fault') reject(storeFault());
                else if (action === 'lost') {
                  await send().catch(() => undefined);
                  reject(lostAnswer());
                } else if (action === 'retried') {
                  await send().catch(() => undefined);
                  resolve(await send());
                } else resolve(await send());
              } catch (error) {
                reject(error);
              }
            },
          });
        });
      },
    }) as unknown as DynamoDBDocumentClient;

  const done = new Set<number>();
  const results: (T | Error)[] = new Array(signups.length);
  signups.forEach((signup, actor) => {
    signup(gated(actor)).then(
      (result) => {
        results[actor] = result;
        done.add(actor);
      },
      (error: unknown) => {
        results[actor] = error instanceof Error ? error : new Error(String(error));
        done.add(actor);
      },
    );
  });
  /** Until every signup waits at the gate or has finished. */
  const quiet = async () => {
    for (let spins = 0; spins < 10_000; spins += 1) {
      if (waiting.size + done.size === signups.length) return;
      await settled();
    }
    throw new Error('a signup neither finished nor sent a request');
  };
  for (;;) {
    await quiet();
    if (waiting.size === 0) return { results, trace };
    const pending = [...waiting.values()].sort((a, b) => a.actor - b.actor);
    const choice = choose(pending);
    const step = waiting.get(choice.actor);
    if (step === undefined) throw new Error(`signup ${choice.actor} is not waiting`);
    if (choice.pauseFirst) {
      pause();
      trace.push('-- pause past the reclaim time --');
    }
    trace.push(`${choice.actor}: ${step.label} ${choice.action}`);
    await step.go(choice.action);
  }
};

/**
 * Enumerates every path of a choice tree depth first: run `explore` with the chooser it is given
 * until every branch has been taken. `options` lists the choices at a point; the first is the default.
 */
export const everySchedule = async (
  options: (pending: readonly PendingStep[]) => Choice[],
  explore: (choose: Chooser) => Promise<void>,
): Promise<number> => {
  let prefix: number[] = [];
  let schedules = 0;
  for (;;) {
    const taken: { index: number; of: number }[] = [];
    await explore((pending) => {
      const choices = options(pending);
      const index = prefix[taken.length] ?? 0;
      taken.push({ index, of: choices.length });
      const choice = choices[index];
      if (choice === undefined) throw new Error('the schedule tree changed between runs');
      return choice;
    });
    schedules += 1;
    // The next path: the deepest point with a choice not taken yet.
    while (taken.length > 0 && (taken.at(-1)?.index ?? 0) + 1 >= (taken.at(-1)?.of ?? 0)) taken.pop();
    const last = taken.pop();
    if (last === undefined) return schedules;
    prefix = [...taken.map(({ index }) => index), last.index + 1];
  }
};
