import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { percentileInterval } from '../src/measure/bootstrap.ts';
import { assignBuckets } from '../src/measure/buckets.ts';
import { computeResults } from '../src/measure/results.ts';
import { type ExampleRecord, GAP_METRICS, type Metrics, type Result } from '../src/types.ts';
import { createRng } from '../src/util/rng.ts';
import { block, record, type V } from './measure-helpers.ts';

const OPTS = { seed: 11, resamples: 1000, confidence: 0.95 };
const counts = { big: 500, mid: 60, small: 8 };
const { classes, buckets } = assignBuckets(counts, Object.keys(counts), 'shots');

/** Mixed data: variable numbers of changed variants, wrong originals, two perturbations. */
function mixed(): ExampleRecord[] {
  const rng = createRng('measure-bootstrap-fixture');
  const labels = ['big', 'big', 'big', 'mid', 'mid', 'small'];
  return Array.from({ length: 120 }, (_, i) => {
    const label = rng.pick(labels);
    const wrongOriginal = rng.next() < 0.15;
    const variants = Array.from({ length: 1 + rng.int(3) }, () => {
      const pert = rng.pick(['typo.a', 'syn.b']);
      const wrong = rng.next() < 0.3;
      const v: V = [
        pert,
        1,
        wrong ? rng.pick(['big', 'mid', 'small']) : label,
        rng.next(),
        rng.next() < 0.85,
      ];
      return v;
    });
    return record(`ex${i}`, label, wrongOriginal ? 'mid' : label, rng.next(), variants);
  });
}

/** Every interval of the break and flip rates in some results: per slice, and of the gaps and slopes. */
function breakAndFlipCIs(results: readonly Result[]): Record<string, [number, number] | null> {
  const out: Record<string, [number, number] | null> = {};
  for (const r of results) {
    const at = `${r.perturbation}@${r.severity}`;
    const slices: [string, Metrics][] = [
      ['overall', r.overall],
      ...Object.entries(r.buckets),
      ...Object.entries(r.perClass),
    ];
    for (const [name, m] of slices) {
      out[`${at} ${name} flip`] = m.flipRateCI;
      out[`${at} ${name} break`] = m.breakRateCI;
    }
    for (const metric of ['break', 'flip'] as const) {
      out[`${at} gap ${metric}`] = r.headTailGaps[metric]?.ci ?? null;
      out[`${at} slope ${metric}`] = r.tailSlopes[metric]?.ci ?? null;
    }
  }
  return out;
}

function width(ci: [number, number] | null): number {
  if (!ci) throw new Error('expected an interval');
  return ci[1] - ci[0];
}

describe('bootstrap CIs', () => {
  const data = mixed();
  const base = computeResults(data, classes, buckets, OPTS);
  const baseCIs = breakAndFlipCIs([...base.summary, ...base.results]);

  it('the fixture gives every break and flip interval (rates, gaps, slopes) something to compare', () => {
    // 3 results × (overall + 3 buckets + 3 classes) × 2 rates + 3 × 2 gaps + 3 × 2 slopes
    expect(Object.keys(baseCIs)).toHaveLength(54);
    expect(Object.entries(baseCIs).filter(([, ci]) => ci === null)).toEqual([]);
  });

  it('are deterministic for a seed and change with the seed', () => {
    expect(computeResults(data, classes, buckets, OPTS)).toEqual(base);
    const again = computeResults(data, classes, buckets, OPTS);
    expect(breakAndFlipCIs([...again.summary, ...again.results])).toEqual(baseCIs);
    const other = computeResults(data, classes, buckets, { ...OPTS, seed: 12 });
    expect(other.summary[0].overall.dropCI).not.toEqual(base.summary[0].overall.dropCI);
    expect(other.summary[0].overall.drop).toBe(base.summary[0].overall.drop);
    const [o, b] = [other.summary[0], base.summary[0]];
    expect(o.overall.breakRateCI).not.toEqual(b.overall.breakRateCI);
    expect(o.overall.flipRateCI).not.toEqual(b.overall.flipRateCI);
    expect(o.headTailGaps.break!.ci).not.toEqual(b.headTailGaps.break!.ci);
    expect(o.tailSlopes.break!.ci).not.toEqual(b.tailSlopes.break!.ci);
    expect(o.headTailGaps.break!.value).toBe(b.headTailGaps.break!.value);
    expect(o.tailSlopes.break!.value).toBe(b.tailSlopes.break!.value);
  });

  it('depend only on the set of examples (shuffled examples and variants → identical output)', () => {
    const rng = createRng('shuffle');
    const shuffled = rng.shuffle(data).map((e) => ({ ...e, variants: rng.shuffle(e.variants) }));
    const again = computeResults(shuffled, classes, buckets, OPTS);
    expect(breakAndFlipCIs([...again.summary, ...again.results])).toEqual(baseCIs);
    expect(again).toEqual(base);
  });

  it('merging shards gives the CIs of the whole run', () => {
    const shards = [data.filter((_, i) => i % 3 === 0), data.filter((_, i) => i % 3 !== 0)];
    const merged = computeResults([...shards[1], ...shards[0]], classes, buckets, OPTS);
    expect(breakAndFlipCIs([...merged.summary, ...merged.results])).toEqual(baseCIs);
    expect(merged).toEqual(base);
  });

  it('contain the point estimate', () => {
    for (const r of [...base.summary, ...base.results]) {
      for (const m of [r.overall, ...Object.values(r.buckets), ...Object.values(r.perClass)]) {
        if (m.nExamples < 2) continue;
        expect(m.dropCI![0]).toBeLessThanOrEqual(m.drop + 1e-12);
        expect(m.dropCI![1]).toBeGreaterThanOrEqual(m.drop - 1e-12);
        expect(m.flipRateCI![0]).toBeLessThanOrEqual(m.flipRate + 1e-12);
        expect(m.flipRateCI![1]).toBeGreaterThanOrEqual(m.flipRate - 1e-12);
        if (m.breakRateCI === null) continue;
        expect(m.breakRateCI[0]).toBeLessThanOrEqual(m.breakRate + 1e-12);
        expect(m.breakRateCI[1]).toBeGreaterThanOrEqual(m.breakRate - 1e-12);
      }
      expect(r.overall.dropCI![0]).toBeLessThan(r.overall.dropCI![1]);
      expect(r.overall.flipRateCI![0]).toBeLessThan(r.overall.flipRateCI![1]);
      expect(r.overall.breakRateCI![0]).toBeLessThan(r.overall.breakRateCI![1]);
      for (const metric of GAP_METRICS) {
        for (const estimate of [r.headTailGaps[metric]!, r.tailSlopes[metric]!]) {
          expect(estimate.ci![0], metric).toBeLessThanOrEqual(estimate.value + 1e-12);
          expect(estimate.ci![1], metric).toBeGreaterThanOrEqual(estimate.value - 1e-12);
          expect(estimate.ci![0], metric).toBeLessThan(estimate.ci![1]);
        }
      }
    }
  });

  it('shrink with more examples at the same drop', () => {
    const ci = (size: number) =>
      computeResults(block('big', size, size / 4), classes, buckets, OPTS).results[0].overall.dropCI;
    const w40 = width(ci(40));
    const w400 = width(ci(400));
    // √10 times narrower in theory; allow bootstrap noise.
    expect(w400).toBeLessThan(w40 / 2);
    expect(w400).toBeGreaterThan(0);
  });

  it('are wider for a tiny class than for a large one with the same drop', () => {
    const recs = [...block('big', 200, 40), ...block('small', 5, 1)];
    const r = computeResults(recs, classes, buckets, OPTS).results[0];
    expect(r.perClass.big.drop).toBeCloseTo(0.2, 12);
    expect(r.perClass.small.drop).toBeCloseTo(0.2, 12);
    expect(width(r.perClass.small.dropCI)).toBeGreaterThan(2 * width(r.perClass.big.dropCI));
  });

  it('are never falsely precise overall when every class has a single example', () => {
    const many: Record<string, number> = {};
    const recs: ExampleRecord[] = [];
    for (let c = 0; c < 30; c++) {
      many[`c${c}`] = 3;
      recs.push(...block(`c${c}`, 1, c % 3 === 0 ? 1 : 0));
    }
    const assigned = assignBuckets(many, Object.keys(many), 'shots');
    const r = computeResults(recs, assigned.classes, assigned.buckets, OPTS).results[0];
    expect(r.overall.drop).toBeCloseTo(1 / 3, 12);
    // A class alone has no interval (not a zero-width one), but the overall interval reflects the
    // between-example spread of the pooled single-example classes.
    expect(r.perClass.c0).toMatchObject({ drop: 1, dropCI: null, ciNote: 'too few examples' });
    expect(width(r.overall.dropCI)).toBeGreaterThan(0.2);
  });

  it('withhold the interval of any slice with fewer than 2 examples: "+50.0 [+50.0, +50.0]" is gone', () => {
    // One example with two changed variants, one of them broken: drop 0.5 on n = 2 from one example.
    const one = record('only', 'big', 'big', 0.9, [
      ['p', 1, 'small', 0.1],
      ['p', 1, 'big', 0.9],
    ]);
    const r = computeResults([one, ...block('small', 10, 2)], classes, buckets, OPTS).results[0];
    expect(r.perClass.big).toMatchObject({
      n: 2,
      nExamples: 1,
      drop: 0.5,
      dropCI: null,
      ciNote: 'too few examples',
    });
    expect(r.perClass.small.dropCI).not.toBeNull();
    const alone = computeResults([one], classes, buckets, OPTS).results[0];
    expect(alone.overall).toMatchObject({ nExamples: 1, dropCI: null, ciNote: 'too few examples' });
  });
});

describe('percentileInterval', () => {
  it('interpolates between order statistics', () => {
    const xs = Float64Array.from({ length: 101 }, (_, i) => 100 - i);
    const [lo, hi] = percentileInterval(xs, 0.9);
    expect(lo).toBeCloseTo(5, 9);
    expect(hi).toBeCloseTo(95, 9);
    expect(percentileInterval(Float64Array.of(1, 2), 0.5)).toEqual([1.25, 1.75]);
    expect(percentileInterval(new Float64Array(0), 0.95)).toEqual([0, 0]);
  });

  it('matches a sort-based reference on data with ties, and skips NaN', () => {
    const reference = (xs: number[], p: number) => {
      const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
      const h = (s.length - 1) * p;
      const lo = Math.floor(h);
      return s[lo] + (h - lo) * (s[Math.min(lo + 1, s.length - 1)] - s[lo]);
    };
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: -3, max: 3 }), fc.double({ min: -1, max: 1, noNaN: true })), {
          minLength: 1,
          maxLength: 300,
        }),
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        fc.nat(5),
        (xs, confidence, nans) => {
          const withNaN = [...xs, ...Array.from({ length: nans }, () => Number.NaN)];
          const [lo, hi] = percentileInterval(withNaN, confidence);
          expect(lo).toBeCloseTo(reference(xs, (1 - confidence) / 2), 12);
          expect(hi).toBeCloseTo(reference(xs, 1 - (1 - confidence) / 2), 12);
        },
      ),
    );
  });
});
