/**
 * Suite `attack` test: the worst-case search (src/attack/) on labelled data — for each correctly
 * classified example, the smallest word-level edit that flips it within the budgets. It runs through
 * the audit, attack only (`audit({ perturb: [], attack })`, the path of `tailcheck attack`), on the
 * suite's session and data as the audit test does, and checks the report's attack section through the
 * gate engine: overall (`maxAttackSuccess`, `minAccuracyUnderAttack`) and per bucket (`perBucket`).
 * Budgets and the search are checked when the file is loaded; the perturbations and buckets before any
 * test runs (exit 2), as for the other tests.
 */
import { resolveAttackPerturbations } from '../../attack/candidates.ts';
import { checkMaxQueries, parseMaxEdits } from '../../attack/run.ts';
import { audit } from '../../audit.ts';
import { UsageError } from '../../errors.ts';
import { maxAttackSuccessGate, minAccuracyUnderAttackGate } from '../../measure/gates.ts';
import { pct, pctCI } from '../../report/common.ts';
import type { AttackEstimate, AttackSection, Report } from '../../types.ts';
import type { SuiteContext } from '../context.ts';
import type { SuiteProblem, YamlPath } from '../load.ts';
import type { GateResult, PartialOutcome } from '../outcome.ts';
import type { AttackGate, AttackTest } from '../schema.ts';
import { bucketKeyProblems, checkAuditGate, suiteAuditOptions, unknownBucketMessage } from './audit.ts';
import type { PreflightTools } from './checks.ts';
import type { TestType } from './index.ts';

type Problem = (path: YamlPath, message: string) => Error;

/** The test's gates on the attack section: overall, then per bucket. */
export function attackGates(
  report: Report,
  test: Pick<AttackTest, 'maxAttackSuccess' | 'minAccuracyUnderAttack' | 'perBucket'>,
  problem: Problem,
): GateResult[] {
  const gates: GateResult[] = [];
  const gateSet = (g: AttackGate, scope: string, bucket?: string): void => {
    const filter = bucket !== undefined ? { bucket } : {};
    if (g.maxAttackSuccess !== undefined) {
      gates.push(checkAuditGate(report, maxAttackSuccessGate(g.maxAttackSuccess, filter), scope));
    }
    if (g.minAccuracyUnderAttack !== undefined) {
      gates.push(checkAuditGate(report, minAccuracyUnderAttackGate(g.minAccuracyUnderAttack, filter), scope));
    }
  };
  gateSet(test, 'attack, overall');
  const knownBuckets = report.buckets.map((b) => b.name);
  for (const [bucket, g] of Object.entries(test.perBucket ?? {})) {
    if (!knownBuckets.includes(bucket)) {
      throw problem(
        ['perBucket', bucket],
        unknownBucketMessage(bucket, knownBuckets, report.config.buckets.mode, report.config.frequencySource),
      );
    }
    gateSet(g, `attack, bucket ${bucket}`, bucket);
  }
  return gates;
}

const withCI = (e: AttackEstimate): string => (e.value === null ? '—' : `${pct(e.value)} ${pctCI(e.ci)}`);

/** "attack success rate 42.0% [30.1, 55.2] (21 of 50 flipped), accuracy under attack …; greedy over …" */
export function attackSummary(section: AttackSection): string {
  const m = section.overall;
  const c = section.config;
  const edits = m.editsToFlip.mean.value;
  return (
    `attack success rate ${withCI(m.attackSuccessRate)} (${m.flipped} of ${m.correct} correct flipped), ` +
    `accuracy under attack ${withCI(m.accuracyUnderAttack)}` +
    (edits !== null ? `, mean ${edits.toFixed(2)} edits to flip` : '') +
    `; ${c.search} search over ${c.perturbations.join(', ')}, max edits ${c.maxEdits}, max queries ${c.maxQueries}`
  );
}

export async function runAttackTest(
  ctx: SuiteContext,
  test: AttackTest,
  index: number,
): Promise<PartialOutcome> {
  const at: YamlPath = ['tests', index];
  const report = await audit({
    ...suiteAuditOptions(ctx, test, { perturb: [] }),
    attack: {
      perturb: test.perturb,
      search: test.search,
      maxEdits: test.maxEdits,
      maxQueries: test.maxQueries,
    },
  });
  const section = report.attack;
  if (section === undefined) throw new Error('audit({ attack }) returned a report without an attack section');
  const gates = attackGates(report, test, (path, message) => ctx.loaded.problem([...at, ...path], message));
  const failed = gates.filter((g) => !g.pass);
  return {
    status: failed.length ? 'failed' : 'passed',
    summary: `${gates.length - failed.length}/${gates.length} gates pass on ${report.config.data.n} examples; ${attackSummary(section)}`,
    gates,
    evidence: failed.map((g) => `${g.line}\n${g.detail ?? ''}`.trimEnd()),
  };
}

/** A budget the attack would refuse, as a problem at `path` (relative to the test). */
function budgetProblem(path: YamlPath, check: () => unknown): SuiteProblem[] {
  try {
    check();
    return [];
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    return [{ path, message: err.message }];
  }
}

async function attackPreflight(
  ctx: SuiteContext,
  test: AttackTest,
  index: number,
  tools: PreflightTools,
): Promise<SuiteProblem[]> {
  const at: YamlPath = ['tests', index];
  const problems: SuiteProblem[] = [];
  if (test.perturb !== undefined) {
    // unknown names first, each at its entry (as every test reports them); then the attack's own rule
    const resolved = tools.perturbations(test.perturb, [...at, 'perturb']);
    problems.push(...resolved.problems);
    if (resolved.defs !== undefined) {
      problems.push(
        ...budgetProblem([...at, 'perturb'], () =>
          resolveAttackPerturbations(tools.registry, test.perturb, {}),
        ),
      );
    }
  }
  problems.push(
    ...(await bucketKeyProblems(ctx, test, index, Object.keys(test.perBucket ?? {}), (name) => [
      ...at,
      'perBucket',
      name,
    ])),
  );
  return problems;
}

const hasGate = (g: AttackGate | undefined): boolean =>
  g !== undefined && (g.maxAttackSuccess !== undefined || g.minAccuracyUnderAttack !== undefined);

export const attackTestType: TestType<AttackTest> = {
  run: runAttackTest,
  defaultName: (test, index) =>
    `attack: ${[test.perturb ?? 'typo, synonym'].flat().join(', ')} #${index + 1}`,
  problems(test) {
    const problems: SuiteProblem[] = [];
    if (!hasGate(test) && !Object.values(test.perBucket ?? {}).some(hasGate)) {
      problems.push({
        path: [],
        message:
          'an attack test needs a threshold: maxAttackSuccess, minAccuracyUnderAttack, or either in perBucket',
      });
    }
    if (test.maxEdits !== undefined) {
      problems.push(...budgetProblem(['maxEdits'], () => parseMaxEdits(test.maxEdits!)));
    }
    if (test.maxQueries !== undefined) {
      problems.push(...budgetProblem(['maxQueries'], () => checkMaxQueries(test.maxQueries!)));
    }
    return problems;
  },
  preflight: attackPreflight,
};
