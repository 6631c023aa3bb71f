/**
 * Least-squares slopes for the tail slope (per-class drop against ln(trainCount)): the point estimate
 * on the classes' drops, and one slope per bootstrap resample for its CI.
 */

/** Ordinary least-squares slope of y on x; null when x has no spread. */
export function leastSquaresSlope(xs: ArrayLike<number>, ys: ArrayLike<number>): number | null {
  const n = xs.length;
  if (n < 2) return null;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += xs[i];
    my += ys[i];
  }
  mx /= n;
  my /= n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (xs[i] - mx) ** 2;
    sxy += (xs[i] - mx) * (ys[i] - my);
  }
  return sxx > 1e-12 ? sxy / sxx : null;
}

/**
 * Per-resample OLS slopes of class drop on x into `out`, from the resampled per-class sums K (changed
 * variants) and D (Σ original − variant correct), laid out [class × B + b]. A class not drawn in
 * resample b (a pooled single-example class) is left out of that fit, and a fit with < 3 classes or
 * no x spread is NaN.
 */
export function resampledSlopes(
  members: readonly number[],
  xs: readonly number[],
  K: Float64Array,
  D: Float64Array,
  B: number,
  out: Float64Array,
): void {
  // Centre x once so the one-pass sums below do not cancel.
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const cx = xs.map((x) => x - mean);
  for (let b = 0; b < B; b++) {
    let n = 0;
    let sx = 0;
    let sy = 0;
    let sxx = 0;
    let sxy = 0;
    for (let q = 0; q < members.length; q++) {
      const at = members[q] * B + b;
      const k = K[at];
      if (k === 0) continue;
      const x = cx[q];
      const y = D[at] / k;
      n++;
      sx += x;
      sy += y;
      sxx += x * x;
      sxy += x * y;
    }
    const den = n * sxx - sx * sx;
    out[b] = n >= 3 && den > 1e-12 * n * n ? (n * sxy - sx * sy) / den : Number.NaN;
  }
}
