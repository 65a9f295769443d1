/**
 * Differential test against the contract's Django oracle: a fixed-seed set of generated requests
 * (generate-cases.ts) is answered by the oracle (Django REST framework on Django's own validators),
 * then replayed against our handler; every answer must match by the contract's replay rules.
 *
 * Needs /usr/bin/python3 with Debian's python3-django, python3-djangorestframework and
 * python3-unidecode (CI installs them); skipped, with the reason, where they are missing.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isDeliberateDeviation } from './deliberate-deviations.ts';
import { oracleUnavailableReason, recordWithOracle } from './django-oracle.ts';
import { generateSuites } from './generate-cases.ts';
import { replaySuite, startInProcessApi } from './in-process-api.ts';
import { describeMismatch, type Mismatch, type RecordedCase } from './oracle-case.ts';

/** Fixed, so that a failure reproduces: `npx node test/oracle/run-differential.ts --seed 20261127 ...`. */
const SEED = 20261127;
/** About 1,500 cases: every enumerated variant, and a sample of the random and fuzzed ones. */
const CASES = { seed: SEED, randomCases: 200, mediaTypeCases: 50, formFuzzCases: 80 };
/** Oracle processes at once (each plays one suite in order on its own database). */
const ORACLE_PROCESSES = 3;
const SHOWN_MISMATCHES = 25;

const unavailable = oracleUnavailableReason();
if (unavailable !== undefined) console.warn(`oracle differential test skipped: ${unavailable}`);

const inBatches = async <T, R>(
  items: readonly T[],
  size: number,
  run: (item: T) => Promise<R>,
): Promise<R[]> => {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size)
    results.push(...(await Promise.all(items.slice(i, i + size).map(run))));
  return results;
};

describe.skipIf(unavailable !== undefined)(
  `our API against the Django oracle${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    it('answers every generated request as the oracle does', { timeout: 300_000 }, async () => {
      const suites = generateSuites(CASES);
      const recorded: RecordedCase[][] = await inBatches(suites, ORACLE_PROCESSES, (suite) =>
        recordWithOracle(suite.cases.filter((request) => !isDeliberateDeviation(request))),
      );

      const api = await startInProcessApi();
      const mismatches: Mismatch[] = [];
      try {
        for (const cases of recorded) mismatches.push(...(await replaySuite(api, cases)));
      } finally {
        await api.close();
      }

      const total = recorded.reduce((sum, cases) => sum + cases.length, 0);
      if (mismatches.length > 0) {
        const file = join(tmpdir(), `oracle-mismatches-${SEED}.json`);
        writeFileSync(file, JSON.stringify(mismatches, null, 1));
        // Causes first: a slug that differs only in its suffix is mostly the echo of an earlier mismatch.
        const echo = (mismatch: Mismatch) =>
          mismatch.problems.every((problem) => problem.startsWith('slug:'));
        const ordered = [...mismatches.filter((m) => !echo(m)), ...mismatches.filter(echo)];
        const shown = ordered.slice(0, SHOWN_MISMATCHES).map(describeMismatch).join('\n');
        expect.fail(
          `${mismatches.length} of ${total} answers differ from the oracle's (all of them in ${file}; ` +
            `a wrong early signup also shifts later slugs):\n${shown}`,
        );
      }
      expect(total).toBeGreaterThan(1000);
    });
  },
);
