/**
 * Fairness slices: a perturbation that declares `fairness: 'gender'` (PerturbationDefinition) changes
 * only that attribute of a text, so its invariance failure rate — the share of changed variants whose
 * prediction changed — answers the fairness question. That rate is the result's flip rate, with the
 * flip rate's bootstrap CI; this module only selects and renames it, so no number is computed twice and
 * every one stays recomputable from the records.
 */
import type { FairnessRate, FairnessResult, Metrics, Result } from '../types.ts';
import { compareStrings } from '../util/strings.ts';

/** Perturbation name → the fairness slice it declares. */
export type FairnessSlices = Readonly<Record<string, string>>;

/** A slice's invariance failure rate: the flip rate of its metrics. */
export function fairnessRate(m: Metrics): FairnessRate {
  return { n: m.n, nExamples: m.nExamples, failRate: m.flipRate, failRateCI: m.flipRateCI };
}

/**
 * One entry per result (perturbation × severity) whose perturbation declares a fairness slice,
 * sorted by slice, perturbation, then severity. Pure: a function of the results alone.
 */
export function fairnessResults(results: readonly Result[], slices: FairnessSlices): FairnessResult[] {
  return results
    .filter((r) => Object.hasOwn(slices, r.perturbation))
    .map((r) => ({
      slice: slices[r.perturbation]!,
      perturbation: r.perturbation,
      severity: r.severity,
      overall: fairnessRate(r.overall),
      buckets: Object.fromEntries(Object.entries(r.buckets).map(([name, m]) => [name, fairnessRate(m)])),
      tailGap: r.headTailGaps.flip,
    }))
    .sort(
      (a, b) =>
        compareStrings(a.slice, b.slice) ||
        compareStrings(a.perturbation, b.perturbation) ||
        a.severity - b.severity,
    );
}

/** The perturbation → slice map a report's fairness entries carry (how `merge` reads its shards'). */
export function fairnessSlicesOf(
  entries: readonly Pick<FairnessResult, 'slice' | 'perturbation'>[],
): Record<string, string> {
  return Object.fromEntries(entries.map((f) => [f.perturbation, f.slice]));
}
