/**
 * The gate engine behind `audit --max-drop/--max-tail-drop`, `merge`'s same flags, suite thresholds
 * and the vitest matchers. A gate is a composable expectation (as in CheckList): slice filter +
 * metric + comparator + bound; maxDrop, maxTailDrop, minRobustAccuracy and maxTailGap are instances.
 *
 * - A gate compares each slice's point estimate (not a CI bound) with the bound; the CI is carried
 *   along for the reports. Rounding slack GATE_EPSILON applies to every gate, so a value exactly at
 *   the limit (e.g. a drop of 1/20 against 0.05) passes everywhere.
 * - Slices come from selectSlices (./slices.ts): the tail bucket is the report's last bucket.
 * - A gate with nothing to check returns no checks and passes; adapters decide whether that is
 *   an error (matchers), a "not checked" line (suites) or nothing at all (CLI).
 * - The gates read the raw (not logit-adjusted) results.
 * Explaining a failure in words is the report layer's job (src/report/explain.ts).
 */
import { UsageError } from '../errors.ts';
import type { Report, Severity } from '../types.ts';
import { type Slice, type SliceFilter, type SliceScope, selectSlices } from './slices.ts';

export type GateName = 'maxDrop' | 'maxTailDrop' | 'minRobustAccuracy' | 'maxTailGap';
/** `drop` and `robustAccuracy` of the slice's metrics; `headTailGap` of the slice's result */
export type GateMetric = 'drop' | 'robustAccuracy' | 'headTailGap';
export type Comparator = '≤' | '≥';

export interface Gate {
  name: GateName;
  metric: GateMetric;
  comparator: Comparator;
  bound: number;
  /** the slices, as the user filtered them */
  filter: SliceFilter;
  /** the tail bucket, or the pooled summary only */
  scope: SliceScope;
}

/** One slice checked against one gate. */
export interface GateCheck extends Slice {
  /** the gate's name */
  name: GateName;
  value: number;
  ci: [number, number];
  /** the gate's bound */
  limit: number;
  passed: boolean;
}

export interface GateOutcome {
  passed: boolean;
  /** every slice checked, in slice order (for several gates: see evaluateGates) */
  checks: GateCheck[];
}

/** Rounding slack so a value of exactly the limit (e.g. 1/20 vs 0.05) passes. */
export const GATE_EPSILON = 1e-12;

export const maxDropGate = (bound: number, filter: SliceFilter = {}): Gate => ({
  name: 'maxDrop',
  metric: 'drop',
  comparator: '≤',
  bound,
  filter,
  scope: {},
});

/** maxDrop on the tail bucket's metrics; `filter.bucket` is ignored. */
export const maxTailDropGate = (bound: number, filter: SliceFilter = {}): Gate => ({
  name: 'maxTailDrop',
  metric: 'drop',
  comparator: '≤',
  bound,
  filter,
  scope: { tailBucket: true },
});

export const minRobustAccuracyGate = (bound: number, filter: SliceFilter = {}): Gate => ({
  name: 'minRobustAccuracy',
  metric: 'robustAccuracy',
  comparator: '≥',
  bound,
  filter,
  scope: {},
});

export interface TailGapFilter {
  /** check these perturbations' own gaps instead of the pooled summary's */
  perturbation?: string | readonly string[];
  severity?: Severity | readonly Severity[];
}

/**
 * headTailGap (tail-bucket drop − head-bucket drop) ≤ bound. By default on the pooled summary,
 * one gap per severity: per-perturbation gaps rest on few tail examples each and are noisy;
 * filter by perturbation to gate them anyway.
 */
export const maxTailGapGate = (bound: number, filter: TailGapFilter = {}): Gate => ({
  name: 'maxTailGap',
  metric: 'headTailGap',
  comparator: '≤',
  bound,
  filter,
  scope: { pooledOnly: true },
});

function measure(slice: Slice, metric: GateMetric): { value: number; ci: [number, number] } | null {
  if (metric === 'drop') return { value: slice.metrics.drop, ci: slice.metrics.dropCI };
  if (metric === 'robustAccuracy') {
    // The report carries no CI for robust accuracy: a degenerate interval at the point estimate.
    const value = slice.metrics.robustAccuracy;
    return { value, ci: [value, value] };
  }
  const gap = slice.result.headTailGap;
  return gap === null ? null : { value: gap.value, ci: gap.ci };
}

export function withinBound(value: number, comparator: Comparator, bound: number): boolean {
  return comparator === '≤' ? value <= bound + GATE_EPSILON : value >= bound - GATE_EPSILON;
}

/** Checks one gate on every slice it selects (slices without the metric are left out). */
export function evaluateGate(
  report: Pick<Report, 'summary' | 'results' | 'buckets'>,
  gate: Gate,
): GateOutcome {
  const checks: GateCheck[] = [];
  for (const slice of selectSlices(report, gate.filter, gate.scope)) {
    const m = measure(slice, gate.metric);
    if (m === null) continue;
    checks.push({
      ...slice,
      name: gate.name,
      value: m.value,
      ci: m.ci,
      limit: gate.bound,
      passed: withinBound(m.value, gate.comparator, gate.bound),
    });
  }
  return { passed: checks.every((c) => c.passed), checks };
}

/** Worst first: the largest value of a `≤` gate, the lowest of a `≥` gate (ties keep slice order). */
export function worstFirst(checks: readonly GateCheck[], comparator: Comparator): GateCheck[] {
  return [...checks].sort((a, b) => (comparator === '≤' ? b.value - a.value : a.value - b.value));
}

// ───────────────────────────── CLI gates ─────────────────────────────

/** The limits `audit` and `merge` take on the command line. */
export interface GateLimits {
  maxDrop?: number;
  maxTailDrop?: number;
}

function checkLimit(name: string, limit: number | undefined): number | undefined {
  if (limit === undefined) return undefined;
  if (typeof limit !== 'number' || !Number.isFinite(limit)) {
    throw new UsageError(`${name} must be a finite number (a drop, e.g. 0.05 for 5 points), got ${limit}`);
  }
  return limit;
}

/**
 * The command-line gates over all results and the pooled summary. Checks come in the order the
 * terminal lines and JUnit test cases have always had: the pooled summary first, then each result,
 * and per result maxDrop before maxTailDrop.
 */
export function evaluateGates(
  report: Pick<Report, 'summary' | 'results' | 'buckets'>,
  limits: GateLimits,
): GateOutcome {
  const maxDropLimit = checkLimit('--max-drop', limits.maxDrop);
  const maxTailDropLimit = checkLimit('--max-tail-drop', limits.maxTailDrop);
  const gates: Gate[] = [];
  if (maxDropLimit !== undefined) gates.push(maxDropGate(maxDropLimit));
  if (maxTailDropLimit !== undefined) gates.push(maxTailDropGate(maxTailDropLimit));
  const order = new Map([...report.summary, ...report.results].map((r, i) => [r, i]));
  const checks = gates
    .flatMap((gate, g) => evaluateGate(report, gate).checks.map((check) => ({ check, g })))
    .sort((a, b) => order.get(a.check.result)! - order.get(b.check.result)! || a.g - b.g)
    .map(({ check }) => check);
  return { passed: checks.every((c) => c.passed), checks };
}
