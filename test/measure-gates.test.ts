import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/errors.ts';
import { assignBuckets } from '../src/measure/buckets.ts';
import { evaluateGates, GATE_EPSILON } from '../src/measure/gates.ts';
import { computeResults } from '../src/measure/results.ts';
import { tailBucket } from '../src/measure/slices.ts';
import { verdict } from '../src/measure/verdict.ts';
import { describeSlice, fmt, gateFailureLines } from '../src/report/explain.ts';
import { renderJunit } from '../src/report/junit.ts';
import { auditGates } from '../src/suite/tests/audit.ts';
import '../src/vitest/index.ts';
import type { ExampleRecord, Report, Severity } from '../src/types.ts';
import { makeReport } from './fixtures/make-report.ts';
import { block, record } from './measure-helpers.ts';

const OPTS = { seed: 3, resamples: 1000, confidence: 0.95 };
const counts = { head: 400, tail: 6 };

function reportOf(recs: ExampleRecord[], spec = 'shots') {
  const { classes, buckets } = assignBuckets(counts, Object.keys(counts), spec);
  return { classes, buckets, ...computeResults(recs, classes, buckets, OPTS) };
}

/** A measured report as the renderers and suites take it (config and the rest filled in from the fixture). */
function asReport(measured: ReturnType<typeof reportOf>): Report {
  return { ...makeReport({ examples: false, logitAdjusted: false }), ...measured };
}

// head drop 2 / 100, tail drop 20 / 50: a clear, significant gap
const skewed = reportOf([...block('head', 100, 2), ...block('tail', 50, 20)]);

describe('evaluateGates', () => {
  it('checks the overall drop of every result and the pooled summary', () => {
    // overall drop = 22 / 150
    const g = evaluateGates(skewed, { maxDrop: 0.15 });
    expect(g.passed).toBe(true);
    expect(g.checks.map((c) => [c.name, c.perturbation, c.severity])).toEqual([
      ['maxDrop', '*', 1],
      ['maxDrop', 'p', 1],
    ]);
    expect(g.checks[0]).toMatchObject({ value: 22 / 150, limit: 0.15, passed: true });
    expect(g.checks[0].ci).toEqual(skewed.summary[0].overall.dropCI);
    expect(evaluateGates(skewed, { maxDrop: 0.1 }).passed).toBe(false);
  });

  it('checks the tail (last) bucket with maxTailDrop', () => {
    const g = evaluateGates(skewed, { maxTailDrop: 0.3 });
    expect(g.passed).toBe(false);
    expect(g.checks).toHaveLength(2);
    expect(g.checks[1]).toMatchObject({
      name: 'maxTailDrop',
      bucket: 'few',
      value: 0.4,
      limit: 0.3,
      passed: false,
    });
    expect(evaluateGates(skewed, { maxDrop: 0.2, maxTailDrop: 0.4 }).passed).toBe(true);
  });

  it('a drop exactly at the limit passes; no gates → passed with no checks', () => {
    const exact = reportOf(block('head', 20, 1)); // 1 / 20
    expect(evaluateGates(exact, { maxDrop: 0.05 }).passed).toBe(true);
    expect(evaluateGates(exact, {})).toEqual({ passed: true, checks: [], skipped: [], unevaluated: [] });
  });

  it('a gate with nothing to check FAILS, saying why; non-numeric limits are rejected', () => {
    const nothing = reportOf([record('x', 'head', 'head', 0.9, [['p', 1, 'tail', 0.1, false]])]);
    const g = evaluateGates(nothing, { maxDrop: 0, maxTailDrop: 0 });
    expect(g.passed).toBe(false);
    expect(g.checks).toEqual([]);
    expect(g.unevaluated.map((u) => u.gate.name)).toEqual(['maxDrop', 'maxTailDrop']);
    expect(gateFailureLines(g, nothing)).toContain(
      'GATE FAILED: maxDrop: not evaluated — no selected slice has changed variants',
    );
    expect(() => evaluateGates(skewed, { maxDrop: Number.NaN })).toThrow(UsageError);
  });

  it('--max-tail-drop on a report whose tail bucket has no data fails (exit 1), never vanishes', () => {
    // Head examples only: the tail bucket "few" has no changed variant anywhere.
    const headOnly = reportOf(block('head', 30, 3));
    expect(headOnly.summary[0].buckets.few.n).toBe(0);
    const g = evaluateGates(headOnly, { maxTailDrop: 0.5 });
    expect(g.passed).toBe(false);
    expect(g.checks).toEqual([]);
    expect(g.skipped.map((s) => [s.perturbation, s.bucket])).toEqual([
      ['*', 'few'],
      ['p', 'few'],
    ]);
    const lines = gateFailureLines(g, headOnly);
    expect(lines).toBe(
      'GATE FAILED: maxTailDrop: not evaluated — the tail bucket "few" (1 class with 0–19 training examples) has no changed variants in any result (the data has no example of its classes, or no perturbation changed one); a gate that checks nothing fails\n',
    );
    // JUnit: a failed test case, not tests="0".
    const junit = renderJunit(asReport(headOnly), g);
    expect(junit).toContain('tests="1" failures="1"');
    expect(junit).toContain('<testcase name="few drop ≤ 0.5" classname="tailcheck.gates"');
    expect(junit).toContain('maxTailDrop not evaluated: the tail bucket');
    // A gate that checks some slices passes on them; the others are listed as skipped.
    const partial = reportOf([...block('head', 30, 3), ...block('tail', 4, 1, 'head', 'tail-a')]);
    partial.results[0]!.buckets.few = { ...partial.results[0]!.buckets.few!, n: 0 };
    const p = evaluateGates(partial, { maxTailDrop: 0.5 });
    expect(p.passed).toBe(true);
    expect(p.checks.map((c) => c.perturbation)).toEqual(['*']);
    expect(p.skipped.map((c) => c.perturbation)).toEqual(['p']);
    expect(gateFailureLines(p, partial)).toBe(
      'gate maxTailDrop: not checked in 1 slice(s) without changed variants: p s1 few\n',
    );
    expect(renderJunit(asReport(partial), p)).toContain(
      '<skipped message="not checked: no changed variants in this slice"/>',
    );
  });

  it('suites agree: a threshold with nothing to check fails with the reason', () => {
    const headOnly = reportOf(block('head', 30, 3));
    const [gate] = auditGates(asReport(headOnly), { maxTailDrop: 0.5 }, (_p, m) => new Error(m));
    expect(gate).toMatchObject({ gate: 'maxTailDrop', pass: false, value: null });
    expect(gate!.line).toContain(
      'maxTailDrop ≤ 0.500 (all results and the pooled summary, tail bucket few): FAIL, not evaluated — the tail bucket "few"',
    );
  });
});

describe('one gate engine', () => {
  const report = makeReport();
  const noProblem = (path: readonly (string | number)[], message: string) =>
    new Error(`unexpected problem at ${path.join('.')}: ${message}`);

  it('the CLI gates and the suite gates agree: same limit, same pass/fail, same worst slice', () => {
    const cli = evaluateGates(report, { maxDrop: 1, maxTailDrop: 1 }).checks;
    const values = [...new Set(cli.map((c) => c.value)), 0, 1];
    for (const name of ['maxDrop', 'maxTailDrop'] as const) {
      const worst = cli.filter((c) => c.name === name).reduce((a, b) => (b.value > a.value ? b : a));
      // Every value some slice takes is a limit exactly at the edge: it must pass in both.
      for (const limit of values) {
        const cliOutcome = evaluateGates(report, { [name]: limit });
        const [suiteGate] = auditGates(report, { [name]: limit }, noProblem);
        expect(suiteGate!.gate).toBe(name);
        expect(suiteGate!.pass, `${name} ≤ ${limit}`).toBe(cliOutcome.passed);
        expect(cliOutcome.passed).toBe(worst.value <= limit);
        expect(suiteGate!.value).toBe(worst.value);
        expect(suiteGate!.line).toContain(`worst ${fmt(worst.value)} — ${describeSlice(worst)}:`);
      }
    }
  });

  it('a value within rounding slack of the limit passes every gate', () => {
    const worst = Math.max(...evaluateGates(report, { maxDrop: 1 }).checks.map((c) => c.value));
    const limit = worst - GATE_EPSILON / 2;
    expect(evaluateGates(report, { maxDrop: limit }).passed).toBe(true);
    expect(auditGates(report, { maxDrop: limit }, noProblem)[0]!.pass).toBe(true);
    expect(report).toHaveMaxDrop(limit);
  });

  it('the tail bucket is the last bucket and the one with the smallest training counts, in every mode', () => {
    const specs = [
      'auto',
      'shots',
      'quantile:2',
      'quantile:3',
      'quantile:5',
      'thresholds:3,10',
      'thresholds:50',
    ];
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 300 }), { minLength: 1, maxLength: 30 }),
        fc.constantFrom(...specs),
        (counts, spec) => {
          const labels = counts.map((_, i) => `c${i}`);
          const { buckets } = assignBuckets(
            Object.fromEntries(labels.map((l, i) => [l, counts[i]!])),
            labels,
            spec,
          );
          const rarest = [...buckets].sort((a, b) => a.maxCount - b.maxCount)[0]!;
          expect(tailBucket({ buckets })).toBe(rarest.name);
          for (let i = 1; i < buckets.length; i++) {
            expect(buckets[i]!.maxCount).toBeLessThan(buckets[i - 1]!.maxCount);
          }
        },
      ),
    );
  });

  it('orders the CLI checks pooled summary first, then each result, maxDrop before maxTailDrop', () => {
    const checks = evaluateGates(report, { maxDrop: 1, maxTailDrop: 1 }).checks;
    const order = [...report.summary, ...report.results].flatMap((r) => [
      ['maxDrop', r.perturbation, r.severity],
      ['maxTailDrop', r.perturbation, r.severity],
    ]);
    expect(checks.map((c) => [c.name, c.perturbation, c.severity as Severity])).toEqual(order);
  });
});

describe('verdict', () => {
  it('states the overall drop, the bucket drops and a significant gap', () => {
    const v = verdict(skewed);
    const gap = skewed.summary[0].headTailGap!;
    expect(gap.ci![0]).toBeGreaterThan(0);
    expect(v).toMatch(
      /^Robustness drop 14\.7 % \[[\d.]+, [\d.]+\] overall at severity 1; few-shot classes drop 40\.0 % vs 2\.0 % for many-shot classes \(gap 38\.0 % \[[\d.]+, [\d.]+\]\): few-shot classes are markedly less robust\.$/,
    );
  });

  it('says a gap whose CI includes 0 is not significant', () => {
    const even = reportOf([...block('head', 40, 4), ...block('tail', 10, 1)]);
    const gap = even.summary[0].headTailGap!;
    expect(gap.ci![0]).toBeLessThan(0);
    expect(gap.ci![1]).toBeGreaterThan(0);
    expect(verdict(even)).toMatch(/gap 0\.0 % .*: the difference is not significant at 95 %\.$/);
  });

  it('names the buckets the gap compares when the tail bucket has no data, and withholds thin CIs', () => {
    const three = { head: 400, mid: 50, tail: 6 };
    const { classes, buckets } = assignBuckets(three, Object.keys(three), 'shots');
    const recs = [...block('head', 100, 2), ...block('mid', 50, 20)];
    const r = { classes, buckets, ...computeResults(recs, classes, buckets, OPTS) };
    expect(r.summary[0].headTailGap).toMatchObject({ head: 'many', tail: 'medium' });
    expect(verdict(r)).toMatch(
      /medium-shot classes drop 40\.0 % vs 2\.0 % for many-shot classes \(gap 38\.0 % \[[\d.]+, [\d.]+\]; the tail bucket few has no data\): medium-shot classes are markedly less robust\.$/,
    );
    const thin = reportOf([...block('head', 100, 2), ...block('tail', 1, 1)]);
    expect(verdict(thin)).toMatch(
      /\(gap 98\.0 % \(too few examples for a CI\)\): too few examples to tell whether few-shot classes are less robust\.$/,
    );
  });

  it('handles one bucket, nothing measured, and flags a drop not different from 0', () => {
    const one = reportOf(block('head', 30, 0));
    expect(verdict(one)).toBe(
      'Robustness drop 0.0 % [0.0, 0.0] overall at severity 1 (not significantly different from 0); ' +
        'no head/tail comparison (fewer than two frequency buckets have data).',
    );
    const nothing = reportOf([record('x', 'head', 'head', 0.9, [['p', 1, 'tail', 0.1, false]])]);
    expect(verdict(nothing)).toBe('No perturbation changed any text: nothing was measured.');
  });

  it('reads the highest severity with data', () => {
    const recs = [
      record('a', 'head', 'head', 0.9, [
        ['p', 1, 'head', 0.9],
        ['p', 3, 'tail', 0.1],
      ]),
    ];
    expect(verdict(reportOf(recs))).toMatch(
      /^Robustness drop 100\.0 % \(too few examples for a CI\) overall at severity 3/,
    );
  });

  it('names quantile buckets', () => {
    const q = reportOf([...block('head', 100, 2), ...block('tail', 50, 20)], 'quantile:2');
    expect(verdict(q)).toMatch(/classes in q2 drop 40\.0 % vs 2\.0 % for classes in q1/);
  });
});
