/**
 * Pure logic behind the vitest matchers and the suite gates: pick the slices of a
 * report a gate applies to, find the worst one, and explain a failure with the
 * numbers and a few flipped examples. No vitest import here, so the CLI can use it.
 */
import type { ExampleRecord, Metrics, Report, Result, Severity, VariantRecord } from '../types.ts';

export interface SliceFilter {
  /** perturbation name (`typo.keyboard`) or family (`typo`); when set, the pooled summary is not checked */
  perturbation?: string | readonly string[];
  severity?: Severity | readonly Severity[];
  /** check these buckets' metrics instead of the overall ones */
  bucket?: string | readonly string[];
  /** check these classes' metrics instead of the overall ones */
  class?: string | readonly string[];
}

/** One set of metrics a gate is checked against. */
export interface Slice {
  /** the result's perturbation; for pooled slices, whatever the summary calls itself */
  perturbation: string;
  /** from `report.summary` (all perturbations pooled) */
  pooled: boolean;
  severity: Severity;
  bucket?: string;
  class?: string;
  metrics: Metrics;
}

export type SliceMetric = 'drop' | 'robustAccuracy';

export interface GateCheck {
  pass: boolean;
  /** every slice that was checked */
  checked: number;
  /** slices on the wrong side of the bound, worst first */
  offenders: Slice[];
  /** the slice closest to failing (or the worst failing one) */
  worst: Slice;
}

const asList = <T>(v: T | readonly T[] | undefined): readonly T[] | undefined =>
  v === undefined ? undefined : Array.isArray(v) ? (v as readonly T[]) : [v as T];

/** `typo` matches `typo.keyboard`; `typo.keyboard` matches only itself. */
export function matchesPerturbation(name: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => name === p || name.startsWith(`${p}.`));
}

function describeFilter(filter: SliceFilter): string {
  const parts = Object.entries(filter)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}`);
  return parts.length ? `{ ${parts.join(', ')} }` : 'no filter';
}

/**
 * The slices a gate applies to. Without a perturbation filter: every result AND the
 * pooled summary; with bucket/class filters, those buckets'/classes' metrics instead of
 * the overall ones. Slices without any changed variant (n = 0) say nothing and are skipped.
 */
export function selectSlices(report: Report, filter: SliceFilter = {}): Slice[] {
  const perturbations = asList(filter.perturbation);
  const severities = asList(filter.severity);
  const buckets = asList(filter.bucket);
  const classes = asList(filter.class);
  const sources: Array<{ result: Result; pooled: boolean }> = [];
  for (const result of report.results) {
    if (perturbations && !matchesPerturbation(result.perturbation, perturbations)) continue;
    sources.push({ result, pooled: false });
  }
  if (!perturbations) for (const result of report.summary) sources.push({ result, pooled: true });

  const slices: Slice[] = [];
  for (const { result, pooled } of sources) {
    if (severities && !severities.includes(result.severity)) continue;
    const base = { perturbation: result.perturbation, pooled, severity: result.severity };
    if (!buckets && !classes) slices.push({ ...base, metrics: result.overall });
    for (const bucket of buckets ?? []) {
      const metrics = result.buckets[bucket];
      if (metrics) slices.push({ ...base, bucket, metrics });
    }
    for (const cls of classes ?? []) {
      const metrics = result.perClass[cls];
      if (metrics) slices.push({ ...base, class: cls, metrics });
    }
  }
  return slices.filter((s) => s.metrics.n > 0);
}

/** Thrown (not failed) when a gate has nothing to check: a typo in a filter must not pass silently. */
export class NothingToCheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NothingToCheckError';
  }
}

export class NoSlicesError extends NothingToCheckError {
  constructor(what: string, report: Report, filter: SliceFilter) {
    const available = [
      `perturbations: ${[...new Set(report.results.map((r) => r.perturbation))].join(', ') || '(none)'}`,
      `severities: ${[...new Set(report.results.map((r) => r.severity))].join(', ') || '(none)'}`,
      `buckets: ${report.buckets.map((b) => b.name).join(', ') || '(none)'}`,
    ].join('; ');
    super(
      `${what}: no slice of the report with changed variants matches ${describeFilter(filter)} (${available})`,
    );
    this.name = 'NoSlicesError';
  }
}

export function describeSlice(slice: Slice): string {
  const where = slice.pooled ? 'all perturbations pooled' : slice.perturbation;
  const scope =
    slice.bucket !== undefined
      ? `, bucket "${slice.bucket}"`
      : slice.class !== undefined
        ? `, class "${slice.class}"`
        : '';
  return `${where}, severity ${slice.severity}${scope}`;
}

export const fmt = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : String(x));

export function describeMetrics(m: Metrics, metric: SliceMetric): string {
  const n = `n=${m.n} changed variants of ${m.nExamples} examples`;
  if (metric === 'drop') {
    return `drop ${fmt(m.drop)} [${fmt(m.dropCI[0])}, ${fmt(m.dropCI[1])}] (clean ${fmt(m.cleanAccuracy)} → perturbed ${fmt(m.perturbedAccuracy)}, ${n})`;
  }
  return `robust accuracy ${fmt(m.robustAccuracy)} (clean ${fmt(m.cleanAccuracy)}, perturbed ${fmt(m.perturbedAccuracy)}, ${n})`;
}

/**
 * Check `metric ≤ bound` (drop) or `metric ≥ bound` (robust accuracy) on every slice.
 * Returns null when no slice matched.
 */
export function checkSlices(slices: readonly Slice[], metric: SliceMetric, bound: number): GateCheck | null {
  if (slices.length === 0) return null;
  const isMax = metric === 'drop';
  const value = (s: Slice): number => s.metrics[metric];
  // Worst first: the largest drop, or the lowest robust accuracy.
  const ordered = [...slices].sort((a, b) => (isMax ? value(b) - value(a) : value(a) - value(b)));
  const offenders = ordered.filter((s) => (isMax ? value(s) > bound : value(s) < bound));
  return { pass: offenders.length === 0, checked: slices.length, offenders, worst: ordered[0]! };
}

// ───────────────────────────── flipped examples ─────────────────────────────

export interface FlipEvidence {
  original: string;
  variant: string;
  gold: string;
  /** prediction on the original */
  before: string;
  /** prediction on the variant */
  predicted: string;
  confidence: number;
}

/**
 * Examples of the slice that went from right to wrong under a perturbation (those make
 * up the drop); when there are fewer than `k`, other prediction changes fill in.
 */
export function flippedExamples(report: Report, slice: Slice, k = 3): FlipEvidence[] {
  const examples = report.examples ?? [];
  const bucketLabels =
    slice.bucket !== undefined ? new Set(report.buckets.find((b) => b.name === slice.bucket)?.labels) : null;
  const inSlice = (e: ExampleRecord): boolean =>
    (bucketLabels === null || bucketLabels.has(e.label)) &&
    (slice.class === undefined || e.label === slice.class);
  const variantInSlice = (v: VariantRecord): boolean =>
    v.changed && v.severity === slice.severity && (slice.pooled || v.perturbation === slice.perturbation);
  const breaks: FlipEvidence[] = [];
  const flips: FlipEvidence[] = [];
  for (const e of examples) {
    if (!inSlice(e)) continue;
    for (const v of e.variants) {
      if (!variantInSlice(v) || v.prediction === e.prediction) continue;
      const evidence = {
        original: e.text,
        variant: v.text,
        gold: e.label,
        before: e.prediction,
        predicted: v.prediction,
        confidence: v.confidence,
      };
      if (e.prediction === e.label && v.prediction !== e.label) breaks.push(evidence);
      else flips.push(evidence);
      break; // one variant per example keeps the evidence varied
    }
    if (breaks.length >= k) break;
  }
  return [...breaks, ...flips].slice(0, k);
}

const quote = (s: string): string => JSON.stringify(s);

export function formatFlips(flips: readonly FlipEvidence[], report?: Report): string {
  if (flips.length === 0) {
    if (report && !report.examples) {
      return `  (no per-example records in the report${report.examplesFile ? `; see ${report.examplesFile}` : ''})`;
    }
    return '  (no flipped example in this slice)';
  }
  return flips
    .map(
      (f) =>
        `  ${quote(f.original)} → ${quote(f.variant)}  gold ${f.gold}, predicted ${f.predicted} (${fmt(f.confidence)})` +
        (f.before !== f.gold ? `, was ${f.before}` : ''),
    )
    .join('\n');
}

// ───────────────────────────── gate messages ─────────────────────────────

export interface GateOutcome {
  pass: boolean;
  /** failure explanation when `pass` is false; the negated explanation otherwise */
  message: string;
  /** the number the bound was compared with, for machine-readable output */
  worstValue: number;
  /** the worst slice and its numbers, one line */
  worst: string;
  /** failures only: other offenders and flipped examples (the message minus its first two lines) */
  evidence: string;
}

function others(offenders: readonly Slice[], metric: SliceMetric): string {
  const rest = offenders.slice(1);
  if (rest.length === 0) return '';
  const shown = rest
    .slice(0, 5)
    .map((s) => `${describeSlice(s)} (${fmt(s.metrics[metric])})`)
    .join('; ');
  return `also out of bounds: ${shown}${rest.length > 5 ? `; … ${rest.length - 5} more` : ''}\n`;
}

function passed(worstValue: number, worst: string, negated: string): GateOutcome {
  return { pass: true, worstValue, worst, evidence: '', message: negated };
}

function failed(worstValue: number, worst: string, headline: string, evidence: string): GateOutcome {
  return { pass: false, worstValue, worst, evidence, message: `${headline}\nworst: ${worst}\n${evidence}` };
}

/** `drop ≤ max` on every selected slice. */
export function maxDropGate(report: Report, max: number, filter: SliceFilter = {}): GateOutcome {
  const check = checkSlices(selectSlices(report, filter), 'drop', max);
  if (!check) throw new NoSlicesError('toHaveMaxDrop', report, filter);
  const { worst } = check;
  const head = `${describeSlice(worst)}: ${describeMetrics(worst.metrics, 'drop')}`;
  const value = worst.metrics.drop;
  if (check.pass) {
    return passed(
      value,
      head,
      `expected some slice to drop more than ${fmt(max)}, but all ${check.checked} are within it; largest: ${head}`,
    );
  }
  return failed(
    value,
    head,
    `expected accuracy drop ≤ ${fmt(max)}, but ${check.offenders.length} of ${check.checked} slices exceed it`,
    `${others(check.offenders, 'drop')}flipped examples (original → variant, gold, predicted):\n` +
      formatFlips(flippedExamples(report, worst), report),
  );
}

/** `robustAccuracy ≥ min` on every selected slice. */
export function minRobustAccuracyGate(report: Report, min: number, filter: SliceFilter = {}): GateOutcome {
  const check = checkSlices(selectSlices(report, filter), 'robustAccuracy', min);
  if (!check) throw new NoSlicesError('toHaveMinRobustAccuracy', report, filter);
  const { worst } = check;
  const head = `${describeSlice(worst)}: ${describeMetrics(worst.metrics, 'robustAccuracy')}`;
  const value = worst.metrics.robustAccuracy;
  if (check.pass) {
    return passed(
      value,
      head,
      `expected some slice below robust accuracy ${fmt(min)}, but all ${check.checked} reach it; lowest: ${head}`,
    );
  }
  return failed(
    value,
    head,
    `expected robust accuracy ≥ ${fmt(min)}, but ${check.offenders.length} of ${check.checked} slices fall short`,
    `${others(check.offenders, 'robustAccuracy')}flipped examples (original → variant, gold, predicted):\n` +
      formatFlips(flippedExamples(report, worst), report),
  );
}

/** The bucket holding the rarest classes: the one with the smallest training counts. */
export function tailBucket(report: Report): string | undefined {
  const sorted = [...report.buckets].sort((a, b) => a.maxCount - b.maxCount || a.minCount - b.minCount);
  return sorted[0]?.name;
}

export interface TailGapFilter {
  /** check these perturbations' own gaps instead of the pooled summary's */
  perturbation?: string | readonly string[];
  severity?: Severity | readonly Severity[];
}

function bucketDrops(report: Report, result: Result): string {
  return report.buckets
    .filter((b) => (result.buckets[b.name]?.n ?? 0) > 0)
    .map((b) => `${b.name} ${fmt(result.buckets[b.name]!.drop)}`)
    .join(', ');
}

/**
 * headTailGap (tail-bucket drop − head-bucket drop) ≤ max. By default on the pooled
 * summary, one gap per severity: per-perturbation gaps rest on few tail examples each
 * and are noisy; pass `perturbation` to gate them anyway.
 */
export function maxTailGapGate(report: Report, max: number, filter: TailGapFilter = {}): GateOutcome {
  const perturbations = asList(filter.perturbation);
  const severities = asList(filter.severity);
  const pool = perturbations
    ? report.results.filter((r) => matchesPerturbation(r.perturbation, perturbations))
    : report.summary;
  const results = pool.filter(
    (r) => r.headTailGap !== null && (!severities || severities.includes(r.severity)),
  );
  if (results.length === 0) {
    throw new NothingToCheckError(
      `toHaveMaxTailGap: no head/tail gap to check for ${describeFilter(filter)} — fewer than two buckets have data, or no result matches`,
    );
  }
  const gap = (r: Result): number => r.headTailGap!.value;
  const ordered = [...results].sort((a, b) => gap(b) - gap(a));
  const worst = ordered[0]!;
  const offenders = ordered.filter((r) => gap(r) > max);
  const where = (r: Result): string =>
    `${perturbations ? r.perturbation : 'all perturbations pooled'}, severity ${r.severity}`;
  const head =
    `${where(worst)}: head–tail gap ${fmt(gap(worst))} [${fmt(worst.headTailGap!.ci[0])}, ${fmt(worst.headTailGap!.ci[1])}]` +
    ` (drop by bucket: ${bucketDrops(report, worst)})`;
  if (offenders.length === 0) {
    return passed(
      gap(worst),
      head,
      `expected some head–tail gap above ${fmt(max)}, but all ${results.length} are within it; largest: ${head}`,
    );
  }
  const tail = tailBucket(report);
  const slice: Slice = {
    perturbation: worst.perturbation,
    pooled: !perturbations,
    severity: worst.severity,
    metrics: worst.overall,
    ...(tail !== undefined ? { bucket: tail } : {}),
  };
  return failed(
    gap(worst),
    head,
    `expected head–tail gap ≤ ${fmt(max)}, but ${offenders.length} of ${results.length} exceed it`,
    `flipped tail examples (original → variant, gold, predicted):\n${formatFlips(flippedExamples(report, slice), report)}`,
  );
}

// ───────────────────────────── invariance ─────────────────────────────

export interface InvarianceFlip {
  original: string;
  variant: string;
  perturbation: string;
  /** prediction on the original */
  before: string;
  /** prediction on the variant */
  after: string;
  /** probability of `after` on the variant */
  confidence: number;
}

export interface InvarianceOutcome {
  perturbations: string[];
  severity: Severity;
  /** input texts */
  nTexts: number;
  /** changed variants that were classified */
  n: number;
  /** variants the perturbation could not change (no eligible site) — not counted */
  unchanged: number;
  flips: InvarianceFlip[];
  flipRate: number;
  maxFlipRate: number;
  pass: boolean;
}

export function formatInvarianceFlips(flips: readonly InvarianceFlip[], k = 5): string {
  if (flips.length === 0) return '  (none)';
  const shown = flips
    .slice(0, k)
    .map(
      (f) =>
        `  ${quote(f.original)} → ${quote(f.variant)}  ${f.before} → ${f.after} (${fmt(f.confidence)})` +
        ` [${f.perturbation}]`,
    );
  if (flips.length > k) shown.push(`  … ${flips.length - k} more`);
  return shown.join('\n');
}

export function invarianceMessage(o: InvarianceOutcome): string {
  const what = `${o.perturbations.join(', ')} at severity ${o.severity}`;
  const counts = `${o.flips.length} of ${o.n} changed variants of ${o.nTexts} texts`;
  if (o.pass) {
    return `expected predictions to change under ${what}, but the flip rate ${fmt(o.flipRate)} (${counts}) is within ${fmt(o.maxFlipRate)}`;
  }
  return (
    `expected flip rate ≤ ${fmt(o.maxFlipRate)} under ${what}, got ${fmt(o.flipRate)} (${counts} changed prediction)\n` +
    `flipped (original → variant, before → after):\n${formatInvarianceFlips(o.flips)}`
  );
}
