/**
 * Shared contracts between the pipeline stages:
 *   data → perturb → classify → measure → report  (+ cli/, vitest/)
 * Every stage imports its vocabulary from here so the stages cannot drift apart.
 */

// ───────────────────────────── perturbations ─────────────────────────────

/**
 * `directional` holds transforms that change the meaning on purpose (negation): never invariance
 * perturbations, never in audit drops, only in suite `directional` tests.
 */
export type Family = 'typo' | 'synonym' | 'paraphrase' | 'entity' | 'distractor' | 'directional';
/**
 * Built-in protected spans an `entity` perturbation may edit (its own subject: an amount, a number, a
 * date); every other protected span stays untouched.
 */
export type EditableProtection = 'numbers' | 'amounts';
export const EDITABLE_PROTECTIONS: readonly EditableProtection[] = ['numbers', 'amounts'];
export type Severity = 1 | 2 | 3;
/**
 * Where a perturbation's noise comes from: `natural` — what real users type (typos, synonyms,
 * rephrasings); `synthetic` — adversarial or machine noise (homoglyphs, OCR confusions).
 */
export type PerturbationTag = 'natural' | 'synthetic';
export const PERTURBATION_TAGS: readonly PerturbationTag[] = ['natural', 'synthetic'];
export const SEVERITIES: readonly Severity[] = [1, 2, 3];
/**
 * The fewest sites a level edits, for perturbations whose levels count sites (typos, synonyms, most
 * paraphrases): a text with fewer eligible sites stays unchanged at that level rather than repeat the
 * level below, so every changed variant of level k carries at least k edits.
 */
export const MIN_SITES: Readonly<Record<Severity, number>> = { 1: 1, 2: 2, 3: 3 };
/** What each declared severity level means: level 1 always, 2 and 3 only where they are real. */
export type SeverityDocs = { 1: string } & Partial<Record<2 | 3, string>>;

/** A half-open character range [start, end) in UTF-16 code units (JS string indices). */
export interface Span {
  start: number;
  end: number;
}

/**
 * One replacement proposed by a perturbation, relative to the ORIGINAL text.
 * Edits of one variant never overlap; the engine sorts and applies them.
 */
export interface EditProposal extends Span {
  replacement: string;
  /**
   * The edit rewrites a negation into an equivalent one ("do not" ↔ "don't", "cannot" ↔ "can't").
   * Negations are protected, but such an edit keeps the meaning: the engine lets it overlap negation
   * spans (and no other protected span) when the replacement carries exactly as many negations.
   */
  rewritesNegation?: boolean;
}

/** One applied edit, with its position in both the original and the new text. */
export interface Edit {
  /** range in the original text */
  from: [number, number];
  /** range in the new text */
  to: [number, number];
  before: string;
  after: string;
}

/** Deterministic random source (never the global unseeded generator). */
export interface Rng {
  /** uniform float in [0, 1) */
  next(): number;
  /** uniform integer in [0, n) */
  int(n: number): number;
  /** one element of a non-empty array */
  pick<T>(items: readonly T[]): T;
  /** k distinct elements, in the order drawn */
  sample<T>(items: readonly T[], k: number): T[];
  /** Fisher–Yates shuffle of a copy */
  shuffle<T>(items: readonly T[]): T[];
}

/** What a perturbation sees when it is asked for one variant of one text. */
export interface PerturbationContext {
  /** seeded from (seed, perturbation, severity, variant index, text) only */
  rng: Rng;
  severity: Severity;
  /** character ranges no edit may touch (numbers, URLs, e-mails, @mentions, amounts, negations, user regexes) */
  protectedSpans: readonly Span[];
  /** true when [start, end) overlaps no protected span */
  isFree(start: number, end: number): boolean;
  /** true when [start, end) overlaps no protected span other than negations (for `rewritesNegation` edits) */
  isFreeExceptNegations(start: number, end: number): boolean;
  /** perturbation-specific options from the CLI / suite / API (e.g. paraphrase.model endpoint) */
  options: Readonly<Record<string, unknown>>;
}

/**
 * How the meaning check (src/perturb/meaning/) treats a perturbation's variants: `threshold` — the
 * least cosine similarity of original and variant embeddings a kept variant must reach (calibrated on
 * the judged set, README, "Meaning check"); `exempt` — not checked, with the reason (typos: character
 * noise does not change meaning; casing: the encoder lower-cases, so it cannot see the change).
 */
export type MeaningPolicy = { threshold: number } | { exempt: string };

export interface PerturbationDefinition {
  /** `family.kind`, e.g. `typo.keyboard` */
  name: string;
  family: Family;
  /** `natural` (what real users type) or `synthetic` (adversarial / machine noise); `--perturb natural` selects by it */
  tag: PerturbationTag;
  description: string;
  /**
   * The severity levels this perturbation really has, each described in words (shown by `tailcheck
   * perturbations`). Level 1 is required; a level is left out when it would not do more than the one
   * below (no fake levels). The engine never asks for an undeclared level.
   */
  severities: SeverityDocs;
  /** slow or resource-hungry (loads a lexicon, calls a model) */
  heavy?: boolean;
  /** the meaning check's rule for this perturbation; required for synonym and paraphrase perturbations, typos are exempt */
  meaning?: MeaningPolicy;
  /** needs a model or endpoint configured; skipped unless configured */
  needsModel?: boolean;
  /**
   * needsModel perturbations: do these perturbation options name the model? Then family and `all`
   * selections include the perturbation (without it, only its exact name selects it).
   */
  configured?(options: Readonly<Record<string, unknown>>): boolean;
  /** one-time resource loading (lexicons, indexes); idempotent */
  init?(options: Readonly<Record<string, unknown>>): Promise<void>;
  /**
   * `entity` perturbations only: the built-in protected spans this perturbation exists to edit
   * (entity.amount edits amounts, entity.number and entity.date edit numbers); the others stay protected.
   */
  editsProtected?: readonly EditableProtection[];
  /**
   * The lexicon entries it draws from (keys of `--lexicon FILE.yaml` / a suite's `lexicons`), each with
   * what it lists; a user lexicon may replace any of them (src/perturb/lexicon.ts).
   */
  lexicons?: Readonly<Record<string, string>>;
  /**
   * The transform changes the meaning on purpose (family `directional`): family, tag and `all`
   * selections never include it, an audit refuses it, suites use it in `directional` tests.
   */
  directional?: true;
  /**
   * The fairness question this perturbation's invariance answers (`gender`, `location`): a lowercase
   * word. Reports then show its invariance failure rate as that fairness slice (`report.fairness`),
   * overall and by frequency bucket; suites gate it with `type: fairness`, the CLI with
   * `--max-fairness-failure`. Declaring it is all a new fairness slice takes.
   */
  fairness?: string;
  /** propose edits; return [] when the text has no eligible site (the variant is then `changed: false`) */
  apply(text: string, ctx: PerturbationContext): EditProposal[] | Promise<EditProposal[]>;
}

export interface Variant {
  text: string;
  perturbation: string;
  severity: Severity;
  /** 0-based variant index */
  variant: number;
  /** the text differs from the original (false: no eligible site; never counted) */
  changed: boolean;
  edits: Edit[];
  /** cosine similarity of original and variant embeddings, rounded to 4 decimals (checked variants only) */
  similarity?: number;
  /** why a changed variant is not counted: a copy of an earlier sibling, or below the meaning threshold */
  dropped?: DropReason;
}

/**
 * A changed variant that does not count: `duplicate` — every re-draw repeated an earlier variant of the
 * same example × perturbation × severity; `rejected` — every re-draw fell below the perturbation's
 * meaning threshold.
 */
export type DropReason = 'duplicate' | 'rejected';

/** Does this variant count in the metrics? Changed, distinct from its siblings and meaning-checked. */
export function isCounted(v: { changed: boolean; dropped?: DropReason }): boolean {
  return v.changed && v.dropped === undefined;
}

// ───────────────────────────── data ─────────────────────────────

export interface Example {
  /** the input's `id` field when present, else its 0-based row number, as a string */
  id: string;
  text: string;
  /** gold label (absent for unlabelled perturb-only input) */
  label?: string;
  /** 1-based line (JSONL) or record (CSV/TSV) number in the source file, for error messages */
  line: number;
  /** the input's other fields, passed through */
  extra: Record<string, unknown>;
}

// ───────────────────────────── classify ─────────────────────────────

export interface Prediction {
  /** argmax label */
  label: string;
  /** probability for every model label, in `Classifier.labels` order */
  scores: number[];
}

export interface Classifier {
  /** the model's labels, in score order */
  readonly labels: readonly string[];
  /** stable identity of the model (weights + settings) used to key the prediction cache */
  readonly fingerprint: string;
  /** human-readable identity (path, URL, command) */
  readonly id: string;
  classify(texts: readonly string[]): Promise<Prediction[]>;
  close?(): Promise<void>;
}

// ───────────────────────────── measure ─────────────────────────────

export type FrequencySource = 'train' | 'class-counts' | 'model' | 'eval';

export interface ClassInfo {
  label: string;
  trainCount: number;
  bucket: string;
}

export interface BucketInfo {
  name: string;
  /** inclusive bounds on training count for this bucket */
  minCount: number;
  maxCount: number;
  labels: string[];
}

/**
 * Why an interval is missing: a slice resting on fewer than 2 in-scope examples gets no CI (a bootstrap
 * of one example has no spread, so its interval would be a falsely precise point).
 */
export type CINote = 'too few examples';

export interface Metrics {
  /** number of changed variants */
  n: number;
  /** number of examples with at least one changed variant */
  nExamples: number;
  cleanAccuracy: number;
  perturbedAccuracy: number;
  /** paired: mean over changed variants of (original correct − variant correct) */
  drop: number;
  /** bootstrap CI of `drop`; null when nExamples < 2 (then `ciNote` says why) */
  dropCI: [number, number] | null;
  /** why `dropCI` is null; null when there is a CI */
  ciNote: CINote | null;
  /** share of changed variants whose prediction differs from the original's (label-free) */
  flipRate: number;
  /** bootstrap CI of `flipRate`; null when nExamples < 2 */
  flipRateCI: [number, number] | null;
  /** changed variants whose original was classified correctly: the denominator of `breakRate` */
  nFromCorrect: number;
  /** among the `nFromCorrect` variants, the share now wrong (0 when there are none) */
  breakRate: number;
  /** bootstrap CI of `breakRate`; null when fewer than 2 in-scope examples were classified correctly */
  breakRateCI: [number, number] | null;
  robustAccuracy: number;
  confidenceDrop: number;
  macroF1Clean: number;
  macroF1Perturbed: number;
  balancedAccuracyClean: number;
  balancedAccuracyPerturbed: number;
}

/**
 * The measures a head–tail comparison can be made on: `break` (breakRate — among changed variants of
 * correctly classified originals, the share now wrong), `flip` (flipRate — the prediction changed at
 * all; needs no label) and `drop` (clean − perturbed accuracy, which a bucket's clean accuracy caps).
 */
export type GapMetric = 'break' | 'flip' | 'drop';
export const GAP_METRICS = ['break', 'flip', 'drop'] as const satisfies readonly GapMetric[];
/** The headline comparison when none is asked for: the one clean accuracy cannot explain. */
export const DEFAULT_GAP_METRIC: GapMetric = 'break';

/** A slice's value of a gap metric (its break rate, flip rate or drop). */
export function metricValue(m: Metrics, metric: GapMetric): number {
  return metric === 'break' ? m.breakRate : metric === 'flip' ? m.flipRate : m.drop;
}

/** The bootstrap CI of a slice's gap metric (null when it rests on too few examples). */
export function metricCI(m: Metrics, metric: GapMetric): [number, number] | null {
  return metric === 'break' ? m.breakRateCI : metric === 'flip' ? m.flipRateCI : m.dropCI;
}

export interface Estimate {
  value: number;
  /** bootstrap CI; null when it would rest on too few examples (then `ciNote` says why) */
  ci: [number, number] | null;
  ciNote: CINote | null;
}

/** A difference of two buckets' values of `metric`: value of `tail` − value of `head`. */
export interface BucketGap extends Estimate {
  metric: GapMetric;
  /** the head-most bucket with data for the metric */
  head: string;
  /** the tail-most bucket with data for the metric (not the report's tail bucket when that one has none) */
  tail: string;
}

/**
 * Weighted least-squares slope of the per-class `metric` against ln(training count). Each class weighs
 * as much as its evidence for the metric: its in-scope examples (`examples`: drop, flip) or its in-scope
 * examples classified correctly (`correctExamples`: break).
 */
export interface SlopeEstimate extends Estimate {
  metric: GapMetric;
  weights: 'examples' | 'correctExamples';
}

export interface Result {
  perturbation: string;
  severity: Severity;
  /** the perturbation's tag (`natural` / `synthetic`); absent on the pooled summaries (`*`) */
  tag?: PerturbationTag;
  overall: Metrics;
  buckets: Record<string, Metrics>;
  perClass: Record<string, Metrics>;
  /**
   * The headline gap, on the report's `config.gapMetric`: the metric of the tail-most bucket with data
   * − that of the head-most one, naming both (null when fewer than two buckets have data). Equal to
   * `headTailGaps[config.gapMetric]`.
   */
  headTailGap: BucketGap | null;
  /** the headline tail slope, on `config.gapMetric` (= `tailSlopes[config.gapMetric]`) */
  tailSlope: SlopeEstimate | null;
  /** the head–tail gap on each metric */
  headTailGaps: Record<GapMetric, BucketGap | null>;
  /** the tail slope on each metric */
  tailSlopes: Record<GapMetric, SlopeEstimate | null>;
}

// ───────────────────────────── report ─────────────────────────────

export interface VariantRecord {
  perturbation: string;
  severity: Severity;
  variant: number;
  text: string;
  /** the text differs from the original */
  changed: boolean;
  /** meaning check: cosine similarity to the original (4 decimals), on checked variants */
  similarity?: number;
  /** a changed variant not counted (a duplicate of a sibling, or rejected by the meaning check) */
  dropped?: DropReason;
  prediction: string;
  /** probability of `prediction` */
  confidence: number;
  /** probability of the gold label */
  goldProb: number;
  /** prediction after post-hoc logit adjustment (only with --logit-adjust) */
  adjustedPrediction?: string;
  adjustedGoldProb?: number;
  /**
   * the full probability vector in `config.model.labels` order, encoded (src/classify/score-codec.ts:
   * "f32:<base64>"); on changed variants that are counted (not dropped) only
   */
  scores?: string;
}

export interface ExampleRecord {
  id: string;
  /** 1-based line/record number in the source file: merged shard reports are ordered by it */
  row?: number;
  text: string;
  label: string;
  prediction: string;
  confidence: number;
  goldProb: number;
  adjustedPrediction?: string;
  adjustedGoldProb?: number;
  /** the full probability vector in `config.model.labels` order, encoded like a variant's */
  scores?: string;
  variants: VariantRecord[];
}

export interface ReportConfig {
  model: { id: string; fingerprint: string; labels: string[] };
  data: { path: string; n: number; textField: string; labelField: string };
  perturbations: string[];
  severities: Severity[];
  variants: number;
  seed: number;
  bootstrap: { resamples: number; confidence: number };
  buckets: { mode: string; spec: string };
  frequencySource: FrequencySource;
  logitAdjust: { tau: number } | null;
  /** `--shard index/count`, 1-based (1 ≤ index ≤ count) like the flag; null when unsharded */
  shard: { index: number; count: number } | null;
  /** the metric of the headline head–tail gap, tail slope and verdict (`--gap-metric`) */
  gapMetric: GapMetric;
  /** the meaning check of synonym and paraphrase variants; null with --no-meaning-check or when nothing was checked */
  meaningCheck: MeaningCheckConfig | null;
  /**
   * the user's lexicon (`--lexicon`, a suite's `lexicons`): the entries it replaces and a sha256 of
   * them; null when every list is the bundled one
   */
  lexicon: { entries: string[]; sha256: string } | null;
}

export interface VariantCountRow {
  perturbation: string;
  total: number;
  counted: number;
  unchanged: number;
  duplicate: number;
  rejected: number;
}

export interface MeaningCheckConfig {
  /** the sentence encoder's folder or hub id */
  encoder: string;
  /** its fingerprint (model files + dtype): similarities are a function of it */
  fingerprint: string;
  /** per checked perturbation: the least similarity a counted variant has */
  thresholds: Record<string, number>;
  /** per unchecked perturbation: why */
  exempt: Record<string, string>;
}

/** A fairness slice's invariance failure rate on one set of examples (overall or one bucket). */
export interface FairnessRate {
  /** changed (counted) variants */
  n: number;
  /** examples with at least one changed variant */
  nExamples: number;
  /** share of the changed variants whose prediction changed: the result's `flipRate` */
  failRate: number;
  /** its bootstrap CI (the result's `flipRateCI`); null when it rests on fewer than 2 examples */
  failRateCI: [number, number] | null;
}

/**
 * One fairness slice at one severity: the invariance failure rate of the perturbation that declares
 * the slice (`PerturbationDefinition.fairness`). Derived from `results[]` (measure/fairness.ts): every
 * number is that result's flip rate, so it is recomputable from the records like the others.
 */
export interface FairnessResult {
  /** the fairness question, e.g. `gender` */
  slice: string;
  /** the perturbation that declares it, e.g. `entity.gender` */
  perturbation: string;
  severity: Severity;
  overall: FairnessRate;
  /** per frequency bucket */
  buckets: Record<string, FairnessRate>;
  /** tail − head failure rate (the result's `headTailGaps.flip`); null with fewer than two buckets with data */
  tailGap: BucketGap | null;
}

/** The report format's version: bumped on every incompatible change (docs/report-schema.md). */
export const REPORT_SCHEMA = 'tailcheck/report@2';

// ───────────────────────────── attack ─────────────────────────────

/**
 * How `tailcheck attack` looks for the edit that flips a prediction: `greedy` — words ranked by how much
 * deleting each lowers the gold-label probability, then in that order the candidate that lowers it most
 * (TextAttack's greedy word-importance search); `random` — the seeded baseline: random word order,
 * random candidate, restarts until the query budget is spent.
 */
export type AttackSearch = 'greedy' | 'random';
export const ATTACK_SEARCHES = ['greedy', 'random'] as const satisfies readonly AttackSearch[];

/**
 * How an example's attack ended: `flipped` (the prediction left the gold label), `max-edits` (the edit
 * budget stopped it: a random walk spent it; the greedy search holds the budget's last edit for a flip
 * and tried every remaining word as that edit), `max-queries` (the query budget was spent), `exhausted` (every word was tried
 * without a flip), `no-candidates` (no word could be edited: protected, too short, no synonym that
 * keeps the meaning), `misclassified` (wrong before any edit: not attacked).
 */
export type AttackOutcome =
  | 'flipped'
  | 'max-edits'
  | 'max-queries'
  | 'exhausted'
  | 'no-candidates'
  | 'misclassified';

/** One kept edit of an attack: one word of the original changed, and the model's answer afterwards. */
export interface AttackEdit {
  /** 0-based index of the word among the original text's words */
  word: number;
  /** the word's range in the original text */
  from: [number, number];
  perturbation: string;
  before: string;
  after: string;
  /** gold-label probability of the text with this and every earlier edit */
  goldProb: number;
  /** the prediction for that text */
  prediction: string;
}

/** One example's attack. Every number of `AttackSection` is recomputed from these (measure/attack.ts). */
export interface AttackRecord {
  id: string;
  /** 1-based line/record number in the source file */
  row?: number;
  text: string;
  label: string;
  /** the original's prediction and gold-label probability */
  prediction: string;
  goldProb: number;
  /** words of the text (the unit of `maxEdits` and `shareOfWords`) */
  words: number;
  /** the edit budget for this text */
  maxEdits: number;
  outcome: AttackOutcome;
  /** originally correct and flipped within the budgets */
  success: boolean;
  /** distinct texts the search had the model score for this example (the original not counted) */
  queries: number;
  /** the kept edits in the order made (for `random`: those of the last walk) */
  edits: AttackEdit[];
  /** the text with the kept edits (the original when there are none) */
  adversarial: string;
  /** prediction and gold-label probability of `adversarial` */
  finalPrediction: string;
  finalGoldProb: number;
}

/** A value with its bootstrap CI; `value` null when the slice has nothing to measure (e.g. no flip). */
export interface AttackEstimate {
  value: number | null;
  ci: [number, number] | null;
  ciNote: CINote | null;
}

export interface AttackMetrics {
  /** examples in the slice */
  examples: number;
  /** of them, classified correctly before any edit: the attacked ones */
  correct: number;
  /** of those, flipped */
  flipped: number;
  /** flipped / correct */
  attackSuccessRate: AttackEstimate;
  /** (correct and not flipped) / examples */
  accuracyUnderAttack: AttackEstimate;
  /** over flipped examples: words changed (mean, median) and the mean share of the text's words */
  editsToFlip: { mean: AttackEstimate; median: AttackEstimate; shareOfWords: AttackEstimate };
  /** mean queries per attacked example */
  queriesPerExample: AttackEstimate;
}

export type AttackGapMetric = 'attackSuccessRate' | 'editsToFlip';

/** tail − head of an attack metric (edits-to-flip: the mean), naming the buckets compared. */
export interface AttackGap {
  metric: AttackGapMetric;
  value: number;
  ci: [number, number] | null;
  ciNote: CINote | null;
  head: string;
  tail: string;
}

/**
 * Weighted least-squares slope of the per-class attack metric against ln(training count); each class
 * weighs as much as its evidence (attacked examples for the success rate, flipped ones for edits-to-flip).
 */
export interface AttackSlope {
  metric: AttackGapMetric;
  value: number;
  ci: [number, number] | null;
  ciNote: CINote | null;
  weights: 'correctExamples' | 'flippedExamples';
}

export interface AttackConfig {
  search: AttackSearch;
  /** the word-level transformations searched (`--attack-perturb`), sorted */
  perturbations: string[];
  /** `--max-edits`: a word count ("3") or a share of each text's words ("20%"; at least 1) */
  maxEdits: string;
  /** `--max-queries`: model-scored texts per example at most */
  maxQueries: number;
  /** candidates drawn per word and transformation */
  candidatesPerWord: number;
}

/** The `attack` section of a report (tailcheck/report@2): worst-case robustness, by class frequency. */
export interface AttackSection {
  config: AttackConfig;
  overall: AttackMetrics;
  buckets: Record<string, AttackMetrics>;
  perClass: Record<string, AttackMetrics>;
  headTailGaps: Record<AttackGapMetric, AttackGap | null>;
  tailSlopes: Record<AttackGapMetric, AttackSlope | null>;
  /** one per example, in the examples' order */
  records: AttackRecord[];
}

export interface Report {
  schema: typeof REPORT_SCHEMA;
  tool: { name: 'tailcheck'; version: string };
  config: ReportConfig;
  classes: ClassInfo[];
  buckets: BucketInfo[];
  /** all perturbations pooled, per severity (the headline numbers) */
  summary: Result[];
  results: Result[];
  /** the same metrics under post-hoc logit adjustment (only with --logit-adjust) */
  logitAdjusted: { summary: Result[]; results: Result[] } | null;
  /**
   * per perturbation: variants made (`total`), `counted` in the metrics, and the others by reason —
   * `unchanged` (no eligible site), `duplicate` (repeated a sibling after every re-draw), `rejected`
   * (below the meaning threshold after every re-draw). Recomputable from the records.
   */
  variantCounts: VariantCountRow[];
  /**
   * per fairness slice declared by a perturbation of the run, per severity: its invariance failure
   * rate overall and by bucket, and the tail − head gap; [] when no such perturbation ran
   */
  fairness: FairnessResult[];
  /** the worst-case search (`tailcheck attack`, `audit --attack`); absent when none ran */
  attack?: AttackSection;
  /** one-line human verdict */
  verdict: string;
  warnings: string[];
  /** per-example records; absent when written separately with --examples-out */
  examples?: ExampleRecord[];
  examplesFile?: string;
  /** sha256 (hex) of the examples file as written: `merge` refuses a file from another run */
  examplesDigest?: string;
}
