/**
 * The last pass of the measurement: one scope's sums and bootstrap resamples (class-sums.ts,
 * bootstrap.ts) turned into its Result — metrics of the whole scope, of each class and of each bucket,
 * the head–tail gap and the tail slope, each with its CI. Definitions are in results.ts.
 */
import type { BucketGap, BucketInfo, CINote, ClassInfo, Metrics, Result, SlopeEstimate } from '../types.ts';
import {
  MIN_CI_EXAMPLES,
  resampledDrops,
  resampledInterval,
  type ScopeResamples,
  unpackResamples,
} from './bootstrap.ts';
import { addSums, emptySums, type LabelSpace, type ScopeSums } from './class-sums.ts';
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
}

const ratio = (num: number, den: number): number => (den > 0 ? num / den : 0);

const TOO_FEW: CINote = 'too few examples';

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
  const withData: BucketDrops[] = [];
  ctx.buckets.forEach((bucket, bi) => {
    const { metrics, drops } = classSetMetrics(prep, r, ctx.bucketMembers[bi], true);
    buckets[bucket.name] = metrics;
    if (drops) withData.push({ name: bucket.name, point: metrics.drop, nExamples: metrics.nExamples, drops });
  });

  return {
    perturbation: prep.perturbation,
    severity: prep.severity,
    overall,
    buckets,
    perClass,
    headTailGap: headTailGap(withData, r),
    tailSlope: tailSlope(prep, r, allLabels, ctx),
  };
}

/**
 * Metrics of a set of classes (the whole scope, one class or one bucket). Per-class F1 and recall are
 * averaged over the members that occur as gold labels in scope. `keep` returns the bootstrap drops
 * (for the head–tail gap); otherwise they live in the scratch buffer only until the CI is taken.
 */
function classSetMetrics(
  prep: ScopeSums,
  r: ScopeResamples,
  members: readonly number[],
  keep = false,
): { metrics: Metrics; drops: Float64Array | null } {
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
  const drop = ratio(t.cleanW - t.correct, t.n);
  const drops = t.n > 0 ? resampledDrops(r, members, keep ? new Float64Array(r.B) : r.scratch) : null;
  const dropCI = drops && t.nEx >= MIN_CI_EXAMPLES ? resampledInterval(r, drops, drop) : null;
  return {
    drops: keep ? drops : null,
    metrics: {
      n: t.n,
      nExamples: t.nEx,
      cleanAccuracy: ratio(t.clean, t.nEx),
      perturbedAccuracy: ratio(t.correct, t.n),
      drop,
      dropCI,
      ciNote: dropCI ? null : TOO_FEW,
      flipRate: ratio(t.flips, t.n),
      breakRate: ratio(t.broken, t.cleanW),
      robustAccuracy: ratio(t.robust, t.nEx),
      confidenceDrop: ratio(t.confDrop, t.n),
      macroF1Clean: ratio(f1c, present),
      macroF1Perturbed: ratio(f1p, present),
      balancedAccuracyClean: ratio(recallC, present),
      balancedAccuracyPerturbed: ratio(recallP, present),
    },
  };
}

/** A bucket with changed variants: its name, drop, examples and bootstrap drops. */
interface BucketDrops {
  name: string;
  point: number;
  nExamples: number;
  drops: Float64Array;
}

/**
 * Drop of the tail-most bucket with data − drop of the head-most one, naming the two (they are not the
 * report's first and last buckets when those have no data); null with fewer than two. No CI when either
 * bucket has fewer than MIN_CI_EXAMPLES examples.
 */
function headTailGap(withData: readonly BucketDrops[], r: ScopeResamples): BucketGap | null {
  if (withData.length < 2) return null;
  const head = withData[0];
  const tail = withData[withData.length - 1];
  const value = tail.point - head.point;
  let ci: [number, number] | null = null;
  if (Math.min(head.nExamples, tail.nExamples) >= MIN_CI_EXAMPLES) {
    for (let b = 0; b < r.B; b++) r.scratch[b] = tail.drops[b] - head.drops[b];
    ci = resampledInterval(r, r.scratch, value);
  }
  return { value, ci, ciNote: ci ? null : TOO_FEW, head: head.name, tail: tail.name };
}

/**
 * Weighted least-squares slope of per-class drop against ln(trainCount), each class weighted by its
 * in-scope examples, over classes with trainCount > 0 and ≥ 1 changed variant; null with fewer than 3
 * such classes (or all counts equal). The resampled slopes use the same weights (regression.ts).
 */
function tailSlope(
  prep: ScopeSums,
  r: ScopeResamples,
  allLabels: readonly number[],
  ctx: ResultContext,
): SlopeEstimate | null {
  const { perClass } = prep;
  const { labels } = ctx.space;
  const trainCount = (c: number): number => ctx.classInfo.get(labels[c])?.trainCount ?? 0;
  const classes = allLabels.filter((c) => perClass[c].n > 0 && trainCount(c) > 0);
  if (classes.length < 3) return null;
  const members = {
    classes,
    xs: classes.map((c) => Math.log(trainCount(c))),
    examples: classes.map((c) => perClass[c].nEx),
    variants: classes.map((c) => perClass[c].n),
  };
  const value = leastSquaresSlope(
    members.xs,
    classes.map((c) => ratio(perClass[c].cleanW - perClass[c].correct, perClass[c].n)),
    members.examples,
  );
  if (value === null) return null;
  resampledSlopes(members, r.K, r.D, r.B, r.scratch);
  return { value, ci: resampledInterval(r, r.scratch, value), ciNote: null, weights: 'examples' };
}
