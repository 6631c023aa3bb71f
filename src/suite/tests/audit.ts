/**
 * Suite `audit` (alias `robustness`) test: run an audit and check the thresholds on its report
 * through the gate engine (src/measure/gates.ts), the same gates as `audit --max-drop` and the
 * matchers. An audit test without thresholds (found at load time), or a threshold naming an unknown
 * bucket, class or perturbation (found before any test runs: the buckets are assigned up front as
 * the audit assigns them), is a suite problem (exit 2), not a failed test.
 */
import { resolve } from 'node:path';
import { openDataSource, scanData } from '../../audit/data.ts';
import { classFrequencies } from '../../audit/frequencies.ts';
import { type AuditOptions, audit } from '../../audit.ts';
import { DEFAULT_PERTURB, DEFAULT_SEVERITY } from '../../defaults.ts';
import { UsageError } from '../../errors.ts';
import { assignBuckets } from '../../measure/buckets.ts';
import {
  evaluateGate,
  type Gate,
  maxDropGate,
  maxTailBreakGate,
  maxTailDropGate,
  maxTailGapGate,
  minRobustAccuracyGate,
} from '../../measure/gates.ts';
import { matchesPerturbation, type SliceFilter, tailBucket } from '../../measure/slices.ts';
import { GAP_METRIC_NAMES } from '../../report/common.ts';
import { explainGate, fmt, whyNotEvaluated } from '../../report/explain.ts';
import { DEFAULT_GAP_METRIC, type FrequencySource, type Report, type Severity } from '../../types.ts';
import { resolvePath, type SuiteContext, suitePerturbationOptions } from '../context.ts';
import type { SuiteProblem, YamlPath } from '../load.ts';
import type { GateResult, PartialOutcome } from '../outcome.ts';
import type { AuditTest, Suite, Gate as ThresholdGate, Thresholds } from '../schema.ts';
import { type PreflightTools, severityProblems } from './checks.ts';
import type { TestType } from './index.ts';
import { unknownLabel } from './inputs.ts';

/** What a suite test that runs an audit (audit, fairness) sets of it beside its perturbations. */
export interface SuiteAuditInputs {
  data?: string;
  limit?: number;
  variants?: number;
  seed?: number;
}

/**
 * The audit a suite test runs: through the suite's session, on the test's data (else the suite's),
 * with the suite's fields, class frequencies, buckets and perturbation options; `selection` says which
 * perturbations at which severities.
 */
export function suiteAuditOptions(
  ctx: SuiteContext,
  test: SuiteAuditInputs,
  selection: Pick<AuditOptions, 'perturb' | 'severity'>,
): AuditOptions {
  const { suite, loaded } = ctx;
  const limits = [test.limit, suite.limit, ctx.options.limit].filter((x): x is number => x !== undefined);
  return {
    // The suite's session: same runner and cache as the other tests; class counts beside the model
    // come from it when neither the command line nor the suite gives train / classCounts.
    session: ctx.session,
    data: auditDataPath(ctx, test),
    textField: suite.textField,
    labelField: suite.labelField,
    ...frequencyOptions(ctx),
    buckets: suite.buckets,
    ...selection,
    variants: test.variants ?? suite.variants,
    seed: test.seed ?? suite.seed,
    limit: limits.length ? Math.min(...limits) : undefined,
    perturbationOptions: suitePerturbationOptions(suite, loaded.dir),
  };
}

export async function runAuditTest(
  ctx: SuiteContext,
  test: AuditTest,
  index: number,
): Promise<PartialOutcome> {
  const { suite } = ctx;
  const report = await audit(
    suiteAuditOptions(ctx, test, {
      perturb: test.perturbations ?? suite.perturbations,
      severity: (test.severities ?? suite.severities) as AuditOptions['severity'],
    }),
  );
  const thresholds = mergeThresholds(suite.thresholds, test.thresholds);
  const at: YamlPath = test.thresholds ? ['tests', index, 'thresholds'] : ['thresholds'];
  const gates = auditGates(report, thresholds, (path, message) =>
    ctx.loaded.problem([...at, ...path], message),
  );
  const failed = gates.filter((g) => !g.pass);
  const pooled = report.summary.map((r) => `severity ${r.severity}: drop ${fmt(r.overall.drop)}`).join(', ');
  return {
    status: failed.length ? 'failed' : 'passed',
    summary: `${gates.length - failed.length}/${gates.length} gates pass on ${report.config.data.n} examples (pooled ${pooled})`,
    gates,
    evidence: failed.map((g) => `${g.line}\n${g.detail ?? ''}`.trimEnd()),
  };
}

/** The audit test's data file: the command line's, else the test's, else the suite's (undefined: bundled). */
function auditDataPath(ctx: SuiteContext, test: SuiteAuditInputs): string | undefined {
  if (ctx.options.data !== undefined) return ctx.dataPath;
  return resolvePath(test.data, ctx.loaded.dir) ?? ctx.dataPath;
}

/** Class frequencies: the command line's, else the suite's (only one of train / classCounts is used). */
function frequencyOptions(ctx: SuiteContext): Pick<AuditOptions, 'train' | 'classCounts'> {
  const { options, suite, loaded } = ctx;
  if (options.train !== undefined) return { train: resolve(options.train) };
  if (options.classCounts !== undefined) return { classCounts: resolve(options.classCounts) };
  return {
    train: resolvePath(suite.train, loaded.dir),
    classCounts: resolvePath(suite.classCounts, loaded.dir),
  };
}

/** A test's thresholds over the suite's: per-perturbation/bucket/class entries merge key by key. */
function mergeThresholds(base: Thresholds | undefined, over: Thresholds | undefined): Thresholds {
  const merged: Thresholds = { ...base, ...over };
  for (const key of ['perPerturbation', 'perBucket', 'perClass'] as const) {
    if (base?.[key] || over?.[key]) {
      const all = { ...base?.[key] } as Record<string, ThresholdGate>;
      for (const [k, v] of Object.entries(over?.[key] ?? {})) all[k] = { ...all[k], ...v };
      (merged as Record<string, unknown>)[key] = all;
    }
  }
  return merged;
}

type Problem = (path: YamlPath, message: string) => Error;

/**
 * One gate on the report as a suite gate line: `maxDrop ≤ 0.100 (bucket few): pass, worst …`. A gate
 * with nothing to check fails, as on the command line (src/measure/gates.ts).
 */
export function checkAuditGate(report: Report, gate: Gate, scope: string): GateResult {
  const head = `${gate.name} ${gate.comparator} ${fmt(gate.bound)} (${scope})`;
  const outcome = evaluateGate(report, gate);
  const [unevaluated] = outcome.unevaluated;
  if (unevaluated) {
    return {
      gate: gate.name,
      scope,
      bound: gate.bound,
      value: null,
      pass: false,
      line: `${head}: FAIL, not evaluated — ${whyNotEvaluated(report, unevaluated)}; a gate that checks nothing fails`,
    };
  }
  const o = explainGate(report, gate, outcome);
  return {
    gate: gate.name,
    scope,
    bound: gate.bound,
    value: o.worstValue,
    pass: outcome.passed,
    line: `${head}: ${outcome.passed ? 'pass' : 'FAIL'}, worst ${fmt(o.worstValue)} — ${o.worst}`,
    ...(outcome.passed ? {} : { detail: o.evidence }),
  };
}

/** Every gate an audit test's thresholds ask for, checked on the report. */
export function auditGates(report: Report, t: Thresholds, problem: Problem): GateResult[] {
  const gates: GateResult[] = [];
  const tail = tailBucket(report);
  const knownBuckets = new Set(report.buckets.map((b) => b.name));
  const knownClasses = new Set(report.classes.map((c) => c.label));
  const knownPerturbations = report.config.perturbations;

  const gateSet = (g: ThresholdGate, scope: string, filter: SliceFilter, allowTail: boolean): void => {
    if (g.maxDrop !== undefined) gates.push(checkAuditGate(report, maxDropGate(g.maxDrop, filter), scope));
    if (g.minRobustAccuracy !== undefined) {
      gates.push(checkAuditGate(report, minRobustAccuracyGate(g.minRobustAccuracy, filter), scope));
    }
    if (allowTail && g.maxTailDrop !== undefined) {
      // Without buckets there is no tail: the gate is still checked, and fails as not evaluated.
      const where = tail !== undefined ? `${scope}, tail bucket ${tail}` : `${scope}, no tail bucket`;
      gates.push(checkAuditGate(report, maxTailDropGate(g.maxTailDrop, filter), where));
    }
    if (allowTail && g.maxTailBreak !== undefined) {
      const where = tail !== undefined ? `${scope}, tail bucket ${tail}` : `${scope}, no tail bucket`;
      gates.push(checkAuditGate(report, maxTailBreakGate(g.maxTailBreak, filter), where));
    }
    if (allowTail && g.maxTailGap !== undefined) {
      const { max, metric } =
        typeof g.maxTailGap === 'number' ? { max: g.maxTailGap, metric: DEFAULT_GAP_METRIC } : g.maxTailGap;
      const f =
        filter.perturbation !== undefined ? { perturbation: filter.perturbation, metric } : { metric };
      gates.push(
        checkAuditGate(report, maxTailGapGate(max, f), `${scope}, gap in ${GAP_METRIC_NAMES[metric]}`),
      );
    }
  };

  gateSet(t, 'all results and the pooled summary', {}, true);
  for (const [name, g] of Object.entries(t.perPerturbation ?? {})) {
    if (!knownPerturbations.some((p) => matchesPerturbation(p, [name]))) {
      throw problem(
        ['perPerturbation', name],
        `no audited perturbation matches "${name}" (audited: ${knownPerturbations.join(', ')})`,
      );
    }
    gateSet(g, `perturbation ${name}`, { perturbation: name }, true);
  }
  for (const [name, g] of Object.entries(t.perBucket ?? {})) {
    if (!knownBuckets.has(name)) {
      throw problem(
        ['perBucket', name],
        unknownBucketMessage(
          name,
          [...knownBuckets],
          report.config.buckets.mode,
          report.config.frequencySource,
        ),
      );
    }
    gateSet(g, `bucket ${name}`, { bucket: name }, false);
  }
  for (const [name, g] of Object.entries(t.perClass ?? {})) {
    if (!knownClasses.has(name)) throw problem(['perClass', name], `unknown class "${name}"`);
    gateSet(g, `class ${name}`, { class: name }, false);
  }
  return gates;
}

export function unknownBucketMessage(
  name: string,
  buckets: readonly string[],
  mode: string,
  source: FrequencySource,
): string {
  const hint =
    source === 'eval'
      ? '; class frequencies came from the eval set: give train or classCounts (--train / --class-counts)'
      : '';
  return `unknown bucket "${name}" (buckets: ${buckets.join(', ')}, mode ${mode})${hint}`;
}

const GATE_KEYS = ['maxDrop', 'maxTailDrop', 'maxTailBreak', 'minRobustAccuracy', 'maxTailGap'] as const;

/** Whether thresholds ask for any gate (an empty `perBucket: { few: {} }` asks for none). */
function hasGates(t: Thresholds): boolean {
  const any = (g: ThresholdGate) => GATE_KEYS.some((k) => (g as Record<string, unknown>)[k] !== undefined);
  return (
    any(t) ||
    [t.perPerturbation, t.perBucket, t.perClass].some((entries) => Object.values(entries ?? {}).some(any))
  );
}

/** `severities` as the audit reads it: absent = the default level. */
function severityList(severities: AuditTest['severities']): Severity[] | 'all' {
  if (severities === undefined) return [DEFAULT_SEVERITY];
  if (severities === 'all') return 'all';
  return (Array.isArray(severities) ? severities : [severities]) as Severity[];
}

/** The first of the test's, then the suite's, setting of `key` that is written; `fallback` when none. */
function written<K extends keyof Suite>(
  test: Partial<Record<K, unknown>>,
  suite: Suite,
  index: number,
  key: K,
  fallback: YamlPath,
): YamlPath {
  if (test[key] !== undefined) return ['tests', index, key];
  if (suite[key] !== undefined) return [key];
  return fallback;
}

/**
 * The audit test's problems against the model and the registry, found without running the audit:
 * its perturbations and severities, and the perturbations, classes and buckets its thresholds name.
 * Buckets are assigned from the class frequencies the audit would use (train, classCounts, the
 * counts beside the model, else the data's own label counts).
 */
async function auditPreflight(
  ctx: SuiteContext,
  test: AuditTest,
  index: number,
  tools: PreflightTools,
): Promise<SuiteProblem[]> {
  const { suite } = ctx;
  const at: YamlPath = ['tests', index];
  const spec = test.perturbations ?? suite.perturbations ?? DEFAULT_PERTURB;
  const specPath = written(test, suite, index, 'perturbations', at);
  const { defs, problems } = tools.perturbations(spec, specPath);
  problems.push(
    ...severityProblems(
      defs,
      severityList(test.severities ?? suite.severities),
      written(test, suite, index, 'severities', specPath),
    ),
  );

  const thresholds = mergeThresholds(suite.thresholds, test.thresholds);
  // A key is reported where it is written: in the test's thresholds, else the suite's.
  const where = (key: 'perPerturbation' | 'perBucket' | 'perClass', name: string): YamlPath =>
    test.thresholds?.[key]?.[name] !== undefined
      ? [...at, 'thresholds', key, name]
      : ['thresholds', key, name];
  if (defs !== undefined) {
    const audited = defs.map((d) => d.name);
    for (const name of Object.keys(thresholds.perPerturbation ?? {})) {
      if (!audited.some((p) => matchesPerturbation(p, [name]))) {
        problems.push({
          path: where('perPerturbation', name),
          message: `no audited perturbation matches "${name}" (audited: ${audited.join(', ')})`,
        });
      }
    }
  }
  for (const name of Object.keys(thresholds.perClass ?? {})) {
    const problem = unknownLabel(ctx, name, 'class', where('perClass', name));
    if (problem) problems.push(problem);
  }
  problems.push(
    ...(await bucketKeyProblems(ctx, test, index, Object.keys(thresholds.perBucket ?? {}), (name) =>
      where('perBucket', name),
    )),
  );
  return problems;
}

/**
 * The `perBucket` keys of a test that name no bucket the audit will have (each reported at `pathOf`
 * its key), or the problem that stopped assigning buckets; nothing to do without keys.
 */
export async function bucketKeyProblems(
  ctx: SuiteContext,
  test: SuiteAuditInputs,
  index: number,
  keys: readonly string[],
  pathOf: (name: string) => YamlPath,
): Promise<SuiteProblem[]> {
  if (keys.length === 0) return [];
  const assigned = await bucketsUpFront(ctx, test, index);
  if ('problem' in assigned) return [assigned.problem];
  return keys
    .filter((b) => !assigned.names.includes(b))
    .map((name) => ({
      path: pathOf(name),
      message: unknownBucketMessage(name, assigned.names, assigned.mode, assigned.source),
    }));
}

/**
 * The bucket names the audit will have, as audit.ts assigns them (same frequencies, same spec),
 * or the problem that stopped it (a data, train or class counts file that cannot be read).
 */
export async function bucketsUpFront(
  ctx: SuiteContext,
  test: SuiteAuditInputs,
  index: number,
): Promise<{ names: string[]; mode: string; source: FrequencySource } | { problem: SuiteProblem }> {
  const { suite, session } = ctx;
  const labels = session.classifier.labels;
  const frequencies = frequencyOptions(ctx);
  const fromCommandLine = ctx.options.train !== undefined || ctx.options.classCounts !== undefined;
  const countsPath: YamlPath = fromCommandLine
    ? []
    : frequencies.train !== undefined
      ? ['train']
      : frequencies.classCounts !== undefined
        ? ['classCounts']
        : [];
  const dataPath = ctx.options.data !== undefined ? [] : written(test, suite, index, 'data', []);
  let step: YamlPath = countsPath;
  try {
    let evalCounts: Record<string, number> = {};
    if (
      frequencies.train === undefined &&
      frequencies.classCounts === undefined &&
      session.classCountsFile === undefined
    ) {
      // No training counts: the audit falls back to the data's own label counts (all rows, not --limit's).
      step = dataPath;
      const source = await openDataSource(auditDataPath(ctx, test), {
        textField: suite.textField ?? 'text',
        labelField: suite.labelField ?? 'label',
      });
      try {
        evalCounts = (await scanData(source, labels, undefined, { shard: undefined, limit: undefined }))
          .evalCounts;
      } finally {
        await source.close();
      }
      step = countsPath;
    }
    const freq = await classFrequencies(
      { ...frequencies, labelField: suite.labelField, modelCountsFile: session.classCountsFile },
      labels,
      evalCounts,
    );
    const { mode, buckets } = assignBuckets(freq.counts, labels, suite.buckets ?? 'auto');
    return { names: buckets.map((b) => b.name), mode, source: freq.source };
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    return { problem: { path: step, message: err.message } };
  }
}

export const auditTestType: TestType<AuditTest> = {
  run: runAuditTest,
  defaultName: (test, index) => `${test.type} #${index + 1}`,
  problems(test, suite) {
    if (hasGates(mergeThresholds(suite.thresholds, test.thresholds))) return [];
    return [{ path: [], message: 'an audit test needs thresholds (here or at the suite level)' }];
  },
  preflight: auditPreflight,
};
