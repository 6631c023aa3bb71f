/**
 * Shared helpers for the report renderers: number formatting (sanitising lives in
 * util/strings.ts, `stripControls`), and the selections every format shows (rows per severity, worst
 * classes, worst flipped examples, the word diff used to highlight edits).
 * Pure functions; no I/O.
 */
import { POOLED } from '../measure/accumulator.ts';
import { MIN_CI_EXAMPLES } from '../measure/bootstrap.ts';
import {
  type BucketGap,
  type BucketInfo,
  type ClassInfo,
  DEFAULT_GAP_METRIC,
  type ExampleRecord,
  type FairnessRate,
  type FairnessResult,
  GAP_METRICS,
  type GapMetric,
  isCounted,
  type Metrics,
  metricCI,
  metricValue,
  type Report,
  type Result,
  type Severity,
  type SlopeEstimate,
  type VariantRecord,
} from '../types.ts';
import { compareStrings, stripControls } from '../util/strings.ts';

// ───────────────────────────── numbers ─────────────────────────────

export const MISSING = '—';

/** 0.9123 → "91.2%" */
export function pct(x: number, digits = 1): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(digits)}%` : MISSING;
}

/** A difference of two rates in percentage points, always signed: 0.0712 → "+7.1", -0.02 → "-2.0". */
export function pp(x: number, digits = 1): string {
  if (!Number.isFinite(x)) return MISSING;
  const text = Math.abs(x * 100).toFixed(digits);
  if (Number(text) === 0) return text;
  return `${x < 0 ? '-' : '+'}${text}`;
}

/** What renderers print in place of an interval that rests on too few examples (`ciNote`). */
export const TOO_FEW_EXAMPLES = 'too few examples';

/** The legend's sentence for withheld intervals. */
export const TOO_FEW_LEGEND = `a slice of fewer than ${MIN_CI_EXAMPLES} examples (for the break rate: correctly classified examples) shows "${TOO_FEW_EXAMPLES}" instead of an interval`;

/** "[+5.0, +9.3]", or "(too few examples)" for a withheld interval: never a falsely precise one. */
export function ppCI(ci: readonly [number, number] | null, digits = 1): string {
  return ci ? `[${pp(ci[0], digits)}, ${pp(ci[1], digits)}]` : `(${TOO_FEW_EXAMPLES})`;
}

/** "+7.1 [+5.0, +9.3]", or "+50.0 (too few examples)" */
export function dropWithCI(m: Metrics): string {
  return `${pp(m.drop)} ${ppCI(m.dropCI)}`;
}

/**
 * How the drop is defined, in words, for the renderers' legends. The drop is paired and weighted by
 * changed variants, while clean accuracy counts each example once, so the two printed accuracies need
 * not differ by exactly the drop.
 */
export const DROP_DEFINITION =
  'Drop = mean over changed variants of (original correct − variant correct), a paired difference in which an example counts once per changed variant; it equals clean − perturbed accuracy only when every example has the same number of changed variants';

/** A rate's CI in percent, unsigned: "[30.1, 41.0]", or "(too few examples)" for a withheld interval. */
export function pctCI(ci: readonly [number, number] | null, digits = 1): string {
  return ci
    ? `[${(ci[0] * 100).toFixed(digits)}, ${(ci[1] * 100).toFixed(digits)}]`
    : `(${TOO_FEW_EXAMPLES})`;
}

// ───────────────────────────── gap metrics ─────────────────────────────

/** Each gap metric in words: "break rate", "flip rate", "drop". */
export const GAP_METRIC_NAMES: Readonly<Record<GapMetric, string>> = {
  break: 'break rate',
  flip: 'flip rate',
  drop: 'drop',
};

/**
 * Why a head–tail gap stops short of the report's tail bucket, unescaped ("tail bucket few has no
 * data"; for the break rate, when the tail has changed variants but no correct original, its clean
 * accuracy); null when the gap reaches the tail bucket.
 */
export function tailShortfall(
  report: Pick<Report, 'buckets'>,
  result: Result,
  gap: Pick<BucketGap, 'tail'> | null,
): string | null {
  const tail = report.buckets.at(-1);
  if (!gap || !tail || tail.name === gap.tail) return null;
  const m = result.buckets[tail.name];
  return hasData(m)
    ? `tail bucket ${stripControls(tail.name)} has no correctly classified example (clean accuracy ${pct(m.cleanAccuracy)})`
    : `tail bucket ${stripControls(tail.name)} has no data`;
}

/** How a negative tail slope reads for each metric. */
const RARER_FARE_WORSE: Readonly<Record<GapMetric, string>> = {
  break: 'rarer classes break more often',
  flip: 'rarer classes flip more often',
  drop: 'rarer classes drop more',
};

/** The metric of the report's headline head–tail gap and tail slope. */
export function headlineMetric(report: Pick<Report, 'config'>): GapMetric {
  return report.config.gapMetric ?? DEFAULT_GAP_METRIC;
}

export { metricCI, metricValue };

/**
 * The slice has data for the metric: changed variants (drop, flip), changed variants of correctly
 * classified originals (break). Without it the metric is a placeholder 0, shown as missing.
 */
export function hasMetricData(m: Metrics | undefined, metric: GapMetric): m is Metrics {
  return hasData(m) && (metric !== 'break' || m.nFromCorrect > 0);
}

/** "35.6% [30.1, 41.0]": a rate and its CI in percent ("(too few examples)" for a withheld interval). */
export function rateWithCI(value: number, ci: readonly [number, number] | null): string {
  return `${pct(value)} ${pctCI(ci)}`;
}

/** "35.6% [30.1, 41.0]" for a rate, "+7.1 [+5.0, +9.3]" for the drop; "—" without data. */
export function metricWithCI(m: Metrics | undefined, metric: GapMetric): string {
  if (!hasMetricData(m, metric)) return MISSING;
  if (metric === 'drop') return dropWithCI(m);
  return rateWithCI(metricValue(m, metric), metricCI(m, metric));
}

/** What the break and flip rates are, for the renderers' legends. */
export const RATES_DEFINITION =
  'Break rate = among changed variants whose original was classified correctly, the share now classified wrongly; unlike the drop, which the clean accuracy of a bucket caps, it compares head and tail fairly. Flip rate = share of changed variants whose prediction differs from that of the original (needs no label)';

/** What a tail slope weights each class by, in words. */
export const SLOPE_WEIGHTS: Readonly<Record<SlopeEstimate['weights'], string>> = {
  examples: 'their examples',
  correctExamples: 'their correctly classified examples',
};

/** "classes weighted by their correctly classified examples" (break) or "… by their examples" (drop, flip). */
export function slopeWeighting(slope: Pick<SlopeEstimate, 'weights'>): string {
  return `classes weighted by ${SLOPE_WEIGHTS[slope.weights]}`;
}

/** "negative = rarer classes break more often" */
export function slopeDirection(metric: GapMetric): string {
  return `negative = ${RARER_FARE_WORSE[metric]}`;
}

/** The legend of the gap tables: units, direction, and how each metric's slope weights the classes. */
export const GAP_TABLE_LEGEND =
  'Head–tail gaps in pp (tail − head bucket, positive = the tail fares worse); tail slopes in pp per ln(train count), negative = rarer classes fare worse. The break-rate slope weights each class by its correctly classified examples, the flip-rate and drop slopes by its examples';

export interface GapRow {
  metric: GapMetric;
  /** the report's headline metric (`config.gapMetric`) */
  headline: boolean;
  gap: BucketGap | null;
  slope: SlopeEstimate | null;
}

/** The head–tail gap and tail slope of a result on every metric, the headline one first. */
export function gapRows(report: Pick<Report, 'config'>, result: Result): GapRow[] {
  const headline = headlineMetric(report);
  const order = [headline, ...GAP_METRICS.filter((m) => m !== headline)];
  return order.map((metric) => ({
    metric,
    headline: metric === headline,
    gap: result.headTailGaps[metric],
    slope: result.tailSlopes[metric],
  }));
}

export interface BucketRow {
  /** the bucket, or undefined for the row of all classes */
  bucket: BucketInfo | undefined;
  /** classes in the bucket (all classes for the last row) */
  classes: number;
  metrics: Metrics | undefined;
}

/** One row per bucket, head → tail, then all classes together: the per-bucket table of every format. */
export function bucketRows(report: Pick<Report, 'buckets' | 'classes'>, result: Result): BucketRow[] {
  return [
    ...report.buckets.map((b) => ({ bucket: b, classes: b.labels.length, metrics: result.buckets[b.name] })),
    { bucket: undefined, classes: report.classes.length, metrics: result.overall },
  ];
}

/**
 * The buckets a head–tail gap compares, e.g. "few − many": the first and last bucket WITH data, which
 * are the report's first and last only when those have changed variants. `escapeName` is the format's escaping.
 */
export function gapBuckets(
  gap: Pick<BucketGap, 'head' | 'tail'>,
  escapeName: (s: string) => string = stripControls,
): string {
  return `${escapeName(gap.tail)} − ${escapeName(gap.head)}`;
}

/** A metric with no changed variant carries zeros; renderers show it as missing. */
export function hasData(m: Metrics | undefined): m is Metrics {
  return m !== undefined && m.n > 0;
}

/** The CI lies entirely above zero: the drop is distinguishable from noise (never without a CI). */
export function significantDrop(ci: readonly [number, number] | null): boolean {
  return ci !== null && ci[0] > 0;
}

/** The CI lies entirely below zero: the perturbation helped (never without a CI). */
export function significantGain(ci: readonly [number, number] | null): boolean {
  return ci !== null && ci[1] < 0;
}

export function confidenceLabel(report: Report): string {
  return `${Math.round(report.config.bootstrap.confidence * 100)}% CI`;
}

export function perturbationLabel(name: string): string {
  return name === POOLED ? 'all (pooled)' : name;
}

/** "1 class", "3 classes". */
export function classCount(n: number): string {
  return `${n} ${n === 1 ? 'class' : 'classes'}`;
}

/** Training-count range of a bucket: "101–420", or "7" when both bounds are equal. */
export function countRange(min: number, max: number): string {
  return min === max ? `${min}` : `${min}–${max}`;
}

// ───────────────────────────── fairness slices ─────────────────────────────

/** What a fairness slice measures, in words, for the slice `gender`. */
export function fairnessDefinition(slice: string): string {
  return `invariance failure rate (share of changed variants whose prediction changed when only the ${slice} changed)`;
}

/** "3.1% [1.2, 5.3]": a fairness slice's failure rate and CI; "—" without changed variants. */
export function failRateWithCI(rate: FairnessRate | undefined): string {
  return rate !== undefined && rate.n > 0 ? rateWithCI(rate.failRate, rate.failRateCI) : MISSING;
}

export interface FairnessPart {
  /** `overall`, or the bucket's name (unescaped) */
  name: string;
  /** the bucket; undefined for the overall part */
  bucket: BucketInfo | undefined;
  rate: FairnessRate | undefined;
}

/** A fairness entry's rates: overall first, then each bucket head → tail. */
export function fairnessParts(report: Pick<Report, 'buckets'>, entry: FairnessResult): FairnessPart[] {
  return [
    { name: 'overall', bucket: undefined, rate: entry.overall },
    ...report.buckets.map((b) => ({ name: b.name, bucket: b, rate: entry.buckets[b.name] })),
  ];
}

/** "+4.5 pp [+1.0, +8.0] (few − many)": the tail − head failure-rate gap; null when there is none. */
export function fairnessGapText(entry: FairnessResult, escapeName: (s: string) => string): string | null {
  const g = entry.tailGap;
  return g ? `${pp(g.value)} pp ${ppCI(g.ci)} (${gapBuckets(g, escapeName)})` : null;
}

/**
 * A fairness entry in one line, the wording of every format: "Fairness — invariance failure rate
 * (share of changed variants whose prediction changed when only the gender changed), entity.gender at
 * severity 2: overall 3.1% [1.2, 5.3] · many 2.0% [0.4, 3.9] · few 6.5% [2.0, 11.8]; tail − head
 * +4.5 pp [+0.2, +9.1] (few − many)". `escapeName` is the format's escaping of outside names.
 */
export function fairnessLine(
  report: Pick<Report, 'buckets'>,
  entry: FairnessResult,
  escapeName: (s: string) => string,
): string {
  const rates = fairnessParts(report, entry)
    .map((p) => `${p.bucket ? escapeName(p.name) : p.name} ${failRateWithCI(p.rate)}`)
    .join(' · ');
  const gap = fairnessGapText(entry, escapeName);
  return `Fairness — ${fairnessDefinition(escapeName(entry.slice))}, ${escapeName(entry.perturbation)} at severity ${entry.severity}: ${rates}${gap ? `; tail − head ${gap}` : ''}`;
}

/**
 * Per fairness slice and perturbation, the entry of its highest severity: the one line a compact
 * summary shows (the full reports list every severity).
 */
export function fairnessHeadlines(report: Pick<Report, 'fairness'>): FairnessResult[] {
  const last = new Map<string, FairnessResult>();
  for (const entry of report.fairness ?? []) {
    const key = `${entry.slice}\u241f${entry.perturbation}`;
    const seen = last.get(key);
    if (!seen || entry.severity > seen.severity) last.set(key, entry);
  }
  return [...last.values()];
}

// ───────────────────────────── selections ─────────────────────────────

/** Severities present in the summary or results, ascending. */
export function severitiesOf(report: Report): Severity[] {
  const found = new Set<Severity>();
  for (const r of report.summary) found.add(r.severity);
  for (const r of report.results) found.add(r.severity);
  return [...found].sort((a, b) => a - b);
}

/** Rows for one severity: each perturbation's result (as ordered in the report), then the pooled one. */
export function rowsForSeverity(
  source: { summary: Result[]; results: Result[] },
  severity: Severity,
): Result[] {
  const rows = source.results.filter((r) => r.severity === severity && r.perturbation !== POOLED);
  const pooled = source.summary.find((r) => r.severity === severity);
  return pooled ? [...rows, pooled] : rows;
}

export function pooledFor(source: { summary: Result[] }, severity: Severity): Result | undefined {
  return source.summary.find((r) => r.severity === severity);
}

export interface ClassDrop {
  info: ClassInfo;
  metrics: Metrics;
}

/** Classes with data, largest drop first (ties: fewer training examples first, then label). */
export function worstClasses(result: Result, classes: readonly ClassInfo[], k: number): ClassDrop[] {
  const rows: ClassDrop[] = [];
  for (const info of classes) {
    const metrics = result.perClass[info.label];
    if (hasData(metrics)) rows.push({ info, metrics });
  }
  rows.sort(
    (a, b) =>
      b.metrics.drop - a.metrics.drop ||
      a.info.trainCount - b.info.trainCount ||
      compareStrings(a.info.label, b.info.label),
  );
  return rows.slice(0, Math.max(0, k));
}

/** Every class with data in a result (for the scatter plot), in `classes` order. */
export function classDrops(result: Result, classes: readonly ClassInfo[]): ClassDrop[] {
  return worstClasses(result, classes, Number.POSITIVE_INFINITY).sort(
    (a, b) => classes.indexOf(a.info) - classes.indexOf(b.info),
  );
}

export interface Flip {
  example: ExampleRecord;
  variant: VariantRecord;
}

/**
 * "Wrong flips": the original was classified correctly and a changed variant is not.
 * The most confidently wrong come first — those are the ones worth reading.
 */
export function worstFlips(examples: readonly ExampleRecord[] | undefined, k: number): Flip[] {
  const flips: Flip[] = [];
  for (const example of examples ?? []) {
    if (example.prediction !== example.label) continue;
    for (const variant of example.variants) {
      if (isCounted(variant) && variant.prediction !== example.label) flips.push({ example, variant });
    }
  }
  flips.sort(
    (a, b) =>
      b.variant.confidence - a.variant.confidence ||
      compareStrings(a.example.id, b.example.id) ||
      compareStrings(a.variant.perturbation, b.variant.perturbation) ||
      a.variant.severity - b.variant.severity ||
      a.variant.variant - b.variant.variant,
  );
  return flips.slice(0, Math.max(0, k));
}

// ───────────────────────────── word diff ─────────────────────────────

export interface Segment {
  text: string;
  changed: boolean;
}

const MAX_DIFF_CELLS = 250_000;

/**
 * Splits `variant` into runs that are unchanged from / differ from `original`,
 * by a longest-common-subsequence over words (whitespace kept as its own tokens).
 * Only the variant's text is returned, so highlighting never shows original text
 * in the variant column. Whitespace at the edges of a changed run stays unmarked.
 */
export function diffVariant(original: string, variant: string): Segment[] {
  const a = splitOnWhitespace(original);
  const b = splitOnWhitespace(variant);
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (
    suffix < a.length - prefix &&
    suffix < b.length - prefix &&
    a[a.length - 1 - suffix] === b[b.length - 1 - suffix]
  ) {
    suffix++;
  }
  const midA = a.slice(prefix, a.length - suffix);
  const midB = b.slice(prefix, b.length - suffix);
  const changed = new Array<boolean>(b.length).fill(false);
  const keptB = midA.length * midB.length <= MAX_DIFF_CELLS ? lcsKeep(midA, midB) : null;
  for (let j = 0; j < midB.length; j++) changed[prefix + j] = keptB ? !keptB[j] : true;
  // Whitespace is highlighted only when it joins two changed words.
  for (let j = 0; j < b.length; j++) {
    if (/^\s+$/.test(b[j])) changed[j] = j > 0 && j < b.length - 1 && changed[j - 1] && changed[j + 1];
  }
  const segments: Segment[] = [];
  for (let j = 0; j < b.length; j++) {
    const last = segments[segments.length - 1];
    if (last && last.changed === changed[j]) last.text += b[j];
    else segments.push({ text: b[j], changed: changed[j] });
  }
  return segments;
}

/**
 * Whitespace runs and the runs between them, covering every character: the diff rebuilds the
 * variant from these pieces, so this is not the perturbations' word tokenizer (which skips text).
 */
function splitOnWhitespace(text: string): string[] {
  return text.match(/\s+|[^\s]+/g) ?? [];
}

/** For each token of `b`: is it part of a longest common subsequence with `a`? */
function lcsKeep(a: readonly string[], b: readonly string[]): boolean[] {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const table = new Uint32Array(rows * cols);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i * cols + j] =
        a[i] === b[j]
          ? table[(i + 1) * cols + j + 1] + 1
          : Math.max(table[(i + 1) * cols + j], table[i * cols + j + 1]);
    }
  }
  const keep = new Array<boolean>(b.length).fill(false);
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      keep[j] = true;
      i++;
      j++;
    } else if (table[(i + 1) * cols + j] >= table[i * cols + j + 1]) {
      i++;
    } else {
      j++;
    }
  }
  return keep;
}

// ───────────────────────────── variants ─────────────────────────────

export const VARIANTS_LEGEND =
  'Only counted variants enter the metrics: changed, distinct from the other variants of the same example × perturbation × severity, and — for synonym and paraphrase perturbations — at least as similar to the original as the meaning threshold (after up to 4 re-draws).';

export interface VariantCountCells {
  perturbation: string;
  /** "0.80", or "exempt" / "off" */
  threshold: string;
  total: number;
  counted: number;
  unchanged: number;
  duplicate: number;
  rejected: number;
}

/** One row per perturbation for the variants table of every report format. */
export function variantCountCells(report: Report): VariantCountCells[] {
  const mc = report.config.meaningCheck;
  return (report.variantCounts ?? []).map((row) => ({
    ...row,
    threshold:
      mc === null
        ? 'off'
        : mc.thresholds[row.perturbation] !== undefined
          ? mc.thresholds[row.perturbation]!.toFixed(2)
          : 'exempt',
  }));
}
