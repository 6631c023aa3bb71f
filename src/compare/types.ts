/**
 * The shape of a comparison of two reports (`tailcheck compare BASE.json HEAD.json`): the JSON written by
 * `--json` (schema tailcheck/compare@1, docs/compare-schema.md) and what every compare renderer reads.
 * Rates are fractions; every difference is HEAD − BASE.
 */
import type { BucketInfo, CINote, ClassInfo, Severity } from '../types.ts';

/** The comparison format's version: bumped on every incompatible change (docs/compare-schema.md). */
export const COMPARE_SCHEMA = 'tailcheck/compare@1';

/** One rate in both reports, on the same paired variants, and its paired difference. */
export interface PairedDelta {
  base: number;
  head: number;
  /** head − base */
  diff: number;
  /** paired bootstrap CI of `diff`; null when it would rest on too few examples (then `ciNote` says why) */
  ci: [number, number] | null;
  ciNote: CINote | null;
}

/** One slice (overall, a bucket, a class) of one scope, measured on the variants paired in it. */
export interface SliceComparison {
  /** examples with at least one paired variant in the slice */
  nExamples: number;
  /** paired variants (counted in both reports, same text) */
  n: number;
  /** accuracy of the originals of the nExamples examples, in each report */
  cleanAccuracy: { base: number; head: number };
  /** mean over paired variants of (original correct − variant correct) */
  drop: PairedDelta;
  /** share of paired variants whose prediction differs from the original's */
  flipRate: PairedDelta;
  /** paired variants whose original the report classified correctly (each report's break-rate denominator) */
  nFromCorrect: { base: number; head: number };
  /**
   * Each report's break rate among ITS OWN nFromCorrect variants; the difference is of the two ratios,
   * both computed on the same resample. Null when either report has no such variant in the slice.
   */
  breakRate: PairedDelta | null;
  /** paired variants classified correctly in BASE and wrongly in HEAD */
  newlyBreaking: number;
  /** paired variants classified wrongly in BASE and correctly in HEAD */
  newlyPassing: number;
}

/** One perturbation × severity, or all perturbations pooled per severity (perturbation `*`). */
export interface ScopeComparison {
  perturbation: string;
  severity: Severity;
  overall: SliceComparison;
  /** BASE's buckets, head → tail, those with paired variants */
  buckets: Record<string, SliceComparison>;
  /** per gold label with paired variants, in BASE's class order (then other labels, sorted) */
  perClass: Record<string, SliceComparison>;
}

/** A paired variant whose correctness differs between the two reports. */
export interface ChangedVariant {
  id: string;
  label: string;
  perturbation: string;
  severity: Severity;
  variant: number;
  /** the example's original text */
  original: string;
  /** the variant's text (the same in both reports) */
  text: string;
  base: { originalPrediction: string; prediction: string; confidence: number };
  head: { originalPrediction: string; prediction: string; confidence: number };
}

/** The variants that changed one way: how many, and the first `top` of them. */
export interface ChangedVariants {
  total: number;
  /**
   * newlyBreaking: most confident wrong HEAD prediction first; newlyPassing: most confident wrong BASE
   * prediction first (ties by id, perturbation, severity, variant)
   */
  top: ChangedVariant[];
}

export interface ReportSide {
  /** the report file as named on the command line */
  file: string;
  model: { id: string; fingerprint: string };
  /** examples the report holds */
  examples: number;
  /** accuracy on the original texts of the shared examples */
  cleanAccuracy: number;
}

/** A variant key found in both reports with different texts: not paired. */
export interface TextMismatch {
  id: string;
  perturbation: string;
  severity: Severity;
  variant: number;
  base: string;
  head: string;
}

export interface Pairing {
  /** examples (by id) present in both reports */
  sharedExamples: number;
  baseOnlyExamples: number;
  headOnlyExamples: number;
  /** sharedExamples ÷ the larger report's examples; compare refuses below MIN_OVERLAP */
  overlap: number;
  /** variants counted in both reports with the same text: the ones every number rests on */
  pairedVariants: number;
  /** variant keys (id, perturbation, severity, variant) in both whose texts differ: not paired */
  textMismatches: number;
  /** the same variant, counted in one report only (meaning check, duplicate): not paired */
  countedInOneOnly: number;
  /** variants of shared examples whose key is missing from the other report */
  unmatchedVariants: number;
  /** the first few text mismatches (by id, perturbation, severity, variant) */
  mismatchSamples: TextMismatch[];
}

/** One `--max-regression` check: a slice's drop difference against the limit. */
export interface RegressionCheck {
  perturbation: string;
  severity: Severity;
  /** HEAD's drop − BASE's drop */
  value: number;
  ci: [number, number] | null;
  limit: number;
  /** failed = value > limit and the CI lies above 0 */
  passed: boolean;
}

export interface RegressionGate {
  maxRegression: number;
  /** false when a check failed or no slice had paired variants */
  passed: boolean;
  /** the pooled summary per severity first, then each perturbation × severity */
  checks: RegressionCheck[];
  /** no slice had a paired variant: the gate checked nothing, and fails */
  unevaluated: boolean;
}

export interface Comparison {
  schema: typeof COMPARE_SCHEMA;
  tool: { name: 'tailcheck'; version: string };
  base: ReportSide;
  head: ReportSide;
  /** what both reports share (checked equal) and the bootstrap used (BASE's) */
  config: {
    data: { path: string; textField: string; labelField: string };
    seed: number;
    perturbations: string[];
    severities: Severity[];
    variants: number;
    bootstrap: { resamples: number; confidence: number };
  };
  /** BASE's classes and buckets: the bucket and class rows use them */
  classes: ClassInfo[];
  buckets: BucketInfo[];
  pairing: Pairing;
  /** all perturbations pooled, per severity */
  summary: ScopeComparison[];
  /** per perturbation × severity, sorted by perturbation then severity */
  results: ScopeComparison[];
  newlyBreaking: ChangedVariants;
  newlyPassing: ChangedVariants;
  /** the `--max-regression` gate; null when not asked for */
  gate: RegressionGate | null;
  verdict: string;
  warnings: string[];
}
