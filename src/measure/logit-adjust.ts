/**
 * Post-hoc logit adjustment (Menon et al., "Long-tail learning via logit adjustment", ICLR 2021):
 *   ŷ(x) = argmax_y [ log p_y(x) − τ · log π_y ]
 * which lowers the score of frequent classes and raises rare ones. τ = 0 leaves predictions unchanged;
 * τ = 1 is the Bayes-optimal correction for the balanced error when p is calibrated.
 */
import { argmax } from '../util/numbers.ts';

/** log of the smallest positive double: a probability of exactly 0 becomes this instead of −∞. */
const LOG_FLOOR = Math.log(Number.MIN_VALUE);

function checkCount(label: string, count: number): number {
  if (!Number.isFinite(count) || count < 0) {
    throw new RangeError(`training count of "${label}" must be a finite number >= 0, got ${count}`);
  }
  return count;
}

/**
 * log π_y for each label, in `labels` order, with add-one (Laplace) smoothing:
 *   π_y = (n_y + 1) / (N + L)    N = Σ n_y over `labels`, L = number of labels
 * so a class with no training examples gets a small finite prior instead of log 0 = −∞.
 * Labels missing from `counts` count as 0.
 */
export function logPriors(counts: Record<string, number>, labels: readonly string[]): number[] {
  const n = labels.map((l) => checkCount(l, Object.hasOwn(counts, l) ? counts[l] : 0));
  const total = n.reduce((s, c) => s + c, 0) + labels.length;
  return n.map((c) => Math.log((c + 1) / total));
}

/**
 * Adjusted prediction for one probability vector (`scores` in label order, as a Classifier returns them).
 * `index` is the argmax of log p − τ·log π (lowest index on ties); `probs` is softmax of the same
 * adjusted logits, i.e. the renormalised adjusted distribution (its entry for the gold label is
 * `adjustedGoldProb`). A probability of 0 is floored at Number.MIN_VALUE so the result stays finite.
 */
export function adjustPrediction(
  scores: readonly number[],
  logPrior: readonly number[],
  tau: number,
): { index: number; probs: number[] } {
  if (scores.length !== logPrior.length) {
    throw new RangeError(`adjustPrediction: ${scores.length} scores but ${logPrior.length} priors`);
  }
  if (scores.length === 0) throw new RangeError('adjustPrediction: empty score vector');
  if (!Number.isFinite(tau)) throw new RangeError(`adjustPrediction: tau must be finite, got ${tau}`);
  const adjusted = scores.map((p, i) => (p > 0 ? Math.log(p) : LOG_FLOOR) - tau * logPrior[i]);
  const index = argmax(adjusted);
  const max = adjusted[index];
  const exps = adjusted.map((a) => Math.exp(a - max));
  const sum = exps.reduce((s, e) => s + e, 0);
  return { index, probs: exps.map((e) => e / sum) };
}
