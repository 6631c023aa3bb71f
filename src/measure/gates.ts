/**
 * Robustness gates (`--max-drop`, `--max-tail-drop`) → exit code 1 and JUnit test cases.
 *
 * - maxDrop X: the overall drop of every result — each perturbation × severity and each pooled
 *   per-severity summary (perturbation '*') — must be ≤ X.
 * - maxTailDrop X: the drop of the tail bucket (the last bucket of `report.buckets`) must be ≤ X in
 *   every result and summary.
 * A gate compares the point estimate (not a CI bound) with the limit; the CI is reported alongside.
 * Results where the gated group has no changed variant (n = 0) are not checked: nothing was measured.
 * The gates read the raw (not logit-adjusted) results.
 */
import { UsageError } from '../errors.ts';
import type { Report, Result, Severity } from '../types.ts';

export interface GateLimits {
  maxDrop?: number;
  maxTailDrop?: number;
}

export interface GateCheck {
  /** `maxDrop` or `maxTailDrop` */
  name: string;
  /** perturbation name, `'*'` for the pooled summary */
  perturbation: string;
  severity: Severity;
  /** the bucket gated by maxTailDrop */
  bucket?: string;
  value: number;
  ci: [number, number];
  limit: number;
  passed: boolean;
}

export interface GateOutcome {
  passed: boolean;
  checks: GateCheck[];
}

/** Rounding slack so a drop of exactly the limit (e.g. 1/20 vs 0.05) passes. */
const EPSILON = 1e-12;

function checkLimit(name: string, limit: number | undefined): number | undefined {
  if (limit === undefined) return undefined;
  if (typeof limit !== 'number' || !Number.isFinite(limit)) {
    throw new UsageError(`${name} must be a finite number (a drop, e.g. 0.05 for 5 points), got ${limit}`);
  }
  return limit;
}

export function evaluateGates(
  report: Pick<Report, 'summary' | 'results' | 'buckets'>,
  gates: GateLimits,
): GateOutcome {
  const maxDrop = checkLimit('--max-drop', gates.maxDrop);
  const maxTailDrop = checkLimit('--max-tail-drop', gates.maxTailDrop);
  const tail = report.buckets.length > 0 ? report.buckets[report.buckets.length - 1].name : undefined;
  const checks: GateCheck[] = [];
  const all: Result[] = [...report.summary, ...report.results];
  for (const r of all) {
    if (maxDrop !== undefined && r.overall.n > 0) {
      checks.push({
        name: 'maxDrop',
        perturbation: r.perturbation,
        severity: r.severity,
        value: r.overall.drop,
        ci: r.overall.dropCI,
        limit: maxDrop,
        passed: r.overall.drop <= maxDrop + EPSILON,
      });
    }
    const tailMetrics = tail === undefined ? undefined : r.buckets[tail];
    if (maxTailDrop !== undefined && tailMetrics && tailMetrics.n > 0) {
      checks.push({
        name: 'maxTailDrop',
        perturbation: r.perturbation,
        severity: r.severity,
        bucket: tail,
        value: tailMetrics.drop,
        ci: tailMetrics.dropCI,
        limit: maxTailDrop,
        passed: tailMetrics.drop <= maxTailDrop + EPSILON,
      });
    }
  }
  return { passed: checks.every((c) => c.passed), checks };
}
