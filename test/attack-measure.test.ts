/**
 * Every number of the attack section recomputed from its records by an independent implementation of
 * the definitions of issue 15 (not attackPoints): attackSuccessRate = flipped / originally correct,
 * accuracyUnderAttack = (correct and not flipped) / all, editsToFlip mean / median / share of words over
 * flips, queriesPerExample over attacked examples; overall, per bucket and per class; head–tail gaps
 * and tail slopes from those points. Plus the CI rules and order independence.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { audit } from '../src/audit.ts';
import { attackSection } from '../src/measure/attack.ts';
import type {
  AttackConfig,
  AttackEstimate,
  AttackMetrics,
  AttackRecord,
  AttackSection,
  BucketInfo,
  ClassInfo,
  Report,
} from '../src/types.ts';
import { createRng } from '../src/util/rng.ts';
import { lettersOf, METRIC_CLASS_COUNTS, METRIC_ROWS, metricsModel } from './attack-helpers.ts';

interface Expected {
  examples: number;
  correct: number;
  flipped: number;
  attackSuccessRate: number | null;
  accuracyUnderAttack: number | null;
  meanEdits: number | null;
  medianEdits: number | null;
  shareOfWords: number | null;
  queriesPerExample: number | null;
}

const mean = (xs: readonly number[]): number | null =>
  xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length;

function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The definitions, applied to records: correct = clean prediction is the gold label; flipped = its final prediction is not. */
function expected(records: readonly AttackRecord[]): Expected {
  const attacked = records.filter((r) => r.prediction === r.label);
  const flipped = attacked.filter((r) => r.finalPrediction !== r.label);
  const edits = flipped.map((r) => r.edits.length);
  return {
    examples: records.length,
    correct: attacked.length,
    flipped: flipped.length,
    attackSuccessRate: attacked.length === 0 ? null : flipped.length / attacked.length,
    accuracyUnderAttack: records.length === 0 ? null : (attacked.length - flipped.length) / records.length,
    meanEdits: mean(edits),
    medianEdits: median(edits),
    shareOfWords: mean(flipped.map((r) => r.edits.length / r.words)),
    queriesPerExample: mean(attacked.map((r) => r.queries)),
  };
}

function expectValue(estimate: AttackEstimate, value: number | null): void {
  if (value === null) expect(estimate.value).toBeNull();
  else expect(estimate.value).toBeCloseTo(value, 12);
}

function expectMetrics(got: AttackMetrics, want: Expected): void {
  expect({ examples: got.examples, correct: got.correct, flipped: got.flipped }).toEqual({
    examples: want.examples,
    correct: want.correct,
    flipped: want.flipped,
  });
  expectValue(got.attackSuccessRate, want.attackSuccessRate);
  expectValue(got.accuracyUnderAttack, want.accuracyUnderAttack);
  expectValue(got.editsToFlip.mean, want.meanEdits);
  expectValue(got.editsToFlip.median, want.medianEdits);
  expectValue(got.editsToFlip.shareOfWords, want.shareOfWords);
  expectValue(got.queriesPerExample, want.queriesPerExample);
}

const estimates = (m: AttackMetrics): [string, AttackEstimate][] => [
  ['attackSuccessRate', m.attackSuccessRate],
  ['accuracyUnderAttack', m.accuracyUnderAttack],
  ['editsToFlip.mean', m.editsToFlip.mean],
  ['editsToFlip.median', m.editsToFlip.median],
  ['editsToFlip.shareOfWords', m.editsToFlip.shareOfWords],
  ['queriesPerExample', m.queriesPerExample],
];

/** Weighted least-squares slope of y on x. */
function wlsSlope(points: readonly { x: number; y: number; w: number }[]): number {
  const sw = points.reduce((s, p) => s + p.w, 0);
  const mx = points.reduce((s, p) => s + p.w * p.x, 0) / sw;
  const my = points.reduce((s, p) => s + p.w * p.y, 0) / sw;
  const sxy = points.reduce((s, p) => s + p.w * (p.x - mx) * (p.y - my), 0);
  const sxx = points.reduce((s, p) => s + p.w * (p.x - mx) ** 2, 0);
  return sxy / sxx;
}

/** The per-class points behind a slope: success rate weighted by attacked examples, mean edits by flips. */
function slopePoints(
  section: AttackSection,
  classes: readonly ClassInfo[],
  metric: 'attackSuccessRate' | 'editsToFlip',
): { x: number; y: number; w: number }[] {
  return classes.flatMap((c) => {
    const e = expected(section.records.filter((r) => r.label === c.label));
    const [y, w] =
      metric === 'attackSuccessRate' ? [e.attackSuccessRate, e.correct] : [e.meanEdits, e.flipped];
    return y === null || w === 0 || c.trainCount === 0 ? [] : [{ x: Math.log(c.trainCount), y, w }];
  });
}

/** tail − head of the bucket points, over the buckets (head → tail) that have something to measure. */
function gapOf(
  section: AttackSection,
  buckets: readonly BucketInfo[],
  metric: 'attackSuccessRate' | 'editsToFlip',
) {
  const points = buckets.flatMap((b) => {
    const e = expected(section.records.filter((r) => b.labels.includes(r.label)));
    const v = metric === 'attackSuccessRate' ? e.attackSuccessRate : e.meanEdits;
    return v === null ? [] : [{ name: b.name, v }];
  });
  return { head: points[0]!.name, tail: points.at(-1)!.name, value: points.at(-1)!.v - points[0]!.v };
}

describe('attack section of an audit, recomputed from its records', () => {
  let report: Report;
  let section: AttackSection;
  beforeAll(async () => {
    report = await audit({
      model: metricsModel(),
      data: METRIC_ROWS,
      perturb: [],
      attack: { perturb: 'typo', maxEdits: 2 },
      cacheDir: null,
      classCounts: { ...METRIC_CLASS_COUNTS },
      buckets: 'thresholds:20,101',
    });
    section = report.attack!;
  });

  it('is a mix worth measuring: flips and non-flips over ≥ 3 classes in 3 buckets', () => {
    expect(report.buckets).toHaveLength(3);
    const outcomes = new Set(section.records.map((r) => r.outcome));
    for (const o of ['flipped', 'max-edits', 'misclassified']) expect(outcomes).toContain(o);
    const classesWithFlips = new Set(section.records.filter((r) => r.success).map((r) => r.label));
    expect(classesWithFlips.size).toBeGreaterThanOrEqual(3);
    // edits-to-flip is not constant
    expect(new Set(section.records.filter((r) => r.success).map((r) => r.edits.length)).size).toBe(2);
  });

  it('records are self-consistent: words, budget, success', () => {
    expect(section.records.map((r) => r.id)).toEqual(METRIC_ROWS.map((r) => r.id));
    for (const r of section.records) {
      expect(r.words).toBe(lettersOf(r.text).length);
      expect(r.maxEdits).toBe(2);
      expect(r.success).toBe(r.prediction === r.label && r.finalPrediction !== r.label);
      expect(r.outcome === 'flipped').toBe(r.success);
      expect(r.outcome === 'misclassified').toBe(r.prediction !== r.label);
    }
  });

  it('overall, per bucket and per class numbers equal the definitions', () => {
    expectMetrics(section.overall, expected(section.records));
    expect(Object.keys(section.buckets)).toEqual(report.buckets.map((b) => b.name));
    for (const b of report.buckets) {
      expectMetrics(
        section.buckets[b.name]!,
        expected(section.records.filter((r) => b.labels.includes(r.label))),
      );
    }
    const present = report.classes.filter((c) => section.records.some((r) => r.label === c.label));
    expect(Object.keys(section.perClass).sort()).toEqual(present.map((c) => c.label).sort());
    for (const c of present) {
      expectMetrics(section.perClass[c.label]!, expected(section.records.filter((r) => r.label === c.label)));
    }
  });

  it('a CI contains its point estimate; a one-example class has none', () => {
    const slices = [section.overall, ...Object.values(section.buckets), ...Object.values(section.perClass)];
    let checked = 0;
    for (const m of slices) {
      for (const [name, e] of estimates(m)) {
        if (e.ci === null) continue;
        expect(e.ci[0], name).toBeLessThanOrEqual(e.value! + 1e-12);
        expect(e.ci[1], name).toBeGreaterThanOrEqual(e.value! - 1e-12);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
    for (const [name, e] of estimates(section.overall)) expect(e.ci, name).not.toBeNull();

    const single = section.perClass.transfer!;
    expect(single.examples).toBe(1);
    for (const [name, e] of estimates(single)) {
      expect(e.value, name).not.toBeNull();
      expect(e.ci, name).toBeNull();
      expect(e.ciNote, name).toBe('too few examples');
    }
    // a class with no flip has no edits-to-flip at all (nothing to estimate, no note)
    expect(section.perClass.other!.editsToFlip.mean).toEqual({ value: null, ci: null, ciNote: null });
  });

  it('head–tail gaps are tail − head of the bucket points', () => {
    for (const metric of ['attackSuccessRate', 'editsToFlip'] as const) {
      const gap = section.headTailGaps[metric]!;
      const want = gapOf(section, report.buckets, metric);
      expect({ head: gap.head, tail: gap.tail }).toEqual({ head: want.head, tail: want.tail });
      expect(gap.value).toBeCloseTo(want.value, 12);
      if (gap.ci) expect(gap.ci[0]).toBeLessThanOrEqual(gap.value + 1e-12);
    }
    // rare classes flip more here
    expect(section.headTailGaps.attackSuccessRate!.value).toBeGreaterThan(0);
  });

  it('tail slopes are the weighted least-squares slopes of the class points on ln(training count)', () => {
    for (const metric of ['attackSuccessRate', 'editsToFlip'] as const) {
      expect(section.tailSlopes[metric]!.value).toBeCloseTo(
        wlsSlope(slopePoints(section, report.classes, metric)),
        12,
      );
    }
    // rare classes flip more: success falls as the class gets more frequent
    expect(section.tailSlopes.attackSuccessRate!.value).toBeLessThan(0);
    expect(section.tailSlopes.attackSuccessRate!.weights).toBe('correctExamples');
    expect(section.tailSlopes.editsToFlip!.weights).toBe('flippedExamples');
  });
});

// ── attackSection on hand-built records ──

const CONFIG: AttackConfig = {
  search: 'greedy',
  perturbations: ['typo.delete'],
  maxEdits: '3',
  maxQueries: 50,
  candidatesPerWord: 2,
};
const MEASURE = { seed: 3, resamples: 400, confidence: 0.95 };

/** A record: `edits` = words changed when `flipped`, `null` = attacked without a flip, 'wrong' = misclassified. */
function rec(
  id: string,
  label: string,
  flip: number | null | 'wrong',
  words = 8,
  queries = 10,
): AttackRecord {
  const correct = flip !== 'wrong';
  const edits = typeof flip === 'number' ? flip : 0;
  return {
    id,
    text: `text ${id}`,
    label,
    prediction: correct ? label : 'zz-other',
    goldProb: correct ? 0.8 : 0.2,
    words,
    maxEdits: 3,
    outcome: !correct ? 'misclassified' : typeof flip === 'number' ? 'flipped' : 'max-edits',
    success: typeof flip === 'number',
    queries: correct ? queries : 0,
    edits: Array.from({ length: edits }, (_, i) => ({
      word: i,
      from: [i * 5, i * 5 + 4] as [number, number],
      perturbation: 'typo.delete',
      before: 'word',
      after: 'wrd',
      goldProb: 0.3,
      prediction: 'zz-other',
    })),
    adversarial: `text ${id}`,
    finalPrediction: typeof flip === 'number' || !correct ? 'zz-other' : label,
    finalGoldProb: typeof flip === 'number' ? 0.3 : 0.7,
  };
}

const CLASSES: ClassInfo[] = [
  { label: 'alpha', trainCount: 900, bucket: 'head' },
  { label: 'beta', trainCount: 300, bucket: 'head' },
  { label: 'gamma', trainCount: 40, bucket: 'tail' },
  { label: 'delta', trainCount: 8, bucket: 'tail' },
];
const BUCKETS: BucketInfo[] = [
  { name: 'head', minCount: 100, maxCount: 900, labels: ['alpha', 'beta'] },
  { name: 'tail', minCount: 0, maxCount: 99, labels: ['gamma', 'delta'] },
];

describe('attackSection on hand-built records', () => {
  // common classes flip more here (the opposite of the audit above), with even flip counts
  const records = [
    rec('a1', 'alpha', 1, 4, 7),
    rec('a2', 'alpha', 2, 10, 12),
    rec('a3', 'alpha', 3, 6, 20),
    rec('a4', 'alpha', 3, 9, 5),
    rec('a5', 'alpha', 'wrong'),
    rec('b1', 'beta', 1, 5, 9),
    rec('b2', 'beta', null, 7, 30),
    rec('b3', 'beta', 3, 12, 15),
    rec('g1', 'gamma', 1, 3, 4),
    rec('g2', 'gamma', null, 8, 40),
    rec('g3', 'gamma', null, 8, 40),
    rec('d1', 'delta', null, 6, 33),
  ];
  const section = attackSection(records, CLASSES, BUCKETS, CONFIG, MEASURE);

  it('equals the definitions everywhere, with a type-7 median of an even count', () => {
    expectMetrics(section.overall, expected(records));
    expect(section.overall.editsToFlip.median.value).toBe(2); // 1 1 1 [2] 3 3 3
    expect(section.buckets.head!.editsToFlip.median.value).toBe(2.5); // 1 1 [2 3] 3 3
    expect(section.perClass.alpha!.editsToFlip.median.value).toBe(2.5); // 1 [2 3] 3
    expect(section.perClass.beta!.editsToFlip.median.value).toBe(2); // [1 3]
    for (const b of BUCKETS) {
      expectMetrics(section.buckets[b.name]!, expected(records.filter((r) => b.labels.includes(r.label))));
    }
    for (const c of CLASSES) {
      expectMetrics(section.perClass[c.label]!, expected(records.filter((r) => r.label === c.label)));
    }
    expect(section.perClass.delta!.attackSuccessRate).toEqual({
      value: 0,
      ci: null,
      ciNote: 'too few examples',
    });
  });

  it('gap and slope signs follow the data: common classes flip more, so the gap is negative and the slope positive', () => {
    expect(section.headTailGaps.attackSuccessRate!.value).toBeCloseTo(
      gapOf(section, BUCKETS, 'attackSuccessRate').value,
      12,
    );
    expect(section.headTailGaps.attackSuccessRate!.value).toBeLessThan(0);
    const slope = section.tailSlopes.attackSuccessRate!;
    expect(slope.value).toBeCloseTo(wlsSlope(slopePoints(section, CLASSES, 'attackSuccessRate')), 12);
    expect(slope.value).toBeGreaterThan(0);
  });

  it('depends only on the set of records: shuffled input, identical numbers and CIs', () => {
    const shuffled = createRng('attack-measure:shuffle').shuffle(records);
    expect(shuffled.map((r) => r.id)).not.toEqual(records.map((r) => r.id));
    const again = attackSection(shuffled, CLASSES, BUCKETS, CONFIG, MEASURE);
    const { records: _a, ...rest } = again;
    const { records: _b, ...want } = section;
    expect(rest).toEqual(want);
    expect(again.records).toEqual(shuffled);
  });
});

describe('attackSection at scale', () => {
  it('measures more records than a function call takes arguments', () => {
    // 150,000 records: beyond what Math.max(...values) accepts on V8's default stack
    const kinds = CLASSES.flatMap((c) => [null, 1, 2, 3, 4].map((flip) => rec('', c.label, flip)));
    const many = Array.from({ length: 150_000 }, (_, i) => ({
      ...kinds[(i * 7) % kinds.length]!,
      id: `m${i}`,
    }));
    const section = attackSection(many, CLASSES, BUCKETS, CONFIG, { ...MEASURE, resamples: 2 });
    expectMetrics(section.overall, expected(many));
    expect(section.overall.editsToFlip.median.value).toBe(
      median(many.filter((r) => r.success).map((r) => r.edits.length)),
    );
  });
});
