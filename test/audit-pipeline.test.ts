/**
 * Memory of the audit pipeline (issue 10, item 16): a chunk is bounded by the texts it holds
 * (originals + variants), not only by its examples, so many variants cannot blow up one chunk; and
 * `--variants` has a documented maximum.
 */

import { describe, expect, it } from 'vitest';
import { runSettings } from '../src/audit/options.ts';
import { MAX_CHUNK_TEXTS, maxChunkExamples, runPipeline } from '../src/audit/pipeline.ts';
import { DEFAULT_ANSWER_POLICY } from '../src/classify/predictions.ts';
import type { PredictionRunner } from '../src/classify/runner.ts';
import { MAX_VARIANTS } from '../src/defaults.ts';
import { UsageError } from '../src/errors.ts';
import type { Example, ExampleRecord, PerturbationDefinition, Severity } from '../src/types.ts';

const LABELS = ['a', 'b'];

/** A perturbation that costs nothing: no eligible site, so every variant is the text, unchanged. */
function noop(i: number): PerturbationDefinition {
  return {
    name: `noop.n${i}`,
    family: 'typo',
    tag: 'natural',
    description: 'no edits',
    severities: { 1: '', 2: '', 3: '' },
    apply: () => [],
  };
}

/** A runner that records how many texts each predict() call (one per chunk) received. */
function countingRunner(calls: number[]): PredictionRunner {
  return {
    async predict(texts) {
      calls.push(texts.length);
      return texts.map(() => ({ label: 'a', scores: [0.75, 0.25] }));
    },
    stats: {
      requested: 0,
      unique: 0,
      cacheHits: 0,
      fromDisk: 0,
      badLines: 0,
      classified: 0,
      backendCalls: 0,
    },
    cacheFile: null,
    cacheUse: () => null,
    answers: DEFAULT_ANSWER_POLICY,
    close: async () => undefined,
  };
}

async function* examples(n: number): AsyncGenerator<Example> {
  for (let i = 0; i < n; i++) yield { id: String(i), text: `text ${i}`, label: 'a', line: i + 1, extra: {} };
}

async function run(n: number, perturbations: number, severities: Severity[], variants: number) {
  const calls: number[] = [];
  const ids: string[] = [];
  await runPipeline(
    examples(n),
    countingRunner(calls),
    {
      perturbations: Array.from({ length: perturbations }, (_, i) => noop(i)),
      severities,
      variantsPerText: variants,
      seed: 0,
      protect: undefined,
      options: {},
    },
    { labels: LABELS, goldLabel: () => 'a', logitAdjust: null },
    async (records: ExampleRecord[]) => {
      for (const r of records) ids.push(r.id);
    },
  );
  return { calls, ids };
}

describe('pipeline chunks', () => {
  it('hold at most MAX_CHUNK_TEXTS texts, however many variants, and lose no example', async () => {
    const perExample = 1 + 20 * 3 * MAX_VARIANTS;
    const n = 3 * Math.ceil(MAX_CHUNK_TEXTS / perExample);
    const { calls, ids } = await run(n, 20, [1, 2, 3], MAX_VARIANTS);
    expect(Math.max(...calls)).toBeLessThanOrEqual(MAX_CHUNK_TEXTS);
    expect(calls.reduce((a, b) => a + b, 0)).toBe(n * perExample);
    expect(ids).toEqual(Array.from({ length: n }, (_, i) => String(i)));
  }, 60_000);

  it('keep the chunking of ordinary runs (up to 512 examples), so their reports do not change', async () => {
    // default: 20 perturbations × 1 severity × 3 variants; and all three severities
    expect(maxChunkExamples(1 + 20 * 1 * 3)).toBe(512);
    expect(maxChunkExamples(1 + 20 * 3 * 3)).toBe(512);
    const { calls } = await run(1000, 2, [2], 3);
    expect(calls).toEqual([16, 32, 64, 128, 256, 504].map((k) => k * 7));
    // one example with more texts than the bound still makes progress, one example per chunk
    expect(maxChunkExamples(MAX_CHUNK_TEXTS * 2)).toBe(1);
  });
});

describe('--variants maximum', () => {
  it(`accepts 1..${MAX_VARIANTS} and refuses more with a usage error naming the maximum`, () => {
    expect(runSettings({ variants: MAX_VARIANTS }).variantsPerText).toBe(MAX_VARIANTS);
    expect(() => runSettings({ variants: MAX_VARIANTS + 1 })).toThrow(UsageError);
    expect(() => runSettings({ variants: 1_000_000_000 })).toThrow(new RegExp(`at most ${MAX_VARIANTS}`));
    expect(() => runSettings({ variants: 0 })).toThrow(/positive integer/);
  });
});
