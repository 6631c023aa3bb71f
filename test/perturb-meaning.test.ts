/**
 * The fan-out's validity rules: distinct variants (re-drawn, else dropped as duplicates), the meaning
 * check (re-drawn below the threshold, else dropped as rejected, the similarity recorded), and the
 * sentence encoder's cache (a warm encoder embeds nothing; a damaged line is embedded again; the file is
 * listed and pruned with the prediction cache).
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listCacheFiles, pruneCache } from '../src/classify/cache-store.ts';
import { MAX_DRAWS, perturbExamples } from '../src/perturb/engine.ts';
import type { MeaningCheck } from '../src/perturb/meaning/check.ts';
import { cosine, openSentenceEncoder } from '../src/perturb/meaning/encoder.ts';
import { isCounted, type PerturbationDefinition } from '../src/types.ts';

const SEVERITIES = { 1: 'one', 2: 'two', 3: 'three' };

/** Appends one of `words` (picked by the rng) to the text: few distinct outputs, so duplicates happen. */
function appender(words: string[], meaning?: PerturbationDefinition['meaning']): PerturbationDefinition {
  return {
    name: 'paraphrase.fixture',
    family: 'paraphrase',
    tag: 'natural',
    description: 'test fixture',
    severities: SEVERITIES,
    meaning: meaning ?? { threshold: 0.5 },
    apply: (text, ctx) => [{ start: text.length, end: text.length, replacement: ` ${ctx.rng.pick(words)}` }],
  };
}

/** A meaning check whose similarity is decided by the variant's last word (the engine is under test). */
function checkBy(scores: Record<string, number>): MeaningCheck & { calls: number } {
  const check = {
    calls: 0,
    encoder: { id: 'fixture', fingerprint: 'fixture' },
    async similarity(_original: string, variant: string) {
      check.calls++;
      return scores[variant.split(' ').at(-1)!] ?? 0;
    },
    close: async () => undefined,
  };
  return check;
}

describe('distinct variants', () => {
  it('re-draws a repeat and, when nothing new comes, records it as a dropped duplicate', async () => {
    const [vs] = await perturbExamples(['hello'], [appender(['a'])], {
      seed: 0,
      severities: [1],
      variants: 3,
    });
    expect(vs!.map((v) => v.text)).toEqual(['hello a', 'hello a', 'hello a']);
    expect(vs!.map((v) => v.dropped ?? 'counted')).toEqual(['counted', 'duplicate', 'duplicate']);
    expect(vs!.filter(isCounted)).toHaveLength(1);
  });

  it('finds the distinct variants a text admits', async () => {
    const [vs] = await perturbExamples(['hello'], [appender(['a', 'b'])], {
      seed: 0,
      severities: [1],
      variants: 2,
    });
    expect(new Set(vs!.filter(isCounted).map((v) => v.text))).toEqual(new Set(['hello a', 'hello b']));
  });
});

describe('meaning check', () => {
  it('keeps what reaches the threshold, re-draws what does not, and records the similarity', async () => {
    const check = checkBy({ good: 0.9, bad: 0.1 });
    const [vs] = await perturbExamples(['hello'], [appender(['good', 'bad'])], {
      seed: 5,
      severities: [1],
      variants: 1,
      meaning: check,
    });
    expect(vs![0]).toMatchObject({ text: 'hello good', similarity: 0.9 });
    expect(vs![0]!.dropped).toBeUndefined();
    // this seed's first draw is "bad": the kept variant is a re-draw
    expect(check.calls).toBeGreaterThan(1);
  });

  it('drops a variant as rejected when every draw is below the threshold, and is bounded', async () => {
    const check = checkBy({ bad: 0.1, worse: 0.2 });
    const [vs] = await perturbExamples(['hello'], [appender(['bad', 'worse'])], {
      seed: 0,
      severities: [1],
      variants: 1,
      meaning: check,
    });
    expect(vs![0]!.dropped).toBe('rejected');
    expect(vs![0]!.similarity).toBeLessThan(0.5);
    expect(check.calls).toBeLessThanOrEqual(MAX_DRAWS);
  });

  it('leaves exempt perturbations and runs without a check alone', async () => {
    const check = checkBy({});
    const exempt = appender(['x'], { exempt: 'the encoder cannot see it' });
    const [vs] = await perturbExamples(['hello'], [exempt], {
      seed: 0,
      severities: [1],
      variants: 1,
      meaning: check,
    });
    expect(check.calls).toBe(0);
    expect(vs![0]).toMatchObject({ text: 'hello x' });
    expect(vs![0]!.similarity).toBeUndefined();
    const [off] = await perturbExamples(['hello'], [appender(['bad'])], {
      seed: 0,
      severities: [1],
      variants: 1,
    });
    expect(isCounted(off![0]!)).toBe(true);
  });
});

describe('sentence encoder cache', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tailcheck-embeddings-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const texts = ['my card was declined', 'my card got declined', 'how do I change my PIN'];

  it('embeds once: a warm encoder reads every vector back bit for bit and never loads the model', async () => {
    const cold = await openSentenceEncoder(undefined, { cacheDir: dir });
    const vectors = [];
    for (const t of texts) vectors.push(await cold.embed(t));
    expect(cold.computed).toBe(3);
    await cold.close();
    expect(cosine(vectors[0]!, vectors[1]!)).toBeGreaterThan(cosine(vectors[0]!, vectors[2]!));

    const warm = await openSentenceEncoder(undefined, { cacheDir: dir });
    for (const [i, t] of texts.entries()) expect(await warm.embed(t)).toEqual(vectors[i]);
    expect(warm.computed).toBe(0);
    await warm.close();
  });

  it('ignores a damaged line and embeds that text again', async () => {
    const [file] = (await listCacheFiles(dir)).filter((f) => f.includes('embeddings'));
    const lines = readFileSync(file!, 'utf8').split('\n');
    // flip one base64 character of the first entry: its checksum no longer matches
    const at = lines.findIndex((l) => l.includes('"h"'));
    lines[at] = lines[at]!.replace(/"f":"(.)/, (_m, c: string) => `"f":"${c === 'A' ? 'B' : 'A'}`);
    writeFileSync(file!, lines.join('\n'));
    const enc = await openSentenceEncoder(undefined, { cacheDir: dir });
    for (const t of texts) await enc.embed(t);
    expect(enc.computed).toBe(1);
    await enc.close();
  });

  it('is listed and pruned with the prediction cache', async () => {
    appendFileSync(join(dir, 'unrelated.txt'), 'kept');
    expect((await listCacheFiles(dir)).some((f) => f.includes(`${join('embeddings', '')}`))).toBe(true);
    const pruned = await pruneCache(dir, { all: true });
    expect(pruned.removed).toHaveLength(1);
    expect(await listCacheFiles(dir)).toEqual([]);
    expect(readFileSync(join(dir, 'unrelated.txt'), 'utf8')).toBe('kept');
  });
});
