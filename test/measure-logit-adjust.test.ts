import { describe, expect, it } from 'vitest';
import { adjustPrediction, logPriors } from '../src/measure/logit-adjust.ts';

describe('logPriors', () => {
  it('uses add-one smoothing: π = (n + 1) / (N + L)', () => {
    // N = 97 + 2 + 0 = 99, L = 3 → denominators 102
    const lp = logPriors({ head: 97, tail: 2, empty: 0 }, ['head', 'tail', 'empty']);
    expect(lp.map(Math.exp)).toEqual([98 / 102, 3 / 102, 1 / 102].map((x) => expect.closeTo(x, 12)));
  });

  it('gives labels missing from the counts a finite prior and rejects bad counts', () => {
    const lp = logPriors({ a: 3 }, ['a', 'b']);
    expect(lp.every(Number.isFinite)).toBe(true);
    expect(Math.exp(lp[1])).toBeCloseTo(1 / 5, 12);
    expect(() => logPriors({ a: -2 }, ['a'])).toThrow(RangeError);
    expect(() => logPriors({ a: Number.NaN }, ['a'])).toThrow(RangeError);
  });
});

describe('adjustPrediction', () => {
  const priors = logPriors({ head: 90, tail: 8 }, ['head', 'tail']); // π = 0.91, 0.09

  it('τ = 0 is the identity', () => {
    const scores = [0.7, 0.3];
    const { index, probs } = adjustPrediction(scores, priors, 0);
    expect(index).toBe(0);
    expect(probs[0]).toBeCloseTo(0.7, 12);
    expect(probs[1]).toBeCloseTo(0.3, 12);
  });

  it('τ = 1 lets the tail class win: argmax p/π', () => {
    // 0.7 / 0.91 = 0.769 < 0.3 / 0.09 = 3.33; renormalised: 3.33 / (0.769 + 3.33)
    const { index, probs } = adjustPrediction([0.7, 0.3], priors, 1);
    expect(index).toBe(1);
    const a = 0.7 / 0.91;
    const b = 0.3 / 0.09;
    expect(probs[1]).toBeCloseTo(b / (a + b), 12);
    expect(probs[0] + probs[1]).toBeCloseTo(1, 12);
  });

  it('keeps a confident head prediction when the evidence is strong enough', () => {
    // 0.99 / 0.91 > 0.01 / 0.09
    expect(adjustPrediction([0.99, 0.01], priors, 1).index).toBe(0);
  });

  it('stays finite with zero probabilities and checks its inputs', () => {
    const { index, probs } = adjustPrediction([0, 1, 0], logPriors({}, ['a', 'b', 'c']), 1);
    expect(index).toBe(1);
    expect(probs.every(Number.isFinite)).toBe(true);
    expect(adjustPrediction([0, 0], priors, 1).probs.every(Number.isFinite)).toBe(true);
    expect(() => adjustPrediction([0.5, 0.5], [0], 1)).toThrow(RangeError);
    expect(() => adjustPrediction([0.5, 0.5], priors, Number.NaN)).toThrow(RangeError);
  });
});
