/**
 * `tailcheck compare BASE.json HEAD.json`: did the change from BASE's model to HEAD's make the model less
 * robust, and on which classes? Checks that the two reports are comparable, pairs their variants
 * (pair.ts), measures both on the paired variants with paired bootstrap CIs (measure.ts), lists the
 * variants that newly break and newly pass, and evaluates `--max-regression` (gate.ts). The result is
 * the comparison object (schema tailcheck/compare@1, docs/compare-schema.md) every renderer reads.
 */
import { UsageError } from '../errors.ts';
import { reportExamples } from '../report/assemble.ts';
import type { ExampleRecord, Report } from '../types.ts';
import { fileDigest } from '../util/jsonl.ts';
import { compareStrings } from '../util/strings.ts';
import { VERSION } from '../version.ts';
import { percent, points, pointsCI } from './format.ts';
import { evaluateRegressionGate } from './gate.ts';
import { createPairedAccumulator } from './measure.ts';
import { comparabilityProblems, MIN_OVERLAP, overlapOf, type PairCounts, pairRecords } from './pair.ts';
import { COMPARE_SCHEMA, type Comparison, type ScopeComparison } from './types.ts';

export { COMPARE_SCHEMA, type Comparison } from './types.ts';

/** Changed variants listed each way when no `top` is given. */
export const DEFAULT_TOP = 10;

export interface CompareOptions {
  /** how messages and the output name the two reports (their files); default BASE, HEAD */
  names?: { base: string; head: string };
  /** changed variants listed each way (default DEFAULT_TOP) */
  top?: number;
  /** the `--max-regression` gate (a fraction in [0, 1]); no gate when undefined */
  maxRegression?: number;
}

/**
 * A report's records, checked as `merge` checks them: as many as the report declares, and from the
 * examples file it was written with.
 */
async function* verifiedRecords(report: Report, name: string): AsyncGenerator<ExampleRecord> {
  if (!report.examples && !report.examplesFile) {
    throw new UsageError(
      `${name} holds no per-example records (neither examples[] nor examplesFile): compare pairs variants, so it needs them`,
    );
  }
  let count = 0;
  for await (const record of reportExamples(report)) {
    count++;
    yield record;
  }
  if (count !== report.config.data.n) {
    const source = report.examples ? 'its examples[]' : `its examples file ${report.examplesFile}`;
    throw new UsageError(
      `${name} declares ${report.config.data.n} examples (config.data.n) but ${source} holds ${count} records: truncated, or from another run`,
    );
  }
  if (report.examplesFile && report.examplesDigest) {
    if ((await fileDigest(report.examplesFile)) !== report.examplesDigest) {
      throw new UsageError(
        `${name}: its examples file ${report.examplesFile} is not the one it was written with (sha256 differs): from another run, or changed since`,
      );
    }
  }
}

export async function compareReports(
  base: Report,
  head: Report,
  opts: CompareOptions = {},
): Promise<Comparison> {
  const names = opts.names ?? { base: 'BASE', head: 'HEAD' };
  const top = opts.top ?? DEFAULT_TOP;
  if (!(Number.isInteger(top) && top >= 0)) throw new UsageError(`--top must be an integer ≥ 0; got ${top}`);
  const problems = comparabilityProblems(base.config, head.config);
  if (problems.length > 0) {
    throw new UsageError(
      `${names.base} (BASE) and ${names.head} (HEAD) cannot be compared: ${problems.join('; ')}. ` +
        'compare pairs the variants of two audits of the same data with the same --seed, --perturb, --severity and --variants',
    );
  }
  const bootstrap = base.config.bootstrap;
  const acc = createPairedAccumulator(base.classes, base.buckets, {
    seed: base.config.seed,
    resamples: bootstrap.resamples,
    confidence: bootstrap.confidence,
    top,
  });
  const counts = await pairRecords(
    verifiedRecords(base, names.base),
    verifiedRecords(head, names.head),
    (example) => acc.add(example),
    names,
  );
  const overlap = overlapOf(counts);
  if (overlap < MIN_OVERLAP) {
    throw new UsageError(
      `only ${counts.sharedExamples} examples are in both reports (${names.base} has ${counts.baseExamples}, ${names.head} ${counts.headExamples}): ` +
        `${(overlap * 100).toFixed(1)} % of the larger, below the ${MIN_OVERLAP * 100} % compare needs. Audit the same examples in both (the same --limit, or merged shards)`,
    );
  }
  const measured = acc.finish();
  const comparison: Comparison = {
    schema: COMPARE_SCHEMA,
    tool: { name: 'tailcheck', version: VERSION },
    base: {
      file: names.base,
      model: { id: base.config.model.id, fingerprint: base.config.model.fingerprint },
      examples: counts.baseExamples,
      cleanAccuracy: measured.cleanAccuracy.base,
    },
    head: {
      file: names.head,
      model: { id: head.config.model.id, fingerprint: head.config.model.fingerprint },
      examples: counts.headExamples,
      cleanAccuracy: measured.cleanAccuracy.head,
    },
    config: {
      data: {
        path: base.config.data.path,
        textField: base.config.data.textField,
        labelField: base.config.data.labelField,
      },
      seed: base.config.seed,
      perturbations: [...base.config.perturbations],
      severities: [...base.config.severities].sort((a, b) => a - b),
      variants: base.config.variants,
      bootstrap: { ...bootstrap },
    },
    classes: base.classes,
    buckets: base.buckets,
    pairing: {
      sharedExamples: counts.sharedExamples,
      baseOnlyExamples: counts.baseExamples - counts.sharedExamples,
      headOnlyExamples: counts.headExamples - counts.sharedExamples,
      overlap,
      pairedVariants: counts.pairedVariants,
      textMismatches: counts.textMismatches,
      countedInOneOnly: counts.countedInOneOnly,
      unmatchedVariants: counts.unmatchedVariants,
      mismatchSamples: counts.mismatchSamples,
    },
    summary: measured.summary,
    results: measured.results,
    newlyBreaking: measured.newlyBreaking,
    newlyPassing: measured.newlyPassing,
    gate: null,
    verdict: '',
    warnings: compareWarnings(base, head, counts, names),
  };
  if (opts.maxRegression !== undefined)
    comparison.gate = evaluateRegressionGate(comparison, opts.maxRegression);
  comparison.verdict = compareVerdict(comparison);
  return comparison;
}

function compareWarnings(
  base: Report,
  head: Report,
  counts: PairCounts,
  names: { base: string; head: string },
): string[] {
  const warnings: string[] = [];
  if (base.config.data.path !== head.config.data.path) {
    warnings.push(
      `the data paths differ (BASE ${base.config.data.path}, HEAD ${head.config.data.path}): examples were paired by id where text and label agree in both`,
    );
  }
  const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
  if (base.config.model.fingerprint === head.config.model.fingerprint) {
    warnings.push('BASE and HEAD have the same model fingerprint: this compares a model with itself');
  }
  const bucketing = (r: Report) =>
    JSON.stringify({
      buckets: r.buckets.map((b) => [b.name, b.labels]),
      classes: r.classes.map((c) => c.bucket),
    });
  if (bucketing(base) !== bucketing(head)) {
    warnings.push(
      `${names.head}'s frequency buckets differ from ${names.base}'s (other class counts?): the bucket rows use BASE's`,
    );
  }
  const b = base.config.bootstrap;
  const h = head.config.bootstrap;
  if (b.resamples !== h.resamples || b.confidence !== h.confidence) {
    warnings.push(
      `the two reports' bootstrap settings differ: compare uses BASE's (${b.resamples} resamples, ${Math.round(b.confidence * 100)} % CI)`,
    );
  }
  if (counts.sharedExamples < Math.max(counts.baseExamples, counts.headExamples)) {
    warnings.push(
      `paired on the ${counts.sharedExamples} examples present in both reports (${names.base} has ${counts.baseExamples}, ${names.head} ${counts.headExamples}); the others are left out`,
    );
  }
  if (counts.textMismatches > 0) {
    const first = counts.mismatchSamples[0];
    const example = first
      ? ` (first: example "${first.id}", ${first.perturbation} severity ${first.severity} variant ${first.variant})`
      : '';
    warnings.push(
      `${plural(counts.textMismatches, 'variant')} ${counts.textMismatches === 1 ? 'has' : 'have'} different texts in the two reports and ${counts.textMismatches === 1 ? 'is' : 'are'} not paired${example}: did a perturbation change between the versions that wrote them?`,
    );
  }
  if (counts.countedInOneOnly > 0) {
    warnings.push(
      `${plural(counts.countedInOneOnly, 'variant')} counted in one report only (the meaning check or a duplicate re-draw differs) ${counts.countedInOneOnly === 1 ? 'is' : 'are'} not paired`,
    );
  }
  if (counts.unmatchedVariants > 0) {
    warnings.push(
      `${plural(counts.unmatchedVariants, 'variant')} of shared examples ${counts.unmatchedVariants === 1 ? 'is' : 'are'} missing from the other report and not paired`,
    );
  }
  if (counts.pairedVariants === 0)
    warnings.push('no variant is counted in both reports: nothing was compared');
  if (base.tool.version !== head.tool.version) {
    warnings.push(`BASE was written by tailcheck ${base.tool.version}, HEAD by ${head.tool.version}`);
  }
  return warnings;
}

/** Classes of a pooled scope whose drop rose with a CI above 0, largest rise first. */
export function regressedClasses(scope: ScopeComparison): { label: string; diff: number }[] {
  return Object.entries(scope.perClass)
    .filter(([, s]) => s.drop.ci !== null && s.drop.ci[0] > 0)
    .map(([label, s]) => ({ label, diff: s.drop.diff }))
    .sort((a, b) => b.diff - a.diff || compareStrings(a.label, b.label));
}

/**
 * One sentence: per the pooled drop of each severity, is HEAD less robust (CI above 0), more robust (CI
 * below 0) or not distinguishably different; the classes that regressed; and the gate.
 */
export function compareVerdict(c: Pick<Comparison, 'summary' | 'gate' | 'pairing'>): string {
  if (c.pairing.pairedVariants === 0) return 'Nothing to compare: no variant is counted in both reports.';
  const pooled = c.summary.filter((s) => s.overall.n > 0);
  const describe = (s: ScopeComparison) =>
    `pooled drop ${points(s.overall.drop.diff)} ${pointsCI(s.overall.drop.ci)} at severity ${s.severity} (BASE ${percent(s.overall.drop.base)}, HEAD ${percent(s.overall.drop.head)})`;
  const worse = pooled.filter((s) => s.overall.drop.ci !== null && s.overall.drop.ci[0] > 0);
  const better = pooled.filter((s) => s.overall.drop.ci !== null && s.overall.drop.ci[1] < 0);
  const parts: string[] = [];
  if (worse.length > 0) {
    const worst = worse.reduce((a, b) => (b.overall.drop.diff > a.overall.drop.diff ? b : a));
    parts.push(`HEAD is less robust than BASE: ${describe(worst)}.`);
  } else if (better.length > 0) {
    const best = better.reduce((a, b) => (b.overall.drop.diff < a.overall.drop.diff ? b : a));
    parts.push(`HEAD is more robust than BASE: ${describe(best)}.`);
  } else if (pooled.length > 0) {
    const largest = pooled.reduce((a, b) =>
      Math.abs(b.overall.drop.diff) > Math.abs(a.overall.drop.diff) ? b : a,
    );
    parts.push(`No distinguishable change in robustness: ${describe(largest)}.`);
  }
  const regressed = new Map<string, number>();
  for (const s of pooled) {
    for (const { label, diff } of regressedClasses(s))
      regressed.set(label, Math.max(regressed.get(label) ?? diff, diff));
  }
  if (regressed.size > 0) {
    const listed = [...regressed]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([label, diff]) => `${label} (${points(diff)})`);
    const more = regressed.size > 3 ? ` and ${regressed.size - 3} more` : '';
    parts.push(`Classes whose drop rose (CI above 0): ${listed.join(', ')}${more}.`);
  }
  if (c.gate) {
    const failed = c.gate.checks.filter((x) => !x.passed).length;
    parts.push(
      c.gate.unevaluated
        ? `Gate --max-regression ${c.gate.maxRegression}: nothing to check (FAILED).`
        : failed > 0
          ? `Gate --max-regression ${c.gate.maxRegression}: FAILED on ${failed} of ${c.gate.checks.length} slices.`
          : `Gate --max-regression ${c.gate.maxRegression}: passed (${c.gate.checks.length} slices).`,
    );
  }
  return parts.join(' ');
}

/** The comparison as its JSON file (schema tailcheck/compare@1). */
export function renderCompareJson(comparison: Comparison): string {
  return `${JSON.stringify(comparison, null, 2)}\n`;
}
