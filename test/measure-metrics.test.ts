import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { POOLED } from '../src/measure/accumulator.ts';
import { assignBuckets } from '../src/measure/buckets.ts';
import { leastSquaresSlope } from '../src/measure/regression.ts';
import { computeResults } from '../src/measure/results.ts';
import { type ExampleRecord, GAP_METRICS, isCounted, type Metrics, type Severity } from '../src/types.ts';
import { block, nonFinitePaths, outcomes, record } from './measure-helpers.ts';

const OPTS = { seed: 7, resamples: 1000, confidence: 0.95 };
const COUNTS = { A: 200, B: 50, C: 5 };
const { classes, buckets } = assignBuckets(COUNTS, ['A', 'B', 'C'], 'shots');

/**
 * Six examples, one perturbation at severity 1, two variants each; `false` marks an unchanged variant.
 * e5 has no changed variant and is out of scope.
 */
const HAND: ExampleRecord[] = [
  record('e1', 'A', 'A', 0.9, [
    ['typo.keyboard', 1, 'A', 0.8],
    ['typo.keyboard', 1, 'B', 0.3],
  ]),
  record('e2', 'A', 'A', 0.7, [
    ['typo.keyboard', 1, 'A', 0.6],
    ['typo.keyboard', 1, 'C', 0.1, false],
  ]),
  record('e3', 'B', 'B', 0.6, [
    ['typo.keyboard', 1, 'A', 0.2],
    ['typo.keyboard', 1, 'A', 0.3],
  ]),
  record('e4', 'B', 'A', 0.4, [
    ['typo.keyboard', 1, 'B', 0.5],
    ['typo.keyboard', 1, 'A', 0.3],
  ]),
  record('e5', 'C', 'C', 0.5, [
    ['typo.keyboard', 1, 'A', 0.1, false],
    ['typo.keyboard', 1, 'B', 0.1, false],
  ]),
  record('e6', 'C', 'B', 0.2, [
    ['typo.keyboard', 1, 'C', 0.6],
    ['typo.keyboard', 1, 'B', 0.1],
  ]),
];

type PointMetrics = Omit<Metrics, 'dropCI' | 'ciNote' | 'flipRateCI' | 'breakRateCI'>;

/** Metrics without the CIs, for comparison with hand-computed values. */
function point(m: Metrics): PointMetrics {
  const { dropCI: _drop, ciNote: _note, flipRateCI: _flip, breakRateCI: _break, ...rest } = m;
  return rest;
}

function closeTo(expected: PointMetrics) {
  return Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, expect.closeTo(v, 12)]));
}

describe('computeResults on a hand-computed case', () => {
  const { summary, results } = computeResults(HAND, classes, buckets, OPTS);
  const r = results[0];

  it('has one result and one pooled summary', () => {
    expect(results.map((x) => [x.perturbation, x.severity])).toEqual([['typo.keyboard', 1]]);
    expect(summary.map((x) => [x.perturbation, x.severity])).toEqual([[POOLED, 1]]);
    expect(point(summary[0].overall)).toEqual(point(r.overall));
  });

  it('overall metrics', () => {
    // In scope: e1 e2 e3 e4 e6 (e5 only has unchanged variants); changed variants 2+1+2+2+2 = 9.
    // Originals correct: e1 e2 e3 → clean 3/5. Variants correct: e1 1, e2 1, e3 0, e4 1, e6 1 → 4/9.
    // Paired drop: e1 (0+1) + e2 0 + e3 (1+1) + e4 (−1+0) + e6 (−1+0) = 1 → 1/9.
    // Flips vs the original prediction: e1 1, e3 2, e4 1, e6 1 → 5/9.
    // Break: originally-correct e1 e2 e3 have 5 changed variants, 3 of them wrong → 3/5.
    // Robust: only e2 (its unchanged variant is ignored) → 1/5.
    // Confidence drop: e1 0.1+0.6, e2 0.1, e3 0.4+0.3, e4 −0.1+0.1, e6 −0.4+0.1 → 1.2/9.
    // Clean F1: A 2·2/(2+3) = 0.8, B 2·1/(2+2) = 0.5, C 0 → 1.3/3; recall 1, 0.5, 0 → 0.5.
    // Perturbed F1: A 2·2/(3+5) = 0.5, B 2·1/(4+3) = 2/7, C 2·1/(2+1) = 2/3; recall 2/3, 1/4, 1/2.
    expect(point(r.overall)).toEqual(
      closeTo({
        n: 9,
        nExamples: 5,
        cleanAccuracy: 3 / 5,
        perturbedAccuracy: 4 / 9,
        drop: 1 / 9,
        flipRate: 5 / 9,
        nFromCorrect: 5,
        breakRate: 3 / 5,
        robustAccuracy: 1 / 5,
        confidenceDrop: 1.2 / 9,
        macroF1Clean: 1.3 / 3,
        macroF1Perturbed: (0.5 + 2 / 7 + 2 / 3) / 3,
        balancedAccuracyClean: 0.5,
        balancedAccuracyPerturbed: (2 / 3 + 1 / 4 + 1 / 2) / 3,
      }),
    );
  });

  it('per-class metrics (F1 and recall of the class itself)', () => {
    expect(point(r.perClass.A)).toEqual(
      closeTo({
        n: 3,
        nExamples: 2,
        cleanAccuracy: 1,
        perturbedAccuracy: 2 / 3,
        drop: 1 / 3,
        flipRate: 1 / 3,
        nFromCorrect: 3,
        breakRate: 1 / 3,
        robustAccuracy: 1 / 2,
        confidenceDrop: 0.8 / 3,
        macroF1Clean: 0.8,
        macroF1Perturbed: 0.5,
        balancedAccuracyClean: 1,
        balancedAccuracyPerturbed: 2 / 3,
      }),
    );
    expect(point(r.perClass.B)).toEqual(
      closeTo({
        n: 4,
        nExamples: 2,
        cleanAccuracy: 0.5,
        perturbedAccuracy: 1 / 4,
        drop: 1 / 4,
        flipRate: 3 / 4,
        // e3 only: e4's original was wrong
        nFromCorrect: 2,
        breakRate: 1,
        robustAccuracy: 0,
        confidenceDrop: 0.7 / 4,
        macroF1Clean: 0.5,
        macroF1Perturbed: 2 / 7,
        balancedAccuracyClean: 0.5,
        balancedAccuracyPerturbed: 1 / 4,
      }),
    );
    // e6 alone: originally wrong, so nothing can break; its repaired variant makes the drop negative.
    expect(point(r.perClass.C)).toEqual(
      closeTo({
        n: 2,
        nExamples: 1,
        cleanAccuracy: 0,
        perturbedAccuracy: 1 / 2,
        drop: -1 / 2,
        flipRate: 1 / 2,
        nFromCorrect: 0,
        breakRate: 0,
        robustAccuracy: 0,
        confidenceDrop: -0.3 / 2,
        macroF1Clean: 0,
        macroF1Perturbed: 2 / 3,
        balancedAccuracyClean: 0,
        balancedAccuracyPerturbed: 1 / 2,
      }),
    );
    // A single example has no spread to resample: no interval, never a zero-width one at its point value.
    expect(r.perClass.C.dropCI).toBeNull();
    expect(r.perClass.C.ciNote).toBe('too few examples');
    // Two examples do get one.
    expect(r.perClass.A.dropCI).not.toBeNull();
    expect(r.perClass.A.ciNote).toBeNull();
  });

  it('buckets, head-tail gaps and tail slopes on each metric', () => {
    expect(Object.keys(r.buckets)).toEqual(['many', 'medium', 'few']);
    expect(point(r.buckets.many)).toEqual(point(r.perClass.A));
    expect(point(r.buckets.few)).toEqual(point(r.perClass.C));
    // drop: few − many = −1/2 − 1/3, and the gap says which buckets it compares
    expect(r.headTailGaps.drop).toMatchObject({
      metric: 'drop',
      value: expect.closeTo(-5 / 6, 12),
      head: 'many',
      tail: 'few',
    });
    // flip: few − many = 1/2 − 1/3
    expect(r.headTailGaps.flip).toMatchObject({
      metric: 'flip',
      value: expect.closeTo(1 / 6, 12),
      head: 'many',
      tail: 'few',
    });
    // break: the few bucket (e6, originally wrong) has no correct original, so the tail-most bucket with
    // data is medium: 1 − 1/3
    expect(r.headTailGaps.break).toMatchObject({
      metric: 'break',
      value: expect.closeTo(2 / 3, 12),
      head: 'many',
      tail: 'medium',
    });
    // the headline is the break gap (the default gap metric)
    expect(r.headTailGap).toEqual(r.headTailGaps.break);
    expect(r.tailSlope).toEqual(r.tailSlopes.break);
    // the few bucket rests on one example (e6): no CI for it, nor for a gap that compares it; the medium
    // bucket has one correct original (e3), so no break CI and no break-gap CI either
    expect(r.buckets.few).toMatchObject({ dropCI: null, ciNote: 'too few examples' });
    expect(r.headTailGaps.drop).toMatchObject({ ci: null, ciNote: 'too few examples' });
    expect(r.headTailGaps.flip).toMatchObject({ ci: null, ciNote: 'too few examples' });
    expect(r.headTailGaps.break).toMatchObject({ ci: null, ciNote: 'too few examples' });
    // WLS of (1/3, 1/4, −1/2) on (ln 200, ln 50, ln 5) with weights = in-scope examples (2, 2, 1), worked
    // out separately: 0.2211565875… (unweighted it would be 0.2360137147…)
    expect(r.tailSlopes.drop).toMatchObject({
      metric: 'drop',
      value: expect.closeTo(0.2211565875136877, 10),
      weights: 'examples',
    });
    // flip: (1/3, 3/4, 1/2), same x and weights: −0.0524938995… (unweighted −0.0296084479…)
    expect(r.tailSlopes.flip).toMatchObject({
      metric: 'flip',
      value: expect.closeTo(-0.05249389949164041, 10),
      weights: 'examples',
    });
    // break: only A and B have correct originals; two classes make no slope
    expect(r.tailSlopes.break).toBeNull();
  });

  it('CIs of flip and break rates: which slices get one, and their hand-computed bounds', () => {
    // A: e1 (2 variants, 1 broken, 1 flipped) and e2 (1 variant, kept). Two draws from {e1, e2}: both e1
    // → 2/4, one each → 1/3, both e2 → 0; each extreme has probability 1/4, far above 2.5 %, so every
    // rate's 95 % interval is exactly [0, 1/2].
    expect(r.perClass.A.breakRateCI).toEqual([0, 0.5]);
    expect(r.perClass.A.flipRateCI).toEqual([0, 0.5]);
    expect(r.perClass.A.dropCI).toEqual([0, 0.5]);
    expect(r.buckets.many.breakRateCI).toEqual([0, 0.5]);
    // B: flips e3 2/2, e4 1/2 → resampled 1, 3/4, 1/2: [1/2, 1]. Only e3 was classified correctly: no
    // break CI from one correct example.
    expect(r.perClass.B.flipRateCI).toEqual([0.5, 1]);
    expect(r.perClass.B.breakRateCI).toBeNull();
    expect(r.buckets.medium.breakRateCI).toBeNull();
    // C: one example, no CI of any rate
    expect(r.perClass.C).toMatchObject({ dropCI: null, flipRateCI: null, breakRateCI: null });
    // Overall, break: A's draws (broken/fromCorrect) and B's (e3 2/2, e4 nothing); the least is A {e2, e2}
    // with B {e4, e4} → 0/2, the most A {e1, e1} with B {e3, e3} → 6/8, each with probability 1/16.
    expect(r.overall.breakRateCI).toEqual([0, 0.75]);
    // Overall, flip: C's e6 (1 of 2 flipped) is pooled alone in its bucket and drawn every time; least
    // A {e2, e2}, B {e4, e4} → 3/8, most A {e1, e1}, B {e3, e3} → 7/10.
    expect(r.overall.flipRateCI).toEqual([0.375, 0.7]);
  });

  it('never produces NaN', () => {
    expect(nonFinitePaths({ summary, results })).toEqual([]);
  });
});

describe('unchanged variants', () => {
  it('never count: rewriting their predictions changes nothing', () => {
    const rewritten = HAND.map((e) => ({
      ...e,
      variants: e.variants.map((v) => (v.changed ? v : { ...v, prediction: e.label, goldProb: 0.99 })),
    }));
    expect(computeResults(rewritten, classes, buckets, OPTS)).toEqual(
      computeResults(HAND, classes, buckets, OPTS),
    );
  });

  it('a perturbation that changed nothing still gets a result with n = 0 and zeros', () => {
    const recs = [record('x', 'A', 'A', 0.9, [['typo.none', 2, 'B', 0.1, false]])];
    const { results, summary } = computeResults(recs, classes, buckets, OPTS);
    expect(results).toHaveLength(1);
    expect(results[0].overall).toMatchObject({
      n: 0,
      nExamples: 0,
      drop: 0,
      dropCI: null,
      ciNote: 'too few examples',
      cleanAccuracy: 0,
    });
    expect(results[0].headTailGap).toBeNull();
    expect(results[0].tailSlope).toBeNull();
    expect(summary[0].overall.n).toBe(0);
  });
});

describe('pooling and ordering', () => {
  const recs = [
    record('a1', 'A', 'A', 0.9, [
      ['typo.b', 2, 'B', 0.2],
      ['syn.a', 1, 'A', 0.9],
      ['syn.a', 2, 'B', 0.1],
      ['typo.b', 1, 'A', 0.8],
    ]),
    record('b1', 'B', 'B', 0.9, [
      ['typo.b', 2, 'B', 0.9],
      ['syn.a', 2, 'B', 0.9, false],
    ]),
  ];
  const { summary, results } = computeResults(recs, classes, buckets, OPTS);

  it('sorts results by perturbation then severity, summary by severity', () => {
    expect(results.map((r) => `${r.perturbation}@${r.severity}`)).toEqual([
      'syn.a@1',
      'syn.a@2',
      'typo.b@1',
      'typo.b@2',
    ]);
    expect(summary.map((r) => `${r.perturbation}@${r.severity}`)).toEqual(['*@1', '*@2']);
  });

  it('pools every perturbation of a severity in the summary', () => {
    // Severity 2 changed variants: a1 typo.b wrong, a1 syn.a wrong, b1 typo.b right → drop 2/3.
    expect(summary[1].overall).toMatchObject({ n: 3, nExamples: 2, drop: 2 / 3, robustAccuracy: 1 / 2 });
    expect(summary[0].overall).toMatchObject({ n: 2, nExamples: 1, drop: 0 });
  });
});

describe('logit-adjusted measurement', () => {
  it('reads adjustedPrediction / adjustedGoldProb when asked', () => {
    const e = record('a', 'C', 'A', 0.2, [['p', 1, 'A', 0.1]]);
    e.adjustedPrediction = 'C';
    e.adjustedGoldProb = 0.6;
    e.variants[0].adjustedPrediction = 'B';
    e.variants[0].adjustedGoldProb = 0.3;
    const raw = computeResults([e], classes, buckets, OPTS).results[0].overall;
    const adj = computeResults([e], classes, buckets, { ...OPTS, adjusted: true }).results[0].overall;
    expect(raw).toMatchObject({ cleanAccuracy: 0, drop: 0, flipRate: 0 });
    expect(adj).toMatchObject({ cleanAccuracy: 1, drop: 1, flipRate: 1, breakRate: 1 });
    expect(adj.confidenceDrop).toBeCloseTo(0.3, 12);
  });

  it('refuses records without adjusted predictions', () => {
    expect(() => computeResults(HAND, classes, buckets, { ...OPTS, adjusted: true })).toThrow(
      /adjustedPrediction/,
    );
  });
});

describe('options', () => {
  it('rejects fewer than 1000 resamples and a confidence outside (0, 1)', () => {
    expect(() => computeResults(HAND, classes, buckets, { ...OPTS, resamples: 200 })).toThrow(/>= 1000/);
    expect(() => computeResults(HAND, classes, buckets, { ...OPTS, confidence: 95 })).toThrow(/confidence/);
  });
});

describe('head-tail gap and tail slope on constructed data', () => {
  // Class with 10^k training examples has drop 0.5 − 0.1k exactly: slope −0.1 per ln(10).
  const counts = { k1: 10, k2: 100, k3: 1000, k4: 10000 };
  const labels = Object.keys(counts);
  const assigned = assignBuckets(counts, labels, 'shots');
  const recs = [
    ...block('k1', 50, 20),
    ...block('k2', 50, 15),
    ...block('k3', 50, 10),
    ...block('k4', 50, 5),
  ];
  const r = computeResults(recs, assigned.classes, assigned.buckets, OPTS).results[0];

  it('recovers the slope against ln(training count)', () => {
    const slope = r.tailSlopes.drop!;
    expect(slope.value).toBeCloseTo(-0.1 / Math.log(10), 12);
    const [lo, hi] = slope.ci!;
    expect(lo).toBeLessThan(slope.value);
    expect(hi).toBeGreaterThan(slope.value);
    expect(hi).toBeLessThan(0);
    // Every original is correct and every wrong variant says 'other': break = flip = drop, per class and
    // per resample, so the three slopes agree to the last bit.
    expect(r.tailSlopes.break).toEqual({ ...slope, metric: 'break', weights: 'correctExamples' });
    expect(r.tailSlopes.flip).toEqual({ ...slope, metric: 'flip' });
  });

  it('gap = few-shot drop − many-shot drop, significantly positive here', () => {
    expect(assigned.buckets.map((b) => b.name)).toEqual(['many', 'medium', 'few']);
    // many = k3 + k4: (10 + 5) / 100; few = k1: 20 / 50
    expect(r.buckets.many.drop).toBeCloseTo(0.15, 12);
    expect(r.buckets.few.drop).toBeCloseTo(0.4, 12);
    const gap = r.headTailGaps.drop!;
    expect(gap).toMatchObject({ value: expect.closeTo(0.25, 12), head: 'many', tail: 'few' });
    expect(gap.ci![0]).toBeGreaterThan(0);
    expect(gap.ci![1]).toBeGreaterThan(0.25);
    expect(r.headTailGaps.break).toEqual({ ...gap, metric: 'break' });
    expect(r.headTailGaps.flip).toEqual({ ...gap, metric: 'flip' });
  });

  it('is null with fewer than two buckets / three classes with data', () => {
    const two = computeResults(
      [...block('k1', 5, 1), ...block('k2', 5, 2)],
      assigned.classes,
      assigned.buckets,
      OPTS,
    );
    expect(two.results[0].headTailGap).not.toBeNull();
    expect(two.results[0].tailSlope).toBeNull();
    const one = computeResults(block('k4', 5, 1), assigned.classes, assigned.buckets, OPTS);
    expect(one.results[0].headTailGap).toBeNull();
  });

  it("names the buckets it compares: the first and last WITH data, not the report's head and tail", () => {
    // No k1 (few) example: the gap is medium − many, and must say so.
    const noTail = computeResults(
      [...block('k2', 20, 6), ...block('k3', 20, 2)],
      assigned.classes,
      assigned.buckets,
      OPTS,
    ).results[0];
    expect(noTail.buckets.few.n).toBe(0);
    expect(noTail.headTailGap).toMatchObject({
      value: expect.closeTo(0.2, 12),
      head: 'many',
      tail: 'medium',
    });
    // Quantile buckets: the gap of a report whose last quantile has no data compares the ones that do.
    const q = assignBuckets(counts, labels, 'quantile:4');
    const r4 = computeResults([...block('k2', 10, 3), ...block('k4', 10, 1)], q.classes, q.buckets, OPTS);
    expect(q.buckets.map((b) => b.name)).toEqual(['head', 'q2', 'q3', 'tail']);
    expect(r4.results[0].headTailGap).toMatchObject({ head: 'head', tail: 'q3' });
  });

  it('leastSquaresSlope: ordinary, and weighted', () => {
    expect(leastSquaresSlope([0, 1, 2], [1, 3, 5])).toBeCloseTo(2, 12);
    expect(leastSquaresSlope([1, 1, 1], [1, 2, 3])).toBeNull();
    // Weight 0 drops a point; integer weights act as repeated points.
    expect(leastSquaresSlope([0, 1, 2, 3], [0, 1, 2, 100], [1, 1, 1, 0])).toBeCloseTo(1, 12);
    expect(leastSquaresSlope([0, 1, 2], [0, 2, 1], [2, 1, 3])).toBeCloseTo(
      leastSquaresSlope([0, 0, 1, 2, 2, 2], [0, 0, 2, 1, 1, 1])!,
      12,
    );
    expect(leastSquaresSlope([0, 1, 2], [0, 1, 2], [1, 0, 0])).toBeNull();
  });
});

describe('tail slope weights each class by its examples', () => {
  // Three classes of 200 examples on a line (drop 0.3, 0.2, 0.1 per decade of training count), and one
  // class of 2 examples far off it. An unweighted fit lets the 2 examples pull as hard as 200.
  const counts = { k1: 10, k2: 100, k3: 1000, k4: 10000 };
  const labels = Object.keys(counts);
  const assigned = assignBuckets(counts, labels, 'shots');
  const recs = [
    ...block('k1', 2, 0),
    ...block('k2', 200, 60),
    ...block('k3', 200, 40),
    ...block('k4', 200, 20),
  ];
  const r = computeResults(recs, assigned.classes, assigned.buckets, OPTS).results[0];
  const xs = [10, 100, 1000, 10000].map(Math.log);
  const ys = [0, 0.3, 0.2, 0.1];
  const weighted = leastSquaresSlope(xs, ys, [2, 200, 200, 200])!;
  const unweighted = leastSquaresSlope(xs, ys)!;

  it('point estimate = weighted least squares with weights = in-scope examples', () => {
    expect(r.tailSlopes.drop).toMatchObject({ value: expect.closeTo(weighted, 12), weights: 'examples' });
    expect(weighted).toBeLessThan(0);
    expect(unweighted).toBeGreaterThan(0); // the two tiny examples flip the sign of an unweighted fit
  });

  it('the bootstrap slopes use the same weights: the CI is around the weighted fit', () => {
    const [lo, hi] = r.tailSlopes.drop!.ci!;
    expect(lo).toBeLessThan(weighted);
    expect(hi).toBeGreaterThan(weighted);
    expect(hi).toBeLessThan(unweighted);
  });
});

describe('break and flip gaps and slopes beside the drop, on constructed data', () => {
  // Break rate 0.5 − 0.1k for the class with 10^k training examples, from clean accuracies 40 … 100 %;
  // the tail's wrong originals mostly stay wrong (capping its drop) and a few are fixed by the variant.
  //          kept broken stuck fixed | break      flip       drop
  //   k1       12      8    27     3 | 8/20 .4   11/50 .22   5/50 .10
  //   k2       21      9    18     2 | 9/30 .3   11/50 .22   7/50 .14
  //   k3       32      8     9     1 | 8/40 .2    9/50 .18   7/50 .14
  //   k4       45      5     0     0 | 5/50 .1    5/50 .10   5/50 .10
  const counts = { k1: 10, k2: 100, k3: 1000, k4: 10000 };
  const labels = Object.keys(counts);
  const assigned = assignBuckets(counts, labels, 'shots');
  const xs = [10, 100, 1000, 10000].map(Math.log);
  const recs = [
    ...outcomes('k1', { kept: 12, broken: 8, stuck: 27, fixed: 3 }),
    ...outcomes('k2', { kept: 21, broken: 9, stuck: 18, fixed: 2 }),
    ...outcomes('k3', { kept: 32, broken: 8, stuck: 9, fixed: 1 }),
    ...outcomes('k4', { kept: 45, broken: 5 }),
  ];
  const r = computeResults(recs, assigned.classes, assigned.buckets, OPTS).results[0];

  it('nFromCorrect and the rates per class', () => {
    expect(labels.map((l) => r.perClass[l].nFromCorrect)).toEqual([20, 30, 40, 50]);
    expect(labels.map((l) => r.perClass[l].breakRate)).toEqual([8 / 20, 9 / 30, 8 / 40, 5 / 50]);
    expect(labels.map((l) => r.perClass[l].flipRate)).toEqual([11 / 50, 11 / 50, 9 / 50, 5 / 50]);
    expect(labels.map((l) => r.perClass[l].drop)).toEqual([5 / 50, 7 / 50, 7 / 50, 5 / 50]);
    expect(r.buckets.many.nFromCorrect).toBe(90);
  });

  it('gaps: few − many on each metric; the break gap is not capped by the tail clean accuracy', () => {
    // many = k3 + k4: break 13/90, flip 14/100, drop 12/100; few = k1
    expect(r.headTailGaps.break).toMatchObject({
      metric: 'break',
      value: expect.closeTo(0.4 - 13 / 90, 12),
      head: 'many',
      tail: 'few',
    });
    expect(r.headTailGaps.flip).toMatchObject({ value: expect.closeTo(0.22 - 0.14, 12), tail: 'few' });
    expect(r.headTailGaps.drop).toMatchObject({ value: expect.closeTo(0.1 - 0.12, 12), tail: 'few' });
    expect(r.headTailGap).toEqual(r.headTailGaps.break);
    for (const metric of GAP_METRICS) {
      const gap = r.headTailGaps[metric]!;
      expect(gap.ciNote, metric).toBeNull();
      expect(gap.ci![0], metric).toBeLessThanOrEqual(gap.value);
      expect(gap.ci![1], metric).toBeGreaterThanOrEqual(gap.value);
    }
  });

  it('slopes: break weighted by correct examples, flip and drop by examples', () => {
    // The break rates lie on a line: −0.1 per decade of training count whatever the weights.
    expect(r.tailSlopes.break).toMatchObject({
      metric: 'break',
      value: expect.closeTo(-0.1 / Math.log(10), 12),
      weights: 'correctExamples',
    });
    expect(r.tailSlopes.flip).toMatchObject({
      metric: 'flip',
      value: expect.closeTo(leastSquaresSlope(xs, [0.22, 0.22, 0.18, 0.1], [50, 50, 50, 50])!, 12),
      weights: 'examples',
    });
    expect(r.tailSlopes.drop).toMatchObject({
      metric: 'drop',
      value: expect.closeTo(leastSquaresSlope(xs, [0.1, 0.14, 0.14, 0.1], [50, 50, 50, 50])!, 12),
      weights: 'examples',
    });
    expect(r.tailSlope).toEqual(r.tailSlopes.break);
    for (const metric of GAP_METRICS) {
      const slope = r.tailSlopes[metric]!;
      expect(slope.ci![0], metric).toBeLessThanOrEqual(slope.value);
      expect(slope.ci![1], metric).toBeGreaterThanOrEqual(slope.value);
    }
  });

  it('the headline follows gapMetric', () => {
    const asDrop = computeResults(recs, assigned.classes, assigned.buckets, { ...OPTS, gapMetric: 'drop' });
    expect(asDrop.results[0].headTailGap).toEqual(r.headTailGaps.drop);
    expect(asDrop.results[0].tailSlope).toEqual(r.tailSlopes.drop);
    expect(asDrop.results[0].headTailGaps).toEqual(r.headTailGaps);
  });

  it('break gap: null with fewer than two buckets having correct originals, while the drop gap is not', () => {
    // k1's originals are all wrong: only the many bucket has data for the break rate.
    const oneBucket = computeResults(
      [...outcomes('k1', { stuck: 5, fixed: 2 }), ...outcomes('k4', { kept: 8, broken: 2 })],
      assigned.classes,
      assigned.buckets,
      OPTS,
    ).results[0];
    expect(oneBucket.buckets.few).toMatchObject({ nExamples: 7, nFromCorrect: 0, breakRateCI: null });
    expect(oneBucket.headTailGaps.break).toBeNull();
    expect(oneBucket.headTailGaps.drop).toMatchObject({ head: 'many', tail: 'few' });
    expect(oneBucket.headTailGaps.flip).toMatchObject({ head: 'many', tail: 'few' });
    expect(oneBucket.headTailGaps.drop!.ci).not.toBeNull();
  });

  it('break gap CI: null when a bucket rests on fewer than two correct examples', () => {
    // k1: one correct original (broken) among six; its break rate is 1 but has no interval.
    const oneCorrect = computeResults(
      [...outcomes('k1', { broken: 1, stuck: 5 }), ...outcomes('k4', { kept: 8, broken: 2 })],
      assigned.classes,
      assigned.buckets,
      OPTS,
    ).results[0];
    expect(oneCorrect.buckets.few).toMatchObject({ nFromCorrect: 1, breakRate: 1, breakRateCI: null });
    expect(oneCorrect.buckets.few.flipRateCI).not.toBeNull();
    expect(oneCorrect.headTailGaps.break).toMatchObject({
      value: expect.closeTo(1 - 0.2, 12),
      head: 'many',
      tail: 'few',
      ci: null,
      ciNote: 'too few examples',
    });
    expect(oneCorrect.headTailGaps.drop).toMatchObject({ ciNote: null });
    expect(oneCorrect.headTailGaps.flip).toMatchObject({ ciNote: null });
  });
});

describe('the break slope weights each class by its correctly classified examples', () => {
  // k2–k4: 200 examples each, all correct, break 0.3, 0.2, 0.1. k1: 40 examples, only 2 of them correct
  // (and unbroken, break 0); the other 38 stay wrong (drop 0). By examples k1 weighs 40, by correct ones 2.
  const counts = { k1: 10, k2: 100, k3: 1000, k4: 10000 };
  const labels = Object.keys(counts);
  const assigned = assignBuckets(counts, labels, 'shots');
  const recs = [
    ...outcomes('k1', { kept: 2, stuck: 38 }),
    ...outcomes('k2', { kept: 140, broken: 60 }),
    ...outcomes('k3', { kept: 160, broken: 40 }),
    ...outcomes('k4', { kept: 180, broken: 20 }),
  ];
  const r = computeResults(recs, assigned.classes, assigned.buckets, OPTS).results[0];
  const xs = [10, 100, 1000, 10000].map(Math.log);
  const ys = [0, 0.3, 0.2, 0.1];
  const byCorrect = leastSquaresSlope(xs, ys, [2, 200, 200, 200])!;
  const byExamples = leastSquaresSlope(xs, ys, [40, 200, 200, 200])!;

  it('point estimates: break by correct examples, drop (same per-class values here) by examples', () => {
    expect(labels.map((l) => r.perClass[l].breakRate)).toEqual(ys);
    expect(labels.map((l) => r.perClass[l].drop)).toEqual(ys);
    expect(r.tailSlopes.break).toMatchObject({
      value: expect.closeTo(byCorrect, 12),
      weights: 'correctExamples',
    });
    expect(r.tailSlopes.drop).toMatchObject({ value: expect.closeTo(byExamples, 12), weights: 'examples' });
    expect(byCorrect).not.toBeCloseTo(byExamples, 3);
  });

  it('the bootstrap break slopes use the same weights: the CI is around the correct-weighted fit', () => {
    const [lo, hi] = r.tailSlopes.break!.ci!;
    expect(lo).toBeLessThan(byCorrect);
    expect(hi).toBeGreaterThan(byCorrect);
  });
});

describe('properties', () => {
  const labelArb = fc.constantFrom('A', 'B', 'C');
  const variantArb = fc.record({
    perturbation: fc.constantFrom('p.one', 'p.two'),
    severity: fc.constantFrom<Severity>(1, 2),
    prediction: labelArb,
    goldProb: fc.double({ min: 0, max: 1, noNaN: true }),
    changed: fc.boolean(),
  });
  const exampleArb = fc.record({
    label: labelArb,
    prediction: labelArb,
    goldProb: fc.double({ min: 0, max: 1, noNaN: true }),
    variants: fc.array(variantArb, { maxLength: 4 }),
  });
  const recordsArb = fc.array(exampleArb, { maxLength: 8 }).map((xs) =>
    xs.map(
      (x, i): ExampleRecord => ({
        id: `id${i}`,
        text: `t${i}`,
        confidence: 0.5,
        ...x,
        variants: x.variants.map((v, j) => ({ ...v, variant: j, text: `v${j}`, confidence: 0.5 })),
      }),
    ),
  );

  it('drop = (original correctness averaged over changed variants) − perturbedAccuracy; no NaN', () => {
    fc.assert(
      fc.property(recordsArb, (recs) => {
        const { summary, results } = computeResults(recs, classes, buckets, OPTS);
        for (const r of [...summary, ...results]) {
          const changed = recs.flatMap((e) =>
            e.variants
              .filter((v) => isCounted(v) && v.severity === r.severity)
              .filter((v) => r.perturbation === POOLED || v.perturbation === r.perturbation)
              .map(() => (e.prediction === e.label ? 1 : 0)),
          );
          expect(r.overall.n).toBe(changed.length);
          const origMean =
            changed.length > 0 ? changed.reduce((s: number, c) => s + c, 0) / changed.length : 0;
          expect(r.overall.drop).toBeCloseTo(origMean - r.overall.perturbedAccuracy, 12);
          expect(nonFinitePaths(r)).toEqual([]);
          for (const m of [r.overall, ...Object.values(r.buckets), ...Object.values(r.perClass)]) {
            // an interval exactly when the slice has two examples or more, never of zero width from one
            expect(m.dropCI === null).toBe(m.nExamples < 2);
            expect(m.ciNote === null).toBe(m.nExamples >= 2);
            if (m.dropCI) expect(m.dropCI[0]).toBeLessThanOrEqual(m.dropCI[1]);
            expect(m.breakRate).toBeGreaterThanOrEqual(0);
            expect(m.breakRate).toBeLessThanOrEqual(1);
            expect(m.flipRateCI === null).toBe(m.nExamples < 2);
            // a break CI needs two correct originals, so at least two of their changed variants
            if (m.breakRateCI) expect(m.nFromCorrect).toBeGreaterThanOrEqual(2);
            if (m.nFromCorrect === 0) expect(m.breakRateCI).toBeNull();
            for (const ci of [m.flipRateCI, m.breakRateCI]) {
              if (!ci) continue;
              expect(ci[0]).toBeGreaterThanOrEqual(0);
              expect(ci[0]).toBeLessThanOrEqual(ci[1]);
              expect(ci[1]).toBeLessThanOrEqual(1);
            }
          }
        }
      }),
      { numRuns: 60 },
    );
  });
});
