/**
 * The declarative suite format (YAML), validated with zod. Test types follow CheckList
 * (Ribeiro et al. 2020): minimum-functionality (`expect`), invariance and directional
 * tests, plus `audit` for the perturbation robustness gates, `fairness` for the fairness slices and
 * `attack` for the worst-case search.
 */
import { z } from 'zod';
import { modelOptionsSchema } from '../classify/load.ts';
import { ATTACK_SEARCHES, DEFAULT_GAP_METRIC, GAP_METRICS } from '../types.ts';

const rate = z.number().min(0).max(1);
const severity = z.literal([1, 2, 3]);
const nonEmpty = z.string().min(1);
const gapBound = z.number().min(-1).max(1);

/** Gates on one slice of the audit (overall, one bucket, one class…). */
export const gateSchema = z.strictObject({
  /** clean accuracy − perturbed accuracy must not exceed this */
  maxDrop: rate.optional(),
  /** drop in the tail bucket (fewest training examples) must not exceed this */
  maxTailDrop: rate.optional(),
  /** break rate in the tail bucket (share of changed variants of correct originals now wrong) */
  maxTailBreak: rate.optional(),
  /** fraction of examples right on the original AND every changed variant */
  minRobustAccuracy: rate.optional(),
  /**
   * tail-bucket − head-bucket value of a metric (pooled summary) must not exceed this: a number (break
   * rate), or `{ max, metric: break | flip | drop }`
   */
  maxTailGap: z
    .union([
      gapBound,
      z.strictObject({ max: gapBound, metric: z.enum(GAP_METRICS).default(DEFAULT_GAP_METRIC) }),
    ])
    .optional(),
});

export const thresholdsSchema = gateSchema.extend({
  /** keyed by perturbation (`typo.keyboard`) or family (`typo`) */
  perPerturbation: z.record(nonEmpty, gateSchema).optional(),
  /** keyed by bucket name (`many`, `medium`, `few`) */
  perBucket: z
    .record(nonEmpty, gateSchema.omit({ maxTailDrop: true, maxTailBreak: true, maxTailGap: true }))
    .optional(),
  /** keyed by class label */
  perClass: z
    .record(nonEmpty, gateSchema.omit({ maxTailDrop: true, maxTailBreak: true, maxTailGap: true }))
    .optional(),
});

const perturbationList = z.union([nonEmpty, z.array(nonEmpty).min(1)]);
const severityList = z.union([severity, z.array(severity).min(1), z.literal('all')]);

/** Where a test's input texts come from; at least one source is required. */
const fromDataSchema = z.union([
  z.literal(true),
  z.strictObject({
    labels: z.array(nonEmpty).min(1).optional(),
    limit: z.int().positive().optional(),
  }),
]);

const inputFields = {
  texts: z.array(nonEmpty).min(1).optional(),
  templates: z.array(nonEmpty).min(1).optional(),
  fromData: fromDataSchema.optional(),
  /** test-local lexicons, merged over the suite's */
  lexicons: z.record(nonEmpty, z.array(nonEmpty).min(1)).optional(),
  /** cap on generated cases; a seeded sample is drawn when there are more */
  maxCases: z.int().positive().optional(),
};

const common = {
  name: nonEmpty.optional(),
  description: z.string().optional(),
  seed: z.int().min(0).optional(),
  /** a documented weakness: the test is expected to fail (and fails the suite once it passes) */
  knownFailure: nonEmpty.optional(),
};

export const auditTestSchema = z.strictObject({
  type: z.literal(['audit', 'robustness']),
  ...common,
  data: nonEmpty.optional(),
  perturbations: perturbationList.optional(),
  severities: severityList.optional(),
  variants: z.int().positive().optional(),
  limit: z.int().positive().optional(),
  thresholds: thresholdsSchema.optional(),
});

export const invarianceTestSchema = z.strictObject({
  type: z.literal('invariance'),
  ...common,
  ...inputFields,
  perturbation: nonEmpty,
  severity: severity.optional(),
  variants: z.int().positive().optional(),
  maxFlipRate: rate.optional(),
});

/**
 * A fairness slice's invariance failure rate, measured by an audit of the perturbations that declare
 * the slice (or of the one named): gated overall, per bucket and on the tail − head gap.
 */
export const fairnessTestSchema = z.strictObject({
  type: z.literal('fairness'),
  ...common,
  /** the fairness slice (`gender`, `location`): every perturbation declaring it is audited */
  slice: nonEmpty.optional(),
  /** or the perturbation (declaring a slice) to audit, e.g. `entity.gender` */
  perturbation: nonEmpty.optional(),
  /** labelled data (the buckets need gold labels); absent = the suite's */
  data: nonEmpty.optional(),
  limit: z.int().positive().optional(),
  severity: severity.optional(),
  variants: z.int().positive().optional(),
  /** the overall failure rate (share of changed variants whose prediction changed) must not exceed this */
  maxFailRate: rate.optional(),
  /** keyed by bucket name: that bucket's failure rate must not exceed this */
  perBucket: z.record(nonEmpty, rate).optional(),
  /** tail-bucket − head-bucket failure rate must not exceed this */
  maxTailGap: gapBound.optional(),
});

/** The attack's gates on one slice of its section (overall, or one bucket). */
export const attackGateSchema = z.strictObject({
  /** share of correctly classified examples the search flipped within its budgets must not exceed this */
  maxAttackSuccess: rate.optional(),
  /** share of all examples correct and not flipped must be at least this */
  minAccuracyUnderAttack: rate.optional(),
});

/**
 * The worst-case search (`tailcheck attack`) on labelled data: for each correctly classified example,
 * the smallest word-level edit that flips it, within the budgets; gated overall and per bucket.
 */
export const attackTestSchema = attackGateSchema.extend({
  type: z.literal('attack'),
  ...common,
  /** labelled data (the buckets need gold labels); absent = the suite's */
  data: nonEmpty.optional(),
  limit: z.int().positive().optional(),
  /** the word-level transformations searched (typo and synonym perturbations); default typo, synonym */
  perturb: perturbationList.optional(),
  /** greedy (default; word importance) or random (the seeded baseline) */
  search: z.enum(ATTACK_SEARCHES).optional(),
  /** words changed at most: a count (3) or a share of each text's words ("20%", the default) */
  maxEdits: z.union([z.int().positive(), nonEmpty]).optional(),
  /** texts scored per example at most (default 200) */
  maxQueries: z.int().positive().optional(),
  /** keyed by bucket name: that bucket's gates */
  perBucket: z.record(nonEmpty, attackGateSchema).optional(),
});

export const expectTestSchema = z.strictObject({
  type: z.literal('expect'),
  ...common,
  ...inputFields,
  label: nonEmpty,
  minAccuracy: rate.optional(),
});

/** What a directional transform must do to the prediction (`transform` form). */
export const DIRECTIONAL_EXPECTATIONS = ['labelChanges', 'probabilityDrop'] as const;
export type DirectionalExpectation = (typeof DIRECTIONAL_EXPECTATIONS)[number];

/**
 * Two forms, exactly one edit each (checked by the test type): a phrase (`prefix`, `suffix` or
 * `insert`) that moves `label`'s probability in `direction`; or a directional `transform` (`negate`)
 * with what it must do to the prediction (`expect`, or `labelsThatFlip`).
 */
export const directionalTestSchema = z.strictObject({
  type: z.literal('directional'),
  ...common,
  ...inputFields,
  prefix: nonEmpty.optional(),
  suffix: nonEmpty.optional(),
  /** inserted at a seeded word boundary inside the text */
  insert: nonEmpty.optional(),
  /** a directional transform from the registry: `negate` or `directional.negate` */
  transform: nonEmpty.optional(),
  /** phrase form: the label whose probability the phrase moves */
  label: nonEmpty.optional(),
  direction: z.enum(['up', 'down']).optional(),
  /**
   * transform form: `labelChanges` — the prediction must differ from the original's;
   * `probabilityDrop` — the probability of the gold label (or, without one, of the original
   * prediction) must fall by at least `minDelta`
   */
  expect: z.enum(DIRECTIONAL_EXPECTATIONS).optional(),
  /**
   * transform form, binary sentiment-like tasks: the prediction on the transformed text must be the
   * mapped label of the gold (or original) label; inputs whose label is not a key are left out
   */
  labelsThatFlip: z.record(nonEmpty, nonEmpty).optional(),
  minDelta: z.number().min(0).max(1).optional(),
  maxFailRate: rate.optional(),
});

export const testSchema = z.discriminatedUnion('type', [
  auditTestSchema,
  invarianceTestSchema,
  fairnessTestSchema,
  attackTestSchema,
  expectTestSchema,
  directionalTestSchema,
]);

export const suiteSchema = z.strictObject({
  name: nonEmpty,
  description: z.string().optional(),
  /** model spec; `bundled` or absent = the bundled BANKING77-LT model */
  model: nonEmpty.optional(),
  /**
   * the model backend's options (labels, httpMap, httpHeaders, timeoutMs, retries, modelVersion,
   * threads, dtype), as the backends declare them; files they name (labels, httpMap, modelFiles)
   * resolve against the suite's folder (context.ts resolveModelOptionPaths)
   */
  modelOptions: modelOptionsSchema.optional(),
  /** evaluation data file (JSONL/CSV/TSV); absent = the bundled bank queries */
  data: nonEmpty.optional(),
  textField: nonEmpty.optional(),
  labelField: nonEmpty.optional(),
  train: nonEmpty.optional(),
  classCounts: nonEmpty.optional(),
  buckets: nonEmpty.optional(),
  seed: z.int().min(0).optional(),
  perturbations: perturbationList.optional(),
  severities: severityList.optional(),
  variants: z.int().positive().optional(),
  limit: z.int().positive().optional(),
  thresholds: thresholdsSchema.optional(),
  lexicons: z.record(nonEmpty, z.array(nonEmpty).min(1)).optional(),
  /** masked LM for synonym.contextual (hub id or folder, resolved against the suite's folder); turns it on */
  mlmModel: nonEmpty.optional(),
  tests: z.array(testSchema).min(1),
});

export type Gate = z.infer<typeof gateSchema>;
export type Thresholds = z.infer<typeof thresholdsSchema>;
export type AuditTest = z.infer<typeof auditTestSchema>;
export type InvarianceTest = z.infer<typeof invarianceTestSchema>;
export type FairnessTest = z.infer<typeof fairnessTestSchema>;
export type AttackGate = z.infer<typeof attackGateSchema>;
export type AttackTest = z.infer<typeof attackTestSchema>;
export type ExpectTest = z.infer<typeof expectTestSchema>;
export type DirectionalTest = z.infer<typeof directionalTestSchema>;
export type SuiteTest = z.infer<typeof testSchema>;
export type Suite = z.infer<typeof suiteSchema>;
