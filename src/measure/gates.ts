/**
 * The gate engine behind `audit --max-drop/--max-tail-drop`, `merge`'s same flags, suite thresholds
 * and the vitest matchers. A gate is a composable expectation (as in CheckList): slice filter +
 * metric + comparator + bound; maxDrop, maxTailDrop, maxTailBreak, minRobustAccuracy, maxTailGap and
 * maxFairnessFailure are instances.
 *
 * - A gate compares each slice's point estimate (not a CI bound) with the bound; the CI is carried
 *   along for the reports. Rounding slack GATE_EPSILON applies to every gate, so a value exactly at
 *   the limit (e.g. a drop of 1/20 against 0.05) passes everywhere.
 * - Slices come from candidateSlices (./slices.ts): the tail bucket is the report's last bucket.
 *   A selected slice without the metric (no changed variants; no head–tail gap) is `skipped`, and
 *   reported as such, never silently dropped.
 * - A gate that checks no slice at all cannot be evaluated, and FAILS: it is listed in `unevaluated`
 *   and `passed` is false, so `audit`, `merge` and suites exit 1 / fail with the reason
 *   (src/report/explain.ts says why). The matchers throw NothingToCheckError instead: there a gate
 *   with nothing to check is a mistake in the test (a typo in a filter), not a result.
 * - The gates read the raw (not logit-adjusted) results.
 * Explaining a failure in words is the report layer's job (src/report/explain.ts).
 */
import { UsageError } from '../errors.ts';
import { DEFAULT_GAP_METRIC, GAP_METRICS, type GapMetric, type Severity } from '../types.ts';
import {
  candidateSlices,
  type Slice,
  type SlicedReport,
  type SliceFilter,
  type SliceScope,
} from './slices.ts';

export type GateName =
  | 'maxDrop'
  | 'maxTailDrop'
  | 'maxTailBreak'
  | 'minRobustAccuracy'
  | 'maxTailGap'
  | 'maxFairnessFailure';
/**
 * `drop`, `breakRate`, `flipRate` (a fairness slice's invariance failure rate) and `robustAccuracy` of
 * the slice's metrics; `headTailGap` of the slice's result
 */
export type GateMetric = 'drop' | 'breakRate' | 'flipRate' | 'robustAccuracy' | 'headTailGap';
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
  /** headTailGap only: the measure the gap is taken on (default break) */
  gapMetric?: GapMetric;
}

/** One slice checked against one gate. */
export interface GateCheck extends Slice {
  /** the gate's name */
  name: GateName;
  value: number;
  /** the value's CI (null when it rests on too few examples) */
  ci: [number, number] | null;
  /** the gate's bound */
  limit: number;
  passed: boolean;
}

/** A slice the gate selected that has nothing to check: no changed variants, or no head–tail gap. */
export interface SkippedSlice extends Slice {
  name: GateName;
  limit: number;
}

/** A gate that checked no slice at all: it fails rather than vanish. */
export interface UnevaluatedGate {
  gate: Gate;
  /** the slices it selected, none with data ([] when no slice matched at all) */
  skipped: SkippedSlice[];
}

export interface GateOutcome {
  /** every gate checked at least one slice, and every check passed */
  passed: boolean;
  /** every slice checked, in slice order (for several gates: see evaluateGates) */
  checks: GateCheck[];
  /** slices selected but without the metric, in the same order */
  skipped: SkippedSlice[];
  /** gates that checked nothing (each makes `passed` false) */
  unevaluated: UnevaluatedGate[];
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

/**
 * The tail bucket's break rate ≤ bound: among its changed variants of correctly classified originals,
 * the share now wrong. Unlike maxTailDrop it does not pass a tail merely because it had little accuracy
 * to lose. `filter.bucket` is ignored; a slice without a correct original is skipped.
 */
export const maxTailBreakGate = (bound: number, filter: SliceFilter = {}): Gate => ({
  name: 'maxTailBreak',
  metric: 'breakRate',
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
  /** check the gaps of the perturbations declaring these fairness slices (`true`: any slice) */
  fairness?: true | string | readonly string[];
  severity?: Severity | readonly Severity[];
  /** the measure the gap is taken on: break (default), flip or drop */
  metric?: GapMetric;
}

/**
 * headTailGaps[metric] (the metric of the tail-most bucket with data − that of the head-most; break rate
 * by default) ≤ bound. By default on the pooled summary, one gap per severity: per-perturbation gaps rest
 * on few tail examples each and are noisy; filter by perturbation to gate them anyway.
 */
export const maxTailGapGate = (bound: number, filter: TailGapFilter = {}): Gate => {
  const { metric = DEFAULT_GAP_METRIC, ...slices } = filter;
  if (!GAP_METRICS.includes(metric)) {
    throw new UsageError(
      `maxTailGap: metric must be one of ${GAP_METRICS.join(', ')}; got ${String(metric)}`,
    );
  }
  return {
    name: 'maxTailGap',
    metric: 'headTailGap',
    comparator: '≤',
    bound,
    filter: slices,
    scope: { pooledOnly: true },
    gapMetric: metric,
  };
};

export interface FairnessFilter {
  /** the fairness slices (`gender`, `location`); default every slice the report has */
  slice?: string | readonly string[];
  /** check these buckets' failure rates instead of the overall ones */
  bucket?: string | readonly string[];
  severity?: Severity | readonly Severity[];
  /** only these perturbations (of those declaring the slices) */
  perturbation?: string | readonly string[];
}

/**
 * A fairness slice's invariance failure rate ≤ bound: among the changed variants of a perturbation that
 * declares the slice (`fairness: 'gender'`), the share whose prediction changed — the result's flip
 * rate. Overall by default, per bucket with `filter.bucket`; one check per perturbation × severity.
 */
export const maxFairnessFailureGate = (bound: number, filter: FairnessFilter = {}): Gate => {
  const { slice, ...slices } = filter;
  return {
    name: 'maxFairnessFailure',
    metric: 'flipRate',
    comparator: '≤',
    bound,
    filter: { ...slices, fairness: slice ?? true },
    scope: {},
  };
};

/** The gap a headTailGap gate reads from a result. */
export const gateGap = (gate: Pick<Gate, 'gapMetric'>, result: Slice['result']) =>
  result.headTailGaps[gate.gapMetric ?? DEFAULT_GAP_METRIC];

/**
 * The slice's value of the gate's metric; null when it has none (no changed variants, no changed variant
 * of a correct original for the break rate, no gap).
 */
function measure(slice: Slice, gate: Gate): { value: number; ci: [number, number] | null } | null {
  const m = slice.metrics;
  if (m.n === 0) return null;
  if (gate.metric === 'drop') return { value: m.drop, ci: m.dropCI };
  if (gate.metric === 'breakRate')
    return m.nFromCorrect === 0 ? null : { value: m.breakRate, ci: m.breakRateCI };
  if (gate.metric === 'flipRate') return { value: m.flipRate, ci: m.flipRateCI };
  // The report carries no CI for robust accuracy: none, rather than a zero-width one at the point.
  if (gate.metric === 'robustAccuracy') return { value: m.robustAccuracy, ci: null };
  const gap = gateGap(gate, slice.result);
  return gap === null ? null : { value: gap.value, ci: gap.ci };
}

export function withinBound(value: number, comparator: Comparator, bound: number): boolean {
  return comparator === '≤' ? value <= bound + GATE_EPSILON : value >= bound - GATE_EPSILON;
}

/** Checks one gate on every slice it selects; slices without the metric are skipped, and no check fails. */
export function evaluateGate(report: SlicedReport, gate: Gate): GateOutcome {
  const checks: GateCheck[] = [];
  const skipped: SkippedSlice[] = [];
  for (const slice of candidateSlices(report, gate.filter, gate.scope)) {
    const m = measure(slice, gate);
    if (m === null) {
      skipped.push({ ...slice, name: gate.name, limit: gate.bound });
      continue;
    }
    checks.push({
      ...slice,
      name: gate.name,
      value: m.value,
      ci: m.ci,
      limit: gate.bound,
      passed: withinBound(m.value, gate.comparator, gate.bound),
    });
  }
  const unevaluated = checks.length === 0 ? [{ gate, skipped }] : [];
  return { passed: checks.length > 0 && checks.every((c) => c.passed), checks, skipped, unevaluated };
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
  maxTailBreak?: number;
  /** every fairness slice's invariance failure rate, overall, per perturbation × severity */
  maxFairnessFailure?: number;
}

/**
 * A command-line gate limit: a fraction in [0, 1], as every number in flags and JSON is. `--max-drop 5`
 * (meant as 5 points) would pass every drop, so it is refused, with the fraction it probably meant.
 * `name` is the flag.
 */
export function checkGateLimit(name: string, limit: number | undefined): number | undefined {
  if (limit === undefined) return undefined;
  if (typeof limit !== 'number' || !Number.isFinite(limit)) {
    throw new UsageError(
      `${name} must be a number, a fraction in [0, 1] (e.g. 0.05 for 5 points); got ${limit}`,
    );
  }
  if (limit < 0 || limit > 1) {
    const meant = limit > 1 && limit <= 100 ? ` (for ${limit} points write ${name} ${limit / 100})` : '';
    throw new UsageError(
      `${name} must be a fraction in [0, 1], e.g. 0.05 for 5 points; got ${limit}${meant}`,
    );
  }
  return limit;
}

/**
 * The command-line gates over all results and the pooled summary. Checks (and skipped slices) come in
 * the order the terminal lines and JUnit test cases have always had: the pooled summary first, then
 * each result, and per result maxDrop, maxTailDrop, maxTailBreak, maxFairnessFailure. A gate that
 * checks nothing fails (--max-fairness-failure with no perturbation declaring a fairness slice, too).
 */
export function evaluateGates(report: SlicedReport, limits: GateLimits): GateOutcome {
  const maxDropLimit = checkGateLimit('--max-drop', limits.maxDrop);
  const maxTailDropLimit = checkGateLimit('--max-tail-drop', limits.maxTailDrop);
  const maxTailBreakLimit = checkGateLimit('--max-tail-break', limits.maxTailBreak);
  const maxFairnessLimit = checkGateLimit('--max-fairness-failure', limits.maxFairnessFailure);
  const gates: Gate[] = [];
  if (maxDropLimit !== undefined) gates.push(maxDropGate(maxDropLimit));
  if (maxTailDropLimit !== undefined) gates.push(maxTailDropGate(maxTailDropLimit));
  if (maxTailBreakLimit !== undefined) gates.push(maxTailBreakGate(maxTailBreakLimit));
  if (maxFairnessLimit !== undefined) gates.push(maxFairnessFailureGate(maxFairnessLimit));
  const order = new Map([...report.summary, ...report.results].map((r, i) => [r, i]));
  const outcomes = gates.map((gate) => evaluateGate(report, gate));
  const inOrder = <T extends Slice>(pick: (o: GateOutcome) => T[]): T[] =>
    outcomes
      .flatMap((o, g) => pick(o).map((item) => ({ item, g })))
      .sort((a, b) => order.get(a.item.result)! - order.get(b.item.result)! || a.g - b.g)
      .map(({ item }) => item);
  const checks = inOrder((o) => o.checks);
  const unevaluated = outcomes.flatMap((o) => o.unevaluated);
  return {
    passed: unevaluated.length === 0 && checks.every((c) => c.passed),
    checks,
    skipped: inOrder((o) => o.skipped),
    unevaluated,
  };
}
