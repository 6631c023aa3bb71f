/**
 * Severities mean something (issue 11, item 5): for every registered perturbation (model-backed ones
 * aside) and every level it declares, over a fixture of texts written for this project, the mean amount
 * of change per changed variant rises strictly with the level, and the highest level gives a different
 * text than level 1 (same seed, variant 0) on ≥ 90 % of the texts where both change something.
 * The amount is edits (variant.edits.length), or edited words for the perturbations in WORD_UNIT whose
 * single edit can rewrite several words (test/severity-scaling.ts). A perturbation that cannot do more
 * declares fewer levels instead (and then has nothing to scale).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { initPerturbations } from '../src/perturb/engine.ts';
import { createRegistry, loadRegistry } from '../src/perturb/registry.ts';
import type { PerturbationDefinition } from '../src/types.ts';
import { measureScaling } from './severity-scaling.ts';

const TEXTS = readFileSync(new URL('./fixtures/severity-texts.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => (JSON.parse(line) as { text: string }).text);

const defs = (await loadRegistry()).list().filter((d) => !d.needsModel);
await initPerturbations(defs);

/** Why a perturbation's scaling fails, or null when it scales. */
async function scalingProblem(def: PerturbationDefinition): Promise<string | null> {
  const m = await measureScaling(def, TEXTS);
  const problems: string[] = [];
  for (let i = 1; i < m.levels.length; i++) {
    const [below, level] = [m.levels[i - 1]!, m.levels[i]!];
    if (!(level.meanEdits > below.meanEdits)) {
      problems.push(
        `mean ${m.unit} per changed variant ${below.meanEdits.toFixed(2)} at ${below.severity} → ${level.meanEdits.toFixed(2)} at ${level.severity}`,
      );
    }
  }
  if (m.levels.length > 1) {
    if (m.bothChanged === 0) problems.push('no text changes at both the lowest and the highest level');
    else if (m.differ / m.bothChanged < 0.9) {
      problems.push(`highest level differs from level 1 on only ${m.differ}/${m.bothChanged} texts`);
    }
  }
  return problems.length ? problems.join('; ') : null;
}

describe('severities scale', () => {
  it('has a fixture of varied texts', () => {
    expect(TEXTS.length).toBeGreaterThanOrEqual(60);
    expect(new Set(TEXTS).size).toBe(TEXTS.length);
  });

  it.each(defs.map((d) => [d.name, d] as const))('%s', async (_name, def) => {
    expect(await scalingProblem(def)).toBeNull();
  });

  it('catches a perturbation whose levels do the same', async () => {
    // One replacement whatever the level: declared 1–3, but 2 and 3 are fake.
    const flat: PerturbationDefinition = {
      name: 'typo.flat',
      family: 'typo',
      tag: 'natural',
      description: 'first letter doubled',
      severities: { 1: 'one', 2: 'two', 3: 'three' },
      apply: (text) => [{ start: 0, end: 1, replacement: text[0]!.repeat(2) }],
    };
    expect(await scalingProblem(flat)).toMatch(/mean edits per changed variant 1\.00 at 1 → 1\.00 at 2/);
    // Declaring only the level it has is honest: nothing to scale.
    const honest = createRegistry([{ ...flat, severities: { 1: 'one' } }]).list()[0]!;
    expect(await scalingProblem(honest)).toBeNull();
  });
});
