/**
 * The differential run by hand: generates cases, records the oracle's answers, replays them against
 * our handler in this process and prints every mismatch.
 *
 *   npx node test/oracle/run-differential.ts [--seed 1] [--random 2000] [--suite NAME] [--out /tmp/oracle-run]
 *   npx node test/oracle/run-differential.ts --cases CASES.json   (your own cases, in order)
 *
 * `--out` keeps the recorded suites (replayable with conformance/replay.mjs against `npm start`)
 * and the mismatches (mismatches.json).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { recordWithOracle } from './django-oracle.ts';
import { generateSuites } from './generate-cases.ts';
import { replaySuite, startInProcessApi } from './in-process-api.ts';
import { describeMismatch, type Mismatch, type OracleCase } from './oracle-case.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? (args[at + 1] ?? fallback) : fallback;
};
const out = option('--out', '');
const only = option('--suite', '');

const started = Date.now();
const casesFile = option('--cases', '');
const suites = casesFile
  ? [{ name: 'cases', cases: JSON.parse(readFileSync(casesFile, 'utf8')) as OracleCase[] }]
  : generateSuites({
      seed: Number(option('--seed', '1')),
      randomCases: Number(option('--random', '2000')),
    }).filter((suite) => only === '' || suite.name === only);
const recorded = await Promise.all(suites.map((suite) => recordWithOracle(suite.cases)));
const recordedAt = Date.now();
const api = await startInProcessApi();
const mismatches: Mismatch[] = [];
try {
  for (const [i, suite] of suites.entries()) {
    const cases = recorded[i] ?? [];
    if (out) {
      mkdirSync(out, { recursive: true });
      writeFileSync(join(out, `${suite.name}.json`), JSON.stringify(cases, null, 1));
    }
    const found = await replaySuite(api, cases);
    console.log(`${suite.name}: ${cases.length} cases, ${found.length} mismatches`);
    mismatches.push(...found);
  }
} finally {
  await api.close();
}
for (const mismatch of mismatches) console.log(describeMismatch(mismatch));
const total = recorded.reduce((sum, cases) => sum + cases.length, 0);
console.log(
  `${total} cases, ${mismatches.length} mismatches; oracle ${recordedAt - started} ms, replay ${Date.now() - recordedAt} ms`,
);
if (out) writeFileSync(join(out, 'mismatches.json'), JSON.stringify(mismatches, null, 1));
