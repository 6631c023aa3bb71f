/**
 * What a suite run yields: per test a status, a one-line summary, its gates and the evidence a
 * reader needs to act on a failure. The runner, the test types, the formatters and JUnit share it.
 */
import type { SuiteTest } from './schema.ts';

/** `known-failure`: failed as its `knownFailure` note expects; does not fail the suite */
export type TestStatus = 'passed' | 'failed' | 'error' | 'known-failure';

/** One gate of a test, e.g. `maxDrop ≤ 0.10 on bucket few`. */
export interface GateResult {
  gate: string;
  scope: string;
  bound: number;
  /** the worst value found (what was compared with the bound); null when nothing to check */
  value: number | null;
  pass: boolean;
  /** one line: bound, worst value and where */
  line: string;
  /** failed gates only: other offenders and flipped examples */
  detail?: string;
}

export interface TestOutcome {
  index: number;
  name: string;
  type: SuiteTest['type'];
  status: TestStatus;
  /** one line: the headline number against the bound */
  summary: string;
  /** each gate of an audit test; one entry for other tests */
  gates: GateResult[];
  /** evidence shown on failure (flipped / misclassified examples) */
  evidence: string[];
  durationMs: number;
}

/** What a test type's runner returns; the suite runner adds index, name, type and duration. */
export type PartialOutcome = Omit<TestOutcome, 'index' | 'name' | 'type' | 'durationMs'>;

export interface SuiteOutcome {
  name: string;
  file: string;
  model: string;
  passed: boolean;
  tests: TestOutcome[];
  durationMs: number;
}
