/**
 * Suite `audit` (alias `robustness`) test: run an audit and check the thresholds on its report
 * through the gate engine (src/measure/gates.ts), the same gates as `audit --max-drop` and the
 * matchers. An audit test without thresholds, or a threshold naming an unknown bucket, class or
 * perturbation, is a suite problem (exit 2), not a failed test.
 */
import { resolve } from 'node:path';
import { type AuditOptions, audit } from '../../audit.ts';
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
import { DEFAULT_GAP_METRIC, type Report } from '../../types.ts';
import { resolvePath, type SuiteContext, suitePerturbationOptions } from '../context.ts';
import type { YamlPath } from '../load.ts';
import type { GateResult, PartialOutcome } from '../outcome.ts';
import type { AuditTest, Gate as ThresholdGate, Thresholds } from '../schema.ts';
import type { TestType } from './index.ts';

export async function runAuditTest(
  ctx: SuiteContext,
  test: AuditTest,
  index: number,
): Promise<PartialOutcome> {
  const { suite, loaded } = ctx;
  const data =
    ctx.options.data !== undefined ? ctx.dataPath : (resolvePath(test.data, loaded.dir) ?? ctx.dataPath);
  const limits = [test.limit, suite.limit, ctx.options.limit].filter((x): x is number => x !== undefined);
  const auditOptions: AuditOptions = {
    // The suite's session: same runner and cache as the other tests; class counts beside the model
    // come from it when neither the command line nor the suite gives train / classCounts.
    session: ctx.session,
    data,
    textField: suite.textField,
    labelField: suite.labelField,
    ...frequencyOptions(ctx),
    buckets: suite.buckets,
    perturb: test.perturbations ?? suite.perturbations,
    severity: (test.severities ?? suite.severities) as AuditOptions['severity'],
    variants: test.variants ?? suite.variants,
    seed: test.seed ?? suite.seed,
    limit: limits.length ? Math.min(...limits) : undefined,
    perturbationOptions: suitePerturbationOptions(suite, loaded.dir),
  };
  const report = await audit(auditOptions);
  const thresholds = mergeThresholds(suite.thresholds, test.thresholds);
  const at: YamlPath = test.thresholds ? ['tests', index, 'thresholds'] : ['thresholds'];
  const gates = auditGates(report, thresholds, (path, message) =>
    ctx.loaded.problem([...at, ...path], message),
  );
  if (gates.length === 0) {
    throw ctx.loaded.problem(['tests', index], 'an audit test needs thresholds (here or at the suite level)');
  }
  const failed = gates.filter((g) => !g.pass);
  const pooled = report.summary.map((r) => `severity ${r.severity}: drop ${fmt(r.overall.drop)}`).join(', ');
  return {
    status: failed.length ? 'failed' : 'passed',
    summary: `${gates.length - failed.length}/${gates.length} gates pass on ${report.config.data.n} examples (pooled ${pooled})`,
    gates,
    evidence: failed.map((g) => `${g.line}\n${g.detail ?? ''}`.trimEnd()),
  };
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
      const hint =
        report.config.frequencySource === 'eval'
          ? '; class frequencies came from the eval set: give train or classCounts (--train / --class-counts)'
          : '';
      throw problem(
        ['perBucket', name],
        `unknown bucket "${name}" (buckets: ${[...knownBuckets].join(', ')}, mode ${report.config.buckets.mode})${hint}`,
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

export const auditTestType: TestType<AuditTest> = {
  run: runAuditTest,
  defaultName: (test, index) => `${test.type} #${index + 1}`,
};
