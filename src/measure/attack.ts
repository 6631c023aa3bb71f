/**
 * The attack's metrics, read off its records only (pure): per slice (overall, bucket, class)
 * attackSuccessRate = flipped / correct, accuracyUnderAttack = (correct − flipped) / examples,
 * editsToFlip over flipped examples (mean, median, mean share of the text's words), queriesPerExample
 * over attacked (correct) examples; the head–tail gap and tail slope of the success rate and of the
 * mean edits-to-flip.
 *
 * CIs: a percentile bootstrap stratified by class, like every other CI of a report (bootstrap.ts):
 * within every class as many examples as it has, drawn with replacement in the records' (id) order
 * with createRng(rngKey(seed, 'attack-bootstrap', label, b)); classes with one example are pooled per
 * bucket (rngKey(seed, 'attack-bootstrap-pool', bucket, b)). Each resample keeps per-class sums and a
 * histogram of edits-to-flip, so bucket, overall, gap, slope and median CIs all aggregate the same
 * resamples, and a CI depends only on the set of records (merged shards give the same numbers).
 */
import type {
  AttackConfig,
  AttackEstimate,
  AttackGap,
  AttackGapMetric,
  AttackMetrics,
  AttackRecord,
  AttackSection,
  AttackSlope,
  BucketInfo,
  ClassInfo,
} from '../types.ts';
import { createRng, rngKey } from '../util/rng.ts';
import { compareStrings } from '../util/strings.ts';
import { MIN_CI_EXAMPLES, percentileInterval } from './bootstrap.ts';
import { leastSquaresSlope, resampledSlopes } from './regression.ts';

const TOO_FEW = 'too few examples' as const;

export interface AttackMeasureOptions {
  seed: number;
  resamples: number;
  confidence: number;
}

/** Per-slice sums every metric is a ratio of. */
interface Sums {
  n: number;
  correct: number;
  flipped: number;
  edits: number;
  share: number;
  queries: number;
}

const zero = (): Sums => ({ n: 0, correct: 0, flipped: 0, edits: 0, share: 0, queries: 0 });

function sumsOf(recs: readonly AttackRecord[]): Sums {
  const s = zero();
  for (const r of recs) addRecord(s, r);
  return s;
}

function addRecord(s: Sums, r: AttackRecord): void {
  s.n++;
  if (r.outcome === 'misclassified') return;
  s.correct++;
  s.queries += r.queries;
  if (!r.success) return;
  s.flipped++;
  s.edits += r.edits.length;
  s.share += r.words > 0 ? r.edits.length / r.words : 0;
}

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

/** The median of the edits-to-flip of the flipped records (type-7, i.e. the middle or the mean of two). */
export function medianOf(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const v = [...values].sort((a, b) => a - b);
  const h = (v.length - 1) / 2;
  return (v[Math.floor(h)]! + v[Math.ceil(h)]!) / 2;
}

/** Point values of one slice, from its records (what the report prints; recomputable by anyone). */
export function attackPoints(recs: readonly AttackRecord[]): {
  sums: Sums;
  successRate: number | null;
  accuracyUnderAttack: number | null;
  meanEdits: number | null;
  medianEdits: number | null;
  share: number | null;
  queries: number | null;
} {
  const s = sumsOf(recs);
  return {
    sums: s,
    successRate: ratio(s.flipped, s.correct),
    accuracyUnderAttack: ratio(s.correct - s.flipped, s.n),
    meanEdits: ratio(s.edits, s.flipped),
    medianEdits: medianOf(recs.filter((r) => r.success).map((r) => r.edits.length)),
    share: ratio(s.share, s.flipped),
    queries: ratio(s.queries, s.correct),
  };
}

/** Per-class resampled sums, [class × B + b], and the per-class edit histograms [class × B × H]. */
interface Resamples {
  B: number;
  H: number;
  n: Float64Array;
  correct: Float64Array;
  flipped: Float64Array;
  edits: Float64Array;
  share: Float64Array;
  queries: Float64Array;
  hist: Float64Array;
}

interface Member {
  cls: number;
  rec: AttackRecord;
}

function resample(
  byClass: readonly (readonly AttackRecord[])[],
  labels: readonly string[],
  bucketOf: readonly string[],
  opts: AttackMeasureOptions,
  H: number,
): Resamples {
  const B = opts.resamples;
  const L = labels.length;
  const R: Resamples = {
    B,
    H,
    n: new Float64Array(L * B),
    correct: new Float64Array(L * B),
    flipped: new Float64Array(L * B),
    edits: new Float64Array(L * B),
    share: new Float64Array(L * B),
    queries: new Float64Array(L * B),
    hist: new Float64Array(L * B * H),
  };
  const strata: { key: string; members: Member[] }[] = [];
  const pools = new Map<string, Member[]>();
  for (let c = 0; c < L; c++) {
    const recs = byClass[c]!;
    if (recs.length >= 2) {
      strata.push({
        key: rngKey(opts.seed, 'attack-bootstrap', labels[c]!, ''),
        members: recs.map((rec) => ({ cls: c, rec })),
      });
    } else if (recs.length === 1) {
      const pool = pools.get(bucketOf[c]!) ?? [];
      pool.push({ cls: c, rec: recs[0]! });
      pools.set(bucketOf[c]!, pool);
    }
  }
  for (const [bucket, members] of pools) {
    strata.push({ key: rngKey(opts.seed, 'attack-bootstrap-pool', bucket, ''), members });
  }
  for (const { key, members } of strata) {
    const m = members.length;
    for (let b = 0; b < B; b++) {
      const rng = createRng(key + b);
      for (let i = 0; i < m; i++) {
        const { cls, rec } = members[(rng.next() * m) | 0]!;
        const at = cls * B + b;
        R.n[at]++;
        if (rec.outcome === 'misclassified') continue;
        R.correct[at]++;
        R.queries[at] += rec.queries;
        if (!rec.success) continue;
        R.flipped[at]++;
        R.edits[at] += rec.edits.length;
        R.share[at] += rec.words > 0 ? rec.edits.length / rec.words : 0;
        R.hist[at * H + Math.min(rec.edits.length, H - 1)]++;
      }
    }
  }
  return R;
}

/** Median of a histogram of integer values 0 … H−1 (type-7 over its n values); NaN when empty. */
function histMedian(hist: Float64Array, H: number): number {
  let n = 0;
  for (let e = 0; e < H; e++) n += hist[e]!;
  if (n === 0) return Number.NaN;
  const h = (n - 1) / 2;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  let seen = 0;
  let loV = Number.NaN;
  for (let e = 0; e < H; e++) {
    const next = seen + hist[e]!;
    if (Number.isNaN(loV) && lo < next) loV = e;
    if (hi < next) return (loV + e) / 2;
    seen = next;
  }
  return loV;
}

/** Percentile CI of the resampled values that exist (a resample that drew nothing to divide by is NaN). */
function interval(values: Float64Array, confidence: number): [number, number] | null {
  const kept = values.filter((v) => !Number.isNaN(v));
  return kept.length === 0 ? null : percentileInterval(kept, confidence);
}

/** The metrics of a slice made of `members` (class indices). */
function sliceMetrics(
  recs: readonly AttackRecord[],
  members: readonly number[],
  R: Resamples,
  opts: AttackMeasureOptions,
): AttackMetrics {
  const p = attackPoints(recs);
  const { B, H } = R;
  const flippedRecs = p.sums.flipped;
  const estimate = (value: number | null, evidence: number, stat: (b: number) => number): AttackEstimate => {
    if (value === null) return { value: null, ci: null, ciNote: null };
    if (evidence < MIN_CI_EXAMPLES) return { value, ci: null, ciNote: TOO_FEW };
    const vals = new Float64Array(B);
    for (let b = 0; b < B; b++) vals[b] = stat(b);
    const ci = interval(vals, opts.confidence);
    return { value, ci, ciNote: ci ? null : TOO_FEW };
  };
  const sum = (arr: Float64Array, b: number): number => {
    let s = 0;
    for (const c of members) s += arr[c * B + b]!;
    return s;
  };
  const div = (a: number, d: number): number => (d > 0 ? a / d : Number.NaN);
  const histAt = new Float64Array(H);
  return {
    examples: p.sums.n,
    correct: p.sums.correct,
    flipped: p.sums.flipped,
    attackSuccessRate: estimate(p.successRate, p.sums.correct, (b) =>
      div(sum(R.flipped, b), sum(R.correct, b)),
    ),
    accuracyUnderAttack: estimate(p.accuracyUnderAttack, p.sums.n, (b) =>
      div(sum(R.correct, b) - sum(R.flipped, b), sum(R.n, b)),
    ),
    editsToFlip: {
      mean: estimate(p.meanEdits, flippedRecs, (b) => div(sum(R.edits, b), sum(R.flipped, b))),
      median: estimate(p.medianEdits, flippedRecs, (b) => {
        histAt.fill(0);
        for (const c of members) for (let e = 0; e < H; e++) histAt[e] += R.hist[(c * B + b) * H + e]!;
        return histMedian(histAt, H);
      }),
      shareOfWords: estimate(p.share, flippedRecs, (b) => div(sum(R.share, b), sum(R.flipped, b))),
    },
    queriesPerExample: estimate(p.queries, p.sums.correct, (b) => div(sum(R.queries, b), sum(R.correct, b))),
  };
}

/** The rate behind each gap / slope metric: numerator and denominator sums. */
const GAP_SUMS: Record<
  AttackGapMetric,
  { num: keyof Sums & keyof Resamples; den: keyof Sums & keyof Resamples }
> = {
  attackSuccessRate: { num: 'flipped', den: 'correct' },
  editsToFlip: { num: 'edits', den: 'flipped' },
};

/** The `attack` section of a report from its records. */
export function attackSection(
  records: readonly AttackRecord[],
  classes: readonly ClassInfo[],
  buckets: readonly BucketInfo[],
  config: AttackConfig,
  opts: AttackMeasureOptions,
): AttackSection {
  const labels = classes.map((c) => c.label);
  const index = new Map(labels.map((l, i) => [l, i]));
  const byClass: AttackRecord[][] = labels.map(() => []);
  for (const r of records) {
    const c = index.get(r.label);
    if (c !== undefined) byClass[c]!.push(r);
  }
  // set order, as the audit's bootstrap: a CI depends only on which records there are
  for (const list of byClass) list.sort((a, b) => compareStrings(a.id, b.id));
  const bucketOf = classes.map((c) => c.bucket);
  // a loop, not Math.max(...records): spreading more than ~125k values overflows the stack
  let H = 2;
  for (const r of records) H = Math.max(H, r.edits.length + 1);
  const R = resample(byClass, labels, bucketOf, opts, H);

  const all = labels.map((_, c) => c);
  const overall = sliceMetrics(byClass.flat(), all, R, opts);
  const bucketMetrics: Record<string, AttackMetrics> = {};
  const bucketMembers = new Map<string, number[]>();
  for (const b of buckets) {
    const members = b.labels.map((l) => index.get(l)!).filter((c) => c !== undefined);
    bucketMembers.set(b.name, members);
    bucketMetrics[b.name] = sliceMetrics(
      members.flatMap((c) => byClass[c]!),
      members,
      R,
      opts,
    );
  }
  const perClass: Record<string, AttackMetrics> = {};
  for (let c = 0; c < labels.length; c++) {
    if (byClass[c]!.length > 0) perClass[labels[c]!] = sliceMetrics(byClass[c]!, [c], R, opts);
  }
  const gap = (metric: AttackGapMetric): AttackGap | null =>
    headTailGap(metric, buckets, bucketMembers, byClass, R, opts);
  const slope = (metric: AttackGapMetric): AttackSlope | null => tailSlope(metric, classes, byClass, R, opts);
  return {
    config,
    overall,
    buckets: bucketMetrics,
    perClass,
    headTailGaps: { attackSuccessRate: gap('attackSuccessRate'), editsToFlip: gap('editsToFlip') },
    tailSlopes: { attackSuccessRate: slope('attackSuccessRate'), editsToFlip: slope('editsToFlip') },
    records: [...records],
  };
}

function headTailGap(
  metric: AttackGapMetric,
  buckets: readonly BucketInfo[],
  members: ReadonlyMap<string, number[]>,
  byClass: readonly (readonly AttackRecord[])[],
  R: Resamples,
  opts: AttackMeasureOptions,
): AttackGap | null {
  const { num, den } = GAP_SUMS[metric];
  const withData = buckets
    .map((b) => ({
      name: b.name,
      cls: members.get(b.name) ?? [],
      sums: sumsOf((members.get(b.name) ?? []).flatMap((c) => byClass[c]!)),
    }))
    .filter((b) => b.sums[den] > 0);
  if (withData.length < 2) return null;
  const head = withData[0]!;
  const tail = withData[withData.length - 1]!;
  const value = tail.sums[num] / tail.sums[den] - head.sums[num] / head.sums[den];
  let ci: [number, number] | null = null;
  if (Math.min(head.sums[den], tail.sums[den]) >= MIN_CI_EXAMPLES) {
    const { B } = R;
    const rate = (cls: readonly number[], b: number): number => {
      let a = 0;
      let d = 0;
      for (const c of cls) {
        a += R[num][c * B + b]!;
        d += R[den][c * B + b]!;
      }
      return d > 0 ? a / d : Number.NaN;
    };
    const vals = new Float64Array(B);
    for (let b = 0; b < B; b++) vals[b] = rate(tail.cls, b) - rate(head.cls, b);
    ci = interval(vals, opts.confidence);
  }
  return { metric, value, ci, ciNote: ci ? null : TOO_FEW, head: head.name, tail: tail.name };
}

function tailSlope(
  metric: AttackGapMetric,
  classes: readonly ClassInfo[],
  byClass: readonly (readonly AttackRecord[])[],
  R: Resamples,
  opts: AttackMeasureOptions,
): AttackSlope | null {
  const { num, den } = GAP_SUMS[metric];
  const sums = byClass.map((recs) => sumsOf(recs));
  const cls = classes.map((_, c) => c).filter((c) => sums[c]![den] > 0 && classes[c]!.trainCount > 0);
  if (cls.length < 3) return null;
  const xs = cls.map((c) => Math.log(classes[c]!.trainCount));
  const weights = cls.map((c) => sums[c]![den]);
  const value = leastSquaresSlope(
    xs,
    cls.map((c) => sums[c]![num] / sums[c]![den]),
    weights,
  );
  if (value === null) return null;
  const vals = new Float64Array(R.B);
  resampledSlopes(
    { classes: cls, xs, weights, weightAt: (_q, at) => R[den][at]! },
    R[num],
    R[den],
    R.B,
    vals,
  );
  const ci = vals.some((v) => !Number.isNaN(v)) ? interval(vals, opts.confidence) : null;
  return {
    metric,
    value,
    ci,
    ciNote: ci ? null : TOO_FEW,
    weights: metric === 'attackSuccessRate' ? 'correctExamples' : 'flippedExamples',
  };
}
