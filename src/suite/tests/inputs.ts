/**
 * Inputs of the text-driven test types (invariance, expect, directional): literal texts, filled
 * templates and data rows capped by maxCases, and the check that a test's label is the model's.
 */

import { readExamples } from '../../data/load.ts';
import { DEFAULT_SEED } from '../../defaults.ts';
import { BUNDLED_EVAL_DATA } from '../../paths.ts';
import type { Prediction } from '../../types.ts';
import { createRng, rngKey } from '../../util/rng.ts';
import { compareStrings, editDistance } from '../../util/strings.ts';
import type { SuiteContext } from '../context.ts';
import type { SuiteProblem, YamlPath } from '../load.ts';
import type { DirectionalTest, ExpectTest, InvarianceTest, Suite } from '../schema.ts';
import { expandTemplates, placeholders } from '../templates.ts';

export const DEFAULT_MAX_CASES = 100;

/** Load-time problems of a test that takes input texts: it needs a source, and its templates lexicons. */
export function inputProblems(test: InputTest, suite: Suite): SuiteProblem[] {
  const problems: SuiteProblem[] = [];
  if (!test.texts && !test.templates && !test.fromData) {
    problems.push({ path: [], message: 'needs inputs: texts, templates or fromData' });
  }
  const lexicons = { ...suite.lexicons, ...test.lexicons };
  test.templates?.forEach((template, j) => {
    const missing = placeholders(template).filter((p) => !lexicons[p]);
    if (missing.length) {
      problems.push({
        path: ['templates', j],
        message: `no lexicon for {${missing.join('}, {')}}: define it under lexicons`,
      });
    }
  });
  return problems;
}

type InputTest = InvarianceTest | ExpectTest | DirectionalTest;

/** One input of a test: its text, and its gold label when it comes from labelled data. */
export interface InputItem {
  text: string;
  gold?: string;
}

/** The test's input texts: literal texts, filled templates and data rows, capped by maxCases. */
export async function inputTexts(ctx: SuiteContext, test: InputTest, index: number): Promise<string[]> {
  return (await inputItems(ctx, test, index)).map((item) => item.text);
}

/**
 * The test's inputs with the gold labels of data rows (texts and templates have none), capped by
 * maxCases; a text given twice is one input, with the first gold label it came with.
 */
export async function inputItems(ctx: SuiteContext, test: InputTest, index: number): Promise<InputItem[]> {
  const seed = test.seed ?? ctx.suite.seed ?? DEFAULT_SEED;
  const maxCases = test.maxCases ?? DEFAULT_MAX_CASES;
  const items: InputItem[] = (test.texts ?? []).map((text) => ({ text }));
  if (test.templates) {
    const lexicons = { ...ctx.suite.lexicons, ...test.lexicons };
    // Keyed by content, not name or position: renaming or reordering tests keeps their cases.
    const key = JSON.stringify(test.templates);
    const cases = expandTemplates(test.templates, lexicons, { maxCases, seed, key });
    items.push(...cases.map((c) => ({ text: c.text })));
  }
  if (test.fromData) {
    const spec = test.fromData === true ? {} : test.fromData;
    const labels = spec.labels ? new Set(spec.labels) : undefined;
    const rows: InputItem[] = [];
    const path = ctx.dataPath ?? BUNDLED_EVAL_DATA;
    for await (const ex of readExamples(path, {
      textField: ctx.suite.textField,
      labelField: ctx.suite.labelField,
      requireLabel: labels !== undefined,
    })) {
      if (labels && !labels.has(ex.label ?? '')) continue;
      rows.push(ex.label === undefined ? { text: ex.text } : { text: ex.text, gold: ex.label });
      if (spec.limit !== undefined && rows.length >= spec.limit) break;
    }
    if (rows.length === 0) {
      throw ctx.loaded.problem(['tests', index, 'fromData'], `no rows of ${path} match`);
    }
    items.push(...rows);
  }
  const byText = new Map<string, InputItem>();
  for (const item of items) if (!byText.has(item.text)) byText.set(item.text, item);
  const unique = [...byText.values()];
  if (unique.length <= maxCases) return unique;
  const rng = createRng(rngKey('suite-cases', seed, unique.length));
  const keep = new Set(rng.sample(unique, maxCases));
  return unique.filter((item) => keep.has(item));
}

/** Labels within a few edits of a misspelt one (case-insensitive), nearest first. */
export function closestLabels(label: string, labels: readonly string[], k = 3): string[] {
  const limit = Math.max(2, Math.floor(label.length / 4));
  return labels
    .map((l) => ({ l, d: editDistance(label.toLowerCase(), l.toLowerCase()) }))
    .filter(({ d }) => d <= limit)
    .sort((a, b) => a.d - b.d || compareStrings(a.l, b.l))
    .slice(0, k)
    .map(({ l }) => l);
}

/** An unknown label (or perClass class) of the model, with a did-you-mean; undefined when the model has it. */
export function unknownLabel(
  ctx: SuiteContext,
  label: string,
  what: 'label' | 'class',
  path: YamlPath,
): SuiteProblem | undefined {
  const { labels, id } = ctx.session.classifier;
  if (labels.includes(label)) return undefined;
  const close = closestLabels(label, labels);
  return {
    path,
    message: `unknown ${what} "${label}" for model ${id}${close.length ? ` (did you mean ${close.join(', ')}?)` : ''}`,
  };
}

/** The label's score index; an unknown label is a suite problem (exit 2) with a did-you-mean. */
export function labelIndex(ctx: SuiteContext, label: string, path: YamlPath): number {
  const unknown = unknownLabel(ctx, label, 'label', path);
  if (unknown) throw ctx.loaded.problem(unknown.path, unknown.message);
  return ctx.session.classifier.labels.indexOf(label);
}

/** The probability of the predicted label. */
export const topScore = (p: Prediction, labels: readonly string[]): number =>
  p.scores[labels.indexOf(p.label)] ?? 0;
