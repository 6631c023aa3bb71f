/**
 * From diagnosis to remedy: per class, what the audit measured (training count, bucket, pooled drop and
 * break rate with their CIs) and ready-to-use class weights for retraining — inverse frequency, the
 * effective number of samples (Cui et al., CVPR 2019: w ∝ (1 − β) / (1 − βⁿ)), and the offsets of the
 * logit-adjusted loss (Menon et al., ICLR 2021: τ · log π). Pure: read off a report.
 *
 * Weights are normalised to sum to the number of classes (a weight of 1 everywhere is plain cross-
 * entropy). A class without training examples counts as one example (its weight stays finite, the
 * largest of all); priors π are add-one smoothed like `--logit-adjust`'s (measure/logit-adjust.ts).
 */
import type { ClassInfo, Report } from '../types.ts';
import { POOLED } from './accumulator.ts';
import { logPriors } from './logit-adjust.ts';

export const MITIGATION_SCHEMA = 'tailcheck/mitigation@1';
/** β of the effective-number weights: Cui et al.'s range, from mild (0.9) to near inverse frequency. */
export const EFFECTIVE_NUMBER_BETAS = [0.9, 0.99, 0.999, 0.9999] as const;

/** What the audit measured for one class at one severity, all perturbations pooled. */
export interface MeasuredClass {
  /** changed variants */
  n: number;
  drop: number;
  dropCI: [number, number] | null;
  breakRate: number;
  breakRateCI: [number, number] | null;
}

export interface MitigationClass {
  label: string;
  trainCount: number;
  bucket: string;
  /** per severity of the run (key "1" … "3"); absent where the class had no changed variant */
  measured: Record<string, MeasuredClass>;
  inverseFrequency: number;
  /** per β ("0.9" … "0.9999") */
  effectiveNumber: Record<string, number>;
  /** τ · log π of the class: the logit-adjusted loss adds it to the class's logit */
  logitAdjustOffset: number;
}

export interface MitigationPlan {
  schema: typeof MITIGATION_SCHEMA;
  model: string;
  data: string;
  /** where the training counts come from (`train`, `class-counts`, `model`, `eval`) */
  frequencySource: string;
  /** τ of `logitAdjustOffset` (the run's `--logit-adjust`, else 1) */
  tau: number;
  /** the model's labels: every vector below is in this order */
  labels: string[];
  /** the same numbers as `classes[]`, as vectors in `labels` order, ready for a loss function */
  vectors: {
    inverseFrequency: number[];
    effectiveNumber: Record<string, number[]>;
    logitAdjustOffsets: number[];
  };
  classes: MitigationClass[];
}

/**
 * Cui et al.'s per-class weight (1 − β) / (1 − βⁿ), unnormalised: the inverse of the effective number of
 * samples of a class of `n` examples (n < 1 counts as 1). `classWeights` and `tailcheck augment` share it.
 */
export function effectiveNumberWeight(n: number, beta: number): number {
  return (1 - beta) / (1 - beta ** Math.max(1, n));
}

/**
 * A class's break rate over the severities a report measured, pooled: the mean of the per-severity
 * rates weighted by their changed variants (`n`); null when no severity has a changed variant.
 */
export function pooledBreakRate(measured: Readonly<Record<string, MeasuredClass>>): number | null {
  let n = 0;
  let sum = 0;
  for (const m of Object.values(measured)) {
    n += m.n;
    sum += m.n * m.breakRate;
  }
  return n === 0 ? null : sum / n;
}

/** `raw` scaled to sum to its length (the number of classes). */
function normalised(raw: readonly number[]): number[] {
  const sum = raw.reduce((s, x) => s + x, 0);
  return raw.map((x) => (x * raw.length) / sum);
}

/** Class weights and offsets for `classes` (training counts), in their order. */
export function classWeights(
  classes: readonly Pick<ClassInfo, 'label' | 'trainCount'>[],
  tau: number,
): MitigationPlan['vectors'] {
  const counts = classes.map((c) => Math.max(1, c.trainCount));
  const effectiveNumber: Record<string, number[]> = {};
  for (const beta of EFFECTIVE_NUMBER_BETAS) {
    effectiveNumber[String(beta)] = normalised(counts.map((n) => effectiveNumberWeight(n, beta)));
  }
  const priors = logPriors(
    Object.fromEntries(classes.map((c) => [c.label, c.trainCount])),
    classes.map((c) => c.label),
  );
  return {
    inverseFrequency: normalised(counts.map((n) => 1 / n)),
    effectiveNumber,
    logitAdjustOffsets: priors.map((p) => tau * p),
  };
}

export function mitigationPlan(report: Pick<Report, 'config' | 'classes' | 'summary'>): MitigationPlan {
  const tau = report.config.logitAdjust?.tau ?? 1;
  const vectors = classWeights(report.classes, tau);
  const classes = report.classes.map((c, i): MitigationClass => {
    const measured: Record<string, MeasuredClass> = {};
    for (const r of report.summary) {
      if (r.perturbation !== POOLED) continue;
      const m = r.perClass[c.label];
      if (!m || m.n === 0) continue;
      measured[String(r.severity)] = {
        n: m.n,
        drop: m.drop,
        dropCI: m.dropCI,
        breakRate: m.breakRate,
        breakRateCI: m.breakRateCI,
      };
    }
    return {
      label: c.label,
      trainCount: c.trainCount,
      bucket: c.bucket,
      measured,
      inverseFrequency: vectors.inverseFrequency[i]!,
      effectiveNumber: Object.fromEntries(
        Object.entries(vectors.effectiveNumber).map(([beta, w]) => [beta, w[i]!]),
      ),
      logitAdjustOffset: vectors.logitAdjustOffsets[i]!,
    };
  });
  return {
    schema: MITIGATION_SCHEMA,
    model: report.config.model.id,
    data: report.config.data.path,
    frequencySource: report.config.frequencySource,
    tau,
    labels: report.classes.map((c) => c.label),
    vectors,
    classes,
  };
}
