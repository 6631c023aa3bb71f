/**
 * Suite `directional` test (CheckList's DIR), in two forms: adding a phrase should move one label's
 * probability up or down; or a directional transform (`negate`) should change the prediction — the
 * label changes, the probability of the gold (or original) label falls, or, with `labelsThatFlip`, the
 * prediction becomes the mapped label. Inputs the transform cannot change are left out and counted.
 */
import { DEFAULT_SEED } from '../../defaults.ts';
import { initPerturbations, perturbExamples } from '../../perturb/engine.ts';
import { loadRegistry, severitiesOf } from '../../perturb/registry.ts';
import { fmt, listEvidence, quote } from '../../report/explain.ts';
import { isCounted, type Prediction } from '../../types.ts';
import { createRng, rngKey } from '../../util/rng.ts';
import { type SuiteContext, suitePerturbationOptions } from '../context.ts';
import type { SuiteProblem } from '../load.ts';
import type { PartialOutcome } from '../outcome.ts';
import type { DirectionalTest } from '../schema.ts';
import type { TestType } from './index.ts';
import { type InputItem, inputItems, inputProblems, inputTexts, labelIndex, unknownLabel } from './inputs.ts';

/** A transform's registry name: `negate` is short for `directional.negate`. */
export function transformName(name: string): string {
  return name.includes('.') ? name : `directional.${name}`;
}

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

export function runDirectionalTest(
  ctx: SuiteContext,
  test: DirectionalTest,
  index: number,
): Promise<PartialOutcome> {
  return test.transform === undefined ? runPhraseTest(ctx, test, index) : runTransformTest(ctx, test, index);
}

/** Phrase form: `label`'s probability must move in `direction` (by at least minDelta). */
async function runPhraseTest(
  ctx: SuiteContext,
  test: DirectionalTest,
  index: number,
): Promise<PartialOutcome> {
  const target = labelIndex(ctx, test.label!, ['tests', index, 'label']);
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

/** One transformed input, with the label its check refers to. */
interface TransformRow extends InputItem {
  changed: string;
  before: Prediction;
  after: Prediction;
  /** the gold label when the model has it, else the original prediction */
  reference: string;
  /** p(reference) before and after */
  pBefore: number;
  pAfter: number;
  pass: boolean;
}

/** What a transform test checks, as its gate scope and summary say it. */
type TransformCheck = 'labelChanges' | 'probabilityDrop' | 'labelsThatFlip';

/** `negate` → `negated`: the summary's verb for what the transform did. */
function pastParticipleOf(transform: string): string {
  const short = transform.slice(transform.indexOf('.') + 1);
  return short.endsWith('e') ? `${short}d` : `${short}ed`;
}

/**
 * Transform form: each input transformed once (its lowest level); inputs it cannot change are left out,
 * as are, with labelsThatFlip, inputs whose label is not a key. Fails when more than maxFailRate of the
 * rest do not meet the expectation.
 */
async function runTransformTest(
  ctx: SuiteContext,
  test: DirectionalTest,
  index: number,
): Promise<PartialOutcome> {
  const registry = await loadRegistry();
  const [def] = registry.resolve(transformName(test.transform!), { directional: true });
  const options = suitePerturbationOptions(ctx.suite, ctx.loaded.dir) ?? {};
  await initPerturbations([def!], options);
  const seed = test.seed ?? ctx.suite.seed ?? DEFAULT_SEED;
  const items = await inputItems(ctx, test, index);
  const variants = await perturbExamples(
    items.map((item) => item.text),
    [def!],
    { seed, severities: [severitiesOf(def!)[0]!], variants: 1, options },
  );
  const transformed = items.flatMap((item, i) => {
    const v = variants[i]![0]!;
    return isCounted(v) && v.text !== item.text ? [{ ...item, changed: v.text }] : [];
  });
  const done = pastParticipleOf(def!.name);
  if (transformed.length === 0) {
    throw new Error(`${def!.name} could not change any of the ${items.length} inputs (${done} none)`);
  }
  const preds = await ctx.session.runner.predict([
    ...transformed.map((r) => r.text),
    ...transformed.map((r) => r.changed),
  ]);
  const { labels } = ctx.session.classifier;
  const flips = ctx.options.labelsThatFlip ?? test.labelsThatFlip;
  const check: TransformCheck = flips ? 'labelsThatFlip' : test.expect!;
  const minDelta = test.minDelta ?? 0;
  let goldRefs = 0;
  const all: TransformRow[] = transformed.map((item, i) => {
    const before = preds[i]!;
    const after = preds[transformed.length + i]!;
    const gold = item.gold !== undefined && labels.includes(item.gold) ? item.gold : undefined;
    if (gold !== undefined) goldRefs++;
    const reference = gold ?? before.label;
    const at = labels.indexOf(reference);
    const pBefore = before.scores[at] ?? 0;
    const pAfter = after.scores[at] ?? 0;
    const pass =
      check === 'labelsThatFlip'
        ? after.label === flips![reference]
        : check === 'labelChanges'
          ? after.label !== before.label
          : pBefore - pAfter >= minDelta;
    return { ...item, before, after, reference, pBefore, pAfter, pass };
  });
  const rows = flips ? all.filter((r) => Object.hasOwn(flips, r.reference)) : all;
  const unmapped = all.length - rows.length;
  if (rows.length === 0) {
    throw new Error(
      `none of the ${all.length} ${done} inputs has a label in labelsThatFlip (${Object.keys(flips!).join(', ')})`,
    );
  }
  const fails = rows.filter((r) => !r.pass);
  if (check === 'probabilityDrop') fails.sort((a, b) => a.pBefore - a.pAfter - (b.pBefore - b.pAfter));
  const failRate = fails.length / rows.length;
  const maxFailRate = test.maxFailRate ?? 0;
  const pass = failRate <= maxFailRate;
  const which =
    goldRefs === all.length
      ? 'gold label'
      : goldRefs === 0
        ? 'predicted label'
        : 'gold (else predicted) label';
  const meanDrop = rows.reduce((s, r) => s + r.pBefore - r.pAfter, 0) / rows.length;
  const property =
    check === 'labelsThatFlip'
      ? `the prediction became the flipped label (${Object.entries(flips!)
          .map(([a, b]) => `${a} → ${b}`)
          .join(', ')})`
      : check === 'labelChanges'
        ? 'the prediction changed'
        : `p(${which}) fell by ≥ ${fmt(minDelta)}`;
  const leftOut = unmapped > 0 ? `; ${unmapped} left out, their label is not in labelsThatFlip` : '';
  const line =
    `fail rate ${fmt(failRate)} ≤ ${fmt(maxFailRate)}: ${property} on ${rows.length - fails.length} of ` +
    `${rows.length} inputs (${done} ${transformed.length} of ${items.length} inputs${leftOut}; mean drop of p(${which}) ${fmt(meanDrop)})`;
  const pLine = (r: TransformRow) =>
    `${r.before.label} (${fmt(topOf(r.before, labels))}) → ${r.after.label} (${fmt(topOf(r.after, labels))})`;
  return {
    status: pass ? 'passed' : 'failed',
    summary: line,
    gates: [
      {
        gate: 'maxFailRate',
        scope: `${def!.name} ${check}`,
        bound: maxFailRate,
        value: failRate,
        pass,
        line,
      },
    ],
    evidence: pass
      ? []
      : listEvidence(fails, (r) => {
          const detail =
            check === 'labelsThatFlip'
              ? `, wanted ${flips![r.reference]}`
              : check === 'probabilityDrop'
                ? `, p(${r.reference}) ${fmt(r.pBefore)} → ${fmt(r.pAfter)}`
                : '';
          return `${quote(r.text)} → ${quote(r.changed)}: ${pLine(r)}${detail}`;
        }),
  };
}

function topOf(p: Prediction, labels: readonly string[]): number {
  return p.scores[labels.indexOf(p.label)] ?? 0;
}

/** Load-time problems of the two forms: one edit, and the fields of its form only. */
function formProblems(test: DirectionalTest): SuiteProblem[] {
  const problems: SuiteProblem[] = [];
  const edits = [test.prefix, test.suffix, test.insert, test.transform].filter((x) => x !== undefined).length;
  if (edits !== 1)
    problems.push({ path: [], message: 'needs exactly one of prefix, suffix, insert or transform' });
  const misplaced = (keys: readonly (keyof DirectionalTest)[], why: string) => {
    for (const key of keys)
      if (test[key] !== undefined) problems.push({ path: [key], message: `${key} ${why}` });
  };
  if (test.transform === undefined) {
    misplaced(['expect', 'labelsThatFlip'], 'belongs to the transform form (transform: negate)');
    if (test.label === undefined)
      problems.push({ path: [], message: 'a phrase test needs label (whose probability the phrase moves)' });
    if (test.direction === undefined)
      problems.push({ path: [], message: 'a phrase test needs direction (up or down)' });
    return problems;
  }
  misplaced(
    ['label', 'direction'],
    'belongs to the phrase form; a transform test states expect or labelsThatFlip',
  );
  if (test.expect === undefined && test.labelsThatFlip === undefined) {
    problems.push({
      path: [],
      message: 'a transform test needs expect (labelChanges or probabilityDrop) or labelsThatFlip',
    });
  }
  if (test.expect === 'probabilityDrop' && test.minDelta === undefined) {
    problems.push({
      path: ['expect'],
      message: 'expect: probabilityDrop needs minDelta (how far the probability must fall)',
    });
  }
  if (test.expect !== 'probabilityDrop' && test.minDelta !== undefined) {
    problems.push({
      path: ['minDelta'],
      message: 'minDelta applies to the phrase form and to expect: probabilityDrop only',
    });
  }
  if (test.labelsThatFlip !== undefined && test.expect === 'probabilityDrop') {
    problems.push({
      path: ['labelsThatFlip'],
      message:
        'labelsThatFlip states its own expectation (the mapped label): drop it or expect: probabilityDrop',
    });
  }
  return problems;
}

export const directionalTestType: TestType<DirectionalTest> = {
  run: runDirectionalTest,
  defaultName: (test, index) =>
    test.transform === undefined
      ? `${test.label} ${test.direction} #${index + 1}`
      : `${test.transform} ${test.labelsThatFlip ? 'labelsThatFlip' : test.expect} #${index + 1}`,
  problems: (test, suite) => [...inputProblems(test, suite), ...formProblems(test)],
  preflight: async (ctx, test, index, tools) => {
    const at = ['tests', index];
    if (test.transform === undefined) {
      const problem =
        test.label === undefined ? undefined : unknownLabel(ctx, test.label, 'label', [...at, 'label']);
      return problem ? [problem] : [];
    }
    const { problems } = tools.transform(test.transform, [...at, 'transform']);
    // --labels-that-flip replaces the test's map: its labels are checked in its place
    const cli = ctx.options.labelsThatFlip;
    const flips = cli ?? test.labelsThatFlip ?? {};
    const from = cli ? ' (from --labels-that-flip)' : '';
    for (const [key, value] of Object.entries(flips)) {
      const path = cli ? [...at, 'transform'] : [...at, 'labelsThatFlip', key];
      for (const label of key === value ? [key] : [key, value]) {
        const problem = unknownLabel(ctx, label, 'label', path);
        if (problem) problems.push({ ...problem, message: problem.message + from });
      }
    }
    return problems;
  },
};
