/**
 * The test types a suite can hold, by their YAML `type`: how each runs, what it is called when the
 * suite names it not, what it checks at load time beyond its schema, and what it checks against the
 * model and the perturbation registry before any test runs (../preflight.ts). Adding a test type is one
 * module here plus its schema entry (../schema.ts); the mapped type makes a missing entry a compile
 * error.
 */
import type { SuiteContext } from '../context.ts';
import type { SuiteProblem } from '../load.ts';
import type { PartialOutcome } from '../outcome.ts';
import type { Suite, SuiteTest } from '../schema.ts';
import { attackTestType } from './attack.ts';
import { auditTestType } from './audit.ts';
import type { PreflightTools } from './checks.ts';
import { directionalTestType } from './directional.ts';
import { expectTestType } from './expect.ts';
import { fairnessTestType } from './fairness.ts';
import { invarianceTestType } from './invariance.ts';

export interface TestType<T extends SuiteTest> {
  run(ctx: SuiteContext, test: T, index: number): Promise<PartialOutcome>;
  /** the test's name when the suite gives none (index: 0-based position in `tests`) */
  defaultName(test: T, index: number): string;
  /** cross-field problems zod's per-field schema cannot say; paths are relative to the test */
  problems?(test: T, suite: Suite): SuiteProblem[];
  /**
   * problems found against the open model (labels, classes, buckets) and the registry (perturbations,
   * severities), before any test runs; paths from the top of the file (a suite-level entry the test
   * uses is reported where it is written)
   */
  preflight?(ctx: SuiteContext, test: T, index: number, tools: PreflightTools): Promise<SuiteProblem[]>;
}

export const TEST_TYPES: { [K in SuiteTest['type']]: TestType<Extract<SuiteTest, { type: K }>> } = {
  audit: auditTestType,
  robustness: auditTestType,
  invariance: invarianceTestType,
  fairness: fairnessTestType,
  attack: attackTestType,
  expect: expectTestType,
  directional: directionalTestType,
};

function typeOf(test: SuiteTest): TestType<SuiteTest> {
  const type = TEST_TYPES[test.type] as TestType<SuiteTest> | undefined;
  if (!type) throw new Error(`unknown test type ${test.type}`);
  return type;
}

export function runTest(ctx: SuiteContext, test: SuiteTest, index: number): Promise<PartialOutcome> {
  return typeOf(test).run(ctx, test, index);
}

export function defaultTestName(test: SuiteTest, index: number): string {
  return typeOf(test).defaultName(test, index);
}

export function testProblems(test: SuiteTest, suite: Suite): SuiteProblem[] {
  return typeOf(test).problems?.(test, suite) ?? [];
}

export function testPreflight(
  ctx: SuiteContext,
  test: SuiteTest,
  index: number,
  tools: PreflightTools,
): Promise<SuiteProblem[]> {
  return typeOf(test).preflight?.(ctx, test, index, tools) ?? Promise.resolve([]);
}
