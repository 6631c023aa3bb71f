/**
 * The audit's option checks and run settings: severities, variants, shard, with their defaults.
 * Checked before anything is loaded, so a bad option is a usage error (exit 2) that costs nothing.
 */
import {
  DEFAULT_RESAMPLES,
  DEFAULT_SEED,
  DEFAULT_SEVERITY,
  DEFAULT_VARIANTS,
  MAX_VARIANTS,
} from '../defaults.ts';
import { UsageError } from '../errors.ts';
import { DEFAULT_GAP_METRIC, GAP_METRICS, type GapMetric, SEVERITIES, type Severity } from '../types.ts';
import { hash32, rngKey } from '../util/rng.ts';

/** The level of every confidence interval. */
export const CONFIDENCE = 0.95;

/** Shard `index` of `count`, 1-based like `--shard index/count` (1 ≤ index ≤ count). */
export interface Shard {
  index: number;
  count: number;
}

/** The settings of a run, checked and with defaults applied. */
export interface RunSettings {
  seed: number;
  /** the levels asked for; `all` = each perturbation's declared levels (see planSeverities) */
  severities: Severity[] | 'all';
  variantsPerText: number;
  resamples: number;
  /** post-hoc logit adjustment strength τ; null = off */
  tau: number | null;
  shard: Shard | undefined;
  /** the metric of the headline head–tail gap, tail slope and verdict */
  gapMetric: GapMetric;
}

export function runSettings(options: {
  seed?: number;
  severity?: Severity | readonly Severity[] | 'all';
  variants?: number;
  resamples?: number;
  logitAdjust?: number | null;
  shard?: Shard;
  limit?: number;
  gapMetric?: GapMetric;
}): RunSettings {
  const seed = options.seed ?? DEFAULT_SEED;
  const severities = normaliseSeverities(options.severity);
  const variantsPerText = options.variants ?? DEFAULT_VARIANTS;
  checkVariants('variants', variantsPerText);
  if (options.limit !== undefined && !(Number.isInteger(options.limit) && options.limit >= 1)) {
    throw new UsageError(`limit must be a positive integer; got ${options.limit}`);
  }
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  if (options.shard) {
    const { index, count } = options.shard;
    if (!(Number.isInteger(count) && count >= 1 && Number.isInteger(index) && index >= 1 && index <= count)) {
      throw new UsageError(`shard must be i/n with 1 ≤ i ≤ n (1-based); got ${index}/${count}`);
    }
  }
  const gapMetric = options.gapMetric ?? DEFAULT_GAP_METRIC;
  if (!GAP_METRICS.includes(gapMetric)) {
    throw new UsageError(`gap metric must be one of ${GAP_METRICS.join(', ')}; got ${gapMetric}`);
  }
  return {
    seed,
    severities,
    variantsPerText,
    resamples,
    tau: options.logitAdjust ?? null,
    shard: options.shard,
    gapMetric,
  };
}

/** Variants per text × perturbation × severity: an integer from 1 to MAX_VARIANTS (`name` is the flag). */
export function checkVariants(name: string, variants: number): void {
  if (!Number.isInteger(variants) || variants < 1) {
    throw new UsageError(`${name} must be a positive integer; got ${variants}`);
  }
  if (variants > MAX_VARIANTS) {
    throw new UsageError(
      `${name} must be at most ${MAX_VARIANTS}; got ${variants} (each variant is one more text to classify per example, perturbation and severity)`,
    );
  }
}

function normaliseSeverities(
  severity: Severity | readonly Severity[] | 'all' | undefined,
): Severity[] | 'all' {
  if (severity === undefined) return [DEFAULT_SEVERITY];
  if (severity === 'all') return 'all';
  const list = Array.isArray(severity) ? severity : [severity];
  for (const s of list) {
    if (!SEVERITIES.includes(s as Severity))
      throw new UsageError(`severity must be 1, 2, 3 or all; got ${s}`);
  }
  if (list.length === 0) throw new UsageError('severity must be 1, 2, 3 or all; got an empty list');
  return [...new Set(list as Severity[])].sort();
}

/** Deterministic shard membership: depends only on the example id. */
export function inShard(id: string, shard: Shard | undefined): boolean {
  if (!shard || shard.count <= 1) return true;
  return hash32(rngKey('shard', id)) % shard.count === shard.index - 1;
}
