/**
 * Slices of a report: the sets of metrics a gate is checked against. One selection rule for
 * the CLI gates, `merge`, suites and the vitest matchers, so a limit means the same everywhere.
 *
 * - Without a perturbation filter a gate sees every result AND the pooled summary
 *   (perturbation `'*'`); with one, only the matching results.
 * - With bucket/class filters a slice holds that bucket's/class's metrics, else the overall ones.
 * - Slices without a changed variant (n = 0) say nothing: selectSlices leaves them out;
 *   candidateSlices keeps them, so the gate engine can say which slices it could not check.
 * - The attack gates slice the report's `attack` section instead (attackSlices): overall, or the
 *   buckets/classes named; it has no perturbation × severity results.
 *
 * The tail bucket is the last bucket of `report.buckets`. assignBuckets orders buckets head → tail
 * in every mode with strictly decreasing `maxCount` (threshold ranges are disjoint, quantile ties
 * never split), so this is also the bucket with the smallest training counts — and it is the
 * bucket the renderers and the head–tail gap call the tail.
 */
import type { AttackMetrics, Metrics, Report, Result, Severity } from '../types.ts';

/**
 * What slicing reads of a report: its results and buckets, the fairness slices its perturbations
 * declare, and its attack section (when an attack ran).
 */
export type SlicedReport = Pick<Report, 'summary' | 'results' | 'buckets'> &
  Partial<Pick<Report, 'fairness' | 'attack'>>;

export interface SliceFilter {
  /** perturbation name (`typo.keyboard`) or family (`typo`); when set, the pooled summary is not checked */
  perturbation?: string | readonly string[];
  severity?: Severity | readonly Severity[];
  /** check these buckets' metrics instead of the overall ones */
  bucket?: string | readonly string[];
  /** check these classes' metrics instead of the overall ones */
  class?: string | readonly string[];
  /**
   * only results of perturbations that declare one of these fairness slices (`gender`), or any slice
   * (`true`), as `report.fairness` lists them; the pooled summary is not checked
   */
  fairness?: true | string | readonly string[];
}

/** Where a gate looks beyond its filter: the report's tail bucket, or only the pooled summary. */
export interface SliceScope {
  /** the tail bucket's metrics instead of the overall ones */
  tailBucket?: boolean;
  /** without a perturbation filter, only the pooled summary (not each result) */
  pooledOnly?: boolean;
}

/** One set of metrics a gate is checked against. */
export interface Slice {
  /** the result's perturbation; for pooled slices, whatever the summary calls itself (`'*'`) */
  perturbation: string;
  /** from `report.summary` (all perturbations pooled) */
  pooled: boolean;
  severity: Severity;
  bucket?: string;
  class?: string;
  /** the fairness slice the result's perturbation declares (slices selected by `fairness` only) */
  fairness?: string;
  metrics: Metrics;
  /** the result the slice was cut from (its head–tail gap, its other buckets) */
  result: Result;
  /** never set: what tells a result's slice from an attack slice */
  attack?: undefined;
}

/**
 * One set of attack metrics a gate is checked against: the attack section's overall metrics, or one
 * bucket's or one class's. The attack has no perturbation × severity results, so none of a result
 * slice's other fields (declared absent, so a reader of any gate check may ask for them).
 */
export interface AttackSlice {
  /** the slice's attack metrics */
  attack: AttackMetrics;
  bucket?: string;
  class?: string;
  perturbation?: undefined;
  pooled?: undefined;
  severity?: undefined;
  fairness?: undefined;
  metrics?: undefined;
  result?: undefined;
}

/** A slice any gate checks: a result's, or the attack section's. */
export type GateSlice = Slice | AttackSlice;

export const isAttackSlice = (slice: GateSlice): slice is AttackSlice => slice.attack !== undefined;

export const asList = <T>(v: T | readonly T[] | undefined): readonly T[] | undefined =>
  v === undefined ? undefined : Array.isArray(v) ? (v as readonly T[]) : [v as T];

/** `typo` matches `typo.keyboard`; `typo.keyboard` matches only itself. */
export function matchesPerturbation(name: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => name === p || name.startsWith(`${p}.`));
}

/** The bucket holding the rarest classes (see the header): the last of `report.buckets`. */
export function tailBucket(report: Pick<Report, 'buckets'>): string | undefined {
  return report.buckets.at(-1)?.name;
}

/** The slices a gate applies to, in report order: results first, then the pooled summary. */
export function selectSlices(
  report: SlicedReport,
  filter: SliceFilter = {},
  scope: SliceScope = {},
): Slice[] {
  return candidateSlices(report, filter, scope).filter((s) => s.metrics.n > 0);
}

/** Like selectSlices, but keeping the slices without a changed variant (n = 0). */
export function candidateSlices(
  report: SlicedReport,
  filter: SliceFilter = {},
  scope: SliceScope = {},
): Slice[] {
  const perturbations = asList(filter.perturbation);
  const fairness = filter.fairness === undefined ? undefined : fairnessSliceOf(report, filter.fairness);
  const severities = asList(filter.severity);
  const tail = scope.tailBucket ? tailBucket(report) : undefined;
  if (scope.tailBucket && tail === undefined) return [];
  const buckets = tail !== undefined ? [tail] : asList(filter.bucket);
  const classes = asList(filter.class);
  const sources: Array<{ result: Result; pooled: boolean }> = [];
  const byResult = perturbations !== undefined || fairness !== undefined;
  if (!(scope.pooledOnly && !byResult)) {
    for (const result of report.results) {
      if (perturbations && !matchesPerturbation(result.perturbation, perturbations)) continue;
      if (fairness && !fairness.has(result.perturbation)) continue;
      sources.push({ result, pooled: false });
    }
  }
  if (!byResult) for (const result of report.summary) sources.push({ result, pooled: true });

  const slices: Slice[] = [];
  for (const { result, pooled } of sources) {
    if (severities && !severities.includes(result.severity)) continue;
    const slice = fairness?.get(result.perturbation);
    const base = {
      perturbation: result.perturbation,
      pooled,
      severity: result.severity,
      ...(slice !== undefined ? { fairness: slice } : {}),
    };
    if (!buckets && !classes) slices.push({ ...base, metrics: result.overall, result });
    for (const bucket of buckets ?? []) {
      const metrics = result.buckets[bucket];
      if (metrics) slices.push({ ...base, bucket, metrics, result });
    }
    for (const cls of classes ?? []) {
      const metrics = result.perClass[cls];
      if (metrics) slices.push({ ...base, class: cls, metrics, result });
    }
  }
  return slices;
}

/**
 * The attack section's slices a gate selects, in report order: the overall metrics without a bucket or
 * class filter, else each named bucket's, then each named class's (a name the section lacks selects
 * nothing). [] when the report has no attack section; the gate engine refuses that case first.
 */
export function attackSlices(
  report: SlicedReport,
  filter: Pick<SliceFilter, 'bucket' | 'class'> = {},
): AttackSlice[] {
  const section = report.attack;
  if (section === undefined) return [];
  const buckets = asList(filter.bucket);
  const classes = asList(filter.class);
  if (!buckets && !classes) return [{ attack: section.overall }];
  const slices: AttackSlice[] = [];
  for (const bucket of buckets ?? []) {
    const attack = section.buckets[bucket];
    if (attack) slices.push({ attack, bucket });
  }
  for (const cls of classes ?? []) {
    const attack = section.perClass[cls];
    if (attack) slices.push({ attack, class: cls });
  }
  return slices;
}

/** Perturbation → the fairness slice it declares, for the perturbations whose slice is selected. */
function fairnessSliceOf(
  report: SlicedReport,
  selected: true | string | readonly string[],
): Map<string, string> {
  const slices = selected === true ? undefined : asList(selected);
  const out = new Map<string, string>();
  for (const f of report.fairness ?? []) {
    if (slices === undefined || slices.includes(f.slice)) out.set(f.perturbation, f.slice);
  }
  return out;
}
