import bcrypt from 'bcryptjs';

/** Cheap enough to time at every start, dear enough that the timer's resolution does not matter. */
const SAMPLE_COST = 6;

/** Samples of the cheap hash: the quickest is the one least slowed by whatever else the machine runs. */
const SAMPLES = 3;

/**
 * How long one bcrypt hash at `cost` takes on this machine: the quickest of a few hashes at a cheap
 * cost, scaled by bcrypt's doubling of the work per cost step. An estimate within a factor of two
 * or so: enough to tell a cost that fits the time budget from one that needs minutes.
 */
export const estimateHashMs = (cost: number): number => {
  // The first hash also pays for compiling bcryptjs.
  bcrypt.hashSync('a warm-up', 4);
  let quickest = Number.POSITIVE_INFINITY;
  for (let sample = 0; sample < SAMPLES; sample++) {
    const started = performance.now();
    bcrypt.hashSync('an estimate of the hash time', SAMPLE_COST);
    quickest = Math.min(quickest, performance.now() - started);
  }
  return quickest * 2 ** (cost - SAMPLE_COST);
};

/** The highest cost whose hash, estimated as `estimateHashMs` does from `hashMs` at `cost`, fits `budgetMs`. */
export const highestCostWithin = (budgetMs: number, cost: number, hashMs: number): number =>
  Math.floor(cost + Math.log2(budgetMs / hashMs));
