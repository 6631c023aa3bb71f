/**
 * What every test type gets from the suite runner: the loaded suite, one classifier and one
 * caching prediction path for all tests, the run's overrides and the resolved data file.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { BackendOption } from '../classify/backend.ts';
import type { CacheUse } from '../classify/cache-store.ts';
import { BACKEND_OPTIONS, type ClassifierOptions } from '../classify/load.ts';
import type { ModelSession } from '../classify/session.ts';
import { LEXICON_OPTION } from '../perturb/lexicon.ts';
import type { Classifier } from '../types.ts';
import type { LoadedSuite } from './load.ts';
import type { TestOutcome } from './outcome.ts';
import type { Suite } from './schema.ts';

export interface RunSuiteOptions {
  /** overrides the suite's `model` (spec or instance; an instance is not closed) */
  model?: string | Classifier;
  /** overrides the suite's `data` (resolved against the working directory) */
  data?: string;
  /** overrides the suite's `train` / `classCounts` (class frequencies for the buckets) */
  train?: string;
  classCounts?: string;
  /** prediction cache; null disables (default DEFAULT_CACHE_DIR, `.tailcheck-cache`) */
  cacheDir?: string | null;
  /** caps the examples of every audit test (quick runs; thresholds were set on full data) */
  limit?: number;
  batchSize?: number;
  concurrency?: number;
  dtype?: 'fp32' | 'q8';
  /**
   * backend options from the command line (its 'run'-group flags, cli/parse.ts backendOptionsFromCli);
   * a defined value wins over the suite's modelOptions
   */
  classifierOptions?: ClassifierOptions;
  /**
   * `--labels-that-flip`: sets (or overrides) labelsThatFlip of every directional test with a
   * transform, so the prediction on each transformed text must be the mapped label
   */
  labelsThatFlip?: Readonly<Record<string, string>>;
  onTestStart?(name: string, index: number, total: number): void;
  onTestEnd?(outcome: TestOutcome): void;
  /** what the run took from the prediction cache file (for a stderr line, never the outcome) */
  onCacheUse?(use: CacheUse): void;
}

export interface SuiteContext {
  loaded: LoadedSuite;
  suite: Suite;
  /** the run's one model session: every test classifies through its runner, audit tests audit through it */
  session: ModelSession;
  options: RunSuiteOptions;
  dataPath: string | undefined;
}

/** Paths in a suite resolve against its folder; `bundled`/absent = the bundled model. */
export function resolveModelSpec(spec: string | undefined, dir: string): string | undefined {
  if (spec === undefined || spec === 'bundled') return undefined;
  if (/^(https?:|cmd:)/.test(spec)) return spec;
  const local = resolve(dir, spec);
  if (spec.startsWith('.') || isAbsolute(spec) || existsSync(local)) return local;
  return spec; // a hub id like `org/model`
}

/**
 * The perturbation options of the suite's tests: `mlmModel` (synonym.contextual's masked LM), a
 * folder resolved against the suite's folder like `model`; undefined when the suite sets none.
 */
export function suitePerturbationOptions(suite: Suite, dir: string): Record<string, unknown> | undefined {
  const spec = suite.mlmModel;
  // the suite's lexicons feed the entity and distractor perturbations too (the entries they read;
  // template placeholders are other entries of the same map)
  const lexicon = suite.lexicons ? { [LEXICON_OPTION]: suite.lexicons } : {};
  if (spec === undefined) return suite.lexicons ? lexicon : undefined;
  const local = resolve(dir, spec);
  return {
    ...lexicon,
    mlmModel: spec.startsWith('.') || isAbsolute(spec) || existsSync(local) ? local : spec,
  };
}

export function resolvePath(path: string | undefined, dir: string): string | undefined {
  return path === undefined ? undefined : resolve(dir, path);
}

/**
 * A suite's `modelOptions` with its path-valued options (declared with `path`, classify/backend.ts)
 * resolved against the suite's folder, as `model`, `data` and `train` are: 'file' / 'files' values
 * always, 'file-or-text' values (labels, httpMap: also inline text) only when the file exists there.
 */
export function resolveModelOptionPaths(
  options: ClassifierOptions | undefined,
  dir: string,
): ClassifierOptions | undefined {
  if (options === undefined) return undefined;
  const out: Record<string, unknown> = { ...options };
  for (const { key, path } of BACKEND_OPTIONS as readonly BackendOption[]) {
    const value = out[key];
    if (path === undefined || value === undefined) continue;
    if (path === 'files' && Array.isArray(value)) {
      out[key] = value.map((v: unknown) => (typeof v === 'string' ? resolve(dir, v) : v));
    } else if (typeof value === 'string' && value !== '') {
      const local = resolve(dir, value);
      if (path === 'file' || existsSync(local)) out[key] = local;
    }
  }
  return out as ClassifierOptions;
}

/** The files a suite's resolved `modelOptions` name (file-or-text values: only those that are files). */
export function modelOptionFiles(options: ClassifierOptions | undefined): string[] {
  if (options === undefined) return [];
  const files: string[] = [];
  for (const { key, path } of BACKEND_OPTIONS as readonly BackendOption[]) {
    const value = (options as Record<string, unknown>)[key];
    if (path === undefined || value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) {
      if (typeof v === 'string' && (path !== 'file-or-text' || isAbsolute(v))) files.push(v);
    }
  }
  return files;
}
