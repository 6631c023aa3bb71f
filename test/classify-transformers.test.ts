import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTransformersClassifier } from '../src/classify/backends/transformers.ts';
import { loadClassifier } from '../src/classify/load.ts';
import { createPredictionRunner } from '../src/classify/runner.ts';
import { BUNDLED_MODEL_DIR } from '../src/paths.ts';
import type { Classifier } from '../src/types.ts';

// Written for this test: everyday banking requests, plus odd Unicode and a very long input.
const TEXTS = [
  'I still have not received my new debit card',
  'my card payment was declined at the supermarket',
  'how do I top up my account with apple pay?',
  'someone stole my wallet, please block the card',
  'why was I charged an extra fee for withdrawing cash',
  'the exchange rate on my transfer looks wrong',
  'cancel the transfer I made this morning!!',
  'Où est ma carte ? 💳 我的卡',
  'refund 👩‍👩‍👧 £20 عاجل',
  `I need help with my account ${'please '.repeat(150)}`,
];

let model: Classifier;
const dir = mkdtempSync(join(tmpdir(), 'tailcheck-tjs-'));
beforeAll(async () => {
  model = await loadClassifier(undefined);
});
afterAll(async () => {
  await model?.close?.();
  rmSync(dir, { recursive: true, force: true });
});

describe('transformers.js backend (bundled model)', () => {
  it('takes its labels from config.json id2label, in id order', () => {
    const config = JSON.parse(readFileSync(join(BUNDLED_MODEL_DIR, 'config.json'), 'utf8')) as {
      id2label: Record<string, string>;
    };
    const expected = Object.keys(config.id2label)
      .sort((a, b) => Number(a) - Number(b))
      .map((id) => config.id2label[id]);
    expect(model.labels).toEqual(expected);
    expect(model.labels.length).toBeGreaterThan(10);
    expect(model.id).toBe(BUNDLED_MODEL_DIR);
  });

  it('returns a probability for every label, summing to 1, with the argmax as label', async () => {
    const predictions = await model.classify(TEXTS);
    expect(predictions).toHaveLength(TEXTS.length);
    for (const p of predictions) {
      expect(p.scores).toHaveLength(model.labels.length);
      for (const s of p.scores) {
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(1);
        expect(Math.fround(s)).toBe(s); // float32 outputs, stored exactly by the cache
      }
      expect(p.scores.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      expect(p.label).toBe(model.labels[p.scores.indexOf(Math.max(...p.scores))]);
    }
    // a trained model, not a constant: different requests get different answers
    expect(new Set(predictions.map((p) => p.label)).size).toBeGreaterThan(3);
  });

  it('gives the same result for a text in a padded batch as alone (fp32)', async () => {
    const batch = await model.classify(TEXTS);
    for (let i = 0; i < TEXTS.length; i++) {
      const [alone] = await model.classify([TEXTS[i]!]);
      expect(alone!.label).toBe(batch[i]!.label);
      const diff = Math.max(...alone!.scores.map((s, j) => Math.abs(s - batch[i]!.scores[j]!)));
      expect(diff).toBeLessThan(1e-5);
    }
  });

  it('returns identical predictions with and without the cache', async () => {
    const plain = await createPredictionRunner(model, { cacheDir: null }).predict(TEXTS);
    const first = createPredictionRunner(model, { cacheDir: dir });
    const fresh = await first.predict(TEXTS);
    await first.close();
    const second = createPredictionRunner(model, { cacheDir: dir });
    const cached = await second.predict(TEXTS);
    await second.close();
    expect(second.stats.backendCalls).toBe(0);
    expect(fresh).toStrictEqual(plain);
    expect(cached).toStrictEqual(plain);
  });

  it('loads the int8 weights with dtype q8, under another fingerprint', async () => {
    const q8 = await createTransformersClassifier(BUNDLED_MODEL_DIR, { dtype: 'q8' });
    try {
      expect(q8.labels).toEqual(model.labels);
      expect(q8.fingerprint).not.toBe(model.fingerprint);
      const [p] = await q8.classify([TEXTS[3]!]);
      expect(p!.scores.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    } finally {
      await q8.close?.();
    }
  });

  it('has a stable fingerprint across loads', async () => {
    const again = await createTransformersClassifier(BUNDLED_MODEL_DIR);
    expect(again.fingerprint).toBe(model.fingerprint);
    await again.close?.();
  });

  it("passes the runner's answer checks (softmax output within the sum tolerance)", async () => {
    const runner = createPredictionRunner(model, { cacheDir: null });
    const out = await runner.predict(TEXTS);
    expect(out).toHaveLength(TEXTS.length);
    await runner.close();
  });

  // Issue 10 (14): --timeout applies to every backend, this one too.
  it('fails a batch that takes longer than --timeout with a ModelError naming the timeout', async () => {
    const slow = await loadClassifier(undefined, { timeoutMs: 1 });
    try {
      await expect(slow.classify(TEXTS)).rejects.toThrow(
        /transformers\.js model .*: a batch of 10 texts was not classified within 1 ms \(--timeout\)/,
      );
    } finally {
      await slow.close?.();
    }
  });

  it('refuses --scores logits (the pipeline returns probabilities)', async () => {
    await expect(loadClassifier(undefined, { scores: 'logits' })).rejects.toThrow(
      /--scores logits is for http, cmd: and module models/,
    );
  });
});
