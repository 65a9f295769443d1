/**
 * The curated edge cases (edge-cases.ts), with the answers the contract's Django oracle recorded for
 * them (edge-cases.json), replayed in order against our handler on an empty embedded store.
 * Needs no Python: the oracle's answers are in the file.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDeliberateDeviation } from './deliberate-deviations.ts';
import { type InProcessApi, startInProcessApi } from './in-process-api.ts';
import {
  type Answer,
  answerProblems,
  describeMismatch,
  type OracleCase,
  type RecordedCase,
} from './oracle-case.ts';

const recorded = (
  JSON.parse(readFileSync(new URL('./edge-cases.json', import.meta.url), 'utf8')) as RecordedCase[]
).filter((edgeCase) => !isDeliberateDeviation(edgeCase));

describe('edge cases, answered as the Django oracle answered them', () => {
  let api: InProcessApi;
  let call: (request: OracleCase) => Promise<Answer>;

  beforeAll(async () => {
    api = await startInProcessApi();
    call = await api.freshHandler();
  });
  afterAll(async () => {
    await api.close();
  });

  // In order: later cases depend on the customers earlier ones created.
  it.each(recorded.map((edgeCase) => [edgeCase.id, edgeCase] as const))('%s', async (_, edgeCase) => {
    const answer = await call(edgeCase);
    const problems = answerProblems(edgeCase, answer);
    expect(problems, describeMismatch({ case: edgeCase, answer, problems })).toEqual([]);
  });
});
