/**
 * `compare --max-regression X`: did HEAD lose robustness beyond X? A slice fails when HEAD's drop exceeds
 * BASE's by more than X (a fraction: 0.02 = 2 points) AND the paired CI of that difference lies entirely
 * above 0 — a regression both large enough to matter and distinguishable from resampling noise.
 *
 * Slices, like `--max-drop`'s: the pooled summary per severity and each perturbation × severity (overall,
 * not per bucket or class: those rest on few examples each). A slice without paired variants is not
 * checked; one without a CI (too few examples) is checked but cannot fail. A gate that checks no slice
 * fails (nothing was compared), as every gate of the audit does.
 */
import { UsageError } from '../errors.ts';
import { GATE_EPSILON } from '../measure/gates.ts';
import type { Comparison, RegressionCheck, RegressionGate, ScopeComparison } from './types.ts';

/** `--max-regression`: a fraction in [0, 1] (0.02 = 2 percentage points). */
export function checkMaxRegression(value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new UsageError(
      `--max-regression must be a fraction in [0, 1] (e.g. 0.02 for 2 percentage points); got ${value}`,
    );
  }
  return value;
}

/** Does this difference fail the gate? Above the limit, with its CI above 0. */
export function isRegression(value: number, ci: readonly [number, number] | null, limit: number): boolean {
  return value > limit + GATE_EPSILON && ci !== null && ci[0] > 0;
}

export function evaluateRegressionGate(
  comparison: Pick<Comparison, 'summary' | 'results'>,
  maxRegression: number,
): RegressionGate {
  const limit = checkMaxRegression(maxRegression);
  const checks: RegressionCheck[] = [];
  const check = (scope: ScopeComparison): void => {
    const { overall } = scope;
    if (overall.n === 0) return;
    checks.push({
      perturbation: scope.perturbation,
      severity: scope.severity,
      value: overall.drop.diff,
      ci: overall.drop.ci,
      limit,
      passed: !isRegression(overall.drop.diff, overall.drop.ci, limit),
    });
  };
  comparison.summary.forEach(check);
  comparison.results.forEach(check);
  const unevaluated = checks.length === 0;
  return { maxRegression: limit, passed: !unevaluated && checks.every((c) => c.passed), checks, unevaluated };
}
