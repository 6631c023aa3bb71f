/**
 * Robustness metrics from per-example records: a pure function of the SET of examples, so a report can be
 * recomputed from `report.examples`, and shards merged later give identical numbers and CIs.
 * `createResultsAccumulator` takes the records one at a time and keeps only a few numbers per example
 * and result (see accumulator.ts), so an audit of any size can be measured while it streams;
 * `computeResults` is the same accumulator fed with an array. Finishing runs three passes: per-class sums
 * and bootstrap strata per scope (class-sums.ts), the bootstrap (bootstrap.ts), then each scope's result
 * (scope-result.ts); pooled summaries and per-perturbation results are then split and sorted.
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
 * - breakRate: among changed variants whose original was correct (nFromCorrect of them), the share now
 *   wrong (0 when none). Unlike the drop it is conditional on what the model got right, so buckets that
 *   start from different clean accuracies compare fairly (a bucket at 20 % clean accuracy can lose at
 *   most 20 points of accuracy, however fragile its correct predictions are).
 * - robustAccuracy: share of in-scope examples whose original and all changed variants are correct.
 * - confidenceDrop: mean over changed variants of (original goldProb − variant goldProb).
 * - macroF1 / balancedAccuracy, clean = originals of the in-scope examples, perturbed = changed variants
 *   (each variant one prediction, gold = its example's label). Per-class F1 and recall are computed over
 *   the whole result's scope (so predictions of other classes count as false positives); an aggregate
 *   (overall, bucket) averages them over the classes of the aggregate that occur as gold labels in scope.
 *   For one class, macroF1 is that class's F1 and balancedAccuracy its recall.
 * - A metric with no data is 0 with n = 0 (never NaN): check n before showing it.
 * - dropCI: percentile bootstrap CI, stratified by class, an example moving with all its variants; the
 *   CI depends only on the set of examples (details in bootstrap.ts). A slice (overall, bucket, class)
 *   with fewer than MIN_CI_EXAMPLES = 2 in-scope examples has dropCI null and ciNote 'too few examples'
 *   (one example resamples to itself: its interval would have zero width). Bucket, overall, head-tail
 *   and slope CIs aggregate the same per-class resamples.
 * - flipRateCI, breakRateCI: the same bootstrap; breakRateCI needs 2 in-scope examples classified
 *   correctly.
 * - headTailGaps[m], for m in break | flip | drop: the metric of the last (tail-most) bucket with data for
 *   it − that of the first (head-most) such bucket, naming the two (`head`, `tail`); data = changed
 *   variants (flip, drop) or changed variants of correct originals (break). Null with fewer than two
 *   such buckets; ci null when either rests on fewer than 2 examples (for break: correct ones).
 * - tailSlopes[m]: weighted least-squares slope of the per-class metric against ln(trainCount), over
 *   classes with trainCount > 0 and data for the metric, each class weighted by its evidence — its
 *   in-scope examples (drop, flip; `weights: 'examples'`) or its in-scope examples classified correctly
 *   (break; `weights: 'correctExamples'`); null with fewer than 3 such classes (or all counts equal).
 *   Negative = rarer classes fare worse (the metric grows by −slope per e-fold fewer examples). Each
 *   resampled slope weights a class by its evidence in that resample; a class without any in a
 *   resample is left out of that fit.
 * - headTailGap, tailSlope: the headline ones, headTailGaps[gapMetric] and tailSlopes[gapMetric]
 *   (gapMetric defaults to break).
 */
import { UsageError } from '../errors.ts';
import {
  type BucketInfo,
  type ClassInfo,
  DEFAULT_GAP_METRIC,
  type ExampleRecord,
  GAP_METRICS,
  type GapMetric,
  type ReportConfig,
  type Result,
} from '../types.ts';
import { compareStrings } from '../util/strings.ts';
import { type CollectedExamples, createExampleCollector, POOLED, type VariantTally } from './accumulator.ts';
import { createResampleStreams, MIN_RESAMPLES } from './bootstrap.ts';
import { canonicalLabels, sumScopes, tabulateExamples } from './class-sums.ts';
import { scopeResult } from './scope-result.ts';

export interface MeasureOptions {
  seed: number;
  /** bootstrap resamples, ≥ 1000 */
  resamples: number;
  /** CI level in (0, 1), e.g. 0.95 */
  confidence: number;
  /** measure `adjustedPrediction` / `adjustedGoldProb` (post-hoc logit adjustment) instead of the raw ones */
  adjusted?: boolean;
  /** the metric of each result's headline headTailGap / tailSlope; default break */
  gapMetric?: GapMetric;
}

export interface MeasuredResults {
  /** per severity, all perturbations pooled (perturbation `'*'`), sorted by severity */
  summary: Result[];
  /** one per (perturbation, severity) present in the variants, sorted by perturbation then severity */
  results: Result[];
}

function checkOptions(opts: MeasureOptions): void {
  if (!Number.isFinite(opts.seed)) throw new UsageError(`seed must be a finite number, got ${opts.seed}`);
  if (!Number.isInteger(opts.resamples) || opts.resamples < MIN_RESAMPLES) {
    throw new UsageError(`bootstrap resamples must be an integer >= ${MIN_RESAMPLES}, got ${opts.resamples}`);
  }
  if (!(opts.confidence > 0 && opts.confidence < 1)) {
    throw new UsageError(`confidence must be between 0 and 1 (exclusive), got ${opts.confidence}`);
  }
  if (opts.gapMetric !== undefined && !GAP_METRICS.includes(opts.gapMetric)) {
    throw new UsageError(`gap metric must be one of ${GAP_METRICS.join(', ')}, got ${opts.gapMetric}`);
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
  /** per perturbation: variants seen and how many of them left the text unchanged (a copy) */
  variantTally(): VariantTally;
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
      return new Map([...collector.data.variantTally].map(([p, t]) => [p, { ...t }]));
    },
    finish() {
      usable();
      finished = true;
      return measure(collector.data, classes, buckets, opts);
    },
  };
}

/** The accumulators of one run: plain results, and logit-adjusted ones when asked for. */
export interface RunMeasures {
  add(record: ExampleRecord): void;
  readonly size: number;
  /** per perturbation: variants seen and how many left the text unchanged, over the records added so far */
  variantTally(): VariantTally;
  /** results over every record added; the measures cannot be used afterwards */
  finish(): { plain: MeasuredResults; adjusted: MeasuredResults | null };
}

/** The measures of a run configured by `config` (its seed, bootstrap and logit adjustment). */
export function createMeasures(
  classes: readonly ClassInfo[],
  buckets: readonly BucketInfo[],
  config: Pick<ReportConfig, 'seed' | 'bootstrap' | 'logitAdjust' | 'gapMetric'>,
): RunMeasures {
  const opts = { seed: config.seed, ...config.bootstrap, gapMetric: config.gapMetric };
  const plain = createResultsAccumulator(classes, buckets, opts);
  const adjusted =
    config.logitAdjust === null
      ? null
      : createResultsAccumulator(classes, buckets, { ...opts, adjusted: true });
  return {
    add(record) {
      plain.add(record);
      adjusted?.add(record);
    },
    get size() {
      return plain.size;
    },
    variantTally: () => plain.variantTally(),
    finish: () => ({ plain: plain.finish(), adjusted: adjusted?.finish() ?? null }),
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

/** The three passes over the collected data (sums, bootstrap, results), then the split by pooling. */
function measure(
  data: CollectedExamples,
  classes: readonly ClassInfo[],
  buckets: readonly BucketInfo[],
  opts: MeasureOptions,
): MeasuredResults {
  const space = canonicalLabels(data);
  const examples = tabulateExamples(data, space);
  const classInfo = new Map(classes.map((c) => [c.label, c]));
  const bucketOfLabel = space.labels.map((l) => classInfo.get(l)?.bucket ?? '');
  const bucketMembers = buckets.map((b) =>
    b.labels.map((l) => space.index.get(l)).filter((c): c is number => c !== undefined),
  );

  // Pass 1, one scope at a time: per-class sums and bootstrap strata; then the scope's columns are dropped.
  const streams = createResampleStreams(opts.seed);
  const summed = sumScopes(data.scopes.values(), {
    space,
    examples,
    bucketOfLabel,
    resamples: opts.resamples,
    streams,
  });
  // Pass 2: the bootstrap; each stream is drawn once for all scopes.
  streams.run(opts.resamples);
  // Pass 3: point estimates and bootstrap CIs.
  const context = {
    space,
    classInfo,
    buckets,
    bucketMembers,
    resamples: opts.resamples,
    confidence: opts.confidence,
    gapMetric: opts.gapMetric ?? DEFAULT_GAP_METRIC,
  };
  return splitPooled(summed.map((scope) => scopeResult(scope, context)));
}

/** Pooled results (perturbation '*') become the summary by severity; the rest sorted by perturbation. */
function splitPooled(measured: Result[]): MeasuredResults {
  const bySeverity = (a: Result, b: Result) => a.severity - b.severity;
  return {
    summary: measured.filter((r) => r.perturbation === POOLED).sort(bySeverity),
    results: measured
      .filter((r) => r.perturbation !== POOLED)
      .sort((a, b) => compareStrings(a.perturbation, b.perturbation) || bySeverity(a, b)),
  };
}
