import type { Severity } from './types.ts';

/** Defaults shared by the CLI commands, the library API and suites, so they cannot disagree. */
export const DEFAULT_PERTURB: readonly string[] = ['typo', 'synonym', 'paraphrase'];
export const DEFAULT_SEVERITY: Severity = 2;
export const DEFAULT_VARIANTS = 3;
export const DEFAULT_SEED = 0;
export const DEFAULT_RESAMPLES = 1000;
export { DEFAULT_CACHE_DIR } from './classify/runner.ts';
