/**
 * What the compare renderers (compare-terminal.ts, compare-markdown.ts, compare-html.ts) share: the
 * rows each shows and the words that define the numbers. Pure functions; dataset strings are escaped
 * by each renderer.
 */

import { percent, points, pointsCI } from '../compare/format.ts';
import type {
  Comparison,
  PairedDelta,
  RegressionCheck,
  ScopeComparison,
  SliceComparison,
} from '../compare/types.ts';
import { POOLED } from '../measure/accumulator.ts';
import type { Severity } from '../types.ts';
import { compareStrings, stripControls } from '../util/strings.ts';
import { MISSING, pp } from './common.ts';

export { percent, points, pointsCI };

/** The legend every compare output carries. */
export function compareLegend(c: Pick<Comparison, 'config'>): string {
  const level = Math.round(c.config.bootstrap.confidence * 100);
  return (
    `Δ = HEAD − BASE in percentage points (pp), measured on the paired variants only (same example, perturbation, severity, variant and text; counted in both reports); positive = HEAD is less robust. ` +
    `${level} % CIs from a paired bootstrap (${c.config.bootstrap.resamples} resamples, seed ${c.config.seed}): examples are resampled within their class, the same draw for both reports. ` +
    "Drop = mean over variants of (original correct − variant correct). Flip rate = share of variants whose prediction differs from the original's. " +
    "Break rate = among variants of originals the report classified correctly, the share now wrong; each report's rate is on its own correctly classified originals, and Δ is the difference of the two rates."
  );
}

/** "+2.2 [+0.4, +4.0]" (pp without the unit, for table cells); "—" for no data. */
export function deltaCell(d: PairedDelta | null): string {
  if (d === null) return MISSING;
  return d.ci ? `${pp(d.diff)} [${pp(d.ci[0])}, ${pp(d.ci[1])}]` : `${pp(d.diff)} (too few examples)`;
}

/** "10.1 → 12.3" (percent without the unit, for table cells). */
export function rateChange(d: PairedDelta | null): string {
  if (d === null) return MISSING;
  return `${(d.base * 100).toFixed(1)} → ${(d.head * 100).toFixed(1)}`;
}

/** Whether a difference's CI lies above 0 (HEAD worse), below 0 (HEAD better), or neither. */
export function direction(d: PairedDelta | null): 'worse' | 'better' | 'same' {
  if (d?.ci == null) return 'same';
  if (d.ci[0] > 0) return 'worse';
  if (d.ci[1] < 0) return 'better';
  return 'same';
}

export function perturbationName(name: string): string {
  return name === POOLED ? 'all (pooled)' : name;
}

/** Severities with a pooled scope, ascending. */
export function comparedSeverities(c: Pick<Comparison, 'summary' | 'results'>): Severity[] {
  const found = new Set<Severity>([...c.summary, ...c.results].map((s) => s.severity));
  return [...found].sort((a, b) => a - b);
}

/** Each perturbation's scope at a severity, then the pooled one. */
export function scopesAt(c: Pick<Comparison, 'summary' | 'results'>, severity: Severity): ScopeComparison[] {
  const pooled = c.summary.find((s) => s.severity === severity);
  return [...c.results.filter((s) => s.severity === severity), ...(pooled ? [pooled] : [])];
}

export function pooledAt(c: Pick<Comparison, 'summary'>, severity: Severity): ScopeComparison | undefined {
  return c.summary.find((s) => s.severity === severity);
}

export interface ClassRow {
  label: string;
  trainCount: number | undefined;
  bucket: string | undefined;
  slice: SliceComparison;
}

/** Classes of a scope, largest Δ drop first (ties: fewer training examples, then label); `k` of them. */
export function classRows(c: Pick<Comparison, 'classes'>, scope: ScopeComparison, k: number): ClassRow[] {
  const info = new Map(c.classes.map((x) => [x.label, x]));
  return Object.entries(scope.perClass)
    .map(([label, slice]) => ({
      label,
      trainCount: info.get(label)?.trainCount,
      bucket: info.get(label)?.bucket,
      slice,
    }))
    .sort(
      (a, b) =>
        b.slice.drop.diff - a.slice.drop.diff ||
        (a.trainCount ?? 0) - (b.trainCount ?? 0) ||
        compareStrings(a.label, b.label),
    )
    .slice(0, Math.max(0, k));
}

/** The bucket rows of a scope, head → tail, with the bucket's class count. */
export function bucketRowsOf(
  c: Pick<Comparison, 'buckets'>,
  scope: ScopeComparison,
): { name: string; classes: number; slice: SliceComparison }[] {
  return c.buckets
    .filter((b) => scope.buckets[b.name] !== undefined)
    .map((b) => ({ name: b.name, classes: b.labels.length, slice: scope.buckets[b.name] }));
}

/** "typo.keyboard × severity 2" / "all perturbations pooled × severity 2" */
export function sliceName(check: Pick<RegressionCheck, 'perturbation' | 'severity'>): string {
  const what = check.perturbation === POOLED ? 'all perturbations pooled' : check.perturbation;
  return `${what} × severity ${check.severity}`;
}

/** The failed `--max-regression` checks in words, one line each (for stderr, the terminal and the summaries). */
export function regressionFailures(c: Pick<Comparison, 'gate'>): string[] {
  const gate = c.gate;
  if (!gate) return [];
  if (gate.unevaluated) {
    return [
      'maxRegression: not evaluated — no slice has a variant counted in both reports; a gate that checks nothing fails',
    ];
  }
  // Names come from the report files: control characters are stripped, as in every GATE FAILED line.
  return gate.checks
    .filter((x) => !x.passed)
    .map((x) =>
      stripControls(
        `maxRegression: ${sliceName(x)}: Δ drop ${points(x.value)} ${pointsCI(x.ci)} > ${(x.limit * 100).toFixed(1)} pp (--max-regression ${x.limit})`,
      ),
    );
}

/** "passed on 11 slices" / "FAILED on 2 of 11 slices" */
export function gateSummary(c: Pick<Comparison, 'gate'>): string | null {
  const gate = c.gate;
  if (!gate) return null;
  const limit = `--max-regression ${gate.maxRegression} (${(gate.maxRegression * 100).toFixed(1)} pp)`;
  if (gate.unevaluated) return `${limit}: FAILED, nothing to check`;
  const failed = gate.checks.filter((x) => !x.passed).length;
  return failed > 0
    ? `${limit}: FAILED on ${failed} of ${gate.checks.length} slices`
    : `${limit}: passed on ${gate.checks.length} slices`;
}

/** "385 shared examples (100.0 %), 2,310 paired variants" */
export function pairingLine(c: Pick<Comparison, 'pairing'>): string {
  const p = c.pairing;
  const n = (x: number) => x.toLocaleString('en-US');
  const parts = [`${n(p.sharedExamples)} shared examples (${percent(p.overlap)} of the larger report)`];
  parts.push(`${n(p.pairedVariants)} variants paired`);
  if (p.textMismatches > 0) parts.push(`${n(p.textMismatches)} not paired: text differs`);
  if (p.countedInOneOnly > 0) parts.push(`${n(p.countedInOneOnly)} not paired: counted in one report only`);
  if (p.unmatchedVariants > 0) parts.push(`${n(p.unmatchedVariants)} not paired: missing from one report`);
  return parts.join(', ');
}

/** A changed variant's predictions: "BASE card_arrival (0.81) → HEAD card_delivery_estimate (0.62)". */
export function predictionChange(v: {
  base: { prediction: string; confidence: number };
  head: { prediction: string; confidence: number };
}): { base: string; head: string } {
  return {
    base: `${v.base.prediction} (${v.base.confidence.toFixed(2)})`,
    head: `${v.head.prediction} (${v.head.confidence.toFixed(2)})`,
  };
}
