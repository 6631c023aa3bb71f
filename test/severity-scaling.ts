/**
 * How a perturbation's severities scale over a set of texts: mean edits per changed variant at each
 * declared level, and how often severity 3 gives a different text than severity 1 (same seed, variant 0).
 * Shared by test/perturb-severity-scaling.test.ts (own fixture) and bench/severity-scaling.ts (real sets).
 */
import { perturbText } from '../src/perturb/engine.ts';
import { severitiesOf } from '../src/perturb/registry.ts';
import type { PerturbationDefinition, Severity, Variant } from '../src/types.ts';

/**
 * What one "edit" counts as. `edits`: variant.edits.length. `words`: words in the edited spans of the
 * new text (for perturbations whose single edit may rewrite several words, e.g. a clause swap or a
 * casing run, where the number of edits says little about how much changed).
 */
export type EditUnit = 'edits' | 'words';

/** Perturbations measured in edited words; every other one in edits. */
export const WORD_UNIT: ReadonlySet<string> = new Set([
  'distractor.context',
  'paraphrase.reorder',
  'paraphrase.reframe',
  'paraphrase.feeling',
]);

export function editUnit(name: string): EditUnit {
  return WORD_UNIT.has(name) ? 'words' : 'edits';
}

const WORD = /[\p{L}\p{N}']+/gu;

/** The amount of change in a variant, in `unit`. */
export function editAmount(v: Variant, unit: EditUnit): number {
  if (unit === 'edits') return v.edits.length;
  let words = 0;
  for (const e of v.edits) words += Math.max(1, (e.after.match(WORD) ?? []).length);
  return words;
}

export interface SeverityScaling {
  perturbation: string;
  unit: EditUnit;
  /** per declared severity: changed variants (variant 0) and their mean amount of change */
  levels: { severity: Severity; changed: number; meanEdits: number }[];
  /** texts where both the lowest and the highest declared level changed something */
  bothChanged: number;
  /** of those, how many gave a different text at the highest level than at the lowest */
  differ: number;
}

/** Scaling of `def` over `texts` (variant 0 of each text at every declared level, seed `seed`). */
export async function measureScaling(
  def: PerturbationDefinition,
  texts: readonly string[],
  seed = 0,
): Promise<SeverityScaling> {
  const unit = editUnit(def.name);
  const levels = severitiesOf(def);
  const byLevel = new Map<Severity, Variant[]>();
  for (const severity of levels) {
    const variants: Variant[] = [];
    for (const text of texts) variants.push(await perturbText(text, def, { seed, severity, variant: 0 }));
    byLevel.set(severity, variants);
  }
  const lowest = byLevel.get(levels[0]!)!;
  const highest = byLevel.get(levels[levels.length - 1]!)!;
  let bothChanged = 0;
  let differ = 0;
  for (let i = 0; i < texts.length; i++) {
    if (!lowest[i]!.changed || !highest[i]!.changed) continue;
    bothChanged++;
    if (lowest[i]!.text !== highest[i]!.text) differ++;
  }
  return {
    perturbation: def.name,
    unit,
    levels: levels.map((severity) => {
      const changed = byLevel.get(severity)!.filter((v) => v.changed);
      const total = changed.reduce((sum, v) => sum + editAmount(v, unit), 0);
      return { severity, changed: changed.length, meanEdits: changed.length ? total / changed.length : 0 };
    }),
    bothChanged,
    differ,
  };
}
