/**
 * The meaning check's calibration stays true to its judged set (test/fixtures/judged-variants/): the
 * thresholds the perturbations declare are the ones the calibration rule gives, similarity separates
 * judged same-label from changed-label variants on the held-out part, and the recorded similarities
 * are what the bundled encoder computes today.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { calibrate, heldOutAuc, type JudgedItem } from '../scripts/judged-set/calibration.ts';
import { openMeaningCheck } from '../src/perturb/meaning/check.ts';
import { loadRegistry } from '../src/perturb/registry.ts';

const read = (path: string) =>
  readFileSync(new URL(path, import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
const items = read('./fixtures/judged-variants/items.jsonl') as JudgedItem[];
const ownTexts = new Map(
  ['questions', 'banking', 'feelings'].flatMap((f) =>
    (read(`./fixtures/own-texts/${f}.jsonl`) as { id: string; text: string }[]).map((r) => [r.id, r.text]),
  ),
);
const registry = await loadRegistry();

describe('judged set', () => {
  it('holds judged variants of our own texts only, ≥ 1,200, every one judged', () => {
    expect(items.length).toBeGreaterThanOrEqual(1200);
    for (const item of items) {
      expect(ownTexts.get(item.textId)).toBe(item.original);
      expect(typeof item.sameLabel).toBe('boolean');
      expect(typeof item.natural).toBe('boolean');
      expect(item.variant).not.toBe(item.original);
    }
  });

  it('every checked perturbation declares the threshold its calibration part gives', () => {
    for (const t of calibrate(items)) {
      const meaning = registry.get(t.perturbation)?.meaning;
      if (meaning && 'exempt' in meaning) continue;
      expect({
        name: t.perturbation,
        threshold: meaning && 'threshold' in meaning ? meaning.threshold : null,
      }).toEqual({
        name: t.perturbation,
        threshold: t.threshold,
      });
    }
  });

  it('similarity separates same-label from changed-label variants on the held-out part (ROC AUC ≥ 0.75)', () => {
    const exempt = new Set(
      registry
        .list()
        .filter((d) => d.meaning && 'exempt' in d.meaning)
        .map((d) => d.name),
    );
    const heldOut = items.filter((i) => i.split === 'heldout' && !exempt.has(i.perturbation));
    expect(heldOut.filter((i) => !i.sameLabel).length).toBeGreaterThanOrEqual(10);
    expect(heldOutAuc(items, exempt)).toBeGreaterThanOrEqual(0.75);
  });

  describe('recorded similarities are reproducible', async () => {
    const meaning = await openMeaningCheck();
    afterAll(() => meaning.close());
    // every 25th item: spread over perturbations, sources and severities
    const sample = items.filter((_, i) => i % 25 === 0);
    it(`the bundled encoder gives the recorded similarity (${sample.length} items)`, async () => {
      for (const item of sample) {
        expect(await meaning.similarity(item.original, item.variant)).toBe(item.similarity);
      }
    }, 60_000);
  });
});
