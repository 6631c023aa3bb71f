/**
 * No duplicate ever counts: for every perturbation, the counted variants of one example ×
 * perturbation × severity are pairwise distinct and differ from the original; a variant that could
 * only repeat a sibling is recorded as `dropped: 'duplicate'`.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { initPerturbations, perturbExamples } from '../src/perturb/engine.ts';
import { loadRegistry, severitiesOf } from '../src/perturb/registry.ts';
import { isCounted } from '../src/types.ts';

const OWN = ['questions', 'banking', 'feelings'].flatMap((file) =>
  readFileSync(new URL(`./fixtures/own-texts/${file}.jsonl`, import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .slice(0, 40)
    .map((line) => (JSON.parse(line) as { text: string }).text),
);

const registry = await loadRegistry();
const defs = registry.list().filter((d) => !d.needsModel);

describe('distinct variants', () => {
  it.each(defs.map((d) => [d.name, d] as const))(
    '%s: counted variants of a group are pairwise distinct and differ from the original',
    async (_name, def) => {
      await initPerturbations([def]);
      const severities = severitiesOf(def);
      const variants = 6;
      const out = await perturbExamples(OWN, [def], { seed: 3, severities, variants });
      let duplicates = 0;
      let counted = 0;
      for (const [i, vs] of out.entries()) {
        expect(vs).toHaveLength(severities.length * variants);
        for (const severity of severities) {
          const group = vs.filter((v) => v.severity === severity);
          const texts = group.filter(isCounted).map((v) => v.text);
          counted += texts.length;
          expect(new Set(texts).size).toBe(texts.length);
          expect(texts).not.toContain(OWN[i]);
          for (const v of group) {
            if (v.dropped === 'duplicate') {
              duplicates++;
              // it repeats a counted sibling: that is why it does not count
              expect(texts).toContain(v.text);
            }
          }
        }
      }
      expect(counted).toBeGreaterThan(0);
      // every duplicate is accounted for as dropped, never as a second counted copy
      expect(duplicates).toBeGreaterThanOrEqual(0);
    },
    120_000,
  );
});
