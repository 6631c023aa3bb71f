/**
 * Invariance check shared by `toBeInvariantTo` and suite `invariance` tests: perturb
 * each text, classify originals and variants, count prediction changes. Variants the
 * perturbation could not change are left out (they would count as free passes).
 */
import type { ModelSession } from '../classify/session.ts';
import { DEFAULT_SEED, DEFAULT_SEVERITY } from '../defaults.ts';
import { initPerturbations, perturbExamples } from '../perturb/engine.ts';
import type { Protection } from '../perturb/protect/constraints.ts';
import { hasSeverity, loadRegistry, planSeverities } from '../perturb/registry.ts';
import type { InvarianceFlip, InvarianceOutcome } from '../report/explain.ts';
import { isCounted, type Prediction, type Severity } from '../types.ts';

export interface InvarianceOptions {
  severity?: Severity;
  /** variants per text and perturbation (default 1) */
  variants?: number;
  seed?: number;
  /** allowed share of changed variants whose prediction changes (default 0) */
  maxFlipRate?: number;
  /** extra protection (regexes or span constraints) on top of the built-in protected spans */
  protect?: readonly Protection[];
  perturbationOptions?: Record<string, unknown>;
}

/** What the check classifies through: a model session's classifier and its batched, cached runner. */
export type InvarianceModel = Pick<ModelSession, 'classifier' | 'runner'>;

export async function checkInvariance(
  model: InvarianceModel,
  texts: readonly string[],
  perturbation: string | readonly string[],
  options: InvarianceOptions = {},
): Promise<InvarianceOutcome> {
  const { classifier, runner } = model;
  const severity = options.severity ?? DEFAULT_SEVERITY;
  const variants = options.variants ?? 1;
  const seed = options.seed ?? DEFAULT_SEED;
  const maxFlipRate = options.maxFlipRate ?? 0;
  const perturbationOptions = options.perturbationOptions ?? {};
  if (texts.length === 0) throw new Error('invariance check needs at least one text');

  const registry = await loadRegistry();
  const selected = registry.resolve(typeof perturbation === 'string' ? perturbation : [...perturbation], {
    options: perturbationOptions,
  });
  // Only perturbations that have this level take part (none having it is a usage error).
  planSeverities(selected, [severity]);
  const defs = selected.filter((d) => hasSeverity(d, severity));
  await initPerturbations(defs, perturbationOptions);

  const perturbed = await perturbExamples(texts, defs, {
    seed,
    severities: [severity],
    variants,
    protect: options.protect,
    options: perturbationOptions,
  });
  const pairs: Array<{ text: string; variant: string; perturbation: string }> = [];
  let unchanged = 0;
  for (const [i, text] of texts.entries()) {
    for (const v of perturbed[i]!) {
      if (isCounted(v) && v.text !== text)
        pairs.push({ text, variant: v.text, perturbation: v.perturbation });
      else unchanged++;
    }
  }
  if (pairs.length === 0) {
    throw new Error(
      `invariance check: ${defs.map((d) => d.name).join(', ')} could not change any of the ${texts.length} texts at severity ${severity} (no eligible site)`,
    );
  }

  const unique = [...new Set([...texts, ...pairs.map((p) => p.variant)])];
  const predictions = await runner.predict(unique);
  const byText = new Map(unique.map((t, i) => [t, predictions[i]!]));
  const top = (p: Prediction): number =>
    p.scores[classifier.labels.indexOf(p.label)] ?? Math.max(...p.scores);

  const flips: InvarianceFlip[] = [];
  for (const pair of pairs) {
    const before = byText.get(pair.text)!;
    const after = byText.get(pair.variant)!;
    if (before.label !== after.label) {
      flips.push({
        original: pair.text,
        variant: pair.variant,
        perturbation: pair.perturbation,
        before: before.label,
        after: after.label,
        confidence: top(after),
      });
    }
  }
  const flipRate = flips.length / pairs.length;
  return {
    perturbations: defs.map((d) => d.name),
    severity,
    nTexts: texts.length,
    n: pairs.length,
    unchanged,
    flips,
    flipRate,
    maxFlipRate,
    pass: flipRate <= maxFlipRate,
  };
}
