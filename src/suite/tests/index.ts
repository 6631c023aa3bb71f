/**
 * The test types a suite can hold, by their YAML `type`. Adding a test type is one module here
 * plus its schema entry (../schema.ts); the mapped type makes a missing runner a compile error.
 */
import type { SuiteContext } from '../context.ts';
import type { PartialOutcome } from '../outcome.ts';
import type { SuiteTest } from '../schema.ts';
import { runAuditTest } from './audit.ts';
import { runDirectionalTest } from './directional.ts';
import { runExpectTest } from './expect.ts';
import { runInvarianceTest } from './invariance.ts';

export type TestRunner<T extends SuiteTest> = (
  ctx: SuiteContext,
  test: T,
  index: number,
) => Promise<PartialOutcome>;

export const TEST_TYPES: { [K in SuiteTest['type']]: TestRunner<Extract<SuiteTest, { type: K }>> } = {
  audit: runAuditTest,
  robustness: runAuditTest,
  invariance: runInvarianceTest,
  expect: runExpectTest,
  directional: runDirectionalTest,
};

export function runTest(ctx: SuiteContext, test: SuiteTest, index: number): Promise<PartialOutcome> {
  const run = TEST_TYPES[test.type] as TestRunner<SuiteTest> | undefined;
  if (!run) throw new Error(`unknown test type ${test.type}`);
  return run(ctx, test, index);
}
