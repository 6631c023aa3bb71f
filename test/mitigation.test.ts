import { describe, expect, it } from 'vitest';
import { POOLED } from '../src/measure/accumulator.ts';
import { classWeights, EFFECTIVE_NUMBER_BETAS, mitigationPlan } from '../src/measure/mitigation.ts';
import { makeReport } from './fixtures/make-report.ts';

describe('class weights for retraining', () => {
  // a: 100 training examples, b: 10, c: none (counted as one)
  const classes = [
    { label: 'a', trainCount: 100 },
    { label: 'b', trainCount: 10 },
    { label: 'c', trainCount: 0 },
  ];

  it('inverse frequency and effective number, normalised to sum to the number of classes (hand-computed)', () => {
    const w = classWeights(classes, 1);
    // 1/100, 1/10, 1/1 → × 3 / 1.11
    const inv = [0.01, 0.1, 1].map((x) => (x * 3) / 1.11);
    for (const [i, x] of w.inverseFrequency.entries()) expect(x).toBeCloseTo(inv[i]!, 12);
    for (const beta of EFFECTIVE_NUMBER_BETAS) {
      const raw = [100, 10, 1].map((n) => (1 - beta) / (1 - beta ** n));
      const sum = raw[0]! + raw[1]! + raw[2]!;
      const v = w.effectiveNumber[String(beta)]!;
      for (const [i, x] of v.entries()) expect(x).toBeCloseTo((raw[i]! * 3) / sum, 12);
      expect(v[0]! + v[1]! + v[2]!).toBeCloseTo(3, 12);
      // rarer classes weigh more
      expect(v[0]!).toBeLessThan(v[1]!);
      expect(v[1]!).toBeLessThan(v[2]!);
    }
    // β = 0.9: the effective number saturates (~10 examples), so a and b weigh nearly alike
    expect(w.effectiveNumber['0.9']![0]! / w.effectiveNumber['0.9']![1]!).toBeGreaterThan(0.6);
    // β = 0.9999: close to inverse frequency
    expect(w.effectiveNumber['0.9999']![0]! / w.effectiveNumber['0.9999']![1]!).toBeCloseTo(0.1, 1);
  });

  it('logit-adjusted-loss offsets are τ · log π with add-one smoothing', () => {
    const w = classWeights(classes, 0.5);
    // π = (n + 1) / (N + L), N = 110, L = 3
    const expected = [101, 11, 1].map((n) => 0.5 * Math.log(n / 113));
    for (const [i, x] of w.logitAdjustOffsets.entries()) expect(x).toBeCloseTo(expected[i]!, 12);
  });
});

describe('mitigationPlan', () => {
  it('per class: training count, bucket, the pooled drop and break rate with CIs, and the weights', () => {
    const report = makeReport();
    const plan = mitigationPlan(report);
    expect(plan.schema).toBe('tailcheck/mitigation@1');
    expect(plan.tau).toBe(report.config.logitAdjust?.tau ?? 1);
    expect(plan.labels).toEqual(report.classes.map((c) => c.label));
    expect(plan.vectors).toEqual(classWeights(report.classes, plan.tau));
    const pooled = report.summary.filter((r) => r.perturbation === POOLED);
    expect(pooled.length).toBeGreaterThan(0);
    let measured = 0;
    for (const [i, c] of plan.classes.entries()) {
      const info = report.classes[i]!;
      expect(c).toMatchObject({ label: info.label, trainCount: info.trainCount, bucket: info.bucket });
      expect(c.inverseFrequency).toBe(plan.vectors.inverseFrequency[i]);
      expect(c.logitAdjustOffset).toBe(plan.vectors.logitAdjustOffsets[i]);
      for (const r of pooled) {
        const m = r.perClass[c.label];
        const got = c.measured[String(r.severity)];
        if (!m || m.n === 0) {
          expect(got).toBeUndefined();
          continue;
        }
        measured++;
        expect(got).toEqual({
          n: m.n,
          drop: m.drop,
          dropCI: m.dropCI,
          breakRate: m.breakRate,
          breakRateCI: m.breakRateCI,
        });
      }
    }
    expect(measured).toBeGreaterThan(0);
  });
});
