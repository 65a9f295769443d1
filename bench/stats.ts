/** Small statistics for the benchmark: medians and percentiles of samples, in milliseconds. */

export const quantile = (samples: readonly number[], q: number): number => {
  if (samples.length === 0) throw new Error('no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  // Linear interpolation between the closest ranks, as most tools report percentiles.
  const rank = (sorted.length - 1) * q;
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const lowValue = sorted[low] ?? 0;
  const highValue = sorted[high] ?? lowValue;
  return lowValue + (highValue - lowValue) * (rank - low);
};

export const median = (samples: readonly number[]): number => quantile(samples, 0.5);

export interface Summary {
  n: number;
  median: number;
  p90: number;
  min: number;
  max: number;
}

export const summarise = (samples: readonly number[]): Summary => ({
  n: samples.length,
  median: round(median(samples)),
  p90: round(quantile(samples, 0.9)),
  min: round(Math.min(...samples)),
  max: round(Math.max(...samples)),
});

/** Three decimals: microsecond resolution is all `performance.now()` differences carry here. */
export const round = (value: number, decimals = 3): number => {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
};
