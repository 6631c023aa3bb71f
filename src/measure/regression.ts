/**
 * Weighted least-squares slopes for the tail slopes (a per-class rate against ln(trainCount)): the point
 * estimate on the classes' rates, and one slope per bootstrap resample for its CI. Each class weighs as
 * much as its evidence for the rate (its in-scope examples; for the break rate, those classified
 * correctly), so a class seen twice cannot pull the line as hard as one seen 200 times; the resampled
 * fits use the same weights, counted in the resample.
 */

/** Below this weighted variance of x the fit has no spread to speak of. */
const MIN_X_VARIANCE = 1e-12;

/**
 * Weighted least-squares slope of y on x (weights default to 1, i.e. ordinary least squares):
 *   Σ w (x − x̄_w)(y − ȳ_w) / Σ w (x − x̄_w)²,  x̄_w = Σ w x / Σ w.
 * Null with fewer than 2 points of positive weight or no spread in x.
 */
export function leastSquaresSlope(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  weights?: ArrayLike<number>,
): number | null {
  const n = xs.length;
  const w = (i: number): number => (weights ? weights[i] : 1);
  let sw = 0;
  let points = 0;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    if (!(w(i) > 0)) continue;
    points++;
    sw += w(i);
    mx += w(i) * xs[i];
    my += w(i) * ys[i];
  }
  if (points < 2) return null;
  mx /= sw;
  my /= sw;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    if (!(w(i) > 0)) continue;
    sxx += w(i) * (xs[i] - mx) ** 2;
    sxy += w(i) * (xs[i] - mx) * (ys[i] - my);
  }
  return sxx / sw > MIN_X_VARIANCE ? sxy / sxx : null;
}

/** Per class of the fit: its x and what its weight in a resample is made of. */
export interface SlopeMembers {
  /** canonical class indices */
  classes: readonly number[];
  xs: readonly number[];
  /** each class's weight in the point estimate (x is centred on the mean they give) */
  weights: readonly number[];
  /** the class's weight in resample b, given its flat index `at` = class × B + b; ≤ 0 leaves it out */
  weightAt(q: number, at: number): number;
}

/**
 * Per-resample weighted slopes of a class rate (num / den, the resampled per-class sums laid out
 * [class × B + b]) on x into `out`. A class whose resample drew no denominator is left out of that fit;
 * a fit with < 3 classes or no x spread is NaN.
 */
export function resampledSlopes(
  members: SlopeMembers,
  num: Float64Array,
  den: Float64Array,
  B: number,
  out: Float64Array,
): void {
  const { classes, xs, weights, weightAt } = members;
  // Centre x once (on the point estimate's weighted mean) so the one-pass sums below do not cancel.
  const total = weights.reduce((s, w) => s + w, 0);
  const mean = xs.reduce((s, x, q) => s + x * weights[q], 0) / total;
  const cx = xs.map((x) => x - mean);
  for (let b = 0; b < B; b++) {
    let n = 0;
    let sw = 0;
    let sx = 0;
    let sy = 0;
    let sxx = 0;
    let sxy = 0;
    for (let q = 0; q < classes.length; q++) {
      const at = classes[q] * B + b;
      const d = den[at];
      if (d === 0) continue;
      const w = weightAt(q, at);
      if (!(w > 0)) continue;
      const x = cx[q];
      const y = num[at] / d;
      n++;
      sw += w;
      sx += w * x;
      sy += w * y;
      sxx += w * x * x;
      sxy += w * x * y;
    }
    const den2 = sw * sxx - sx * sx;
    out[b] = n >= 3 && den2 > MIN_X_VARIANCE * sw * sw ? (sw * sxy - sx * sy) / den2 : Number.NaN;
  }
}
