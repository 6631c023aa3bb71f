/**
 * A model session: the one place that turns a model spec into what a run classifies with — the
 * Classifier, the cached, batched prediction runner around it, and the class counts shipped beside
 * the model (`label_counts.json`) — and that applies the run defaults (batch size, concurrency,
 * cache folder: src/defaults.ts).
 *
 * Why: everything that classifies during one run must go through ONE runner. Two runners on the
 * same model each read the cache file and append to it, and each classifies what the other already
 * knows. A caller that audits several times (a suite) opens one session and hands it to every
 * `audit({ session, … })`; audit then neither loads a model nor opens a runner, and leaves the
 * session open:
 *
 *   const session = await openModelSession(spec, { cacheDir, batchSize, concurrency, dtype });
 *   try {
 *     const report = await audit({ session, data });           // not closed by audit
 *     const predictions = await session.runner.predict(texts); // same cache, same memo
 *   } finally {
 *     await session.close();
 *   }
 *
 * Given a session, audit takes the class counts beside the model from `classCountsFile` (when no
 * `train` / `classCounts` is given), so callers need no lookup of their own; and it ignores its
 * model-run options (`cacheDir`, `batchSize`, `concurrency`, `dtype`, `classifierOptions`): the
 * session fixed them when it was opened.
 *
 * Ownership: a session opened from a spec (or the bundled model) owns its classifier and closes it;
 * one opened around a Classifier instance leaves the instance open for its owner. close() always
 * flushes and closes the runner's cache file, and first hands what the run took from it to
 * `onCacheUse` (the CLI prints the hit rate on stderr: it must never reach a report).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BUNDLED_MODEL_DIR } from '../paths.ts';
import type { Classifier } from '../types.ts';
import type { TransformersDtype } from './backends/transformers.ts';
import type { CacheUse } from './cache-store.ts';
import { type ClassifierOptions, loadClassifier } from './load.ts';
import { createPredictionRunner, type PredictionRunner } from './runner.ts';

/** A `--model` spec (see classify/load.ts), a Classifier instance, or undefined for the bundled model. */
export type ModelSpec = string | Classifier | undefined;

export interface ModelSessionOptions {
  /** prediction cache folder; null disables the cache (default DEFAULT_CACHE_DIR) */
  cacheDir?: string | null;
  /** texts per model call, for the runner and the backend (default DEFAULT_BATCH_SIZE) */
  batchSize?: number;
  /** runner: model calls in flight (default DEFAULT_CONCURRENCY); http: requests in flight */
  concurrency?: number;
  /** transformers.js weights */
  dtype?: TransformersDtype;
  /** seeds the http backend's retry jitter */
  seed?: number;
  /** further backend options (http mapping, timeouts, labels …); they win over the fields above */
  classifierOptions?: ClassifierOptions;
  /**
   * Keep predictions in memory between predict() calls (default true). Without a disk cache, false
   * keeps memory flat on huge runs (see PredictionRunnerOptions.keepBetweenCalls).
   */
  keepBetweenCalls?: boolean;
  /** called by close() with what the run took from the cache file (not called without a disk cache) */
  onCacheUse?(use: CacheUse): void;
  /** the runner's warning about bad cache lines (default: stderr) */
  onWarning?(message: string): void;
}

export interface ModelSession {
  readonly classifier: Classifier;
  /** the cached, batched way to classify: use it instead of `classifier.classify` */
  readonly runner: PredictionRunner;
  /**
   * `label_counts.json` (training class counts) beside the model, when the spec names a model folder
   * (the bundled model or a local transformers.js folder) that has one; else undefined.
   */
  readonly classCountsFile: string | undefined;
  /** closes the runner, then the classifier when the session loaded it */
  close(): Promise<void>;
}

export async function openModelSession(
  model: ModelSpec,
  options: ModelSessionOptions = {},
): Promise<ModelSession> {
  const ownsClassifier = typeof model !== 'object';
  const classifier =
    typeof model === 'object'
      ? model
      : await loadClassifier(model, {
          dtype: options.dtype,
          batchSize: options.batchSize,
          concurrency: options.concurrency,
          seed: options.seed,
          ...options.classifierOptions,
        });
  let runner: PredictionRunner;
  try {
    runner = createPredictionRunner(classifier, {
      cacheDir: options.cacheDir,
      batchSize: options.batchSize,
      concurrency: options.concurrency,
      keepBetweenCalls: options.keepBetweenCalls,
      onWarning: options.onWarning,
      // --prediction / --scores: checked in the runner, whatever the backend (an instance too)
      answers: {
        prediction: options.classifierOptions?.prediction,
        scores: options.classifierOptions?.scores,
      },
    });
  } catch (err) {
    if (ownsClassifier) await classifier.close?.();
    throw err;
  }
  const folder = modelFolder(model);
  const countsFile = folder === undefined ? undefined : join(folder, 'label_counts.json');
  return {
    classifier,
    runner,
    classCountsFile: countsFile !== undefined && existsSync(countsFile) ? countsFile : undefined,
    async close() {
      try {
        const use = runner.cacheUse();
        if (use !== null) options.onCacheUse?.(use);
        await runner.close();
      } finally {
        if (ownsClassifier) await classifier.close?.();
      }
    },
  };
}

/** The transformers.js model folder a spec names (bundled when absent), if any. */
function modelFolder(model: ModelSpec): string | undefined {
  if (model === undefined) return BUNDLED_MODEL_DIR;
  if (typeof model === 'string' && existsSync(join(model, 'config.json'))) return model;
  return undefined;
}
