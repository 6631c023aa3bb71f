/**
 * Robustness metrics from per-example records: a pure function of the SET of examples, so a report can be
 * recomputed from `report.examples`, and shards merged later give identical numbers and CIs.
 * `createResultsAccumulator` takes the records one at a time and keeps only a few numbers per example
 * and result (see accumulator.ts), so an audit of any size can be measured while it streams;
 * `computeResults` is the same accumulator fed with an array.
 *
 * Scope and definitions (for one perturbation × severity, or all perturbations pooled per severity):
 * - A changed variant has `changed: true`; unchanged variants never count anywhere.
 * - n: number of changed variants. nExamples: examples with ≥ 1 changed variant (the scope).
 * - cleanAccuracy: accuracy of the original texts of the nExamples in-scope examples (one vote per example).
 * - perturbedAccuracy: mean correctness over changed variants.
 * - drop: mean over changed variants of (original correct − variant correct), a paired difference.
 *   It equals (original correctness averaged over changed variants) − perturbedAccuracy, and so equals
 *   cleanAccuracy − perturbedAccuracy exactly when every in-scope example has the same number of
 *   changed variants.
 * - flipRate: share of changed variants whose prediction differs from the original's prediction.
 * - breakRate: among changed variants whose original was correct, the share now wrong (0 when none).
 * - robustAccuracy: share of in-scope examples whose original and all changed variants are correct.
 * - confidenceDrop: mean over changed variants of (original goldProb − variant goldProb).
 * - macroF1 / balancedAccuracy, clean = originals of the in-scope examples, perturbed = changed variants
 *   (each variant one prediction, gold = its example's label). Per-class F1 and recall are computed over
 *   the whole result's scope (so predictions of other classes count as false positives); an aggregate
 *   (overall, bucket) averages them over the classes of the aggregate that occur as gold labels in scope.
 *   For one class, macroF1 is that class's F1 and balancedAccuracy its recall.
 * - A metric with no data is 0 with n = 0 (never NaN): check n before showing it.
 * - dropCI: percentile bootstrap CI (linear interpolation between order statistics), stratified by class:
 *   each resample draws, within every class, as many examples as the class has in scope, with
 *   replacement; an example moves with all its variants (cluster bootstrap). Each class's examples are
 *   sorted by id and drawn with createRng(rngKey(seed, 'bootstrap', label, b)), so the CI depends only on
 *   the set of examples. Classes with a single in-scope example have no within-class spread; they are
 *   pooled into one stratum per bucket (in class order, rng key rngKey(seed, 'bootstrap-pool', bucket, b))
 *   so they still widen bucket and overall CIs. Such a class's own CI is degenerate [drop, drop] (nExamples = 1).
 *   Bucket, overall, head-tail and slope CIs aggregate the same per-class resamples.
 * - headTailGap: drop of the last (tail-most) bucket with data − drop of the first (head-most) bucket
 *   with data; null with fewer than two such buckets.
 * - tailSlope: least-squares slope of per-class drop against ln(trainCount), over classes with
 *   trainCount > 0 and ≥ 1 changed variant; null with fewer than 3 such classes (or all counts equal).
 *   Negative = rarer classes lose more accuracy (the drop grows by −slope per e-fold fewer examples).
 *   In a resample where a pooled single-example class is not drawn, it is left out of that fit.
 */
import { UsageError } from '../errors.ts';
import type { BucketInfo, ClassInfo, Estimate, ExampleRecord, Metrics, Result } from '../types.ts';
import { createRng, rngKey } from '../util/rng.ts';
import { compareStrings } from '../util/strings.ts';
import { type CollectedExamples, createExampleCollector, POOLED, type ScopeColumns } from './accumulator.ts';

export { POOLED };

export interface MeasureOptions {
  seed: number;
  /** bootstrap resamples, ≥ 1000 */
  resamples: number;
  /** CI level in (0, 1), e.g. 0.95 */
  confidence: number;
  /** measure `adjustedPrediction` / `adjustedGoldProb` (post-hoc logit adjustment) instead of the raw ones */
  adjusted?: boolean;
}

export interface MeasuredResults {
  /** per severity, all perturbations pooled (perturbation `'*'`), sorted by severity */
  summary: Result[];
  /** one per (perturbation, severity) present in the variants, sorted by perturbation then severity */
  results: Result[];
}

export const MIN_RESAMPLES = 1000;

// ───────────────────────────── per-result sums ─────────────────────────────

/** Sums over some in-scope examples; all metrics are ratios of these. */
interface Sums {
  nEx: number;
  n: number;
  /** Σ original correct (per example) */
  clean: number;
  /** Σ original correct × k (per changed variant) */
  cleanW: number;
  correct: number;
  flips: number;
  confDrop: number;
  robust: number;
  /** Σ over originally-correct examples of their wrong changed variants */
  broken: number;
}

const emptySums = (): Sums => ({
  nEx: 0,
  n: 0,
  clean: 0,
  cleanW: 0,
  correct: 0,
  flips: 0,
  confDrop: 0,
  robust: 0,
  broken: 0,
});

function addSums(into: Sums, s: Sums): void {
  into.nEx += s.nEx;
  into.n += s.n;
  into.clean += s.clean;
  into.cleanW += s.cleanW;
  into.correct += s.correct;
  into.flips += s.flips;
  into.confDrop += s.confDrop;
  into.robust += s.robust;
  into.broken += s.broken;
}

const ratio = (num: number, den: number): number => (den > 0 ? num / den : 0);

// ───────────────────────────── bootstrap helpers ─────────────────────────────

/** k-th smallest (0-based) of buf[0, n); reorders buf so every later position holds a value ≥ it. */
function select(buf: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (hi > lo) {
    const a = buf[lo];
    const b = buf[(lo + hi) >>> 1];
    const c = buf[hi];
    const pivot = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c)); // median of three
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (buf[i] < pivot) i++;
      while (buf[j] > pivot) j--;
      if (i <= j) {
        const t = buf[i];
        buf[i] = buf[j];
        buf[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return buf[k];
  }
  return buf[k];
}

/** Type-7 quantile of buf[0, n) (linear interpolation between order statistics); reorders buf. */
function quantileInPlace(buf: Float64Array, n: number, p: number): number {
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const below = select(buf, n, lo);
  if (h === lo) return below;
  let above = Number.POSITIVE_INFINITY;
  for (let i = lo + 1; i < n; i++) if (buf[i] < above) above = buf[i];
  return below + (h - lo) * (above - below);
}

/** Percentile CI of buf[0, n) with the NaN entries skipped; reorders buf. [point, point] when empty. */
function intervalInPlace(buf: Float64Array, n: number, confidence: number, point: number): [number, number] {
  let m = 0;
  for (let i = 0; i < n; i++) if (!Number.isNaN(buf[i])) buf[m++] = buf[i];
  if (m === 0) return [point, point];
  const alpha = 1 - confidence;
  return [quantileInPlace(buf, m, alpha / 2), quantileInPlace(buf, m, 1 - alpha / 2)];
}

/** Percentile CI (type-7 interpolation between order statistics) of `values`; [0, 0] when empty. */
export function percentileInterval(values: ArrayLike<number>, confidence: number): [number, number] {
  return intervalInPlace(Float64Array.from(values), values.length, confidence, 0);
}

/** A resampling stream: one seeded generator per resample b, shared by every result that draws from it. */
interface Stream {
  /** rngKey(...parts, '') — the key of resample b is this prefix + b, i.e. rngKey(...parts, b) */
  keyPrefix: string;
  /** the most members any stratum draws from it (a shorter stratum uses a prefix of the draws) */
  length: number;
  uses: { stratum: Stratum; sums: Float64Array }[];
}

/**
 * An example's bootstrap payload packed in one double: k·2^26 + (d + k), with k its changed variants
 * and d = Σ(original correct − variant correct) ∈ [−k, k]. Sums stay exact integers below 2^53 while
 * a resample draws fewer than 2^25 changed variants per class (checked), and the hot loop does one load and one add per draw.
 */
const PACK = 2 ** 26;
const MAX_PACKED_VARIANTS = 2 ** 25 - 1;

interface Stratum {
  /** per member, in set order (id, label): label index and packed (k, d) */
  cls: Int32Array;
  packed: Float64Array;
  /** all members are of one class */
  single: boolean;
}

/** Adds resample b of one stratum, drawn with the uniforms `u`, to the packed per-class sums P [class × B + b]. */
function accumulateStratum(st: Stratum, u: Float64Array, b: number, B: number, P: Float64Array): void {
  const { packed, cls } = st;
  const m = packed.length;
  if (st.single) {
    let sum = 0;
    for (let i = 0; i < m; i++) sum += packed[(u[i] * m) | 0];
    P[cls[0] * B + b] += sum;
    return;
  }
  for (let i = 0; i < m; i++) {
    const j = (u[i] * m) | 0;
    P[cls[j] * B + b] += packed[j];
  }
}

/**
 * Draws every stream once per resample and adds the draws to every stratum that uses it. Packed sums are
 * exact integers, so the order of the additions does not matter; no uniforms outlive their resample.
 */
function runStreams(streams: Iterable<Stream>, B: number): void {
  let u = new Float64Array(0);
  for (const stream of streams) {
    if (u.length < stream.length) u = new Float64Array(stream.length);
    for (let b = 0; b < B; b++) {
      const rng = createRng(stream.keyPrefix + b);
      for (let i = 0; i < stream.length; i++) u[i] = rng.next();
      for (const use of stream.uses) accumulateStratum(use.stratum, u, b, B, use.sums);
    }
  }
}

// ───────────────────────────── main ─────────────────────────────

function checkOptions(opts: MeasureOptions): void {
  if (!Number.isFinite(opts.seed)) throw new UsageError(`seed must be a finite number, got ${opts.seed}`);
  if (!Number.isInteger(opts.resamples) || opts.resamples < MIN_RESAMPLES) {
    throw new UsageError(`bootstrap resamples must be an integer >= ${MIN_RESAMPLES}, got ${opts.resamples}`);
  }
  if (!(opts.confidence > 0 && opts.confidence < 1)) {
    throw new UsageError(`confidence must be between 0 and 1 (exclusive), got ${opts.confidence}`);
  }
}

export interface ResultsAccumulator {
  /**
   * Reduces one record to the numbers the metrics need and keeps no reference to it (the caller may
   * mutate or drop it). The order of the records does not matter. When measuring `adjusted`, a record
   * without adjustedPrediction / adjustedGoldProb throws and nothing of it is added.
   */
  add(record: ExampleRecord): void;
  /** examples added so far */
  readonly size: number;
  /** per perturbation: variants seen and how many of them left the text unchanged */
  variantTally(): Map<string, { unchanged: number; total: number }>;
  /** results over every example added; the accumulator cannot be used afterwards */
  finish(): MeasuredResults;
}

/**
 * Results of an audit, fed one record at a time; memory is a few bytes per example and result.
 * `classes` supplies training counts and bucket membership; `buckets` is ordered head → tail.
 * Records sharing an id and a label (an audit never makes them) are ordered by arrival.
 */
export function createResultsAccumulator(
  classes: readonly ClassInfo[],
  buckets: readonly BucketInfo[],
  opts: MeasureOptions,
): ResultsAccumulator {
  checkOptions(opts);
  const collector = createExampleCollector(classes, opts.adjusted === true);
  let finished = false;
  const usable = (): void => {
    if (finished) throw new Error('this results accumulator has already finished');
  };
  return {
    add(record) {
      usable();
      collector.add(record);
    },
    get size() {
      return collector.data.ids.length;
    },
    variantTally() {
      return new Map(
        [...collector.data.variantTally].map(([p, [unchanged, total]]) => [p, { unchanged, total }]),
      );
    },
    finish() {
      usable();
      finished = true;
      return measure(collector.data, classes, buckets, opts);
    },
  };
}

/**
 * All results of an audit from its per-example records.
 * `classes` supplies training counts and bucket membership; `buckets` is ordered head → tail.
 */
export function computeResults(
  examples: readonly ExampleRecord[],
  classes: readonly ClassInfo[],
  buckets: readonly BucketInfo[],
  opts: MeasureOptions,
): MeasuredResults {
  const acc = createResultsAccumulator(classes, buckets, opts);
  // Canonical order (id, label, text; then the rest), so even records sharing an id and label are
  // taken in an order that does not depend on the input's.
  const order = Array.from(examples, (_, i) => i).sort((a, b) => {
    const x = examples[a];
    const y = examples[b];
    return (
      compareStrings(x.id, y.id) ||
      compareStrings(x.label, y.label) ||
      compareStrings(x.text, y.text) ||
      compareStrings(JSON.stringify(x), JSON.stringify(y))
    );
  });
  for (const i of order) acc.add(examples[i]);
  return acc.finish();
}

/** A scope reduced to per-class sums and bootstrap strata. */
interface PreparedScope {
  scope: ScopeColumns;
  perClass: Sums[];
  /** clean confusion counts of the in-scope originals, by label */
  cGold: number[];
  cPred: number[];
  cTp: number[];
  /** perturbed confusion counts, by label */
  pGold: number[];
  pPred: number[];
  pTp: number[];
  /** packed bootstrap sums [class × B + b], filled by runStreams */
  sums: Float64Array;
}

function measure(
  data: CollectedExamples,
  classes: readonly ClassInfo[],
  buckets: readonly BucketInfo[],
  opts: MeasureOptions,
): MeasuredResults {
  const B = opts.resamples;

  // Label indices: known classes first, then every other gold or predicted label in sorted order.
  const nKnown = data.nKnown;
  const extra = Array.from({ length: data.labels.length - nKnown }, (_, j) => nKnown + j).sort((a, b) =>
    compareStrings(data.labels[a], data.labels[b]),
  );
  const canonical = new Int32Array(data.labels.length);
  for (let c = 0; c < nKnown; c++) canonical[c] = c;
  extra.forEach((raw, j) => {
    canonical[raw] = nKnown + j;
  });
  const labels = data.labels.slice(0, nKnown).concat(extra.map((raw) => data.labels[raw]));
  const labelIndex = new Map(labels.map((l, c) => [l, c]));
  const L = labels.length;

  const N = data.ids.length;
  const gold = new Int32Array(N);
  const origPred = new Int32Array(N);
  for (let i = 0; i < N; i++) {
    gold[i] = canonical[data.gold.data[i]];
    origPred[i] = canonical[data.origPred.data[i]];
  }
  // Set order (id, label), so sums and bootstrap draws never depend on the arrival order.
  const ids = data.ids;
  const order = new Int32Array(N);
  for (let i = 0; i < N; i++) order[i] = i;
  order.sort(
    (a, b) => compareStrings(ids[a], ids[b]) || compareStrings(labels[gold[a]], labels[gold[b]]) || a - b,
  );

  const classInfo = new Map(classes.map((c) => [c.label, c]));
  const bucketOfLabel = labels.map((l) => classInfo.get(l)?.bucket ?? '');
  const bucketMembers = buckets.map((b) =>
    b.labels.map((l) => labelIndex.get(l)).filter((c): c is number => c !== undefined),
  );
  const streams = new Map<string, Stream>();
  const useStream = (id: string, keyPrefix: string, stratum: Stratum, sums: Float64Array): void => {
    let s = streams.get(id);
    if (!s) {
      s = { keyPrefix, length: 0, uses: [] };
      streams.set(id, s);
    }
    s.length = Math.max(s.length, stratum.packed.length);
    s.uses.push({ stratum, sums });
  };

  // Pass 1, one scope at a time: per-class sums and bootstrap strata; then the scope's columns are dropped.
  const slotOf = new Int32Array(N).fill(-1);
  const prepared = [...data.scopes.values()].map((scope): PreparedScope => {
    const slots = scope.example.length;
    const exOf = scope.example.data;
    const kOf = scope.k.data;
    const correctOf = scope.correct.data;
    const flipsOf = scope.flips.data;
    const confDropOf = scope.confDrop.data;
    // Slots grouped by class, in set order within each class (a counting sort along the set order).
    const classStart = new Int32Array(L + 1);
    for (let s = 0; s < slots; s++) {
      slotOf[exOf[s]] = s;
      classStart[gold[exOf[s]] + 1] += 1;
    }
    for (let c = 0; c < L; c++) classStart[c + 1] += classStart[c];
    const next = classStart.slice(0, L);
    const sorted = new Int32Array(slots);
    for (let r = 0; r < N; r++) {
      const i = order[r];
      const s = slotOf[i];
      if (s < 0) continue;
      sorted[next[gold[i]]++] = s;
      slotOf[i] = -1;
    }

    const perClass: Sums[] = Array.from({ length: L }, emptySums);
    const cGold = new Array(L).fill(0);
    const cPred = new Array(L).fill(0);
    const cTp = new Array(L).fill(0);
    let maxK = 0;
    const packed = new Float64Array(slots);
    for (let q = 0; q < slots; q++) {
      const s = sorted[q];
      const i = exOf[s];
      const c = gold[i];
      const origOk = origPred[i] === c ? 1 : 0;
      const k = kOf[s];
      const correct = correctOf[s];
      const sums = perClass[c];
      sums.nEx += 1;
      sums.n += k;
      sums.clean += origOk;
      sums.cleanW += origOk * k;
      sums.correct += correct;
      sums.flips += flipsOf[s];
      sums.confDrop += confDropOf[s];
      if (origOk && correct === k) sums.robust += 1;
      if (origOk) sums.broken += k - correct;
      cGold[c] += 1;
      cPred[origPred[i]] += 1;
      if (origOk) cTp[c] += 1;
      if (k > maxK) maxK = k;
      const d = (origOk ? k : 0) - correct;
      packed[q] = k * PACK + d + k;
    }
    if (slots * maxK > MAX_PACKED_VARIANTS) {
      throw new RangeError(`computeResults: ${slots} examples × ${maxK} variants is too many to bootstrap`);
    }

    // Strata: every class with ≥ 2 in-scope examples; single-example classes pooled per bucket.
    const sums = new Float64Array(L * B);
    const pools = new Map<string, number[]>();
    for (let c = 0; c < L; c++) {
      const from = classStart[c];
      const size = classStart[c + 1] - from;
      if (size >= 2) {
        const stratum = { cls: Int32Array.of(c), packed: packed.slice(from, from + size), single: true };
        useStream(`class\u241f${labels[c]}`, rngKey(opts.seed, 'bootstrap', labels[c], ''), stratum, sums);
      } else if (size === 1) {
        const pool = pools.get(bucketOfLabel[c]);
        if (pool) pool.push(c);
        else pools.set(bucketOfLabel[c], [c]);
      }
    }
    for (const [bucket, members] of pools) {
      const stratum = {
        cls: Int32Array.from(members),
        packed: Float64Array.from(members, (c) => packed[classStart[c]]),
        single: false,
      };
      useStream(`pool\u241f${bucket}`, rngKey(opts.seed, 'bootstrap-pool', bucket, ''), stratum, sums);
    }

    const byLabel = (counts: readonly number[]): number[] => {
      const out: number[] = new Array(L).fill(0);
      counts.forEach((n, raw) => {
        out[canonical[raw]] = n;
      });
      return out;
    };
    const result: PreparedScope = {
      scope,
      perClass,
      cGold,
      cPred,
      cTp,
      pGold: byLabel(scope.pGold),
      pPred: byLabel(scope.pPred),
      pTp: byLabel(scope.pTp),
      sums,
    };
    releaseColumns(scope);
    return result;
  });

  // Pass 2: the bootstrap; each stream is drawn once for all scopes.
  runStreams(streams.values(), B);
  streams.clear();

  // Pass 3: point estimates and bootstrap CIs.
  const measured = prepared.map((prep): Result => {
    const { scope, perClass, cGold, cPred, cTp } = prep;
    // Split the packed per-class bootstrap sums into K (changed variants drawn) and
    // D (Σ original correct − variant correct) per [class × B + b].
    const K = prep.sums;
    prep.sums = new Float64Array(0); // freed with this scope, not at the end
    const D = new Float64Array(L * B);
    for (let at = 0; at < K.length; at++) {
      const k = Math.floor(K[at] / PACK);
      D[at] = K[at] - k * PACK - k;
      K[at] = k;
    }

    const scratch = new Float64Array(B);
    /** bootstrap drops of a set of classes into `out` (NaN where the resample drew nothing) */
    const dropsInto = (members: readonly number[], out: Float64Array): Float64Array => {
      for (let b = 0; b < B; b++) {
        let sk = 0;
        let sd = 0;
        for (const c of members) {
          sk += K[c * B + b];
          sd += D[c * B + b];
        }
        out[b] = sk > 0 ? sd / sk : Number.NaN;
      }
      return out;
    };
    const ciOf = (drops: Float64Array, point: number): [number, number] => {
      if (drops !== scratch) scratch.set(drops);
      return intervalInPlace(scratch, B, opts.confidence, point);
    };

    /** Metrics of a set of classes; `keep` returns its bootstrap drops (for the head-tail gap). */
    const metricsOf = (
      members: readonly number[],
      keep = false,
    ): { metrics: Metrics; drops: Float64Array | null } => {
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
      const drops = t.n > 0 ? dropsInto(members, keep ? new Float64Array(B) : scratch) : null;
      return {
        drops: keep ? drops : null,
        metrics: {
          n: t.n,
          nExamples: t.nEx,
          cleanAccuracy: ratio(t.clean, t.nEx),
          perturbedAccuracy: ratio(t.correct, t.n),
          drop,
          dropCI: drops ? ciOf(drops, drop) : [0, 0],
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
    };

    const allLabels = Array.from({ length: L }, (_, c) => c);
    const overall = metricsOf(allLabels).metrics;
    const perClassMetrics: Record<string, Metrics> = {};
    for (let c = 0; c < L; c++) {
      if (c < nKnown || perClass[c].nEx > 0) perClassMetrics[labels[c]] = metricsOf([c]).metrics;
    }
    const bucketMetrics: Record<string, Metrics> = {};
    const withData: { point: number; drops: Float64Array }[] = [];
    buckets.forEach((bucket, bi) => {
      const { metrics, drops } = metricsOf(bucketMembers[bi], true);
      bucketMetrics[bucket.name] = metrics;
      if (drops) withData.push({ point: metrics.drop, drops });
    });

    let headTailGap: Estimate | null = null;
    if (withData.length >= 2) {
      const head = withData[0];
      const tail = withData[withData.length - 1];
      const value = tail.point - head.point;
      for (let b = 0; b < B; b++) scratch[b] = tail.drops[b] - head.drops[b];
      headTailGap = { value, ci: ciOf(scratch, value) };
    }

    const sloped = allLabels.filter(
      (c) => perClass[c].n > 0 && (classInfo.get(labels[c])?.trainCount ?? 0) > 0,
    );
    let tailSlope: Estimate | null = null;
    const value =
      sloped.length >= 3
        ? leastSquaresSlope(
            sloped.map((c) => Math.log(classInfo.get(labels[c])!.trainCount)),
            sloped.map((c) => ratio(perClass[c].cleanW - perClass[c].correct, perClass[c].n)),
          )
        : null;
    if (value !== null) {
      resampledSlopes(
        sloped,
        sloped.map((c) => Math.log(classInfo.get(labels[c])!.trainCount)),
        K,
        D,
        B,
        scratch,
      );
      tailSlope = { value, ci: ciOf(scratch, value) };
    }

    const result: Result = {
      perturbation: scope.perturbation,
      severity: scope.severity,
      overall,
      buckets: bucketMetrics,
      perClass: perClassMetrics,
      headTailGap,
      tailSlope,
    };
    return result;
  });

  const bySeverity = (a: Result, b: Result) => a.severity - b.severity;
  return {
    summary: measured.filter((r) => r.perturbation === POOLED).sort(bySeverity),
    results: measured
      .filter((r) => r.perturbation !== POOLED)
      .sort((a, b) => compareStrings(a.perturbation, b.perturbation) || bySeverity(a, b)),
  };
}

function releaseColumns(scope: ScopeColumns): void {
  for (const column of [scope.example, scope.k, scope.correct, scope.flips, scope.confDrop]) {
    column.data = column.data.subarray(0, 0);
    column.length = 0;
  }
}

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
 * Per-resample OLS slopes of class drop on x into `out`; a class not drawn in resample b (a pooled
 * single-example class) is left out of that fit, and a fit with < 3 classes or no x spread is NaN.
 */
function resampledSlopes(
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
