// The bundled BANKING77-LT model, loaded offline through transformers.js v4, must reproduce the
// PyTorch fp32 outputs recorded by models/banking77-lt/training/reference_outputs.py.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { env, pipeline, type TextClassificationPipeline } from '@huggingface/transformers';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUNDLED_MODEL_DIR } from '../src/paths.ts';

interface ReferenceSentence {
  kind: string;
  text: string;
  n_tokens: number;
  top: string;
  margin: number;
  probs: number[];
}
interface Reference {
  labels: string[];
  sentences: ReferenceSentence[];
}
interface LabelScore {
  label: string;
  score: number;
}

const MAX_LENGTH = 128;
/** q8 is only expected to keep the decision where fp32 is not close to a tie. */
const CLEAR_MARGIN = 0.2;

const reference: Reference = JSON.parse(
  readFileSync(fileURLToPath(new URL('./fixtures/model-reference.json', import.meta.url)), 'utf8'),
);
const config = JSON.parse(readFileSync(join(BUNDLED_MODEL_DIR, 'config.json'), 'utf8')) as {
  id2label: Record<string, string>;
  label2id: Record<string, number>;
};
const labelCounts = JSON.parse(readFileSync(join(BUNDLED_MODEL_DIR, 'label_counts.json'), 'utf8')) as Record<
  string,
  number
>;
const configLabels = Object.keys(config.id2label)
  .sort((a, b) => Number(a) - Number(b))
  .map((id) => config.id2label[id]);

async function loadBundled(dtype: 'fp32' | 'q8'): Promise<TextClassificationPipeline> {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = `${dirname(BUNDLED_MODEL_DIR)}/`;
  return pipeline('text-classification', basename(BUNDLED_MODEL_DIR), { dtype, device: 'cpu' });
}

/** All label probabilities in config id order, one text at a time (no padding, like the reference). */
async function probabilities(classify: TextClassificationPipeline, text: string): Promise<number[]> {
  const scores = (await classify(text, { top_k: null })) as LabelScore[];
  const byLabel = new Map(scores.map((s) => [s.label, s.score]));
  return configLabels.map((label) => {
    const score = byLabel.get(label);
    if (score === undefined) throw new Error(`no score for ${label}`);
    return score;
  });
}

const argmax = (values: number[]): number => values.indexOf(Math.max(...values));
const maxAbsDiff = (a: number[], b: number[]): number => Math.max(...a.map((x, i) => Math.abs(x - b[i])));

describe('bundled model files', () => {
  it('has the transformers.js layout with both precisions', () => {
    for (const file of [
      'config.json',
      'tokenizer.json',
      'tokenizer_config.json',
      'onnx/model.onnx',
      'onnx/model_quantized.onnx',
    ]) {
      expect(existsSync(join(BUNDLED_MODEL_DIR, file)), file).toBe(true);
    }
  });

  it('config labels are exactly the label_counts.json intents and the reference labels', () => {
    expect(configLabels).toHaveLength(77);
    expect(new Set(configLabels).size).toBe(77);
    expect([...configLabels].sort()).toEqual(Object.keys(labelCounts).sort());
    expect(reference.labels).toEqual(configLabels);
    configLabels.forEach((label, id) => {
      expect(config.label2id[label]).toBe(id);
    });
    // label names are kept exactly as in BANKING77
    expect(configLabels).toContain('reverted_card_payment?');
    expect(configLabels).toContain('Refund_not_showing_up');
  });

  it('label_counts.json describes the long-tailed training set (150 → 5, all three shot groups)', () => {
    const counts = Object.values(labelCounts);
    expect(counts.every((n) => Number.isInteger(n) && n > 0)).toBe(true);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(3318);
    expect(Math.max(...counts)).toBe(150);
    expect(Math.min(...counts)).toBe(5);
    const many = counts.filter((n) => n > 100).length;
    const few = counts.filter((n) => n < 20).length;
    const medium = counts.length - many - few;
    expect(many).toBeGreaterThan(0);
    expect(medium).toBeGreaterThan(0);
    expect(few).toBeGreaterThan(0);
  });

  it('the reference sentences cover plain, misspelt, odd-unicode and over-long inputs', () => {
    expect(reference.sentences.length).toBeGreaterThanOrEqual(20);
    const kinds = new Set(reference.sentences.map((s) => s.kind));
    for (const kind of ['plain', 'typo', 'odd-unicode', 'long']) expect(kinds).toContain(kind);
    expect(reference.sentences.some((s) => s.n_tokens === MAX_LENGTH)).toBe(true);
    for (const s of reference.sentences) {
      expect(s.probs).toHaveLength(77);
      expect(s.probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    }
  });
});

describe('bundled model, fp32 (onnx/model.onnx) vs PyTorch', () => {
  let classify: TextClassificationPipeline;
  beforeAll(async () => {
    classify = await loadBundled('fp32');
  });

  it('tokenizes every sentence to the same number of tokens as the Python tokenizer (JS truncation)', () => {
    for (const s of reference.sentences) {
      const encoded = classify.tokenizer(s.text, { truncation: true });
      expect(encoded.input_ids.dims[1], s.text).toBe(s.n_tokens);
    }
  });

  it.each(reference.sentences.map((s) => [s.kind, s.text.slice(0, 60), s] as const))(
    '%s: %s',
    async (_kind, _text, s) => {
      const probs = await probabilities(classify, s.text);
      expect(configLabels[argmax(probs)]).toBe(s.top);
      expect(maxAbsDiff(probs, s.probs)).toBeLessThan(1e-4);
    },
  );
});

describe('bundled model, q8 (onnx/model_quantized.onnx) vs PyTorch', () => {
  let classify: TextClassificationPipeline;
  beforeAll(async () => {
    classify = await loadBundled('q8');
  });

  it('keeps the decision on every clear case and stays close everywhere', async () => {
    const clear = reference.sentences.filter((s) => s.margin > CLEAR_MARGIN);
    expect(clear.length).toBeGreaterThanOrEqual(10);
    for (const s of reference.sentences) {
      const probs = await probabilities(classify, s.text);
      if (s.margin > CLEAR_MARGIN) expect(configLabels[argmax(probs)], s.text).toBe(s.top);
      expect(maxAbsDiff(probs, s.probs), s.text).toBeLessThan(0.1);
    }
  });
});
