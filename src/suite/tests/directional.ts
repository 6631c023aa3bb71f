/**
 * Suite `directional` test: adding a phrase should move one label's probability up or down
 * (CheckList's DIR).
 */
import { DEFAULT_SEED } from '../../defaults.ts';
import { fmt, listEvidence, quote } from '../../report/explain.ts';
import { createRng, rngKey } from '../../util/rng.ts';
import type { SuiteContext } from '../context.ts';
import type { PartialOutcome } from '../outcome.ts';
import type { DirectionalTest } from '../schema.ts';
import type { TestType } from './index.ts';
import { inputProblems, inputTexts, labelIndex, unknownLabel } from './inputs.ts';

/** Joins a phrase to a text with one space, none before punctuation. */
export function addPhrase(
  text: string,
  test: Pick<DirectionalTest, 'prefix' | 'suffix' | 'insert'>,
  seed: number,
): string {
  const t = text.trim();
  if (test.prefix !== undefined) return `${test.prefix.trimEnd()} ${t}`;
  if (test.suffix !== undefined) {
    const s = test.suffix.trim();
    return /^[,.;:!?)]/.test(s) ? `${t}${s}` : `${t} ${s}`;
  }
  const phrase = test.insert!.trim();
  const gaps = [...t.matchAll(/ +/g)].map((m) => m.index!);
  if (gaps.length === 0) return `${t} ${phrase}`;
  const at = createRng(rngKey('suite-insert', seed, t)).pick(gaps);
  return `${t.slice(0, at)} ${phrase} ${t.slice(at).trimStart()}`;
}

export async function runDirectionalTest(
  ctx: SuiteContext,
  test: DirectionalTest,
  index: number,
): Promise<PartialOutcome> {
  const target = labelIndex(ctx, test.label, ['tests', index, 'label']);
  const seed = test.seed ?? ctx.suite.seed ?? DEFAULT_SEED;
  const texts = await inputTexts(ctx, test, index);
  const changed = texts.map((t) => addPhrase(t, test, seed));
  const preds = await ctx.session.runner.predict([...texts, ...changed]);
  const minDelta = test.minDelta ?? 0;
  const sign = test.direction === 'up' ? 1 : -1;
  const rows = texts.map((text, i) => {
    const before = preds[i]!.scores[target] ?? 0;
    const after = preds[texts.length + i]!.scores[target] ?? 0;
    return { text, changed: changed[i]!, before, after, delta: after - before };
  });
  const fails = rows.filter((r) => sign * r.delta < minDelta).sort((a, b) => sign * a.delta - sign * b.delta);
  const failRate = fails.length / rows.length;
  const maxFailRate = test.maxFailRate ?? 0;
  const pass = failRate <= maxFailRate;
  const meanDelta = rows.reduce((s, r) => s + r.delta, 0) / rows.length;
  const need = minDelta > 0 ? ` by ≥ ${fmt(minDelta)}` : '';
  const line =
    `fail rate ${fmt(failRate)} ≤ ${fmt(maxFailRate)}: p(${test.label}) went ${test.direction}${need} on ` +
    `${rows.length - fails.length} of ${rows.length} inputs (mean change ${meanDelta >= 0 ? '+' : ''}${fmt(meanDelta)})`;
  return {
    status: pass ? 'passed' : 'failed',
    summary: line,
    gates: [
      {
        gate: 'maxFailRate',
        scope: `${test.label} ${test.direction}`,
        bound: maxFailRate,
        value: failRate,
        pass,
        line,
      },
    ],
    evidence: pass
      ? []
      : listEvidence(
          fails,
          (r) =>
            `${quote(r.text)} → ${quote(r.changed)}: p(${test.label}) ${fmt(r.before)} → ${fmt(r.after)} (${r.delta >= 0 ? '+' : ''}${fmt(r.delta)})`,
        ),
  };
}

export const directionalTestType: TestType<DirectionalTest> = {
  run: runDirectionalTest,
  defaultName: (test, index) => `${test.label} ${test.direction} #${index + 1}`,
  problems(test, suite) {
    const problems = inputProblems(test, suite);
    const edits = [test.prefix, test.suffix, test.insert].filter((x) => x !== undefined).length;
    if (edits !== 1) problems.push({ path: [], message: 'needs exactly one of prefix, suffix or insert' });
    return problems;
  },
  preflight: async (ctx, test, index) => {
    const problem = unknownLabel(ctx, test.label, 'label', ['tests', index, 'label']);
    return problem ? [problem] : [];
  },
};
