import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CountColumn, createExampleCollector } from '../src/measure/accumulator.ts';
import { assignBuckets } from '../src/measure/buckets.ts';
import { computeResults, createResultsAccumulator, type MeasuredResults } from '../src/measure/results.ts';
import type { ExampleRecord, Severity } from '../src/types.ts';
import { createRng } from '../src/util/rng.ts';
import { record } from './measure-helpers.ts';

const OPTS = { seed: 3, resamples: 1000, confidence: 0.9 };
const COUNTS = { A: 300, B: 120, C: 40, D: 9, E: 2 };
const { classes, buckets } = assignBuckets(COUNTS, Object.keys(COUNTS), 'shots');

/** Equal number for number (Object.is: 0 ≠ −0) and in the same key order as JSON would write it. */
function expectIdentical(actual: MeasuredResults, expected: MeasuredResults): void {
  expect(actual).toStrictEqual(expected);
  expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
}

// Gold and predicted labels include ones outside `classes` ('zz', 'a0').
const labelArb = fc.constantFrom('A', 'B', 'C', 'D', 'E', 'zz', 'a0');
// Inexact binary fractions, so float sums in a different order would come out different.
const probArb = fc.nat(999_999).map((n) => (n + 0.3) / 1_000_000);
const variantArb = fc.record({
  perturbation: fc.constantFrom('p.one', 'q'),
  severity: fc.constantFrom<Severity>(1, 2),
  variant: fc.nat(2),
  text: fc.constantFrom('x', 'y'),
  changed: fc.boolean(),
  prediction: labelArb,
  confidence: fc.constant(0.5),
  goldProb: probArb,
  adjustedPrediction: labelArb,
  adjustedGoldProb: probArb,
});
const exampleArb = fc.record({
  text: fc.constantFrom('t1', 't2'),
  label: labelArb,
  prediction: labelArb,
  confidence: fc.constant(0.5),
  goldProb: probArb,
  adjustedPrediction: labelArb,
  adjustedGoldProb: probArb,
  variants: fc.array(variantArb, { maxLength: 8, size: 'max' }),
});
/**
 * Records with unique ids (as an audit makes them), and the same records and variants in another order.
 * Few scopes, so slots gather several variants and a float sum in the wrong order would show.
 */
const recordsArb = fc
  .uniqueArray(fc.nat(500), { maxLength: 120, size: 'max' })
  .chain((ids) =>
    fc.tuple(
      fc.array(exampleArb, { minLength: ids.length, maxLength: ids.length }),
      fc.array(fc.nat(), { minLength: ids.length, maxLength: ids.length }),
      fc.integer(),
    ),
  )
  .map(([xs, keys, seed]) => {
    const records: ExampleRecord[] = xs.map((x, i) => ({ id: `id${keys[i] % 1000}-${i}`, ...x }));
    const rng = createRng(`shuffle-${seed}`);
    const shuffled = rng.shuffle(records).map((r) => ({ ...r, variants: rng.shuffle(r.variants) }));
    return { records, shuffled };
  });

describe('createResultsAccumulator', () => {
  it('streamed in any order gives exactly computeResults', () => {
    fc.assert(
      fc.property(recordsArb, fc.integer(), ({ records, shuffled }, seed) => {
        const opts = { ...OPTS, seed };
        const acc = createResultsAccumulator(classes, buckets, opts);
        for (const r of shuffled) acc.add(r);
        expect(acc.size).toBe(records.length);
        expectIdentical(acc.finish(), computeResults(records, classes, buckets, opts));
      }),
      { numRuns: 25, endOnFailure: true },
    );
  });

  it('streamed in any order gives exactly computeResults, adjusted', () => {
    fc.assert(
      fc.property(recordsArb, ({ records, shuffled }) => {
        const opts = { ...OPTS, adjusted: true };
        const acc = createResultsAccumulator(classes, buckets, opts);
        for (const r of shuffled) acc.add(r);
        const streamed = acc.finish();
        expectIdentical(streamed, computeResults(records, classes, buckets, opts));
        if (records.some((r) => r.variants.some((v) => v.changed && v.prediction !== v.adjustedPrediction))) {
          // The adjusted fields are the ones read.
          expect(streamed).not.toEqual(computeResults(records, classes, buckets, OPTS));
        }
      }),
      { numRuns: 20, endOnFailure: true },
    );
  });

  it('keeps no reference to the records it was given', () => {
    const rng = createRng('accumulator-references');
    const labels = ['A', 'B', 'C', 'D', 'E'];
    const make = (): ExampleRecord[] =>
      Array.from({ length: 300 }, (_, i) => {
        const r = createRng(`rec-${i}`);
        const label = r.pick(labels);
        return record(`r${i}`, label, r.next() < 0.8 ? label : r.pick(labels), r.next(), [
          ['typo.a', 1, r.next() < 0.7 ? label : r.pick(labels), r.next()],
          ['typo.b', 2, r.next() < 0.6 ? label : r.pick(labels), r.next(), r.next() < 0.8],
        ]);
      });
    const acc = createResultsAccumulator(classes, buckets, OPTS);
    const given = make();
    for (const r of rng.shuffle(given)) acc.add(r);
    // What an audit does after writing a record to the examples file: reuse or blank it.
    for (const r of given) {
      r.text = '';
      r.prediction = 'A';
      r.goldProb = 0;
      for (const v of r.variants) {
        v.prediction = 'E';
        v.changed = !v.changed;
      }
      r.variants.length = 0;
    }
    expectIdentical(acc.finish(), computeResults(make(), classes, buckets, OPTS));
  });

  it('a rejected record adds nothing', () => {
    const good = [
      record('a', 'A', 'A', 0.9, [['p', 1, 'B', 0.2]]),
      record('b', 'B', 'B', 0.8, [['p', 1, 'B', 0.7]]),
    ];
    for (const [i, r] of good.entries()) {
      r.adjustedPrediction = r.prediction;
      r.adjustedGoldProb = r.goldProb;
      r.variants[0].adjustedPrediction = i === 0 ? 'C' : 'B';
      r.variants[0].adjustedGoldProb = 0.4;
    }
    const opts = { ...OPTS, adjusted: true };
    const acc = createResultsAccumulator(classes, buckets, opts);
    acc.add(good[0]);
    // Fails on a variant's goldProb, after its prediction and the original were read.
    const late = structuredClone(good[1]);
    late.id = 'c';
    late.variants.push({ ...late.variants[0], perturbation: 'q', adjustedGoldProb: undefined });
    expect(() => acc.add(late)).toThrow(/"c" has no adjustedGoldProb/);
    const early = structuredClone(good[1]);
    early.id = 'd';
    early.adjustedPrediction = undefined;
    expect(() => acc.add(early)).toThrow(/"d" has no adjustedPrediction/);
    acc.add(good[1]);
    expect(acc.size).toBe(2);
    expect(acc.variantTally()).toEqual(
      new Map([['p', { total: 2, counted: 2, unchanged: 0, duplicate: 0, rejected: 0 }]]),
    );
    expectIdentical(acc.finish(), computeResults(good, classes, buckets, opts));
  });

  it('dropped variants (duplicate, rejected) count nowhere but in the tally', () => {
    const base = [
      record('a', 'A', 'A', 0.9, [['typo.a', 1, 'A', 0.8]]),
      record('b', 'B', 'B', 0.9, [['typo.a', 1, 'B', 0.7]]),
    ];
    const withDropped = base.map((r) => ({
      ...r,
      variants: [
        ...r.variants,
        {
          ...r.variants[0]!,
          variant: 1,
          text: 'x',
          prediction: 'C',
          goldProb: 0,
          dropped: 'duplicate' as const,
        },
        {
          ...r.variants[0]!,
          variant: 2,
          text: 'y',
          prediction: 'C',
          goldProb: 0,
          dropped: 'rejected' as const,
        },
      ],
    }));
    expectIdentical(
      computeResults(withDropped, classes, buckets, OPTS),
      computeResults(base, classes, buckets, OPTS),
    );
    const acc = createResultsAccumulator(classes, buckets, OPTS);
    for (const r of withDropped) acc.add(r);
    expect(acc.variantTally()).toEqual(
      new Map([['typo.a', { total: 6, counted: 2, unchanged: 0, duplicate: 2, rejected: 2 }]]),
    );
  });

  it('counts variants per perturbation, and is spent after finish()', () => {
    const acc = createResultsAccumulator(classes, buckets, OPTS);
    acc.add(
      record('a', 'A', 'A', 0.9, [
        ['typo.a', 1, 'A', 0.8],
        ['typo.a', 2, 'A', 0.8, false],
        ['syn', 1, 'B', 0.1, false],
      ]),
    );
    acc.add(record('b', 'B', 'B', 0.9, [['typo.a', 1, 'A', 0.8]]));
    expect(acc.variantTally()).toEqual(
      new Map([
        ['syn', { total: 1, counted: 0, unchanged: 1, duplicate: 0, rejected: 0 }],
        ['typo.a', { total: 3, counted: 2, unchanged: 1, duplicate: 0, rejected: 0 }],
      ]),
    );
    const out = acc.finish();
    // Scopes with only unchanged variants still get a (zero) result.
    expect(out.results.map((r) => [r.perturbation, r.severity, r.overall.n])).toEqual([
      ['syn', 1, 0],
      ['typo.a', 1, 2],
      ['typo.a', 2, 0],
    ]);
    expect(() => acc.finish()).toThrow(/already finished/);
    expect(() => acc.add(record('c', 'A', 'A', 1, []))).toThrow(/already finished/);
  });

  it('checks its options up front', () => {
    expect(() => createResultsAccumulator(classes, buckets, { ...OPTS, resamples: 10 })).toThrow(/>= 1000/);
  });

  it('matches computeResults on a long-tailed set large enough to grow every column', () => {
    const labels = Array.from({ length: 30 }, (_, i) => `c${i}`);
    const counts = Object.fromEntries(labels.map((l, i) => [l, Math.round(500 / (i + 1))]));
    const assigned = assignBuckets(counts, labels, 'auto');
    const rng = createRng('accumulator-long-tail');
    const records = Array.from({ length: 2500 }, (_, i) => {
      const label = labels[Math.min(labels.length - 1, Math.floor(rng.next() ** 2 * labels.length))];
      const pred = () => (rng.next() < 0.75 ? label : rng.pick(labels));
      return record(
        `ex${i}`,
        label,
        pred(),
        rng.next(),
        ['typo.a', 'typo.b', 'syn'].flatMap((p) =>
          [1, 2].map((s): [string, Severity, string, number, boolean] => [
            p,
            s as Severity,
            pred(),
            rng.next(),
            rng.next() < 0.9,
          ]),
        ),
      );
    });
    const acc = createResultsAccumulator(assigned.classes, assigned.buckets, OPTS);
    for (const r of rng.shuffle(records)) acc.add({ ...r, variants: rng.shuffle(r.variants) });
    expectIdentical(acc.finish(), computeResults(records, assigned.classes, assigned.buckets, OPTS));
  });
});

describe('compact columns', () => {
  it('CountColumn starts at one byte per count and widens without losing counts', () => {
    const col = new CountColumn();
    const values = [3, 255, 0, 256, 7, 65535, 65536, 1, 2 ** 32 - 1];
    for (const [i, v] of values.entries()) {
      col.push(v);
      if (i === 1) expect(col.data).toBeInstanceOf(Uint8Array);
      if (i === 3) expect(col.data).toBeInstanceOf(Uint16Array);
    }
    expect(col.data).toBeInstanceOf(Uint32Array);
    expect(Array.from(col.data.subarray(0, col.length))).toEqual(values);
    expect(() => col.push(2 ** 32)).toThrow(RangeError);
    for (let i = 0; i < 100; i++) col.push(i);
    expect(col.length).toBe(values.length + 100);
    expect(col.data[col.length - 1]).toBe(99);
  });

  it('stores one slot per example and scope, in typed arrays', () => {
    const collector = createExampleCollector(classes, false);
    collector.add(
      record('a', 'A', 'A', 0.9, [
        ['p', 1, 'A', 0.5],
        ['p', 1, 'zz', 0.25],
        ['q', 1, 'A', 0.5, false],
      ]),
    );
    const { scopes, labels, ids } = collector.data;
    expect(ids).toEqual(['a']);
    expect(labels).toEqual(['A', 'B', 'C', 'D', 'E', 'zz']);
    expect([...scopes.keys()]).toEqual(['1\u241fp', '1\u241f*', '1\u241fq']);
    const p = scopes.get('1\u241fp');
    expect(p?.example.length).toBe(1);
    expect([p?.k.data[0], p?.correct.data[0], p?.flips.data[0]]).toEqual([2, 1, 1]);
    expect(p?.confDrop.data[0]).toBeCloseTo(0.4 + 0.65, 12);
    expect(p?.k.data).toBeInstanceOf(Uint8Array);
    expect(scopes.get('1\u241fq')?.example.length).toBe(0);
  });
});
