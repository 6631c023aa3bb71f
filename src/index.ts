/**
 * tailcheck's library API: the same audit as the CLI, as functions returning the
 * report object (the JSON report's shape, schema tailcheck/report@2, docs/report-schema.md).
 */
export { type AuditOptions, audit } from './audit.ts';
export { loadClassifier } from './classify/load.ts';
export { createPredictionRunner } from './classify/runner.ts';
export {
  type ModelSession,
  type ModelSessionOptions,
  type ModelSpec,
  openModelSession,
} from './classify/session.ts';
export { type CompareOptions, type Comparison, compareReports, renderCompareJson } from './compare/index.ts';
export { readExamples } from './data/load.ts';
export { EXIT_GATE_FAILED, EXIT_OK, EXIT_USAGE, InputError, ModelError, UsageError } from './errors.ts';
export { assignBuckets } from './measure/buckets.ts';
export {
  type AttackFilter,
  evaluateGate,
  evaluateGates,
  type Gate,
  type GateCheck,
  type GateLimits,
  type GateOutcome,
  maxAttackSuccessGate,
  maxDropGate,
  maxTailBreakGate,
  maxTailDropGate,
  maxTailGapGate,
  minAccuracyUnderAttackGate,
  minRobustAccuracyGate,
  type SkippedSlice,
  type TailGapFilter,
  type UnevaluatedGate,
} from './measure/gates.ts';
export { adjustPrediction, logPriors } from './measure/logit-adjust.ts';
export {
  computeResults,
  createMeasures,
  createResultsAccumulator,
  type RunMeasures,
} from './measure/results.ts';
export {
  type AttackSlice,
  attackSlices,
  candidateSlices,
  type GateSlice,
  isAttackSlice,
  type Slice,
  type SliceFilter,
  selectSlices,
  tailBucket,
} from './measure/slices.ts';
export { mergeReports } from './merge.ts';
export { BUNDLED_EVAL_DATA, BUNDLED_MODEL_DIR } from './paths.ts';
export { perturbExamples, perturbText } from './perturb/engine.ts';
export type { Protection, SpanConstraint } from './perturb/protect/constraints.ts';
export { loadRegistry, loadRegistryFrom, type PerturbationRegistry } from './perturb/registry.ts';
export {
  assembleReport,
  type ReportWarning,
  reportExamples,
  type WarningCode,
} from './report/assemble.ts';
export { explainGate, type GateExplanation, whyNotEvaluated } from './report/explain.ts';
export { renderHtml } from './report/html.ts';
export { renderJson } from './report/json.ts';
export { renderJunit } from './report/junit.ts';
export { renderMarkdown } from './report/markdown.ts';
export { renderTerminal } from './report/terminal.ts';
export {
  loadSuite,
  parseSuite,
  type RunSuiteOptions,
  runSuite,
  runSuiteFile,
  type Suite,
  SuiteError,
  type SuiteOutcome,
  suiteSchema,
  type TestOutcome,
} from './suite/index.ts';
export type * from './types.ts';
export { DEFAULT_GAP_METRIC, GAP_METRICS, REPORT_SCHEMA } from './types.ts';
export { VERSION } from './version.ts';
