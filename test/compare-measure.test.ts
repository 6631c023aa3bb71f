import { describe, expect, it } from 'vitest';
import { checkMaxRegression, evaluateRegressionGate } from '../src/compare/gate.ts';
import { compareReports, renderCompareJson } from '../src/compare/index.ts';
import type { ScopeComparison, SliceComparison } from '../src/compare/types.ts';
import type { ExampleRecord } from '../src/types.ts';
import { createRng, rngKey } from '../src/util/rng.ts';
import { example, pairReport, type VariantSpec } from './fixtures/compare/make-pair.ts';

/**
 * A tiny pair: classes A (3 examples) and B (2 examples), one perturbation at severity 1 with two
 * variants each. [id, gold, BASE original prediction, BASE variant predictions, HEAD original, HEAD variants]
 */
const TINY: [string, string, string, [string, string], string, [string, string]][] = [
  ['a1', 'A', 'A', ['A', 'A'], 'A', ['A', 'B']],
  ['a2', 'A', 'A', ['B', 'A'], 'A', ['B', 'B']],
  ['a3', 'A', 'B', ['A', 'B'], 'A', ['A', 'A']],
  ['b1', 'B', 'B', ['B', 'B'], 'B', ['A', 'A']],
  ['b2', 'B', 'A', ['A', 'B'], 'B', ['B', 'A']],
];

function tinyRecords(side: 'base' | 'head'): ExampleRecord[] {
  return TINY.map(([id, gold, bo, bv, ho, hv]) => {
    const [orig, vars] = side === 'base' ? [bo, bv] : [ho, hv];
    const variants: VariantSpec[] = vars.map((p, i) => ['typo.swap', 1, i, `${id} variant ${i}`, p]);
    return example(id, gold, orig, variants);
  });
}

/** Type-7 quantile of sorted values. */
function quantile(sorted: readonly number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  return lo + 1 < sorted.length ? sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]) : sorted[lo];
}

type Rate = 'drop' | 'flip' | 'break';

/**
 * The documented paired bootstrap, written out independently of the implementation: within each class
 * (examples in id order), resample b draws m examples with createRng(rngKey(seed, 'bootstrap', label, b));
 * the same draw moves an example in both reports; the CI is the type-7 percentile interval of
 * rate_HEAD − rate_BASE over the resamples where both rates have data.
 */
function independentCI(rate: Rate, classes: readonly string[], seed: number, B: number): [number, number] {
  const byClass = classes.map((label) =>
    TINY.filter((row) => row[1] === label).sort((x, y) => (x[0] < y[0] ? -1 : 1)),
  );
  const contribution = (row: (typeof TINY)[number], side: 'base' | 'head') => {
    const gold = row[1];
    const orig = side === 'base' ? row[2] : row[4];
    const vars = side === 'base' ? row[3] : row[5];
    const origOk = orig === gold;
    let num = 0;
    let den = 0;
    for (const p of vars) {
      if (rate === 'drop') {
        num += (origOk ? 1 : 0) - (p === gold ? 1 : 0);
        den += 1;
      } else if (rate === 'flip') {
        num += p !== orig ? 1 : 0;
        den += 1;
      } else if (origOk) {
        num += p !== gold ? 1 : 0;
        den += 1;
      }
    }
    return { num, den };
  };
  const diffs: number[] = [];
  for (let b = 0; b < B; b++) {
    const sums = { base: { num: 0, den: 0 }, head: { num: 0, den: 0 } };
    classes.forEach((label, c) => {
      const members = byClass[c];
      const rng = createRng(rngKey(seed, 'bootstrap', label, b));
      for (let i = 0; i < members.length; i++) {
        const drawn = members[Math.floor(rng.next() * members.length)];
        for (const side of ['base', 'head'] as const) {
          const x = contribution(drawn, side);
          sums[side].num += x.num;
          sums[side].den += x.den;
        }
      }
    });
    if (sums.base.den > 0 && sums.head.den > 0)
      diffs.push(sums.head.num / sums.head.den - sums.base.num / sums.base.den);
  }
  diffs.sort((x, y) => x - y);
  return [quantile(diffs, 0.025), quantile(diffs, 0.975)];
}

async function tinyComparison() {
  return compareReports(
    pairReport(tinyRecords('base')),
    pairReport(tinyRecords('head'), { model: 'model-b' }),
    {
      maxRegression: 0,
    },
  );
}

describe('paired measurement on a tiny constructed pair', () => {
  it('gives the point estimates by hand', async () => {
    const c = await tinyComparison();
    const o = c.summary[0].overall;
    expect(o.n).toBe(10);
    expect(o.nExamples).toBe(5);
    // BASE: originals right a1 a2 b1; drop = (2+2+0+2+0 − correct variants 2+1+1+2+1)/10 = (6 − 7)/10
    expect(o.drop.base).toBeCloseTo(-0.1, 12);
    // HEAD: originals right a1 a2 a3 b1 b2; correct variants 1+0+2+0+1 = 4; drop = (10 − 4)/10
    expect(o.drop.head).toBeCloseTo(0.6, 12);
    expect(o.drop.diff).toBeCloseTo(0.7, 12);
    // break: BASE wrong among variants of a1 a2 b1 = 0+1+0 of 6; HEAD = 1+2+0+2+1 of 10
    expect(o.nFromCorrect).toEqual({ base: 6, head: 10 });
    expect(o.breakRate?.base).toBeCloseTo(1 / 6, 12);
    expect(o.breakRate?.head).toBeCloseTo(0.6, 12);
    // flips: BASE 0+1+1+0+1 = 3, HEAD 1+2+0+2+1 = 6
    expect(o.flipRate.diff).toBeCloseTo(0.3, 12);
    // right in BASE, wrong in HEAD: a1#1, a2#1, b1#0, b1#1, b2#1; wrong in BASE, right in HEAD: a3#1, b2#0
    expect(o.newlyBreaking).toBe(5);
    expect(o.newlyPassing).toBe(2);
    expect(c.newlyBreaking.total).toBe(5);
    expect(c.newlyPassing.total).toBe(2);
    expect(c.newlyPassing.top.map((v) => `${v.id}#${v.variant}`).sort()).toEqual(['a3#1', 'b2#0']);
  });

  it('has the CIs of an independent implementation of the paired bootstrap', async () => {
    const c = await tinyComparison();
    const pooled = c.summary[0];
    const own = c.results[0];
    const cases: [SliceComparison, Rate, readonly string[]][] = [
      [pooled.overall, 'drop', ['A', 'B']],
      [pooled.overall, 'flip', ['A', 'B']],
      [pooled.overall, 'break', ['A', 'B']],
      [own.overall, 'drop', ['A', 'B']],
      [pooled.perClass.A, 'drop', ['A']],
      [pooled.buckets.tail, 'flip', ['B']],
    ];
    for (const [slice, rate, classes] of cases) {
      const delta = rate === 'drop' ? slice.drop : rate === 'flip' ? slice.flipRate : slice.breakRate;
      const expected = independentCI(rate, classes, 7, 1000);
      expect(delta?.ci?.[0]).toBeCloseTo(expected[0], 12);
      expect(delta?.ci?.[1]).toBeCloseTo(expected[1], 12);
    }
  });

  it('withholds the break-rate CI when a report has fewer than 2 correct originals in the slice', async () => {
    const c = await tinyComparison();
    // Class B: BASE classifies only b1 correctly.
    expect(c.summary[0].perClass.B.breakRate).toMatchObject({ ci: null, ciNote: 'too few examples' });
  });
});

describe('joint resampling', () => {
  it('a constant per-example change has a zero-width paired CI, however noisy each report is', async () => {
    // Every example: original right in both; BASE gets k of 4 variants right (varies a lot), HEAD one fewer.
    const base: ExampleRecord[] = [];
    const head: ExampleRecord[] = [];
    for (let i = 0; i < 12; i++) {
      const gold = i % 2 ? 'B' : 'A';
      const wrong = gold === 'A' ? 'B' : 'A';
      const right = 1 + (i % 4); // 1…4 right variants in BASE
      const preds = (r: number) => Array.from({ length: 4 }, (_, v) => (v < r ? gold : wrong));
      const spec = (ps: string[]): VariantSpec[] => ps.map((p, v) => ['typo.swap', 1, v, `e${i} v${v}`, p]);
      base.push(example(`e${i}`, gold, gold, spec(preds(right))));
      head.push(example(`e${i}`, gold, gold, spec(preds(right - 1))));
    }
    const c = await compareReports(
      pairReport(base, { config: { variants: 4 } }),
      pairReport(head, { model: 'b', config: { variants: 4 } }),
    );
    const o = c.summary[0].overall;
    expect(o.drop.diff).toBeCloseTo(0.25, 12);
    expect(o.drop.ci?.[0]).toBeCloseTo(0.25, 12);
    expect(o.drop.ci?.[1]).toBeCloseTo(0.25, 12);
    // BASE's own drop varies from example to example: an unpaired view would be far from certain.
    expect(o.drop.base).toBeCloseTo(1 - 30 / 48, 12);
  });

  it('identical reports differ by zero everywhere', async () => {
    const records = tinyRecords('base');
    const c = await compareReports(pairReport(records), pairReport(tinyRecords('base'), { model: 'copy' }));
    for (const scope of [...c.summary, ...c.results]) {
      for (const slice of [
        scope.overall,
        ...Object.values(scope.buckets),
        ...Object.values(scope.perClass),
      ]) {
        expect(slice.drop.diff).toBe(0);
        expect(slice.flipRate.diff).toBe(0);
        if (slice.drop.ci) expect(slice.drop.ci).toEqual([0, 0]);
      }
    }
    expect(c.newlyBreaking.total + c.newlyPassing.total).toBe(0);
    expect(c.verdict).toMatch(/^No distinguishable change in robustness: pooled drop 0\.0 pp/);
  });
});

describe('determinism', () => {
  const shuffled = (records: ExampleRecord[]): ExampleRecord[] =>
    records
      .slice()
      .reverse()
      .map((r) => ({ ...r, variants: r.variants.slice().reverse() }));

  it('gives the same comparison byte for byte, in any record and variant order', async () => {
    const first = renderCompareJson(await tinyComparison());
    const again = renderCompareJson(await tinyComparison());
    const reordered = renderCompareJson(
      await compareReports(
        pairReport(shuffled(tinyRecords('base'))),
        pairReport(shuffled(tinyRecords('head')), { model: 'model-b' }),
        { maxRegression: 0 },
      ),
    );
    expect(again).toBe(first);
    expect(reordered).toBe(first);
  });

  it("resamples with the reports' seed: another seed, other draws", async () => {
    // 40 examples with varied outcomes (drawn once from a fixed key), so the interval moves with the draws.
    const rng = createRng('compare-seed-test');
    const rows = Array.from({ length: 40 }, (_, i) => {
      const gold = i % 2 ? 'B' : 'A';
      const pick = () => (rng.next() < 0.7 ? gold : gold === 'A' ? 'B' : 'A');
      return {
        id: `e${String(i).padStart(2, '0')}`,
        gold,
        base: [pick(), pick(), pick()],
        head: [pick(), pick(), pick()],
      };
    });
    const side = (s: 'base' | 'head') =>
      rows.map((r) =>
        example(
          r.id,
          r.gold,
          r[s][0],
          r[s].slice(1).map((p, v): VariantSpec => ['typo.swap', 1, v, `${r.id} v${v}`, p]),
        ),
      );
    const withSeed = (seed: number) =>
      compareReports(
        pairReport(side('base'), { config: { seed } }),
        pairReport(side('head'), { model: 'b', config: { seed } }),
      );
    const [seven, eight] = [await withSeed(7), await withSeed(8)];
    expect(eight.summary[0].overall.drop.diff).toBe(seven.summary[0].overall.drop.diff);
    expect(eight.summary[0].overall.drop.ci).not.toEqual(seven.summary[0].overall.drop.ci);
    expect((await withSeed(7)).summary[0].overall.drop.ci).toEqual(seven.summary[0].overall.drop.ci);
  });
});

describe('--max-regression', () => {
  const scope = (perturbation: string, diff: number, ci: [number, number] | null, n = 10): ScopeComparison =>
    ({
      perturbation,
      severity: 2,
      overall: { n, drop: { base: 0.1, head: 0.1 + diff, diff, ci, ciNote: ci ? null : 'too few examples' } },
      buckets: {},
      perClass: {},
    }) as unknown as ScopeComparison;

  it('fails a slice only when the rise exceeds the limit AND its CI lies above 0', () => {
    const gate = evaluateRegressionGate(
      {
        summary: [scope('*', 0.03, [0.01, 0.05])],
        results: [
          scope('typo.a', 0.08, [-0.01, 0.17]), // large but not distinguishable from 0
          scope('typo.b', 0.015, [0.005, 0.03]), // distinguishable but within the limit
          scope('typo.c', 0.2, null, 1), // no CI: cannot fail
          scope('typo.d', 0.05, [0, 0.1], 0), // no paired variant: not checked
        ],
      },
      0.02,
    );
    expect(gate.checks.map((c) => [c.perturbation, c.passed])).toEqual([
      ['*', false],
      ['typo.a', true],
      ['typo.b', true],
      ['typo.c', true],
    ]);
    expect(gate.passed).toBe(false);
    expect(gate.unevaluated).toBe(false);
  });

  it('a value exactly at the limit passes; a gate with nothing to check fails', () => {
    expect(
      evaluateRegressionGate({ summary: [scope('*', 0.05, [0.01, 0.09])], results: [] }, 0.05).passed,
    ).toBe(true);
    const empty = evaluateRegressionGate({ summary: [scope('*', 0, null, 0)], results: [] }, 0.05);
    expect(empty).toMatchObject({ passed: false, unevaluated: true, checks: [] });
  });

  it('takes a fraction in [0, 1]', () => {
    expect(checkMaxRegression(0)).toBe(0);
    expect(checkMaxRegression(1)).toBe(1);
    for (const bad of [5, -0.01, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => checkMaxRegression(bad)).toThrow(/--max-regression must be a fraction in \[0, 1\]/);
    }
  });
});
