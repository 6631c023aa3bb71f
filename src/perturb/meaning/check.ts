/**
 * The meaning check: a synonym or paraphrase variant counts only when its sentence embedding stays
 * close enough to the original's (cosine similarity ≥ the perturbation's calibrated threshold, see
 * `PerturbationDefinition.meaning` and README, "Meaning check"). Typos are exempt (character noise does
 * not change meaning), and so is casing (the encoder lower-cases: it cannot see the change).
 *
 * Similarities are rounded to 4 decimals before they are compared with a threshold, and that rounded
 * number is what the variant records carry: every keep/reject decision can be recomputed from the records.
 */
import type { MeaningCheckConfig, MeaningPolicy, PerturbationDefinition } from '../../types.ts';
import { cosine, openSentenceEncoder, type SentenceEncoder, type SentenceEncoderOptions } from './encoder.ts';

export interface MeaningCheck {
  /** the sentence encoder: its folder or hub id, and its fingerprint (model files + dtype) */
  readonly encoder: { readonly id: string; readonly fingerprint: string };
  /** cosine similarity of the two texts' embeddings, rounded to 4 decimals */
  similarity(original: string, variant: string): Promise<number>;
  close(): Promise<void>;
}

export interface MeaningCheckOptions extends SentenceEncoderOptions {
  /** a transformers.js feature-extraction model (folder or hub id); default the bundled all-MiniLM-L6-v2 */
  embedModel?: string;
}

export function roundSimilarity(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

/** A meaning check over an already opened encoder (closing it closes the encoder). */
export function meaningCheckFrom(encoder: SentenceEncoder): MeaningCheck {
  return {
    encoder: { id: encoder.id, fingerprint: encoder.fingerprint },
    async similarity(original, variant) {
      const [a, b] = await Promise.all([encoder.embed(original), encoder.embed(variant)]);
      return roundSimilarity(cosine(a, b));
    },
    close: () => encoder.close(),
  };
}

export async function openMeaningCheck(opts: MeaningCheckOptions = {}): Promise<MeaningCheck> {
  return meaningCheckFrom(await openSentenceEncoder(opts.embedModel, opts));
}

/** Does `def` have a meaning threshold (and so needs an encoder when the check is on)? */
export function hasThreshold(def: PerturbationDefinition): boolean {
  return def.meaning !== undefined && 'threshold' in def.meaning;
}

/** A run's sentence encoder, and the meaning check over it when that is on. */
export interface RunMeaning {
  /** null when no selected perturbation is synonym or paraphrase (a typo-only run loads nothing) */
  encoder: SentenceEncoder | null;
  /** null with --no-meaning-check (or without an encoder) */
  check: MeaningCheck | null;
  /** the perturbation options with the encoder added (synonym.wordnet ranks senses with it) */
  options: Record<string, unknown>;
  close(): Promise<void>;
}

/**
 * The run's encoder — opened whenever a selected perturbation has a meaning threshold, even with the
 * check off, because synonym.wordnet ranks senses with it (one model, one embedding cache) — and its
 * meaning check when `enabled`. The model itself loads only on the first embedding the cache lacks.
 */
export async function openRunMeaning(
  defs: readonly PerturbationDefinition[],
  options: Record<string, unknown>,
  opts: MeaningCheckOptions & { enabled: boolean },
): Promise<RunMeaning> {
  if (!defs.some(hasThreshold)) {
    return { encoder: null, check: null, options, close: async () => undefined };
  }
  const encoder = await openSentenceEncoder(opts.embedModel, opts);
  return {
    encoder,
    check: opts.enabled ? meaningCheckFrom(encoder) : null,
    options: { ...options, [SENTENCE_ENCODER_OPTION]: encoder },
    close: () => encoder.close(),
  };
}

/** The report's record of the check: encoder, and per perturbation its threshold or why it is exempt. */
export function meaningCheckConfig(
  defs: readonly PerturbationDefinition[],
  meaning: MeaningCheck | null,
): MeaningCheckConfig | null {
  if (!meaning) return null;
  const thresholds: Record<string, number> = {};
  const exempt: Record<string, string> = {};
  for (const def of defs) {
    const policy = meaningPolicyOf(def);
    if ('threshold' in policy) thresholds[def.name] = policy.threshold;
    else exempt[def.name] = policy.exempt;
  }
  return { encoder: meaning.encoder.id, fingerprint: meaning.encoder.fingerprint, thresholds, exempt };
}

const TYPO_EXEMPTION = 'character noise does not change meaning';

/** `def`'s meaning policy; typos declare none and are exempt. */
export function meaningPolicyOf(def: PerturbationDefinition): MeaningPolicy {
  return def.meaning ?? { exempt: TYPO_EXEMPTION };
}

/** The key under which perturbations find the run's sentence encoder in ctx.options. */
export const SENTENCE_ENCODER_OPTION = 'sentenceEncoder';
