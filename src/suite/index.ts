/** Public API of declarative suites (re-exported by the package entry). */

import type { RunSuiteOptions } from './context.ts';
import { type LoadedSuite, loadSuite } from './load.ts';
import type { SuiteOutcome } from './outcome.ts';
import { runSuite } from './run.ts';

export type { RunSuiteOptions } from './context.ts';
export { type LoadedSuite, loadSuite, parseSuite, SuiteError, type SuiteProblem } from './load.ts';
export type { GateResult, SuiteOutcome, TestOutcome, TestStatus } from './outcome.ts';
export { runSuite } from './run.ts';
export type { Suite, SuiteTest, Thresholds } from './schema.ts';
export { suiteSchema } from './schema.ts';

/** Load a suite file and run it: `await runSuiteFile('tailcheck.yaml')`. */
export async function runSuiteFile(file: string, options: RunSuiteOptions = {}): Promise<SuiteOutcome> {
  const loaded: LoadedSuite = loadSuite(file);
  return runSuite(loaded, options);
}
