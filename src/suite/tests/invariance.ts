/** Suite `invariance` test: predictions should not change under a perturbation (CheckList's INV). */
import { DEFAULT_SEVERITY } from '../../defaults.ts';
import { fmt, listEvidence, quote } from '../../report/explain.ts';
import type { Severity } from '../../types.ts';
import { type SuiteContext, suitePerturbationOptions } from '../context.ts';
import { checkInvariance } from '../invariance.ts';
import type { PartialOutcome } from '../outcome.ts';
import type { InvarianceTest } from '../schema.ts';
import { severityProblems } from './checks.ts';
import type { TestType } from './index.ts';
import { inputProblems, inputTexts } from './inputs.ts';

export async function runInvarianceTest(
  ctx: SuiteContext,
  test: InvarianceTest,
  index: number,
): Promise<PartialOutcome> {
  const texts = await inputTexts(ctx, test, index);
  const o = await checkInvariance(ctx.session, texts, test.perturbation, {
    severity: test.severity as Severity | undefined,
    variants: test.variants,
    seed: test.seed ?? ctx.suite.seed,
    maxFlipRate: test.maxFlipRate,
    perturbationOptions: suitePerturbationOptions(ctx.suite, ctx.loaded.dir),
  });
  const line = `flip rate ${fmt(o.flipRate)} ≤ ${fmt(o.maxFlipRate)}: ${o.flips.length} of ${o.n} changed variants of ${o.nTexts} texts changed prediction under ${o.perturbations.join(', ')} (severity ${o.severity})`;
  return {
    status: o.pass ? 'passed' : 'failed',
    summary: line,
    gates: [
      {
        gate: 'maxFlipRate',
        scope: o.perturbations.join(', '),
        bound: o.maxFlipRate,
        value: o.flipRate,
        pass: o.pass,
        line,
      },
    ],
    evidence: o.pass
      ? []
      : listEvidence(
          o.flips,
          (f) =>
            `${quote(f.original)} → ${quote(f.variant)}: ${f.before} → ${f.after} (${fmt(f.confidence)})`,
        ),
  };
}

export const invarianceTestType: TestType<InvarianceTest> = {
  run: runInvarianceTest,
  defaultName: (test, index) => `invariance to ${test.perturbation} #${index + 1}`,
  problems: inputProblems,
  preflight: async (_ctx, test, index, tools) => {
    const at = ['tests', index];
    const { defs, problems } = tools.perturbations(test.perturbation, [...at, 'perturbation']);
    const severity = (test.severity ?? DEFAULT_SEVERITY) as Severity;
    const path = test.severity !== undefined ? [...at, 'severity'] : [...at, 'perturbation'];
    return [...problems, ...severityProblems(defs, [severity], path)];
  },
};
