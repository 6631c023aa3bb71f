/**
 * The audit pipeline: examples → perturbed variants → predictions → per-example records, in chunks
 * that overlap: chunk k+1 is perturbed while chunk k is being classified (ONNX runs off the JS
 * thread), and chunk k−1's records are measured and written meanwhile. Chunks start small and
 * double: perturbing is several times faster than classifying, so from the second chunk on,
 * perturbing the next chunk hides entirely behind classifying the current one. Chunks bound memory
 * and give the runner enough texts to make length-sorted batches. A chunk holds at most MAX_CHUNK
 * examples and at most MAX_CHUNK_TEXTS texts (originals + variants), so memory is bounded whatever
 * the number of perturbations, severities and variants: a default run (20 perturbations × 1 severity ×
 * 3 variants) and even all three severities stay within the text bound and are chunked as before.
 */

import { AnswerTextError, predictedIndex } from '../classify/predictions.ts';
import type { PredictionRunner } from '../classify/runner.ts';
import { encodeScores } from '../classify/score-codec.ts';
import { ModelError } from '../errors.ts';
import { adjustPrediction } from '../measure/logit-adjust.ts';
import { perturbExamples } from '../perturb/engine.ts';
import type { MeaningCheck } from '../perturb/meaning/check.ts';
import type { Protection } from '../perturb/protect/constraints.ts';
import type {
  Example,
  ExampleRecord,
  PerturbationDefinition,
  Prediction,
  Severity,
  Variant,
  VariantRecord,
} from '../types.ts';

const FIRST_CHUNK = 16;
const MAX_CHUNK = 512;
/** Texts (originals and variants) per chunk at most: one chunk is perturbed, one classified, one kept. */
export const MAX_CHUNK_TEXTS = 1 << 17;

/** Examples per chunk at most when every example brings `textsPerExample` texts (never below 1). */
export function maxChunkExamples(textsPerExample: number): number {
  return Math.max(1, Math.min(MAX_CHUNK, Math.floor(MAX_CHUNK_TEXTS / textsPerExample)));
}

/** How every example is perturbed. */
export interface PerturbPlan {
  perturbations: readonly PerturbationDefinition[];
  severities: readonly Severity[];
  variantsPerText: number;
  seed: number;
  /** extra protected spans (regexes or span constraints) */
  protect: readonly Protection[] | undefined;
  /** options for perturbations that need them */
  options: Record<string, unknown>;
  /** the meaning check of synonym and paraphrase variants; null = off */
  meaning?: MeaningCheck | null;
}

/** How predictions become a record's fields. */
export interface RecordPlan {
  /** the model's labels, in score order */
  labels: readonly string[];
  /** an example's gold label, in the model's terms (every one is a model label: checked beforehand) */
  goldLabel(ex: Example): string;
  /** log class priors and τ, when logit-adjusted predictions are recorded too */
  logitAdjust: { priors: readonly number[]; tau: number } | null;
  /** where the examples come from, for messages (a wrong model answer names the data line) */
  dataFile?: string;
}

/**
 * Runs the examples through the pipeline; `keep` receives each chunk's records, in source order, and
 * is awaited before the next chunk's records are handed over.
 */
export async function runPipeline(
  examples: AsyncIterable<Example>,
  runner: PredictionRunner,
  perturbPlan: PerturbPlan,
  recordPlan: RecordPlan,
  keep: (records: ExampleRecord[]) => Promise<void>,
): Promise<void> {
  const toRecord = recordBuilder(recordPlan, runner.answers.prediction);
  const classifyChunk = async (chunk: Example[], perturbed: Variant[][]): Promise<ExampleRecord[]> => {
    const texts: string[] = [];
    for (const [i, ex] of chunk.entries()) {
      texts.push(ex.text);
      for (const v of perturbed[i] as Variant[]) texts.push(v.text);
    }
    let preds: Prediction[];
    try {
      preds = await runner.predict(texts);
    } catch (err) {
      throw withDataLine(err, chunk, perturbed, recordPlan.dataFile);
    }
    const out: ExampleRecord[] = [];
    let k = 0;
    for (const [i, ex] of chunk.entries()) {
      const vs = perturbed[i] as Variant[];
      const original = preds[k++] as Prediction;
      const vp = preds.slice(k, k + vs.length);
      k += vs.length;
      out.push(toRecord(ex, vs, original, vp));
    }
    return out;
  };

  let inflight: Promise<ExampleRecord[]> | null = null;
  const submit = async (chunk: Example[]) => {
    const perturbed = await perturbChunk(chunk, perturbPlan);
    const previous = inflight ? await inflight : null;
    // Start the model on this chunk first, then measure and write the previous one meanwhile.
    inflight = classifyChunk(chunk, perturbed);
    // Awaited on the next submit or at the end; this only stops an early rejection counting as unhandled.
    inflight.catch(() => undefined);
    if (previous) await keep(previous);
  };
  const { perturbations, severities, variantsPerText } = perturbPlan;
  const maxChunk = maxChunkExamples(1 + perturbations.length * severities.length * variantsPerText);
  let chunk: Example[] = [];
  let chunkSize = Math.min(FIRST_CHUNK, maxChunk);
  for await (const ex of examples) {
    chunk.push(ex);
    if (chunk.length >= chunkSize) {
      await submit(chunk);
      chunk = [];
      chunkSize = Math.min(maxChunk, chunkSize * 2);
    }
  }
  if (chunk.length > 0) await submit(chunk);
  if (inflight) await keep(await inflight);
}

/** Every variant of every example of a chunk, in (perturbation, severity, variant) order: the one fan-out. */
function perturbChunk(chunk: readonly Example[], plan: PerturbPlan): Promise<Variant[][]> {
  const { perturbations, severities, variantsPerText, seed, protect, options, meaning } = plan;
  return perturbExamples(
    chunk.map((ex) => ex.text),
    perturbations,
    { seed, severities, variants: variantsPerText, protect, options, meaning },
  );
}

/**
 * A wrong model answer names its text; the error then also names the data line it comes from (the
 * example's, or the example a perturbed variant was made from).
 */
function withDataLine(
  err: unknown,
  chunk: readonly Example[],
  perturbed: readonly Variant[][],
  dataFile: string | undefined,
): unknown {
  if (!(err instanceof AnswerTextError)) return err;
  for (const [i, ex] of chunk.entries()) {
    const variant = ex.text === err.text ? undefined : perturbed[i]?.find((v) => v.text === err.text);
    if (ex.text !== err.text && variant === undefined) continue;
    const where = `${dataFile ?? 'the data'}:line ${ex.line}`;
    const what = variant
      ? `a ${variant.perturbation} variant (severity ${variant.severity}) of the example at ${where}`
      : `the example at ${where}`;
    return new ModelError(`${err.message} (the text is ${what})`, { cause: err });
  }
  return err;
}

/** An example, its variants and their predictions → the example's record. */
function recordBuilder(
  plan: RecordPlan,
  prediction: 'argmax' | 'label',
): (ex: Example, variants: Variant[], original: Prediction, variantPreds: Prediction[]) => ExampleRecord {
  const { labels, logitAdjust } = plan;
  const labelIndex = new Map(labels.map((l, i) => [l, i]));
  return (ex, variants, original, variantPreds) => {
    const label = plan.goldLabel(ex);
    const gold = labelIndex.get(label) as number;
    const describe = (p: Prediction) => {
      // --prediction label: the backend's label; else the argmax (a tie the backend broke keeps its label)
      const top = predictedIndex(p, labelIndex, prediction);
      const base = {
        prediction: labels[top] as string,
        confidence: p.scores[top] as number,
        goldProb: p.scores[gold] as number,
      };
      if (!logitAdjust) return base;
      const adj = adjustPrediction(p.scores, logitAdjust.priors, logitAdjust.tau);
      return {
        ...base,
        adjustedPrediction: labels[adj.index] as string,
        adjustedGoldProb: adj.probs[gold] as number,
      };
    };
    const vrecs: VariantRecord[] = variants.map((v, k) => {
      const p = variantPreds[k] as Prediction;
      return {
        perturbation: v.perturbation,
        severity: v.severity,
        variant: v.variant,
        text: v.text,
        changed: v.changed,
        ...(v.similarity === undefined ? {} : { similarity: v.similarity }),
        ...(v.dropped === undefined ? {} : { dropped: v.dropped }),
        ...describe(p),
        // only where a measure reads them: an unchanged variant's are the original's, a dropped one is not counted
        ...(v.changed && v.dropped === undefined ? { scores: encodeScores(p.scores) } : {}),
      };
    });
    return {
      id: ex.id,
      row: ex.line,
      text: ex.text,
      label,
      ...describe(original),
      scores: encodeScores(original.scores),
      variants: vrecs,
    };
  };
}
