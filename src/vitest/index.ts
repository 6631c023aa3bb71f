/**
 * `import 'tailcheck/vitest'` registers robustness matchers on vitest's `expect`:
 *
 *   expect(report).toHaveMaxDrop(0.05, { bucket: 'few' })
 *   expect(report).toHaveMaxTailGap(0.1)                      // tail − head break rate
 *   expect(report).toHaveMaxTailGap(0.05, { metric: 'drop' })  // or flip rate, or absolute drop
 *   expect(report).toHaveMinRobustAccuracy(0.7, { perturbation: 'typo' })
 *   expect(report).toHaveMaxFairnessFailure('gender', 0.05, { bucket: 'few' })
 *   expect(report).toHaveMaxAttackSuccess(0.5, { bucket: 'few' })    // a report with an attack section
 *   expect(report).toHaveMinAccuracyUnderAttack(0.3)
 *   await expect(classifier).toBeInvariantTo('typo.keyboard', texts, { maxFlipRate: 0.1 })
 *   await expect('tailcheck.yaml').toPassSuite()
 */
import { expect } from 'vitest';
import { type ModelSession, openModelSession } from '../classify/session.ts';
import {
  type AttackFilter,
  evaluateGate,
  type Gate,
  maxAttackSuccessGate,
  maxDropGate,
  maxFairnessFailureGate,
  maxTailGapGate,
  minAccuracyUnderAttackGate,
  minRobustAccuracyGate,
  requireAttackSection,
  type TailGapFilter,
} from '../measure/gates.ts';
import type { SliceFilter } from '../measure/slices.ts';
import type { Protection } from '../perturb/protect/constraints.ts';
import { explainGate, invarianceMessage, nothingToCheck } from '../report/explain.ts';
import { reportSchemaProblem } from '../report/schema.ts';
import type { RunSuiteOptions } from '../suite/context.ts';
import { formatFailures } from '../suite/format.ts';
import { checkInvariance } from '../suite/invariance.ts';
import { loadSuite } from '../suite/load.ts';
import type { SuiteOutcome } from '../suite/outcome.ts';
import { runSuite } from '../suite/run.ts';
import type { Classifier, Report, Severity } from '../types.ts';

export type { AttackFilter, TailGapFilter } from '../measure/gates.ts';

/** Which of a fairness slice's failure rates `toHaveMaxFairnessFailure` checks. */
export interface FairnessFailureOptions {
  /** the failure rate in these frequency buckets instead of the overall one */
  bucket?: string | readonly string[];
  severity?: Severity | readonly Severity[];
}
export type { SliceFilter } from '../measure/slices.ts';

export interface InvariantToOptions {
  severity?: Severity;
  /** allowed share of changed variants whose prediction changes (default 0) */
  maxFlipRate?: number;
  /** variants per text (default 1) */
  variants?: number;
  seed?: number;
  /** extra protection (regexes or span constraints) on top of the built-in protected spans */
  protect?: readonly Protection[];
  perturbationOptions?: Record<string, unknown>;
}

export interface TailcheckMatchers {
  /** every selected slice's accuracy drop ≤ max (default: each result's overall drop and the pooled summary) */
  toHaveMaxDrop(max: number, filter?: SliceFilter): void;
  /**
   * head–tail gap ≤ max, on the pooled summary (or per perturbation with `filter.perturbation`); the gap
   * in break rate unless `filter.metric` is 'flip' or 'drop'
   */
  toHaveMaxTailGap(max: number, filter?: TailGapFilter): void;
  /** every selected slice's robust accuracy ≥ min */
  toHaveMinRobustAccuracy(min: number, filter?: SliceFilter): void;
  /**
   * the fairness slice's invariance failure rate (share of changed variants whose prediction changed
   * when only, e.g., the gender changed) ≤ max, overall or in `options.bucket`, at every severity run
   * (or `options.severity`); a report without the slice is an error, not a pass
   */
  toHaveMaxFairnessFailure(slice: string, max: number, options?: FairnessFailureOptions): void;
  /**
   * the attack section's attack success rate (share of correctly classified examples the worst-case
   * search flipped) ≤ max, overall or in `filter.bucket` / `filter.class`; a report without an attack
   * section (`tailcheck attack`, `audit({ attack: {} })`) is an error, not a pass
   */
  toHaveMaxAttackSuccess(max: number, filter?: AttackFilter): void;
  /**
   * the attack section's accuracy under attack (share of all examples correct and not flipped by the
   * search) ≥ min, overall or in `filter.bucket` / `filter.class`; a report without an attack section is
   * an error, not a pass
   */
  toHaveMinAccuracyUnderAttack(min: number, filter?: AttackFilter): void;
  /** async: `await expect(classifierOrSpec).toBeInvariantTo('typo.keyboard', texts)` */
  toBeInvariantTo(
    perturbation: string | readonly string[],
    texts: readonly string[],
    options?: InvariantToOptions,
  ): Promise<void>;
  /** async: runs a suite file (or checks a finished outcome); fails with each failing test's evidence */
  toPassSuite(options?: RunSuiteOptions): Promise<void>;
}

declare module 'vitest' {
  // biome-ignore lint/suspicious/noExplicitAny: must match vitest's own declaration to merge
  interface Matchers<T = any> extends TailcheckMatchers {}
}

function asReport(received: unknown, matcher: string): Report {
  const problem = reportSchemaProblem(received);
  if (problem) throw new TypeError(`${matcher}: ${problem}`);
  if (!Array.isArray((received as Partial<Report>).results)) {
    throw new TypeError(`${matcher}: expected a tailcheck report, got an object without results[]`);
  }
  return received as Report;
}

function asBound(value: unknown, matcher: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new TypeError(`${matcher}: the bound must be a finite number, got ${String(value)}`);
  }
  return value;
}

/** A report matcher: the gate engine decides, the report layer explains; nothing to check is an error. */
function gateMatcher(matcher: string, report: Report, gate: Gate) {
  const outcome = evaluateGate(report, gate);
  if (outcome.checks.length === 0) throw nothingToCheck(matcher, report, gate);
  const explained = explainGate(report, gate, outcome);
  return {
    pass: outcome.passed,
    message: () => explained.message,
    actual: explained.worstValue,
    expected: gate.bound,
  };
}

const sessions = new Map<string, Promise<ModelSession>>();

/**
 * The model a matcher classifies through: a model session, so batching and the run defaults are
 * the audit's. A spec string is opened once per test file (model loading is expensive); no disk
 * cache, so a matcher never writes into the repository it tests. An instance is wrapped as is.
 */
function sessionFor(received: unknown): Promise<ModelSession> {
  if (typeof received === 'string') {
    let pending = sessions.get(received);
    if (!pending) {
      pending = openModelSession(received === 'bundled' ? undefined : received, { cacheDir: null });
      sessions.set(received, pending);
    }
    return pending;
  }
  const c = received as Partial<Classifier> | null;
  if (!c || typeof c.classify !== 'function' || !Array.isArray(c.labels)) {
    throw new TypeError('toBeInvariantTo: expected a Classifier or a model spec string');
  }
  return openModelSession(c as Classifier, { cacheDir: null });
}

export const tailcheckMatchers = {
  toHaveMaxDrop(received: unknown, max: number, filter?: SliceFilter) {
    const report = asReport(received, 'toHaveMaxDrop');
    return gateMatcher('toHaveMaxDrop', report, maxDropGate(asBound(max, 'toHaveMaxDrop'), filter));
  },
  toHaveMaxTailGap(received: unknown, max: number, filter?: TailGapFilter) {
    const report = asReport(received, 'toHaveMaxTailGap');
    return gateMatcher('toHaveMaxTailGap', report, maxTailGapGate(asBound(max, 'toHaveMaxTailGap'), filter));
  },
  toHaveMinRobustAccuracy(received: unknown, min: number, filter?: SliceFilter) {
    const report = asReport(received, 'toHaveMinRobustAccuracy');
    const bound = asBound(min, 'toHaveMinRobustAccuracy');
    return gateMatcher('toHaveMinRobustAccuracy', report, minRobustAccuracyGate(bound, filter));
  },
  toHaveMaxFairnessFailure(
    received: unknown,
    slice: string,
    max: number,
    options: FairnessFailureOptions = {},
  ) {
    const matcher = 'toHaveMaxFairnessFailure';
    const report = asReport(received, matcher);
    if (typeof slice !== 'string' || slice === '') {
      throw new TypeError(
        `${matcher}: the first argument names the fairness slice (e.g. 'gender'), got ${String(slice)}`,
      );
    }
    const gate = maxFairnessFailureGate(asBound(max, matcher), {
      slice,
      bucket: options.bucket,
      severity: options.severity,
    });
    return gateMatcher(matcher, report, gate);
  },
  toHaveMaxAttackSuccess(received: unknown, max: number, filter?: AttackFilter) {
    const matcher = 'toHaveMaxAttackSuccess';
    const report = asReport(received, matcher);
    requireAttackSection(report.attack !== undefined, matcher);
    return gateMatcher(matcher, report, maxAttackSuccessGate(asBound(max, matcher), filter));
  },
  toHaveMinAccuracyUnderAttack(received: unknown, min: number, filter?: AttackFilter) {
    const matcher = 'toHaveMinAccuracyUnderAttack';
    const report = asReport(received, matcher);
    requireAttackSection(report.attack !== undefined, matcher);
    return gateMatcher(matcher, report, minAccuracyUnderAttackGate(asBound(min, matcher), filter));
  },
  async toBeInvariantTo(
    received: unknown,
    perturbation: string | readonly string[],
    texts: readonly string[],
    options: InvariantToOptions = {},
  ) {
    const session = await sessionFor(received);
    const outcome = await checkInvariance(session, texts, perturbation, options);
    return {
      pass: outcome.pass,
      message: () => invarianceMessage(outcome),
      actual: outcome.flipRate,
      expected: outcome.maxFlipRate,
    };
  },
  async toPassSuite(received: unknown, options: RunSuiteOptions = {}) {
    let outcome: SuiteOutcome;
    if (typeof received === 'string') outcome = await runSuite(loadSuite(received), options);
    else if (received && typeof received === 'object' && Array.isArray((received as SuiteOutcome).tests)) {
      outcome = received as SuiteOutcome;
    } else throw new TypeError('toPassSuite: expected a suite file path or a suite outcome');
    return {
      pass: outcome.passed,
      message: () =>
        outcome.passed
          ? `expected suite "${outcome.name}" to fail, but all ${outcome.tests.length} tests pass`
          : `expected suite "${outcome.name}" to pass\n${formatFailures(outcome)}`,
    };
  },
};

expect.extend(tailcheckMatchers);
