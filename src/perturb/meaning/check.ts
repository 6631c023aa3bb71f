/**
 * The meaning check: a synonym or paraphrase variant counts only when its sentence embedding stays
 * close enough to the original's (cosine similarity ≥ the perturbation's calibrated threshold, see
 * `PerturbationDefinition.meaning` and docs/meaning-check.md). Typos are exempt (character noise does
 * not change meaning), and so is casing (the encoder lower-cases: it cannot see the change).
 *
 * Similarities are rounded to 4 decimals before they are compared with a threshold, and that rounded
 * number is what the variant records carry: every keep/reject decision can be recomputed from the records.
 */
import type { MeaningCheckConfig, PerturbationDefinition } from '../../types.ts';
import { cosine, openSentenceEncoder, type SentenceEncoder, type SentenceEncoderOptions } from './encoder.ts';

export interface MeaningCheck {
  /** the sentence encoder: its folder or hub id, and its fingerprint (model files + dtype) */
  readonly encoder: { readonly id: string; readonly fingerprint: string };
  /** cosine similarity of the two texts' embeddings, rounded to 4 decimals */
  similarity(original: string, variant: string): Promise<number>;
  /** texts the encoder embedded in this run (not from memory or the cache) */
  readonly embedded: number;
  /** the encoder itself, for perturbations that rank candidates by meaning (synonym.wordnet) */
  readonly sentenceEncoder: SentenceEncoder;
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
    get embedded() {
      return encoder.computed;
    },
    sentenceEncoder: encoder,
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

/**
 * The run's meaning check: null when it is off or no selected perturbation has a threshold (a
 * typo-only run never loads the encoder).
 */
export async function openMeaningCheckFor(
  defs: readonly PerturbationDefinition[],
  opts: MeaningCheckOptions & { enabled: boolean },
): Promise<MeaningCheck | null> {
  if (!opts.enabled || !defs.some(hasThreshold)) return null;
  return openMeaningCheck(opts);
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
    if (def.meaning && 'threshold' in def.meaning) thresholds[def.name] = def.meaning.threshold;
    else exempt[def.name] = def.meaning?.exempt ?? TYPO_EXEMPTION;
  }
  return { encoder: meaning.encoder.id, fingerprint: meaning.encoder.fingerprint, thresholds, exempt };
}

export const TYPO_EXEMPTION = 'character noise does not change meaning';

/** The key under which perturbations find the run's sentence encoder in ctx.options. */
export const SENTENCE_ENCODER_OPTION = 'sentenceEncoder';

/** Perturbation options with the run's encoder added (perturbations that rank candidates use it). */
export function withMeaning(
  options: Record<string, unknown>,
  meaning: MeaningCheck | null,
): Record<string, unknown> {
  return meaning ? { ...options, [SENTENCE_ENCODER_OPTION]: meaning.sentenceEncoder } : options;
}
