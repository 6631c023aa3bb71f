/**
 * Suite `fairness` test: the invariance failure rate of a fairness slice — the share of changed
 * variants whose prediction changed when only, say, the gender changed. It runs the audit of the
 * perturbations that declare the slice (`fairness: 'gender'`, or the one it names) through the audit
 * test's path, and checks the report's failure rates through the gate engine: overall (`maxFailRate`),
 * per bucket (`perBucket`) and the tail − head gap (`maxTailGap`). A slice no perturbation declares is a
 * suite problem (exit 2) found before any test runs, not a failed test.
 */
import { audit } from '../../audit.ts';
import { DEFAULT_SEVERITY } from '../../defaults.ts';
import { type FairnessFilter, maxFairnessFailureGate, maxTailGapGate } from '../../measure/gates.ts';
import { loadRegistry, type PerturbationRegistry } from '../../perturb/registry.ts';
import { fairnessLine } from '../../report/common.ts';
import type { PerturbationDefinition, Report, Severity } from '../../types.ts';
import { stripControls } from '../../util/strings.ts';
import type { SuiteContext } from '../context.ts';
import type { SuiteProblem, YamlPath } from '../load.ts';
import type { GateResult, PartialOutcome } from '../outcome.ts';
import type { FairnessTest } from '../schema.ts';
import { bucketKeyProblems, checkAuditGate, suiteAuditOptions, unknownBucketMessage } from './audit.ts';
import { type PreflightTools, severityProblems } from './checks.ts';
import type { TestType } from './index.ts';

/** The perturbations a fairness test audits and the gates' selection of them, or why there are none. */
type Selection =
  | { defs: PerturbationDefinition[]; filter: Pick<FairnessFilter, 'slice' | 'perturbation'> }
  | { problem: SuiteProblem };

/** Every slice the registry's perturbations declare, with who declares it: "gender (entity.gender)". */
function declaredSlices(registry: PerturbationRegistry): string {
  const by = new Map<string, string[]>();
  for (const d of registry.list())
    if (d.fairness) by.set(d.fairness, [...(by.get(d.fairness) ?? []), d.name]);
  if (by.size === 0)
    return 'no perturbation declares one yet (a perturbation declares its slice with `fairness`)';
  return `declared: ${[...by].map(([slice, names]) => `${slice} (${names.join(', ')})`).join(', ')}`;
}

/**
 * By `slice`: every perturbation declaring it. By `perturbation` (resolved by `resolve`, which reports
 * unknown names itself): those names, each of which must declare a slice. Paths relative to the test.
 */
function selectPerturbations(
  registry: PerturbationRegistry,
  test: FairnessTest,
  resolve: (spec: string) => PerturbationDefinition[] | undefined,
): Selection | undefined {
  if (test.slice !== undefined) {
    const defs = registry.list().filter((d) => d.fairness === test.slice);
    if (defs.length === 0) {
      return {
        problem: {
          path: ['slice'],
          message: `no perturbation declares the fairness slice "${test.slice}"; ${declaredSlices(registry)}`,
        },
      };
    }
    return { defs, filter: { slice: test.slice } };
  }
  const defs = resolve(test.perturbation!);
  if (defs === undefined) return undefined;
  const plain = defs.filter((d) => d.fairness === undefined);
  if (plain.length > 0) {
    return {
      problem: {
        path: ['perturbation'],
        message: `${plain.map((d) => d.name).join(', ')} declares no fairness slice, so its invariance answers no fairness question; ${declaredSlices(registry)}`,
      },
    };
  }
  return { defs, filter: { perturbation: defs.map((d) => d.name) } };
}

type Problem = (path: YamlPath, message: string) => Error;

/** The test's gates on the audit's report: overall, per bucket, the tail − head gap. */
export function fairnessGates(
  report: Report,
  test: Pick<FairnessTest, 'maxFailRate' | 'perBucket' | 'maxTailGap'>,
  filter: Pick<FairnessFilter, 'slice' | 'perturbation'>,
  problem: Problem,
): GateResult[] {
  const what =
    filter.slice !== undefined
      ? `fairness slice ${filter.slice}`
      : `${[filter.perturbation].flat().join(', ')}`;
  const gates: GateResult[] = [];
  if (test.maxFailRate !== undefined) {
    gates.push(checkAuditGate(report, maxFairnessFailureGate(test.maxFailRate, filter), `${what}, overall`));
  }
  const knownBuckets = report.buckets.map((b) => b.name);
  for (const [bucket, max] of Object.entries(test.perBucket ?? {})) {
    if (!knownBuckets.includes(bucket)) {
      throw problem(
        ['perBucket', bucket],
        unknownBucketMessage(bucket, knownBuckets, report.config.buckets.mode, report.config.frequencySource),
      );
    }
    gates.push(
      checkAuditGate(report, maxFairnessFailureGate(max, { ...filter, bucket }), `${what}, bucket ${bucket}`),
    );
  }
  if (test.maxTailGap !== undefined) {
    const gate = maxTailGapGate(test.maxTailGap, {
      fairness: filter.slice ?? true,
      perturbation: filter.perturbation,
      metric: 'flip',
    });
    gates.push(checkAuditGate(report, gate, `${what}, tail − head gap in invariance failure rate`));
  }
  return gates;
}

export async function runFairnessTest(
  ctx: SuiteContext,
  test: FairnessTest,
  index: number,
): Promise<PartialOutcome> {
  const at: YamlPath = ['tests', index];
  const registry = await loadRegistry();
  // Pre-flight has checked the names; a failure here is the same problem, said the same way.
  const selection = selectPerturbations(registry, test, (spec) => registry.resolve(spec));
  if (selection === undefined) throw ctx.loaded.problem([...at, 'perturbation'], 'no perturbation selected');
  if ('problem' in selection) {
    throw ctx.loaded.problem([...at, ...selection.problem.path], selection.problem.message);
  }
  const severity = (test.severity ?? DEFAULT_SEVERITY) as Severity;
  const names = selection.defs.map((d) => d.name);
  const report = await audit(suiteAuditOptions(ctx, test, { perturb: names, severity }));
  const gates = fairnessGates(report, test, selection.filter, (path, message) =>
    ctx.loaded.problem([...at, ...path], message),
  );
  const failed = gates.filter((g) => !g.pass);
  const measured = report.fairness
    .filter((f) => names.includes(f.perturbation))
    .map((f) => fairnessLine(report, f, stripControls));
  return {
    status: failed.length ? 'failed' : 'passed',
    summary: `${gates.length - failed.length}/${gates.length} gates pass on ${report.config.data.n} examples; ${measured.join('; ') || `no changed variant under ${names.join(', ')}`}`,
    gates,
    evidence: failed.map((g) => `${g.line}\n${g.detail ?? ''}`.trimEnd()),
  };
}

async function fairnessPreflight(
  ctx: SuiteContext,
  test: FairnessTest,
  index: number,
  tools: PreflightTools,
): Promise<SuiteProblem[]> {
  const at: YamlPath = ['tests', index];
  const problems: SuiteProblem[] = [];
  const selection = selectPerturbations(tools.registry, test, (spec) => {
    const resolved = tools.perturbations(spec, [...at, 'perturbation']);
    problems.push(...resolved.problems);
    return resolved.defs;
  });
  if (selection === undefined) return problems;
  if ('problem' in selection) {
    return [...problems, { path: [...at, ...selection.problem.path], message: selection.problem.message }];
  }
  const severity = (test.severity ?? DEFAULT_SEVERITY) as Severity;
  const severityPath =
    test.severity !== undefined ? [...at, 'severity'] : [...at, test.slice ? 'slice' : 'perturbation'];
  problems.push(...severityProblems(selection.defs, [severity], severityPath));
  problems.push(
    ...(await bucketKeyProblems(ctx, test, index, Object.keys(test.perBucket ?? {}), (name) => [
      ...at,
      'perBucket',
      name,
    ])),
  );
  return problems;
}

export const fairnessTestType: TestType<FairnessTest> = {
  run: runFairnessTest,
  defaultName: (test, index) => `fairness: ${test.slice ?? test.perturbation} #${index + 1}`,
  problems(test) {
    const problems: SuiteProblem[] = [];
    if ((test.slice === undefined) === (test.perturbation === undefined)) {
      problems.push({
        path: [],
        message:
          'a fairness test names a slice (slice: gender) or a perturbation (perturbation: entity.gender), not both',
      });
    }
    const perBucket = Object.keys(test.perBucket ?? {}).length > 0;
    if (test.maxFailRate === undefined && !perBucket && test.maxTailGap === undefined) {
      problems.push({
        path: [],
        message: 'a fairness test needs a threshold: maxFailRate, perBucket or maxTailGap',
      });
    }
    return problems;
  },
  preflight: fairnessPreflight,
};
