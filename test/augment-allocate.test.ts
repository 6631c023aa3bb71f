import { describe, expect, it } from 'vitest';
import {
  type AllocationOptions,
  allocateClasses,
  copiesPerExample,
  FRAGILITY_FLOOR_SHARE,
} from '../src/augment/allocate.ts';
import { classWeights } from '../src/measure/mitigation.ts';
import { createRng, rngKey } from '../src/util/rng.ts';

const base: AllocationOptions = { policy: 'uniform', copies: 1, maxCopies: 10, beta: 0.999 };

const byLabel = (a: ReturnType<typeof allocateClasses>) =>
  Object.fromEntries(a.classes.map((c) => [c.label, c]));

describe('allocateClasses (hand-computed)', () => {
  it('uniform: every row the same rate; the class totals by largest remainder, a tie to the first label', () => {
    const a = byLabel(allocateClasses({ b: 1, a: 3 }, { ...base, copies: 1.5 }));
    expect(a.a!.rate).toBe(1.5);
    expect(a.b!.rate).toBe(1.5);
    // quotas 4.5 and 1.5, total 6: floors 4 + 1, the one left to a (equal remainders, a first)
    expect(a.a!.copies).toBe(5);
    expect(a.b!.copies).toBe(1);
  });

  it('effective-number: rates ∝ (1 − β)/(1 − βⁿ), mean over rows = --copies', () => {
    // β = 0.5: w(3) = 0.5 / 0.875 = 4/7, w(1) = 1; target 4 copies; scale 4 / (3·4/7 + 1) = 28/19
    const a = byLabel(allocateClasses({ a: 3, b: 1 }, { ...base, policy: 'effective-number', beta: 0.5 }));
    expect(a.a!.weight).toBeCloseTo(4 / 7, 12);
    expect(a.a!.rate).toBeCloseTo(16 / 19, 12);
    expect(a.b!.rate).toBeCloseTo(28 / 19, 12);
    expect(3 * a.a!.rate + a.b!.rate).toBeCloseTo(4, 12);
    // quotas 48/19 = 2.53 and 28/19 = 1.47: floors 2 + 1, the one left to a (.53 > .47)
    expect([a.a!.copies, a.b!.copies]).toEqual([3, 1]);
  });

  it('effective-number uses the weights of --mitigation-out (one formula)', () => {
    const counts = { head: 400, mid: 60, tail: 7 };
    const a = allocateClasses(counts, { ...base, policy: 'effective-number', beta: 0.99, maxCopies: 100 });
    const w = classWeights(
      a.classes.map((c) => ({ label: c.label, trainCount: c.count })),
      1,
    ).effectiveNumber['0.99']!;
    for (const [i, c] of a.classes.entries())
      expect(c.rate / a.classes[0]!.rate).toBeCloseTo(w[i]! / w[0]!, 10);
  });

  it('a class above --max-copies is held there and the others take its share (water-filling)', () => {
    // fragility .1 and .9: scale 10 / (9·.1 + 1·.9) gives b 5 > 3 → b = 3; a takes 7 over 9 rows
    const a = byLabel(
      allocateClasses(
        { a: 9, b: 1 },
        { ...base, policy: 'fragility', maxCopies: 3, breakRates: { a: 0.1, b: 0.9 } },
      ),
    );
    expect(a.b!.rate).toBe(3);
    expect(a.a!.rate).toBeCloseTo(7 / 9, 12);
    expect([a.a!.copies, a.b!.copies]).toEqual([7, 3]);
  });

  it('fragility: measured rates, the floor, and the mean for classes the report did not measure', () => {
    // mean of the measured = (.4 + 0) / 2 = .2; floor .02; c unmeasured → .2
    const alloc = allocateClasses(
      { a: 2, b: 2, c: 2 },
      { ...base, policy: 'fragility', breakRates: { a: 0.4, b: 0, other: 0.9 } },
    );
    const a = byLabel(alloc);
    expect(alloc.meanBreakRate).toBeCloseTo(0.2, 12);
    expect(a.b!.weight).toBeCloseTo(FRAGILITY_FLOOR_SHARE * 0.2, 12);
    expect([a.a!.source, a.b!.source, a.c!.source]).toEqual(['measured', 'floor', 'unmeasured']);
    expect(a.c!.weight).toBeCloseTo(0.2, 12);
    // scale 6 / (2·(.4 + .02 + .2)) = 4.839: quotas 3.87, .19, 1.94 → floors 3, 0, 1; the 2 left to c then a
    expect([a.a!.copies, a.b!.copies, a.c!.copies]).toEqual([4, 0, 2]);
  });

  it('fragility when nothing broke: uniform, and said so', () => {
    const alloc = allocateClasses(
      { a: 2, b: 1 },
      { ...base, policy: 'fragility', breakRates: { a: 0, b: 0 } },
    );
    expect(alloc.fellBackToUniform).toBe(true);
    expect(alloc.classes.map((c) => c.rate)).toEqual([1, 1]);
  });

  it('the whole copies sum to round(--copies × rows) when nothing is capped', () => {
    const counts = { a: 37, b: 11, c: 5, d: 1 };
    for (const policy of ['uniform', 'effective-number'] as const) {
      for (const copies of [0.3, 1, 1.7, 2.5]) {
        const a = allocateClasses(counts, { ...base, policy, copies, maxCopies: 100 });
        expect(a.classes.reduce((s, c) => s + c.copies, 0)).toBe(Math.round(copies * 54));
      }
    }
  });
});

describe('copiesPerExample', () => {
  const rows = [
    ...Array.from({ length: 7 }, (_, i) => ({ label: 'a', key: `a text ${i}` })),
    ...Array.from({ length: 3 }, (_, i) => ({ label: 'b', key: `b text ${i}` })),
  ];
  const alloc = allocateClasses({ a: 7, b: 3 }, { ...base, copies: 1.5 });

  it("spreads a class's copies evenly (⌊total/n⌋ or one more) and gives out exactly its total", () => {
    const per = copiesPerExample(rows, alloc.classes, 0);
    for (const c of alloc.classes) {
      const mine = per.filter((_, i) => rows[i]!.label === c.label);
      expect(mine.reduce((s, x) => s + x, 0)).toBe(c.copies);
      const floor = Math.floor(c.copies / c.count);
      for (const x of mine) expect([floor, floor + 1]).toContain(x);
    }
  });

  it('depends on the rows and the seed, never on their order', () => {
    const per = copiesPerExample(rows, alloc.classes, 0);
    const byKey = new Map(rows.map((r, i) => [r.key, per[i]]));
    const rng = createRng(rngKey('shuffle'));
    for (let trial = 0; trial < 5; trial++) {
      const shuffled = rows
        .map((r) => ({ r, k: rng.next() }))
        .sort((x, y) => x.k - y.k)
        .map(({ r }) => r);
      const again = copiesPerExample(shuffled, alloc.classes, 0);
      for (const [i, r] of shuffled.entries()) expect(again[i]).toBe(byKey.get(r.key));
    }
    // another seed ranks the rows otherwise (here: a different set of a-rows gets the extra copy)
    const other = copiesPerExample(rows, alloc.classes, 1);
    expect(other).not.toEqual(per);
  });
});
