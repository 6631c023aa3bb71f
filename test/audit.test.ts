import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit } from '../src/audit.ts';
import { fairnessResults } from '../src/measure/fairness.ts';
import { mergeReports } from '../src/merge.ts';
import { BUNDLED_EVAL_DATA, PACKAGE_ROOT } from '../src/paths.ts';
import { loadRegistryFrom } from '../src/perturb/registry.ts';
import {
  type ExampleRecord,
  GAP_METRICS,
  type GapMetric,
  isCounted,
  type Metrics,
  type Report,
  type Result,
  type VariantRecord,
} from '../src/types.ts';
import { createRng, rngKey } from '../src/util/rng.ts';

const work = mkdtempSync(join(tmpdir(), 'tailcheck-audit-'));
const cacheDir = join(work, 'cache');
afterAll(() => rmSync(work, { recursive: true, force: true }));

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(PACKAGE_ROOT, 'bin/tailcheck.js'), ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    cwd: work,
    env: { ...process.env, CI: '1', NO_COLOR: '1' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A small labelled slice of the bundled queries: 3 per intent for a spread of intents. */
function smallSet(): { id: string; text: string; label: string }[] {
  const rows = readFileSync(BUNDLED_EVAL_DATA, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { id: string; text: string; label: string });
  const perLabel = new Map<string, number>();
  return rows.filter((r) => {
    const k = perLabel.get(r.label) ?? 0;
    perLabel.set(r.label, k + 1);
    return k < 2;
  });
}

// ── Independent re-implementation of the README definitions, straight from examples[] ──
function recompute(
  examples: readonly ExampleRecord[],
  keep: (e: ExampleRecord, v: VariantRecord) => boolean,
) {
  let n = 0;
  let dropSum = 0;
  let correct = 0;
  let flips = 0;
  let startedRight = 0;
  let broke = 0;
  let confSum = 0;
  let inScope = 0;
  let cleanRight = 0;
  let robust = 0;
  for (const e of examples) {
    const vs = e.variants.filter((v) => isCounted(v) && keep(e, v));
    if (vs.length === 0) continue;
    inScope++;
    const orig = e.prediction === e.label ? 1 : 0;
    cleanRight += orig;
    let allRight = orig === 1;
    for (const v of vs) {
      const vc = v.prediction === e.label ? 1 : 0;
      n++;
      dropSum += orig - vc;
      correct += vc;
      flips += v.prediction !== e.prediction ? 1 : 0;
      confSum += e.goldProb - v.goldProb;
      if (orig) {
        startedRight++;
        broke += vc ? 0 : 1;
      }
      if (!vc) allRight = false;
    }
    robust += allRight ? 1 : 0;
  }
  return {
    n,
    nExamples: inScope,
    nFromCorrect: startedRight,
    /** in-scope examples whose original was classified correctly (the break rate's evidence) */
    correctExamples: cleanRight,
    drop: n ? dropSum / n : 0,
    perturbedAccuracy: n ? correct / n : 0,
    flipRate: n ? flips / n : 0,
    breakRate: startedRight ? broke / startedRight : 0,
    confidenceDrop: n ? confSum / n : 0,
    cleanAccuracy: inScope ? cleanRight / inScope : 0,
    robustAccuracy: inScope ? robust / inScope : 0,
  };
}

type Recomputed = ReturnType<typeof recompute>;

/** A metric of a recomputed slice: its value, its denominator (0 = no data) and the examples it rests on. */
function rateOf(r: Recomputed, metric: GapMetric): { value: number; den: number; examples: number } {
  if (metric === 'break') return { value: r.breakRate, den: r.nFromCorrect, examples: r.correctExamples };
  return { value: metric === 'flip' ? r.flipRate : r.drop, den: r.n, examples: r.nExamples };
}

const CI_OF = { drop: 'dropCI', flip: 'flipRateCI', break: 'breakRateCI' } as const;

function expectMatches(m: Metrics, r: Recomputed): void {
  expect(m.n).toBe(r.n);
  expect(m.nExamples).toBe(r.nExamples);
  expect(m.nFromCorrect).toBe(r.nFromCorrect);
  // README: a CI needs two in-scope examples (for the break rate: two classified correctly)
  for (const metric of GAP_METRICS) {
    const { den, examples } = rateOf(r, metric);
    expect(m[CI_OF[metric]] === null, `${metric} CI`).toBe(den === 0 || examples < 2);
  }
  for (const key of [
    'drop',
    'perturbedAccuracy',
    'flipRate',
    'breakRate',
    'confidenceDrop',
    'cleanAccuracy',
    'robustAccuracy',
  ] as const) {
    expect(m[key], key).toBeCloseTo(r[key], 10);
  }
}

/** The changed variants a result counts: its severity, and its perturbation unless pooled ('*'). */
function inResult(res: Result): (v: VariantRecord) => boolean {
  return (v) =>
    v.severity === res.severity && (res.perturbation === '*' || v.perturbation === res.perturbation);
}

/** README: weighted least squares of y on x; null with fewer than 3 points or no spread in x. */
function weightedSlope(points: readonly { x: number; y: number; w: number }[]): number | null {
  if (points.length < 3) return null;
  const sw = points.reduce((s, p) => s + p.w, 0);
  const mx = points.reduce((s, p) => s + p.w * p.x, 0) / sw;
  const my = points.reduce((s, p) => s + p.w * p.y, 0) / sw;
  const sxx = points.reduce((s, p) => s + p.w * (p.x - mx) ** 2, 0);
  const sxy = points.reduce((s, p) => s + p.w * (p.x - mx) * (p.y - my), 0);
  return sxx / sw > 1e-12 ? sxy / sxx : null;
}

// ── Independent bootstrap: the resampling scheme of the README / bootstrap.ts, written out plainly ──

/** The sums of the examples one resample drew for one class. */
interface Drawn {
  /** examples drawn */
  examples: number;
  /** examples drawn whose original was classified correctly */
  correct: number;
  /** their changed variants; Σ(original correct − variant correct); flips */
  k: number;
  dropSum: number;
  flips: number;
  /** changed variants of correct originals drawn, and those of them now wrong */
  fromCorrect: number;
  broken: number;
}

const codeUnitOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Per class, the B resamples of one result's scope: each class with ≥ 2 in-scope examples resampled on
 * its own with rng (seed, 'bootstrap', label, b); classes with a single in-scope example pooled per
 * bucket (in class order) with rng (seed, 'bootstrap-pool', bucket, b). Examples are in set order (id);
 * each draw is floor(u · m) for the next uniform u; an example carries all its counted variants.
 */
function bootstrapByClass(
  report: Report,
  examples: readonly ExampleRecord[],
  match: (v: VariantRecord) => boolean,
) {
  const { seed } = report.config;
  const B = report.config.bootstrap.resamples;
  const members = new Map<string, { id: string; carried: Drawn }[]>();
  for (const e of examples) {
    const vs = e.variants.filter((v) => isCounted(v) && match(v));
    if (vs.length === 0) continue;
    const orig = e.prediction === e.label ? 1 : 0;
    const wrong = vs.filter((v) => v.prediction !== e.label).length;
    const carried: Drawn = {
      examples: 1,
      correct: orig,
      k: vs.length,
      dropSum: orig * vs.length - (vs.length - wrong),
      flips: vs.filter((v) => v.prediction !== e.prediction).length,
      fromCorrect: orig * vs.length,
      broken: orig * wrong,
    };
    const list = members.get(e.label) ?? [];
    list.push({ id: e.id, carried });
    members.set(e.label, list);
  }
  for (const list of members.values()) list.sort((a, b) => codeUnitOrder(a.id, b.id));

  const known = report.classes.map((c) => c.label);
  const others = [...members.keys()].filter((l) => !known.includes(l)).sort(codeUnitOrder);
  const bucketOf = new Map(report.classes.map((c) => [c.label, c.bucket]));
  const drawn = new Map<string, Drawn[]>();
  const add = (label: string, x: Drawn, b: number): void => {
    let perResample = drawn.get(label);
    if (!perResample) {
      perResample = Array.from({ length: B }, () => ({
        examples: 0,
        correct: 0,
        k: 0,
        dropSum: 0,
        flips: 0,
        fromCorrect: 0,
        broken: 0,
      }));
      drawn.set(label, perResample);
    }
    const into = perResample[b];
    for (const key of Object.keys(into) as (keyof Drawn)[]) into[key] += x[key];
  };
  const pools = new Map<string, { label: string; carried: Drawn }[]>();
  for (const label of [...known, ...others]) {
    const list = members.get(label) ?? [];
    if (list.length >= 2) {
      for (let b = 0; b < B; b++) {
        const rng = createRng(rngKey(seed, 'bootstrap', label, b));
        for (let i = 0; i < list.length; i++)
          add(label, list[Math.floor(rng.next() * list.length)].carried, b);
      }
    } else if (list.length === 1) {
      const bucket = bucketOf.get(label) ?? '';
      pools.set(bucket, [...(pools.get(bucket) ?? []), { label, carried: list[0].carried }]);
    }
  }
  for (const [bucket, pool] of pools) {
    for (let b = 0; b < B; b++) {
      const rng = createRng(rngKey(seed, 'bootstrap-pool', bucket, b));
      for (let i = 0; i < pool.length; i++) {
        const picked = pool[Math.floor(rng.next() * pool.length)];
        add(picked.label, picked.carried, b);
      }
    }
  }
  return { drawn, pools, B };
}

/** The resampled rate (NaN when the resample drew no denominator) of a set of classes. */
function resampledRate(
  drawn: ReadonlyMap<string, Drawn[]>,
  labels: readonly string[],
  metric: GapMetric,
  b: number,
) {
  let num = 0;
  let den = 0;
  for (const label of labels) {
    const d = drawn.get(label)?.[b];
    if (!d) continue;
    num += metric === 'break' ? d.broken : metric === 'flip' ? d.flips : d.dropSum;
    den += metric === 'break' ? d.fromCorrect : d.k;
  }
  return den > 0 ? num / den : Number.NaN;
}

/** Type-7 percentile interval (linear interpolation between order statistics) over the non-NaN values. */
function percentileCI(values: readonly number[], confidence: number, point: number): [number, number] {
  const sorted = values.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (sorted.length === 0) return [point, point];
  const quantile = (p: number): number => {
    const h = (sorted.length - 1) * p;
    const lo = Math.floor(h);
    const hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  };
  const alpha = 1 - confidence;
  return [quantile(alpha / 2), quantile(1 - alpha / 2)];
}

function expectInterval(
  actual: [number, number] | null,
  expected: [number, number] | null,
  what: string,
): void {
  if (expected === null) {
    expect(actual, what).toBeNull();
    return;
  }
  expect(actual, what).not.toBeNull();
  expect(actual![0], `${what} low`).toBeCloseTo(expected[0], 9);
  expect(actual![1], `${what} high`).toBeCloseTo(expected[1], 9);
}

describe('audit on the bundled model', () => {
  let report: Report;
  beforeAll(async () => {
    report = await audit({
      data: smallSet(),
      perturb: 'typo.keyboard,typo.swap,synonym.wordnet,paraphrase.contraction',
      severity: [1, 3],
      variants: 2,
      cacheDir,
    });
  });

  it('writes a complete tailcheck/report@2 with per-example records', () => {
    expect(report.schema).toBe('tailcheck/report@2');
    expect(report.config.frequencySource).toBe('model');
    expect(report.config.buckets.mode).toBe('shots');
    expect(report.buckets.map((b) => b.name)).toEqual(['many', 'medium', 'few']);
    expect(report.classes).toHaveLength(77);
    expect(report.examples?.length).toBe(smallSet().length);
    expect(report.results.map((r) => `${r.perturbation}@${r.severity}`)).toEqual([
      // contraction and synonym.wordnet declare levels 1 and 2: their severity-3 pairs are not run, and
      // the report says so
      'paraphrase.contraction@1',
      'synonym.wordnet@1',
      'typo.keyboard@1',
      'typo.keyboard@3',
      'typo.swap@1',
      'typo.swap@3',
    ]);
    expect(report.verdict.length).toBeGreaterThan(20);
    expect(report.warnings).toContain(
      'not run, the perturbation has no such level: paraphrase.contraction at severity 3; synonym.wordnet at severity 3 (--severity all runs every level each perturbation has)',
    );
    expect(report.config.severities).toEqual([1, 3]);
  });

  it('every drop (overall, per bucket, per class, pooled) equals the value recomputed from examples[]', () => {
    const examples = report.examples as ExampleRecord[];
    const bucketOf = new Map(report.classes.map((c) => [c.label, c.bucket]));
    let checked = 0;
    for (const res of [...report.results, ...report.summary]) {
      const match = (v: VariantRecord) =>
        v.severity === res.severity && (res.perturbation === '*' || v.perturbation === res.perturbation);
      expectMatches(
        res.overall,
        recompute(examples, (_e, v) => match(v)),
      );
      expect(res.overall.dropCI![0]).toBeLessThanOrEqual(res.overall.dropCI![1]);
      for (const [bucket, m] of Object.entries(res.buckets)) {
        expectMatches(
          m,
          recompute(examples, (e, v) => match(v) && bucketOf.get(e.label) === bucket),
        );
        checked++;
      }
      for (const [label, m] of Object.entries(res.perClass)) {
        expectMatches(
          m,
          recompute(examples, (e, v) => match(v) && e.label === label),
        );
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('every head-tail gap and tail slope (break, flip, drop) equals the one recomputed from examples[]', () => {
    // README: gap = metric of the last bucket with data for it − that of the first; slope = weighted
    // least squares of the per-class metric on ln(training count) over classes with a training count and
    // data, weighted by in-scope examples (drop, flip) or in-scope examples classified correctly (break).
    const examples = report.examples as ExampleRecord[];
    const trainCount = new Map(report.classes.map((c) => [c.label, c.trainCount]));
    const labels = [...new Set(examples.map((e) => e.label))];
    const fitted: Record<GapMetric, number> = { break: 0, flip: 0, drop: 0 };
    const gaps: Record<GapMetric, number> = { break: 0, flip: 0, drop: 0 };
    let unequalWeights = 0;
    for (const res of [...report.results, ...report.summary]) {
      const match = inResult(res);
      const where = `${res.perturbation} s${res.severity}`;
      expect(res.headTailGap).toEqual(res.headTailGaps[report.config.gapMetric]);
      expect(res.tailSlope).toEqual(res.tailSlopes[report.config.gapMetric]);
      const perBucket = report.buckets.map((b) => ({
        name: b.name,
        r: recompute(examples, (e, v) => match(v) && b.labels.includes(e.label)),
      }));
      const perClass = labels.map((label) => ({
        count: trainCount.get(label) ?? 0,
        r: recompute(examples, (e, v) => match(v) && e.label === label),
      }));
      for (const metric of GAP_METRICS) {
        const withData = perBucket.filter((b) => rateOf(b.r, metric).den > 0);
        const gap = res.headTailGaps[metric];
        if (withData.length < 2) {
          expect(gap, `${where} ${metric} gap`).toBeNull();
        } else {
          const head = withData[0];
          const tail = withData[withData.length - 1];
          expect(gap, `${where} ${metric} gap`).toMatchObject({ metric, head: head.name, tail: tail.name });
          expect(gap!.value, `${where} ${metric} gap`).toBeCloseTo(
            rateOf(tail.r, metric).value - rateOf(head.r, metric).value,
            10,
          );
          gaps[metric]++;
        }
        const points = perClass
          .filter((c) => c.count > 0 && rateOf(c.r, metric).den > 0)
          .map((c) => ({
            x: Math.log(c.count),
            y: rateOf(c.r, metric).value,
            w: rateOf(c.r, metric).examples,
          }));
        const expected = weightedSlope(points);
        const slope = res.tailSlopes[metric];
        if (expected === null) {
          expect(slope, `${where} ${metric} slope`).toBeNull();
          continue;
        }
        expect(slope, `${where} ${metric} slope`).toMatchObject({
          metric,
          weights: metric === 'break' ? 'correctExamples' : 'examples',
        });
        expect(slope!.value, `${where} ${metric} slope`).toBeCloseTo(expected, 10);
        if (new Set(points.map((p) => p.w)).size > 1) unequalWeights++;
        fitted[metric]++;
      }
    }
    for (const metric of GAP_METRICS) {
      expect(fitted[metric], metric).toBeGreaterThan(5);
      expect(gaps[metric], metric).toBeGreaterThan(5);
    }
    // Some fits (synonym.wordnet changes only some texts; some originals are misclassified) have classes
    // of 1 and 2 in-scope (or correct) examples, where the weighted and the unweighted fit differ.
    expect(unequalWeights).toBeGreaterThan(0);
  });

  it('every CI (rates, gaps, slopes) equals an independent bootstrap of examples[]', () => {
    const examples = report.examples as ExampleRecord[];
    const { confidence } = report.config.bootstrap;
    const trainCount = new Map(report.classes.map((c) => [c.label, c.trainCount]));
    const compared: Record<GapMetric, { rates: number; gaps: number; slopes: number }> = {
      break: { rates: 0, gaps: 0, slopes: 0 },
      flip: { rates: 0, gaps: 0, slopes: 0 },
      drop: { rates: 0, gaps: 0, slopes: 0 },
    };
    let pooledClasses = 0;
    for (const res of [...report.results, ...report.summary]) {
      const match = inResult(res);
      const where = `${res.perturbation} s${res.severity}`;
      const { drawn, pools, B } = bootstrapByClass(report, examples, match);
      for (const pool of pools.values()) pooledClasses += pool.length;
      const resamples = (labels: readonly string[], metric: GapMetric): number[] =>
        Array.from({ length: B }, (_, b) => resampledRate(drawn, labels, metric, b));
      const sliceCI = (
        r: Recomputed,
        labels: readonly string[],
        metric: GapMetric,
      ): [number, number] | null => {
        const { value, den, examples: n } = rateOf(r, metric);
        return den === 0 || n < 2 ? null : percentileCI(resamples(labels, metric), confidence, value);
      };
      const slices: [string, Metrics, string[]][] = [
        ['overall', res.overall, [...drawn.keys(), ...report.classes.map((c) => c.label)]],
        ...report.buckets.map((b): [string, Metrics, string[]] => [b.name, res.buckets[b.name], b.labels]),
        ...Object.entries(res.perClass).map(([label, m]): [string, Metrics, string[]] => [label, m, [label]]),
      ];
      for (const [name, m, labels] of slices) {
        const unique = [...new Set(labels)];
        const r = recompute(examples, (e, v) => match(v) && unique.includes(e.label));
        for (const metric of GAP_METRICS) {
          const expected = sliceCI(r, unique, metric);
          expectInterval(m[CI_OF[metric]], expected, `${where} ${name} ${metric} CI`);
          if (expected) compared[metric].rates++;
        }
      }
      for (const metric of GAP_METRICS) {
        const gap = res.headTailGaps[metric];
        if (gap) {
          const labelsOf = (name: string) => report.buckets.find((b) => b.name === name)!.labels;
          const side = (name: string) =>
            recompute(examples, (e, v) => match(v) && labelsOf(name).includes(e.label));
          const enough =
            Math.min(rateOf(side(gap.head), metric).examples, rateOf(side(gap.tail), metric).examples) >= 2;
          const head = resamples(labelsOf(gap.head), metric);
          const tail = resamples(labelsOf(gap.tail), metric);
          const expected = enough
            ? percentileCI(
                tail.map((t, b) => t - head[b]),
                confidence,
                gap.value,
              )
            : null;
          expectInterval(gap.ci, expected, `${where} ${metric} gap CI`);
          expect(gap.ciNote).toBe(expected ? null : 'too few examples');
          if (expected) compared[metric].gaps++;
        }
        const slope = res.tailSlopes[metric];
        if (slope) {
          // The classes of the point fit; in each resample a class weighs its examples drawn (break: its
          // correctly classified examples drawn) and is left out when it drew no denominator.
          const fitClasses = Object.keys(res.perClass).filter((label) => {
            const r = recompute(examples, (e, v) => match(v) && e.label === label);
            return (trainCount.get(label) ?? 0) > 0 && rateOf(r, metric).den > 0;
          });
          const slopes = Array.from({ length: B }, (_, b) => {
            const points = fitClasses.flatMap((label) => {
              const d = drawn.get(label)![b];
              const den = metric === 'break' ? d.fromCorrect : d.k;
              const w = metric === 'break' ? d.correct : d.examples;
              if (den === 0 || w <= 0) return [];
              return [
                { x: Math.log(trainCount.get(label)!), y: resampledRate(drawn, [label], metric, b), w },
              ];
            });
            return weightedSlope(points) ?? Number.NaN;
          });
          expectInterval(
            slope.ci,
            percentileCI(slopes, confidence, slope.value),
            `${where} ${metric} slope CI`,
          );
          compared[metric].slopes++;
        }
      }
    }
    for (const metric of GAP_METRICS) {
      expect(compared[metric].rates, metric).toBeGreaterThan(100);
      expect(compared[metric].gaps, metric).toBeGreaterThan(5);
      expect(compared[metric].slopes, metric).toBeGreaterThan(5);
    }
    // The pooled single-example strata are exercised too.
    expect(pooledClasses).toBeGreaterThan(0);
  });

  it('severity 3 typos hurt more than severity 1 (the model is real and the severities mean something)', () => {
    const pooled = new Map(report.summary.map((r) => [r.severity, r.overall.drop]));
    expect(pooled.get(3)).toBeGreaterThan(pooled.get(1) as number);
  });

  it('is deterministic: a second run (from the cache) gives the identical report', async () => {
    const again = await audit({
      data: smallSet(),
      perturb: 'typo.keyboard,typo.swap,synonym.wordnet,paraphrase.contraction',
      severity: [1, 3],
      variants: 2,
      cacheDir,
    });
    expect(again).toEqual(report);
  });

  it('logit adjustment is reported side by side and recomputable from adjusted predictions', async () => {
    const adjusted = await audit({
      data: smallSet(),
      perturb: 'typo.keyboard',
      severity: 2,
      variants: 2,
      cacheDir,
      logitAdjust: 1,
    });
    expect(adjusted.config.logitAdjust).toEqual({ tau: 1 });
    const la = adjusted.logitAdjusted;
    expect(la).not.toBeNull();
    const examples = (adjusted.examples as ExampleRecord[]).map((e) => ({
      ...e,
      prediction: e.adjustedPrediction as string,
      goldProb: e.adjustedGoldProb as number,
      variants: e.variants.map((v) => ({
        ...v,
        prediction: v.adjustedPrediction as string,
        goldProb: v.adjustedGoldProb as number,
      })),
    }));
    expectMatches(
      la?.results[0]?.overall as Metrics,
      recompute(examples, () => true),
    );
    // τ > 0 moves predictions towards rare classes: at least one prediction differs.
    expect((adjusted.examples as ExampleRecord[]).some((e) => e.adjustedPrediction !== e.prediction)).toBe(
      true,
    );
  });
});

/**
 * A perturbation declaring the fairness slice `gender`, written for this test into a perturbations
 * folder of its own (the bundled entity perturbations are not this test's subject): it swaps gendered
 * words and turns the first person into the third ("I lost my card" → "She lost her card").
 */
const PRONOUN_MODULE = `const SWAPS = { he: 'she', she: 'he', him: 'her', his: 'her', her: 'his', my: 'her', i: 'she', me: 'her', mr: 'ms', ms: 'mr' };
export default {
  name: 'entity.pronoun',
  family: 'entity',
  tag: 'natural',
  fairness: 'gender',
  description: 'test fixture: swaps gendered words, first person to third',
  severities: { 1: 'every gendered or first-person word' },
  meaning: { exempt: 'test fixture' },
  apply(text, ctx) {
    const edits = [];
    for (const m of text.matchAll(/[A-Za-z]+/g)) {
      const to = SWAPS[m[0].toLowerCase()];
      const end = m.index + m[0].length;
      if (!to || !ctx.isFree(m.index, end)) continue;
      const upper = m[0][0] !== m[0][0].toLowerCase();
      edits.push({ start: m.index, end, replacement: upper ? to[0].toUpperCase() + to.slice(1) : to });
    }
    return edits;
  },
};
`;

describe('fairness slices of an audit, recomputed from examples[]', () => {
  const dir = join(work, 'perturbations');
  let report: Report;
  let reportFile: string;
  const run = async (shard?: { index: number; count: number }) =>
    audit({
      data: smallSet(),
      perturb: 'entity.pronoun',
      registry: await loadRegistryFrom(dir),
      severity: 1,
      variants: 1,
      cacheDir,
      shard,
    });
  beforeAll(async () => {
    mkdirSync(join(dir, 'entity'), { recursive: true });
    writeFileSync(join(dir, 'entity', 'pronoun.js'), PRONOUN_MODULE);
    report = await run();
    reportFile = join(work, 'fairness-report.json');
    writeFileSync(reportFile, JSON.stringify(report));
  });

  it('has one entry per severity of the perturbation declaring the slice, derived from its result', () => {
    expect(report.fairness.map((f) => [f.slice, f.perturbation, f.severity])).toEqual([
      ['gender', 'entity.pronoun', 1],
    ]);
    expect(report.fairness).toEqual(fairnessResults(report.results, { 'entity.pronoun': 'gender' }));
    expect(report.fairness[0]!.overall.n).toBeGreaterThan(50);
  });

  it('every failure rate, CI and tail gap equals the one recomputed independently from examples[]', () => {
    const examples = report.examples as ExampleRecord[];
    const { confidence } = report.config.bootstrap;
    let compared = 0;
    for (const entry of report.fairness) {
      const match = (v: VariantRecord) =>
        v.perturbation === entry.perturbation && v.severity === entry.severity;
      const { drawn, B } = bootstrapByClass(report, examples, match);
      const slices: [string, Report['fairness'][number]['overall'], string[]][] = [
        ['overall', entry.overall, [...drawn.keys()]],
        ...report.buckets.map((b): [string, Report['fairness'][number]['overall'], string[]] => [
          b.name,
          entry.buckets[b.name]!,
          b.labels,
        ]),
      ];
      for (const [name, rate, labels] of slices) {
        // the invariance failure rate: share of changed variants whose prediction changed
        const r = recompute(examples, (e, v) => match(v) && labels.includes(e.label));
        expect(rate.n, name).toBe(r.n);
        expect(rate.nExamples, name).toBe(r.nExamples);
        expect(rate.failRate, name).toBeCloseTo(r.flipRate, 12);
        const resamples = Array.from({ length: B }, (_, b) => resampledRate(drawn, labels, 'flip', b));
        expectInterval(
          rate.failRateCI,
          r.n === 0 || r.nExamples < 2 ? null : percentileCI(resamples, confidence, r.flipRate),
          `${name} failure rate CI`,
        );
        compared++;
      }
      const withData = report.buckets.filter(
        (b) => recompute(examples, (e, v) => match(v) && b.labels.includes(e.label)).n > 0,
      );
      expect(withData.length).toBeGreaterThanOrEqual(2);
      const rateIn = (labels: readonly string[]) =>
        recompute(examples, (e, v) => match(v) && labels.includes(e.label)).flipRate;
      const [head, tail] = [withData[0]!, withData.at(-1)!];
      expect(entry.tailGap).toMatchObject({ metric: 'flip', head: head.name, tail: tail.name });
      expect(entry.tailGap!.value).toBeCloseTo(rateIn(tail.labels) - rateIn(head.labels), 12);
    }
    expect(compared).toBe(report.fairness.length * (report.buckets.length + 1));
  });

  it('merged shards carry the fairness slices of the unsharded run', async () => {
    const shards = [await run({ index: 1, count: 2 }), await run({ index: 2, count: 2 })];
    expect(shards.every((s) => s.fairness.length === 1)).toBe(true);
    const merged = await mergeReports(shards);
    expect(merged.fairness).toEqual(report.fairness);
  });

  it('tailcheck merge --max-fairness-failure: exit 1 with a GATE FAILED line above the rate, 0 at it', () => {
    const rate = report.fairness[0]!.overall.failRate;
    expect(rate).toBeGreaterThan(0);
    const failing = cli(['merge', reportFile, '--max-fairness-failure', String(rate / 2), '--quiet']);
    expect(failing.status, failing.stderr).toBe(1);
    expect(failing.stderr).toContain(
      'GATE FAILED maxFairnessFailure: fairness slice gender (entity.pronoun), severity 1: invariance failure rate',
    );
    expect(failing.stderr).toContain(`(--max-fairness-failure ${rate / 2})`);
    const passing = cli(['merge', reportFile, '--max-fairness-failure', String(rate), '--quiet']);
    expect(passing.status, passing.stderr).toBe(0);
    expect(passing.stderr).not.toContain('GATE FAILED');
  });
});

describe('tailcheck audit CLI', () => {
  const small = join(work, 'small.jsonl');
  beforeAll(() => {
    writeFileSync(
      small,
      `${smallSet()
        .map((r) => JSON.stringify(r))
        .join('\n')}\n`,
    );
  });
  const base = ['audit', '--data', small, '--cache-dir', cacheDir, '--variants', '1'];

  it('gates: --max-drop exceeded → exit 1; generous limits → exit 0; JSON to stdout with --json -', () => {
    const failing = cli([...base, '--perturb', 'typo', '--severity', '3', '--max-drop', '0', '--json', '-']);
    expect(failing.stderr).toContain('GATE FAILED');
    expect(failing.status).toBe(1);
    const parsed = JSON.parse(failing.stdout) as Report;
    expect(parsed.summary[0]?.overall.drop).toBeGreaterThan(0);

    const passing = cli([
      ...base,
      '--perturb',
      'typo',
      '--severity',
      '3',
      '--max-drop',
      '1',
      '--max-tail-drop',
      '1',
    ]);
    expect(passing.status).toBe(0);
    expect(passing.stdout).toContain('verdict');
  });

  it('gates: --max-tail-drop checks the tail bucket and writes JUnit', () => {
    const junit = join(work, 'gates.xml');
    const r = cli([
      ...base,
      '--perturb',
      'typo',
      '--severity',
      '3',
      '--max-tail-drop',
      '0',
      '--junit',
      junit,
    ]);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('<testsuite');
    const report = JSON.parse(
      cli([...base, '--perturb', 'typo', '--severity', '3', '--json', '-', '--quiet']).stdout,
    ) as Report;
    const tail = report.buckets.at(-1)?.name as string;
    const measured = report.results.filter((res) => (res.buckets[tail]?.n ?? 0) > 0);
    // A tail bucket without data anywhere cannot be checked, and that fails too.
    expect(r.status).toBe(
      measured.length === 0 || measured.some((res) => res.buckets[tail]!.drop > 0) ? 1 : 0,
    );
  });

  it('gates: --max-tail-drop with no data in the tail bucket fails (exit 1) and is a failed JUnit case', () => {
    const classes = (
      JSON.parse(cli([...base, '--perturb', 'typo.swap', '--json', '-', '--quiet']).stdout) as Report
    ).classes;
    const head = new Set(classes.filter((c) => c.bucket === 'many').map((c) => c.label));
    const headOnly = join(work, 'head-only.jsonl');
    writeFileSync(
      headOnly,
      smallSet()
        .filter((row) => head.has(row.label))
        .map((row) => JSON.stringify(row))
        .join('\n'),
    );
    const junit = join(work, 'tail-gate.xml');
    const args = ['audit', '--data', headOnly, '--cache-dir', cacheDir, '--perturb', 'typo.swap'];
    const r = cli([...args, '--max-tail-drop', '1', '--junit', junit]);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toContain('GATE FAILED maxTailDrop: not evaluated — the tail bucket "few"');
    expect(r.stdout).not.toContain('GATE FAILED');
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/<testsuites tests="1" failures="1"/);
    expect(xml).toContain('maxTailDrop not evaluated');
    // --max-drop alone still passes on the same run: only the gate with nothing to check fails.
    expect(cli([...args, '--max-drop', '1', '--quiet']).status).toBe(0);
  });

  it('gates: --max-fairness-failure without a perturbation declaring a fairness slice fails (exit 1), saying so', () => {
    const r = cli([...base, '--perturb', 'typo.swap', '--max-fairness-failure', '0.5', '--quiet']);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toContain(
      'GATE FAILED maxFairnessFailure: not evaluated — no audited perturbation declares a fairness slice',
    );
    expect(cli([...base, '--perturb', 'typo.swap', '--max-fairness-failure', '5']).status).toBe(2);
  });

  it('bad input → exit 2 naming file and line', () => {
    const bad = join(work, 'bad.jsonl');
    writeFileSync(bad, '{"text": "where is my card", "label": "card_arrival"}\n{"text": "oops", "label": \n');
    const r = cli(['audit', '--data', bad, '--cache-dir', cacheDir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('bad.jsonl');
    expect(r.stderr).toMatch(/line 2/);
  });

  it('labels unknown to the model → exit 2 listing them, fixed by --label-map', () => {
    const odd = join(work, 'odd.jsonl');
    writeFileSync(
      odd,
      [
        { text: 'my card has not arrived yet', label: 'card-arrival' },
        { text: 'I want to change my PIN', label: 'pin' },
        { text: 'where is the card I ordered', label: 'card-arrival' },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n'),
    );
    const r = cli(['audit', '--data', odd, '--cache-dir', cacheDir, '--perturb', 'typo.swap']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('"card-arrival"');
    expect(r.stderr).toContain('"pin"');
    expect(r.stderr).toContain('--label-map');
    const map = join(work, 'map.json');
    writeFileSync(map, JSON.stringify({ 'card-arrival': 'card_arrival', pin: 'change_pin' }));
    const fixed = cli([
      'audit',
      '--data',
      odd,
      '--cache-dir',
      cacheDir,
      '--perturb',
      'typo.swap',
      '--label-map',
      map,
    ]);
    expect(fixed.status).toBe(0);
  });

  it('bucket modes: shots, quantile:K, thresholds, and a clear error for a bad spec', () => {
    const buckets = (spec: string) =>
      (
        JSON.parse(
          cli([...base, '--perturb', 'typo.swap', '--buckets', spec, '--json', '-', '--quiet']).stdout,
        ) as Report
      ).buckets;
    const shots = buckets('shots');
    expect(shots.map((b) => b.name)).toEqual(['many', 'medium', 'few']);
    expect(shots[0]?.minCount).toBeGreaterThan(100);
    expect(shots[2]?.maxCount).toBeLessThan(20);
    const q4 = buckets('quantile:4');
    expect(q4).toHaveLength(4);
    expect(q4.reduce((s, b) => s + b.labels.length, 0)).toBe(77);
    const th = buckets('thresholds:10,50');
    expect(th).toHaveLength(3);
    const bad = cli([...base, '--perturb', 'typo.swap', '--buckets', 'deciles']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/quantile/);
  });

  it('usage errors → exit 2', () => {
    expect(cli([...base, '--severity', '5']).status).toBe(2);
    expect(cli([...base, '--perturb', 'typo.nonexistent']).status).toBe(2);
    expect(cli([...base, '--shard', '3/2']).status).toBe(2);
    expect(cli(['audit', '--data', join(work, 'missing.jsonl')]).status).toBe(2);
  });
});
