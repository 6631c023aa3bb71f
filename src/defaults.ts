import type { Severity } from './types.ts';

/** Defaults shared by the CLI commands, the library API and suites, so they cannot disagree. */
export const DEFAULT_PERTURB: readonly string[] = ['typo', 'synonym', 'paraphrase', 'entity', 'distractor'];
export const DEFAULT_SEVERITY: Severity = 2;
export const DEFAULT_VARIANTS = 3;
/**
 * The most variants per text × perturbation × severity (`--variants`). Every variant is a text to
 * classify, so more is a run that never ends; seeds already make each variant reproducible.
 */
export const MAX_VARIANTS = 100;
export const DEFAULT_SEED = 0;
export const DEFAULT_RESAMPLES = 1000;

/** Prediction cache folder, relative to the working directory. */
export const DEFAULT_CACHE_DIR = '.tailcheck-cache';
/** Texts per model call: the prediction runner's batches and every backend's own requests. */
export const DEFAULT_BATCH_SIZE = 32;
/** Model calls the prediction runner keeps in flight at once. */
export const DEFAULT_CONCURRENCY = 1;
