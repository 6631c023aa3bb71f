/**
 * Statistics of judged samples (the meaning check's calibration, the wrong-sense benchmark): Wilson
 * score intervals for a proportion and ROC AUC of a score against yes/no judgments. Pure functions.
 */

/** Wilson score interval for k successes in n trials (95 % by default); [0, 1] when n = 0. */
export function wilson(k: number, n: number, z = 1.959963984540054): [number, number] {
  if (n === 0) return [0, 1];
  const p = k / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/**
 * ROC AUC of `score` for telling positives from negatives: the probability that a random positive
 * scores higher than a random negative, ties counting half (Mann–Whitney U / (n₊·n₋)). null without
 * both classes.
 */
export function rocAuc(items: readonly { score: number; positive: boolean }[]): number | null {
  const pos = items.filter((i) => i.positive).length;
  const neg = items.length - pos;
  if (pos === 0 || neg === 0) return null;
  // rank-sum with average ranks for ties
  const sorted = items.map((i) => i).sort((a, b) => a.score - b.score);
  let rankSumPos = 0;
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1]!.score === sorted[i]!.score) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (sorted[k]!.positive) rankSumPos += avgRank;
    i = j + 1;
  }
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}
