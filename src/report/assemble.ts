/**
 * Report assembly: measured per-example records → the report object (the JSON report's shape).
 * Shared by `audit` and `merge`, so a merged set of shard reports is, number for number and warning
 * for warning, the report of the unsharded run; and the way back, `reportExamples`, streams a
 * report's records from `examples[]` or from its `examplesFile`.
 *
 * Warnings are typed while a run builds them (`ReportWarning`): `merge` must tell the warnings that
 * depend on which examples were audited (recomputed from the union of the records) from the ones
 * that hold for the whole run (carried over). The JSON report (schema tailcheck/report@2, docs/report-schema.md) keeps them as plain
 * strings, base warnings first, then the data warnings.
 */

import { UsageError } from '../errors.ts';
import type { VariantCounts, VariantTally } from '../measure/accumulator.ts';
import { type FairnessSlices, fairnessResults } from '../measure/fairness.ts';
import type { RunMeasures } from '../measure/results.ts';
import { verdict } from '../measure/verdict.ts';
import {
  type AttackSection,
  type BucketInfo,
  type ClassInfo,
  type ExampleRecord,
  type PerturbationTag,
  REPORT_SCHEMA,
  type Report,
  type ReportConfig,
  type Result,
  type VariantCountRow,
} from '../types.ts';
import { readJsonl } from '../util/jsonl.ts';
import { compareStrings } from '../util/strings.ts';
import { VERSION } from '../version.ts';

/** What a warning is about; `unchanged-variants` is the only one derived from the records. */
export type WarningCode =
  /** rows of the data file with empty text, skipped */
  | 'skipped-rows'
  /** no training frequencies: the buckets use the evaluation set's label counts */
  | 'eval-frequencies'
  /** model labels without a training count (counted as 0) */
  | 'uncounted-labels'
  /** class counts for labels the model does not have (ignored) */
  | 'unknown-counted-labels'
  /** (perturbation, severity) pairs asked for that the perturbation does not declare, so not run */
  | 'skipped-severities'
  /** a perturbation that mostly left the text unchanged (derived from the records) */
  | 'unchanged-variants'
  /** the meaning check rejected many of a perturbation's variants (derived from the records) */
  | 'rejected-variants'
  /** merge: shards were missing */
  | 'partial-merge'
  /** merge: a run-level warning read back from a shard's JSON report, where it is only a string */
  | 'from-shard';

export interface ReportWarning {
  code: WarningCode;
  /** the text the report shows */
  message: string;
}

/**
 * Builds a report from its measured per-example records: used by the audit and by `merge`, so a
 * merged set of shard reports is, number for number, the report of the unsharded run.
 */
export function assembleReport(parts: {
  config: ReportConfig;
  classes: ClassInfo[];
  buckets: BucketInfo[];
  measures: RunMeasures;
  /** the records inside the report, or the JSONL file they were written to */
  examples: { records: ExampleRecord[] } | { file: string; digest: string };
  /** warnings that do not depend on which examples were audited (the data warnings are added here) */
  baseWarnings: readonly ReportWarning[];
  /** each perturbation's tag, written into its results */
  tags?: Readonly<Record<string, PerturbationTag>>;
  /** the fairness slice each perturbation declares (those that declare one): the report's `fairness` */
  fairness?: FairnessSlices;
  /** the worst-case search's section (`tailcheck attack`, `audit --attack`) */
  attack?: AttackSection;
}): Report {
  const tally = parts.measures.variantTally();
  const dataWarnings = unchangedWarnings(tally);
  const measured = parts.measures.finish();
  const tags = parts.tags ?? {};
  const tagged = (results: Result[]): Result[] =>
    results.map((r) => (Object.hasOwn(tags, r.perturbation) ? { ...r, tag: tags[r.perturbation] } : r));
  const plain = { ...measured.plain, results: tagged(measured.plain.results) };
  const adjusted = measured.adjusted && { ...measured.adjusted, results: tagged(measured.adjusted.results) };
  const report: Report = {
    schema: REPORT_SCHEMA,
    tool: { name: 'tailcheck', version: VERSION },
    config: parts.config,
    classes: parts.classes,
    buckets: parts.buckets,
    summary: plain.summary,
    results: plain.results,
    logitAdjusted: adjusted,
    variantCounts: variantCounts(tally),
    fairness: fairnessResults(plain.results, parts.fairness ?? {}),
    ...(parts.attack ? { attack: parts.attack } : {}),
    verdict: '',
    warnings: [...parts.baseWarnings, ...dataWarnings].map((w) => w.message),
  };
  report.verdict = verdict(report);
  if ('records' in parts.examples) report.examples = parts.examples.records;
  else {
    report.examplesFile = parts.examples.file;
    report.examplesDigest = parts.examples.digest;
  }
  return report;
}

/** Per perturbation (sorted by name): variants made, counted, and why the others do not count. */
export function variantCounts(tally: VariantTally): VariantCountRow[] {
  return [...tally]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([perturbation, counts]) => ({ perturbation, ...counts }));
}

/** Share of changed variants the meaning check may reject before the report says so. */
const REJECTED_WARNING_SHARE = 0.3;

/**
 * Perturbations that mostly found nothing to change, or whose changed variants the meaning check
 * mostly rejected: said in the report, since those variants don't count. The report's only data
 * warnings (`merge` recomputes them on the union of the shards).
 */
export function unchangedWarnings(tally: ReadonlyMap<string, Readonly<VariantCounts>>): ReportWarning[] {
  const out: ReportWarning[] = [];
  const pct = (x: number, of: number): string => `${((x / of) * 100).toFixed(0)} %`;
  for (const [name, { unchanged, rejected, total }] of [...tally].sort(([a], [b]) => compareStrings(a, b))) {
    if (total > 0 && unchanged / total > 0.5) {
      out.push({
        code: 'unchanged-variants',
        message: `${name}: ${pct(unchanged, total)} of variants left the text unchanged (no eligible site); they are not counted`,
      });
    }
    const changed = total - unchanged;
    if (changed > 0 && rejected / changed > REJECTED_WARNING_SHARE) {
      out.push({
        code: 'rejected-variants',
        message: `${name}: the meaning check rejected ${pct(rejected, changed)} of its changed variants (${rejected} of ${changed}); they are not counted`,
      });
    }
  }
  return out;
}

/** Streams the per-example records of a report, from `examples` or from its `examplesFile`. */
export async function* reportExamples(report: Report): AsyncGenerator<ExampleRecord> {
  if (report.examples) {
    yield* report.examples;
    return;
  }
  if (!report.examplesFile) throw new UsageError('the report has neither examples[] nor examplesFile');
  yield* readJsonl<ExampleRecord>(report.examplesFile);
}
