/**
 * The last pass of the measurement: one scope's sums and bootstrap resamples (class-sums.ts,
 * bootstrap.ts) turned into its Result — metrics of the whole scope, of each class and of each bucket,
 * the head–tail gap and the tail slope, each with its CI. Definitions are in results.ts.
 */
import type {
  BucketGap,
  BucketInfo,
  CINote,
  ClassInfo,
  GapMetric,
  Metrics,
  Result,
  SlopeEstimate,
} from '../types.ts';
import {
  MIN_CI_EXAMPLES,
  RATE_SUMS,
  resampledInterval,
  resampledRates,
  type ScopeResamples,
  unpackResamples,
} from './bootstrap.ts';
import { addSums, emptySums, type LabelSpace, type ScopeSums, type Sums } from './class-sums.ts';
import { leastSquaresSlope, resampledSlopes } from './regression.ts';

/** What every scope's result needs besides its sums. */
export interface ResultContext {
  space: LabelSpace;
  classInfo: ReadonlyMap<string, ClassInfo>;
  /** ordered head → tail */
  buckets: readonly BucketInfo[];
  /** per bucket: the canonical indices of its labels */
  bucketMembers: readonly (readonly number[])[];
  resamples: number;
  confidence: number;
  /** the metric of the headline `headTailGap` and `tailSlope` */
  gapMetric: GapMetric;
}

const ratio = (num: number, den: number): number => (den > 0 ? num / den : 0);

const TOO_FEW: CINote = 'too few examples';

/**
 * Per metric, from a set of classes' sums: its point value, its denominator (0 = no data), and the
 * examples its CI rests on (a CI needs MIN_CI_EXAMPLES of them).
 */
const RATES: Record<GapMetric, { value(t: Sums): number; den(t: Sums): number; examples(t: Sums): number }> =
  {
    drop: { value: (t) => ratio(t.cleanW - t.correct, t.n), den: (t) => t.n, examples: (t) => t.nEx },
    flip: { value: (t) => ratio(t.flips, t.n), den: (t) => t.n, examples: (t) => t.nEx },
    break: { value: (t) => ratio(t.broken, t.cleanW), den: (t) => t.cleanW, examples: (t) => t.clean },
  };

const METRICS: readonly GapMetric[] = ['break', 'flip', 'drop'];

/** The scope's result; reads and then drops its packed bootstrap sums. */
export function scopeResult(prep: ScopeSums, ctx: ResultContext): Result {
  const { labels, nKnown } = ctx.space;
  const L = labels.length;
  const packedSums = prep.sums;
  prep.sums = new Float64Array(0); // freed with this scope, not at the end
  const r = unpackResamples(packedSums, ctx.resamples, ctx.confidence);

  const allLabels = Array.from({ length: L }, (_, c) => c);
  const overall = classSetMetrics(prep, r, allLabels).metrics;
  const perClass: Record<string, Metrics> = {};
  for (let c = 0; c < L; c++) {
    if (c < nKnown || prep.perClass[c].nEx > 0) perClass[labels[c]] = classSetMetrics(prep, r, [c]).metrics;
  }
  const buckets: Record<string, Metrics> = {};
  const bucketRates: BucketRates[] = [];
  ctx.buckets.forEach((bucket, bi) => {
    const { metrics, sums, resampled } = classSetMetrics(prep, r, ctx.bucketMembers[bi], true);
    buckets[bucket.name] = metrics;
    bucketRates.push({ name: bucket.name, sums, resampled });
  });

  const headTailGaps = {} as Record<GapMetric, BucketGap | null>;
  const tailSlopes = {} as Record<GapMetric, SlopeEstimate | null>;
  for (const metric of METRICS) {
    headTailGaps[metric] = headTailGap(metric, bucketRates, r);
    tailSlopes[metric] = tailSlope(metric, prep, r, allLabels, ctx);
  }
  return {
    perturbation: prep.perturbation,
    severity: prep.severity,
    overall,
    buckets,
    perClass,
    headTailGap: headTailGaps[ctx.gapMetric],
    tailSlope: tailSlopes[ctx.gapMetric],
    headTailGaps,
    tailSlopes,
  };
}

/** A bucket's sums and, per metric, its bootstrap values (for the head–tail gaps). */
interface BucketRates {
  name: string;
  sums: Sums;
  resampled: Record<GapMetric, Float64Array>;
}

/** The percentile CI of a rate over `members`, or null when it rests on too few examples. */
function rateCI(
  r: ScopeResamples,
  metric: GapMetric,
  t: Sums,
  members: readonly number[],
  out: Float64Array,
): [number, number] | null {
  const rate = RATES[metric];
  if (rate.den(t) === 0 || rate.examples(t) < MIN_CI_EXAMPLES) return null;
  return resampledInterval(r, resampledRates(r, metric, members, out), rate.value(t));
}

/**
 * Metrics of a set of classes (the whole scope, one class or one bucket). Per-class F1 and recall are
 * averaged over the members that occur as gold labels in scope. `keep` returns the bootstrap values of
 * each rate (for the head–tail gaps); otherwise they live in the scratch buffer only until the CI is taken.
 */
function classSetMetrics(
  prep: ScopeSums,
  r: ScopeResamples,
  members: readonly number[],
): { metrics: Metrics };
function classSetMetrics(
  prep: ScopeSums,
  r: ScopeResamples,
  members: readonly number[],
  keep: true,
): { metrics: Metrics; sums: Sums; resampled: Record<GapMetric, Float64Array> };
function classSetMetrics(
  prep: ScopeSums,
  r: ScopeResamples,
  members: readonly number[],
  keep = false,
): { metrics: Metrics; sums: Sums; resampled?: Record<GapMetric, Float64Array> } {
  const { perClass, cGold, cPred, cTp } = prep;
  const t = emptySums();
  for (const c of members) addSums(t, perClass[c]);
  let present = 0;
  let f1c = 0;
  let f1p = 0;
  let recallC = 0;
  let recallP = 0;
  for (const c of members) {
    if (perClass[c].nEx === 0) continue;
    present++;
    f1c += ratio(2 * cTp[c], cGold[c] + cPred[c]);
    f1p += ratio(2 * prep.pTp[c], prep.pGold[c] + prep.pPred[c]);
    recallC += ratio(cTp[c], cGold[c]);
    recallP += ratio(prep.pTp[c], prep.pGold[c]);
  }
  const resampled = keep
    ? { break: new Float64Array(r.B), flip: new Float64Array(r.B), drop: new Float64Array(r.B) }
    : undefined;
  // Kept values survive the CI: resampledInterval sorts a copy of them in the scratch buffer.
  const ci = (metric: GapMetric) => rateCI(r, metric, t, members, resampled?.[metric] ?? r.scratch);
  const dropCI = ci('drop');
  return {
    sums: t,
    resampled,
    metrics: {
      n: t.n,
      nExamples: t.nEx,
      cleanAccuracy: ratio(t.clean, t.nEx),
      perturbedAccuracy: ratio(t.correct, t.n),
      drop: RATES.drop.value(t),
      dropCI,
      ciNote: dropCI ? null : TOO_FEW,
      flipRate: RATES.flip.value(t),
      flipRateCI: ci('flip'),
      nFromCorrect: t.cleanW,
      breakRate: RATES.break.value(t),
      breakRateCI: ci('break'),
      robustAccuracy: ratio(t.robust, t.nEx),
      confidenceDrop: ratio(t.confDrop, t.n),
      macroF1Clean: ratio(f1c, present),
      macroF1Perturbed: ratio(f1p, present),
      balancedAccuracyClean: ratio(recallC, present),
      balancedAccuracyPerturbed: ratio(recallP, present),
    },
  };
}

/**
 * The metric of the tail-most bucket with data for it − that of the head-most one, naming the two (they
 * are not the report's first and last buckets when those have no data); null with fewer than two. No CI
 * when either bucket rests on fewer than MIN_CI_EXAMPLES examples (for break: correctly classified ones).
 */
function headTailGap(
  metric: GapMetric,
  buckets: readonly BucketRates[],
  r: ScopeResamples,
): BucketGap | null {
  const rate = RATES[metric];
  const withData = buckets.filter((b) => rate.den(b.sums) > 0);
  if (withData.length < 2) return null;
  const head = withData[0];
  const tail = withData[withData.length - 1];
  const value = rate.value(tail.sums) - rate.value(head.sums);
  let ci: [number, number] | null = null;
  if (Math.min(rate.examples(head.sums), rate.examples(tail.sums)) >= MIN_CI_EXAMPLES) {
    const h = head.resampled[metric];
    const t = tail.resampled[metric];
    for (let b = 0; b < r.B; b++) r.scratch[b] = t[b] - h[b];
    ci = resampledInterval(r, r.scratch, value);
  }
  return { metric, value, ci, ciNote: ci ? null : TOO_FEW, head: head.name, tail: tail.name };
}

/**
 * Weighted least-squares slope of the per-class metric against ln(trainCount) over classes with
 * trainCount > 0 and data for the metric, each class weighted by its evidence: in-scope examples (drop,
 * flip), or in-scope examples classified correctly (break); null with fewer than 3 such classes (or all
 * counts equal). The resampled slopes weigh each class by the same evidence counted in the resample: a
 * class of ≥ 2 examples always draws its examples; a single-example class (pooled per bucket,
 * bootstrap.ts) is drawn K / variants times; the correctly classified examples drawn are counted (O).
 */
function tailSlope(
  metric: GapMetric,
  prep: ScopeSums,
  r: ScopeResamples,
  allLabels: readonly number[],
  ctx: ResultContext,
): SlopeEstimate | null {
  const { perClass } = prep;
  const { labels } = ctx.space;
  const rate = RATES[metric];
  const trainCount = (c: number): number => ctx.classInfo.get(labels[c])?.trainCount ?? 0;
  const classes = allLabels.filter((c) => rate.den(perClass[c]) > 0 && trainCount(c) > 0);
  if (classes.length < 3) return null;
  const xs = classes.map((c) => Math.log(trainCount(c)));
  const weights = classes.map((c) => rate.examples(perClass[c]));
  const value = leastSquaresSlope(
    xs,
    classes.map((c) => rate.value(perClass[c])),
    weights,
  );
  if (value === null) return null;
  const examples = classes.map((c) => perClass[c].nEx);
  const variants = classes.map((c) => perClass[c].n);
  const weightAt =
    metric === 'break'
      ? (_q: number, at: number) => r.O[at]
      : (q: number, at: number) => (examples[q] >= 2 ? examples[q] : r.K[at] / variants[q]);
  const { num, den } = RATE_SUMS[metric];
  resampledSlopes({ classes, xs, weights, weightAt }, r[num], r[den], r.B, r.scratch);
  // No resample with a fit (each drew fewer than 3 classes with data): no interval, never a zero-width one.
  const ci = r.scratch.some((v) => !Number.isNaN(v)) ? resampledInterval(r, r.scratch, value) : null;
  return {
    metric,
    value,
    ci,
    ciNote: ci ? null : TOO_FEW,
    weights: metric === 'break' ? 'correctExamples' : 'examples',
  };
}
