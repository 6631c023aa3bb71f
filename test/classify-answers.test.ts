/**
 * The one check of backend answers (issue 10, items 2 and 3): scores must be probabilities (or
 * logits, with --scores logits), and a label must agree with the argmax of its scores (or be trusted,
 * with --prediction label). Unit cases for predictions.ts, then the same through the prediction
 * runner and the audit, which names the data line of a wrong answer.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { audit } from '../src/audit.ts';
import {
  type AnswerPolicy,
  AnswerTextError,
  answerPolicy,
  checkPrediction,
  labelIndex,
  softmax,
  toPrediction,
} from '../src/classify/predictions.ts';
import { createPredictionRunner } from '../src/classify/runner.ts';
import { ModelError, UsageError } from '../src/errors.ts';
import type { Classifier, Prediction } from '../src/types.ts';

const LABELS = ['a', 'b', 'c'];
const INDEX = labelIndex(LABELS);

/** An answer as a backend sends it → the checked prediction, as the backends and the runner do it. */
function read(answer: unknown, policy: Partial<AnswerPolicy> = {}): Prediction {
  const full = answerPolicy(policy);
  return checkPrediction(toPrediction(answer, LABELS, INDEX, undefined, full.scores), LABELS, INDEX, full);
}

describe('answer checks (probabilities, the default)', () => {
  it.each([
    [
      'a negative score',
      [{ label: 'a', score: -3 }],
      /the score of "a" is -3, not a probability in \[0, 1\]/,
    ],
    ['a score above 1', { label: 'a', scores: [5, 0, 0] }, /the score of "a" is 5, not a probability/],
    ['NaN', { label: 'a', scores: [Number.NaN, 0, 0] }, /must be a finite number, got NaN/],
    ['Infinity', [{ label: 'b', score: Number.POSITIVE_INFINITY }], /must be a finite number, got Infinity/],
    ['a full set not summing to 1', { label: 'a', scores: [0.5, 0.2, 0.2] }, /the scores sum to 0\.9, not 1/],
    [
      'a top-k set summing past 1',
      [
        { label: 'a', score: 0.7 },
        { label: 'b', score: 0.6 },
      ],
      /sum to 1\.3/,
    ],
    [
      'a label the scores contradict',
      { label: 'a', scores: [0.1, 0.8, 0.1] },
      /the label "a" \(score 0\.1\) disagrees with the highest score, "b" \(0\.8\).*--prediction label/,
    ],
    // two labels left share 0.7: each 0.35 > 0.3, so "a" cannot be the top-1
    ['a top-1 that cannot be the top', { label: 'a', score: 0.3 }, /disagrees with the highest score/],
  ])('rejects %s', (_what, answer, pattern) => {
    expect(() => read(answer)).toThrow(pattern);
  });

  it('accepts sums within 1e-3 and float32 softmax output over many labels', () => {
    expect(read({ label: 'a', scores: [0.5004, 0.3, 0.2] }).label).toBe('a');
    expect(() => read({ label: 'a', scores: [0.502, 0.3, 0.2] })).toThrow(/sum to/);
    const many = Array.from({ length: 77 }, (_, i) => `l${i}`);
    const logits = many.map((_, i) => Math.sin(i * 12.9898) * 8);
    const scores = softmax(logits).map(Math.fround);
    const index = labelIndex(many);
    const top = scores.indexOf(Math.max(...scores));
    expect(checkPrediction({ label: many[top], scores }, many, index).label).toBe(many[top]);
  });

  it('keeps a label tied with the highest score; without a label the first tied label wins', () => {
    expect(read({ label: 'b', scores: [0.5, 0.5, 0] })).toEqual({ label: 'b', scores: [0.5, 0.5, 0] });
    expect(read({ scores: [0.5, 0.5, 0] }).label).toBe('a');
    expect(read({ label: 'b', score: 0.5 }).label).toBe('b'); // 0.5 vs 0.25, 0.25
  });

  it('reads partial answers as before', () => {
    expect(read('b')).toEqual({ label: 'b', scores: [0, 1, 0] });
    expect(read([{ label: 'c', score: 0.6 }])).toEqual({ label: 'c', scores: [0.2, 0.2, 0.6] });
  });
});

describe('--prediction label and --scores logits', () => {
  it('trusts the label with --prediction label; the scores stay as given', () => {
    expect(read({ label: 'a', scores: [0.1, 0.8, 0.1] }, { prediction: 'label' })).toEqual({
      label: 'a',
      scores: [0.1, 0.8, 0.1],
    });
    // the scores are still checked
    expect(() => read({ label: 'a', scores: [0.1, 0.8, 0.3] }, { prediction: 'label' })).toThrow(/sum to/);
  });

  it('softmaxes logits without overflow, and still checks the label', () => {
    const p = read({ label: 'b', scores: [1000, 1001, -1e308] }, { scores: 'logits' });
    expect(p.label).toBe('b');
    expect(p.scores.every(Number.isFinite)).toBe(true);
    expect(p.scores[1]! / p.scores[0]!).toBeCloseTo(Math.E, 10);
    expect(p.scores.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 12);
    expect(() => read({ label: 'a', scores: [-2, 3, 1] }, { scores: 'logits' })).toThrow(/disagrees/);
    expect(() => read({ label: 'a', scores: [1, Number.NaN, 0] }, { scores: 'logits' })).toThrow(/NaN/);
  });

  it('refuses partial answers with logits (they cannot be completed to a distribution)', () => {
    expect(() => read({ label: 'a', score: 3 }, { scores: 'logits' })).toThrow(
      /with --scores logits every answer must score all 3 labels, got 1 score/,
    );
    expect(() => read('a', { scores: 'logits' })).toThrow(/must score all 3 labels/);
  });
});

/** A classifier instance: `answer(text)` is what it returns for a text. */
let instances = 0;
function instance(answer: (text: string) => Prediction, labels = LABELS): Classifier {
  return {
    labels,
    fingerprint: `answers-test-${instances++}`,
    id: 'answers test model',
    classify: async (texts) => texts.map(answer),
  };
}

describe('the prediction runner checks every backend', () => {
  it('names the text of a wrong answer from any Classifier', async () => {
    const runner = createPredictionRunner(
      instance((t) => ({ label: 'a', scores: t === 'bad one' ? [Number.NaN, 0, 1] : [1, 0, 0] })),
      { cacheDir: null },
    );
    const error = await runner.predict(['fine', 'bad one']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AnswerTextError);
    expect((error as AnswerTextError).text).toBe('bad one');
    expect((error as Error).message).toMatch(
      /the answer for the text "bad one" is wrong: the score of "a" must be a finite number, got NaN/,
    );
  });

  it('applies --scores logits and --prediction label from its options', async () => {
    const logits = createPredictionRunner(
      instance(() => ({ label: 'c', scores: [0, 1, 2] })),
      { cacheDir: null, answers: { scores: 'logits' } },
    );
    const [p] = await logits.predict(['x']);
    expect(p!.scores).toEqual(softmax([0, 1, 2]));
    expect(logits.answers).toEqual({ prediction: 'argmax', scores: 'logits' });
  });
});

const dir = mkdtempSync(join(tmpdir(), 'tailcheck-answers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the audit', () => {
  const data = join(dir, 'data.jsonl');
  const rows = [
    { text: 'alpha one', label: 'a' },
    { text: 'beta two', label: 'b' },
    { text: 'gamma three', label: 'c' },
  ];
  writeFileSync(data, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
  const originals = new Set(rows.map((r) => r.text));
  const gold = (text: string) => rows.find((r) => r.text === text)?.label ?? 'a';
  const honest = (text: string): Prediction => {
    const i = LABELS.indexOf(gold(text));
    return { label: LABELS[i]!, scores: LABELS.map((_, j) => (j === i ? 0.8 : 0.1)) };
  };
  const run = { data, perturb: 'typo', variants: 1, cacheDir: null, resamples: 1000 };

  // Issue 10 (2): a label with scores peaking elsewhere was scored by the argmax, silently.
  it('stops at an answer whose label disagrees with its scores, naming the data line', async () => {
    const model = instance((text) =>
      text === 'beta two' ? { label: 'b', scores: [0.7, 0.2, 0.1] } : honest(text),
    );
    const error = await audit({ ...run, model }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelError);
    expect((error as Error).message).toMatch(
      /the answer for the text "beta two" is wrong: the label "b" \(score 0\.2\) disagrees .* \(the text is the example at .*data\.jsonl:line 2\)/,
    );
  });

  it('names the example a wrong variant answer was made from', async () => {
    const model = instance((text) =>
      originals.has(text) ? honest(text) : { label: 'a', scores: [0.2, 0.7, 0.1] },
    );
    writeFileSync(join(dir, 'one.jsonl'), `${JSON.stringify(rows[2])}\n`);
    const again = await audit({ ...run, model, data: join(dir, 'one.jsonl') }).catch((e: unknown) => e);
    expect((again as Error).message).toMatch(
      /\(the text is a typo\.\S+ variant \(severity 2\) of the example at .*one\.jsonl:line 1\)/,
    );
  });

  it('predicts the label with --prediction label; scores only feed confidences', async () => {
    const model = instance((text) => ({ label: gold(text), scores: [0.6, 0.3, 0.1] }));
    const report = await audit({ ...run, model, classifierOptions: { prediction: 'label' } });
    const records = report.examples ?? [];
    expect(records.map((r) => r.prediction)).toEqual(['a', 'b', 'c']);
    expect(records.map((r) => r.confidence)).toEqual([0.6, 0.3, 0.1]);
  });

  it('refuses --logit-adjust with --prediction label (exit 2)', async () => {
    const model = instance(honest);
    await expect(
      audit({ ...run, model, logitAdjust: 1, classifierOptions: { prediction: 'label' } }),
    ).rejects.toThrow(UsageError);
    await expect(
      audit({ ...run, model, logitAdjust: 1, classifierOptions: { prediction: 'label' } }),
    ).rejects.toThrow(/--logit-adjust needs predictions that are the argmax of the scores/);
  });
});
