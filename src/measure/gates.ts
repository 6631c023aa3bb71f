/**
 * The gate engine behind `audit --max-drop/--max-tail-drop`, `merge`'s same flags, suite thresholds
 * and the vitest matchers. A gate is a composable expectation (as in CheckList): slice filter +
 * metric + comparator + bound; maxDrop, maxTailDrop, maxTailBreak, minRobustAccuracy, maxTailGap,
 * maxFairnessFailure, and on the attack section maxAttackSuccess and minAccuracyUnderAttack are instances.
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
 * - The attack gates read the report's `attack` section (attackSlices): a report without one is a usage
 *   error (exit 2), not a failed gate — the run that would have measured it was not asked for.
 * Explaining a failure in words is the report layer's job (src/report/explain.ts).
 */
import { UsageError } from '../errors.ts';
import { DEFAULT_GAP_METRIC, GAP_METRICS, type GapMetric, type Severity } from '../types.ts';
import {
  attackSlices,
  candidateSlices,
  type GateSlice,
  isAttackSlice,
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
  | 'maxFairnessFailure'
  | 'maxAttackSuccess'
  | 'minAccuracyUnderAttack';
/**
 * `drop`, `breakRate`, `flipRate` (a fairness slice's invariance failure rate) and `robustAccuracy` of
 * the slice's metrics; `headTailGap` of the slice's result; `attackSuccessRate` and
 * `accuracyUnderAttack` of an attack slice
 */
export type GateMetric =
  | 'drop'
  | 'breakRate'
  | 'flipRate'
  | 'robustAccuracy'
  | 'headTailGap'
  | 'attackSuccessRate'
  | 'accuracyUnderAttack';
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

interface CheckedFields {
  /** the gate's name */
  name: GateName;
  value: number;
  /** the value's CI (null when it rests on too few examples) */
  ci: [number, number] | null;
  /** the gate's bound */
  limit: number;
  passed: boolean;
}

/** One slice (a result's, or the attack section's: isAttackSlice tells) checked against one gate. */
export type GateCheck = GateSlice & CheckedFields;

/**
 * A slice the gate selected that has nothing to check: no changed variants, no head–tail gap, or (an
 * attack slice) no example, or none classified correctly, so nothing attacked.
 */
export type SkippedSlice = GateSlice & { name: GateName; limit: number };

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

/** Which of an attack slice's metrics the attack gates check: overall, or these buckets' or classes'. */
export interface AttackFilter {
  /** these buckets' metrics instead of the overall ones */
  bucket?: string | readonly string[];
  /** these classes' metrics instead of the overall ones */
  class?: string | readonly string[];
}

const attackFilter = (filter: AttackFilter): SliceFilter => ({
  ...(filter.bucket !== undefined ? { bucket: filter.bucket } : {}),
  ...(filter.class !== undefined ? { class: filter.class } : {}),
});

/**
 * The attack success rate ≤ bound: among the originally correct examples, the share the search flipped
 * within its budgets. Overall by default; the buckets' or classes' with `filter`.
 */
export const maxAttackSuccessGate = (bound: number, filter: AttackFilter = {}): Gate => ({
  name: 'maxAttackSuccess',
  metric: 'attackSuccessRate',
  comparator: '≤',
  bound,
  filter: attackFilter(filter),
  scope: {},
});

/**
 * The accuracy under attack ≥ bound: the share of all examples classified correctly and not flipped by
 * the search. Overall by default; the buckets' or classes' with `filter`.
 */
export const minAccuracyUnderAttackGate = (bound: number, filter: AttackFilter = {}): Gate => ({
  name: 'minAccuracyUnderAttack',
  metric: 'accuracyUnderAttack',
  comparator: '≥',
  bound,
  filter: attackFilter(filter),
  scope: {},
});

/** Whether the gate reads the report's attack section (rather than its results). */
export const isAttackGate = (gate: Pick<Gate, 'metric'>): boolean =>
  gate.metric === 'attackSuccessRate' || gate.metric === 'accuracyUnderAttack';

/**
 * The usage error of an attack gate on a report without an attack section; `what` names the gate as
 * its caller knows it (a flag, a matcher, a suite threshold).
 */
export function requireAttackSection(hasAttack: boolean, what: string): void {
  if (hasAttack) return;
  throw new UsageError(
    `${what} checks the report's attack section, and this report has none: run \`tailcheck attack\` or \`tailcheck audit --attack\` (or audit({ attack: {} })) to measure it`,
  );
}

/** The gap a headTailGap gate reads from a result. */
export const gateGap = (gate: Pick<Gate, 'gapMetric'>, result: Slice['result']) =>
  result.headTailGaps[gate.gapMetric ?? DEFAULT_GAP_METRIC];

/**
 * The slice's value of the gate's metric; null when it has none (no changed variants, no changed variant
 * of a correct original for the break rate, no gap).
 */
function measure(slice: GateSlice, gate: Gate): { value: number; ci: [number, number] | null } | null {
  if (isAttackSlice(slice)) {
    const estimate =
      gate.metric === 'attackSuccessRate' ? slice.attack.attackSuccessRate : slice.attack.accuracyUnderAttack;
    return estimate.value === null ? null : { value: estimate.value, ci: estimate.ci };
  }
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

/**
 * Checks one gate on every slice it selects; slices without the metric are skipped, and no check fails.
 * An attack gate on a report without an attack section is a usage error.
 */
export function evaluateGate(report: SlicedReport, gate: Gate): GateOutcome {
  const checks: GateCheck[] = [];
  const skipped: SkippedSlice[] = [];
  if (isAttackGate(gate)) requireAttackSection(report.attack !== undefined, gate.name);
  const slices: GateSlice[] = isAttackGate(gate)
    ? attackSlices(report, gate.filter)
    : candidateSlices(report, gate.filter, gate.scope);
  for (const slice of slices) {
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
  /** the attack section's overall attack success rate */
  maxAttackSuccess?: number;
  /** the attack section's overall accuracy under attack */
  minAccuracyUnderAttack?: number;
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
 * A report without an attack section given an attack limit: a usage error naming the flags (before
 * any work, when the command knows whether it runs an attack; `hasAttack` says so).
 */
export function checkAttackLimits(limits: GateLimits, hasAttack: boolean): void {
  const flags = [
    limits.maxAttackSuccess !== undefined ? '--max-attack-success' : undefined,
    limits.minAccuracyUnderAttack !== undefined ? '--min-accuracy-under-attack' : undefined,
  ].filter((f) => f !== undefined);
  if (flags.length > 0) requireAttackSection(hasAttack, flags.join(' and '));
}

/**
 * The command-line gates over all results and the pooled summary, and over the attack section. Checks
 * (and skipped slices) come in the order the terminal lines and JUnit test cases have always had: the
 * pooled summary first, then each result, and per result maxDrop, maxTailDrop, maxTailBreak,
 * maxFairnessFailure; then the attack section's maxAttackSuccess, minAccuracyUnderAttack. A gate that
 * checks nothing fails (--max-fairness-failure with no perturbation declaring a fairness slice, too);
 * an attack limit on a report without an attack section is a usage error.
 */
export function evaluateGates(report: SlicedReport, limits: GateLimits): GateOutcome {
  const maxDropLimit = checkGateLimit('--max-drop', limits.maxDrop);
  const maxTailDropLimit = checkGateLimit('--max-tail-drop', limits.maxTailDrop);
  const maxTailBreakLimit = checkGateLimit('--max-tail-break', limits.maxTailBreak);
  const maxFairnessLimit = checkGateLimit('--max-fairness-failure', limits.maxFairnessFailure);
  const maxAttackSuccessLimit = checkGateLimit('--max-attack-success', limits.maxAttackSuccess);
  const minUnderAttackLimit = checkGateLimit('--min-accuracy-under-attack', limits.minAccuracyUnderAttack);
  checkAttackLimits(limits, report.attack !== undefined);
  const gates: Gate[] = [];
  if (maxDropLimit !== undefined) gates.push(maxDropGate(maxDropLimit));
  if (maxTailDropLimit !== undefined) gates.push(maxTailDropGate(maxTailDropLimit));
  if (maxTailBreakLimit !== undefined) gates.push(maxTailBreakGate(maxTailBreakLimit));
  if (maxFairnessLimit !== undefined) gates.push(maxFairnessFailureGate(maxFairnessLimit));
  if (maxAttackSuccessLimit !== undefined) gates.push(maxAttackSuccessGate(maxAttackSuccessLimit));
  if (minUnderAttackLimit !== undefined) gates.push(minAccuracyUnderAttackGate(minUnderAttackLimit));
  const order = new Map([...report.summary, ...report.results].map((r, i) => [r, i]));
  // the attack section's slices come after every result's
  const rank = (slice: GateSlice): number => (isAttackSlice(slice) ? order.size : order.get(slice.result)!);
  const outcomes = gates.map((gate) => evaluateGate(report, gate));
  const inOrder = <T extends GateSlice>(pick: (o: GateOutcome) => T[]): T[] =>
    outcomes
      .flatMap((o, g) => pick(o).map((item) => ({ item, g })))
      .sort((a, b) => rank(a.item) - rank(b.item) || a.g - b.g)
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
