/** Suite `expect` test: inputs should get one label (CheckList's minimum functionality test). */
import { fmt, listEvidence, quote } from '../../report/explain.ts';
import type { SuiteContext } from '../context.ts';
import type { PartialOutcome } from '../outcome.ts';
import type { ExpectTest } from '../schema.ts';
import type { TestType } from './index.ts';
import { inputProblems, inputTexts, labelIndex, topScore, unknownLabel } from './inputs.ts';

export async function runExpectTest(
  ctx: SuiteContext,
  test: ExpectTest,
  index: number,
): Promise<PartialOutcome> {
  const gold = labelIndex(ctx, test.label, ['tests', index, 'label']);
  const texts = await inputTexts(ctx, test, index);
  const preds = await ctx.session.runner.predict(texts);
  const labels = ctx.session.classifier.labels;
  const wrong = texts
    .map((text, i) => ({ text, pred: preds[i]! }))
    .filter(({ pred }) => pred.label !== test.label)
    // Most confident mistakes first: the clearest evidence.
    .sort((a, b) => topScore(b.pred, labels) - topScore(a.pred, labels));
  const accuracy = (texts.length - wrong.length) / texts.length;
  const minAccuracy = test.minAccuracy ?? 1;
  const pass = accuracy >= minAccuracy;
  const line = `accuracy ${fmt(accuracy)} ≥ ${fmt(minAccuracy)}: ${texts.length - wrong.length} of ${texts.length} classified as ${test.label}`;
  return {
    status: pass ? 'passed' : 'failed',
    summary: line,
    gates: [{ gate: 'minAccuracy', scope: test.label, bound: minAccuracy, value: accuracy, pass, line }],
    evidence: pass
      ? []
      : listEvidence(
          wrong,
          ({ text, pred }) =>
            `${quote(text)} → ${pred.label} (${fmt(topScore(pred, labels))}), p(${test.label}) ${fmt(pred.scores[gold] ?? 0)}`,
        ),
  };
}

export const expectTestType: TestType<ExpectTest> = {
  run: runExpectTest,
  defaultName: (test, index) => `expect ${test.label} #${index + 1}`,
  problems: inputProblems,
  preflight: async (ctx, test, index) => {
    const problem = unknownLabel(ctx, test.label, 'label', ['tests', index, 'label']);
    return problem ? [problem] : [];
  },
};
