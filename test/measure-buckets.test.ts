import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/errors.ts';
import { assignBuckets } from '../src/measure/buckets.ts';

const names = (a: ReturnType<typeof assignBuckets>) => a.buckets.map((b) => b.name);
const members = (a: ReturnType<typeof assignBuckets>) =>
  Object.fromEntries(a.buckets.map((b) => [b.name, b.labels]));

describe('assignBuckets: shots', () => {
  const counts = { a: 500, b: 101, c: 100, d: 20, e: 19, f: 0 };
  const labels = ['f', 'e', 'd', 'c', 'b', 'a', 'g'];
  const r = assignBuckets(counts, labels, 'shots');

  it('uses many > 100, medium 20–100, few < 20, head → tail', () => {
    expect(r.mode).toBe('shots');
    expect(members(r)).toEqual({ many: ['a', 'b'], medium: ['c', 'd'], few: ['e', 'f', 'g'] });
    expect(r.buckets.map((b) => [b.minCount, b.maxCount])).toEqual([
      [101, 500],
      [20, 100],
      [0, 19],
    ]);
  });

  it('gives labels missing from the counts 0 and keeps the label order in classes', () => {
    expect(r.classes.map((c) => c.label)).toEqual(labels);
    expect(r.classes.find((c) => c.label === 'g')).toEqual({ label: 'g', trainCount: 0, bucket: 'few' });
  });

  it('drops empty buckets', () => {
    expect(names(assignBuckets({ a: 300, b: 5 }, ['a', 'b'], 'shots'))).toEqual(['many', 'few']);
  });
});

describe('assignBuckets: auto', () => {
  it('is shots when two shot groups are non-empty', () => {
    const r = assignBuckets({ a: 300, b: 50 }, ['a', 'b'], 'auto');
    expect(r.mode).toBe('shots');
    expect(names(r)).toEqual(['many', 'medium']);
  });

  it('falls back to quantile:3 when every class is in one shot group', () => {
    const counts = { a: 19, b: 15, c: 12, d: 9, e: 5, f: 2 };
    const r = assignBuckets(counts, Object.keys(counts), 'auto');
    expect(r.mode).toBe('quantile:3');
    expect(members(r)).toEqual({ head: ['a', 'b'], middle: ['c', 'd'], tail: ['e', 'f'] });
  });
});

describe('assignBuckets: quantile:K', () => {
  it('splits by frequency rank into near-equal groups named head, q2 … tail', () => {
    const counts = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`l${i}`, 10 * (i + 1)]));
    const r = assignBuckets(counts, Object.keys(counts), 'quantile:4');
    expect(names(r)).toEqual(['head', 'q2', 'q3', 'tail']);
    expect(r.buckets.map((b) => b.labels.length)).toEqual([3, 2, 3, 2]);
    expect(r.buckets[0]).toMatchObject({ minCount: 80, maxCount: 100, labels: ['l9', 'l8', 'l7'] });
    expect(r.buckets[3]).toMatchObject({ minCount: 10, maxCount: 20 });
  });

  it('never splits tied counts', () => {
    const counts = { a: 50, b: 30, c: 30, d: 30, e: 30, f: 1 };
    const r = assignBuckets(counts, Object.keys(counts), 'quantile:3');
    // the four 30s centre on rank 2.5 of 6 → middle; quantile buckets have observed bounds
    expect(members(r)).toEqual({ head: ['a'], middle: ['b', 'c', 'd', 'e'], tail: ['f'] });
    expect(r.buckets[1]).toMatchObject({ minCount: 30, maxCount: 30 });
  });

  it('drops groups left empty by ties; one group of tied counts is neither head nor tail', () => {
    const r = assignBuckets({ a: 5, b: 5, c: 5 }, ['a', 'b', 'c'], 'quantile:3');
    expect(members(r)).toEqual({ tied: ['a', 'b', 'c'] });
  });

  it('names buckets by position among the non-empty groups: two are head and tail', () => {
    // Two classes fill two of three groups: the less frequent one is the tail, not "middle".
    expect(members(assignBuckets({ a: 100, b: 3 }, ['a', 'b'], 'quantile:3'))).toEqual({
      head: ['a'],
      tail: ['b'],
    });
    expect(members(assignBuckets({ a: 100, b: 3 }, ['a', 'b'], 'quantile:5'))).toEqual({
      head: ['a'],
      tail: ['b'],
    });
    // Ties leave groups 2 and 4 of five empty: the three others are head, middle and tail.
    const tiedMiddle = assignBuckets(
      { a: 9, b: 5, c: 5, d: 5, e: 1 },
      ['a', 'b', 'c', 'd', 'e'],
      'quantile:5',
    );
    expect(members(tiedMiddle)).toEqual({ head: ['a'], middle: ['b', 'c', 'd'], tail: ['e'] });
    // Four non-empty groups of five: the two in between are numbered by position, q2 and q3.
    const four = assignBuckets({ a: 9, b: 7, c: 5, d: 5, e: 1 }, ['a', 'b', 'c', 'd', 'e'], 'quantile:5');
    expect(members(four)).toEqual({ head: ['a'], q2: ['b'], q3: ['c', 'd'], tail: ['e'] });
    // auto on classes all in one shot group falls back to quantile:3, with the same naming.
    expect(names(assignBuckets({ a: 15, b: 3 }, ['a', 'b'], 'auto'))).toEqual(['head', 'tail']);
  });
});

describe('assignBuckets: thresholds', () => {
  const counts = { a: 1000, b: 101, c: 100, d: 20, e: 19, f: 0 };

  it('starts a group at each threshold; names spell the inclusive range', () => {
    const r = assignBuckets(counts, Object.keys(counts), 'thresholds:20,101');
    expect(r.mode).toBe('thresholds:20,101');
    expect(members(r)).toEqual({ '>=101': ['a', 'b'], '20-100': ['c', 'd'], '<20': ['e', 'f'] });
    // same membership as shots
    const shots = assignBuckets(counts, Object.keys(counts), 'shots');
    expect(r.buckets.map((b) => b.labels)).toEqual(shots.buckets.map((b) => b.labels));
  });

  it('names a one-value group by its value and accepts spaces', () => {
    const r = assignBuckets(counts, Object.keys(counts), ' thresholds: 100, 101 ');
    expect(names(r)).toEqual(['>=101', '100', '<100']);
  });

  it('places fractional counts in exactly one group', () => {
    const r = assignBuckets({ x: 19.5, y: 20 }, ['x', 'y'], 'thresholds:20');
    expect(members(r)).toEqual({ '>=20': ['y'], '<20': ['x'] });
  });
});

describe('assignBuckets: invalid specs', () => {
  it.each([
    'quantiles:3',
    'quantile',
    'quantile:1',
    'quantile:x',
    'thresholds:',
    'thresholds:20,10',
    'thresholds:0,5',
    'thresholds:5,5',
    'thresholds:a',
    'many',
  ])('rejects %j with the accepted forms', (spec) => {
    expect(() => assignBuckets({ a: 1 }, ['a'], spec)).toThrow(UsageError);
    expect(() => assignBuckets({ a: 1 }, ['a'], spec)).toThrow(/accepted forms: auto, shots, quantile:K/);
  });

  it('rejects negative counts', () => {
    expect(() => assignBuckets({ a: -1 }, ['a'], 'shots')).toThrow(RangeError);
  });
});
