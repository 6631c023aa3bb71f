import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit } from '../src/audit.ts';
import { BUNDLED_EVAL_DATA, PACKAGE_ROOT } from '../src/paths.ts';
import {
  type ExampleRecord,
  isCounted,
  type Metrics,
  type Report,
  type VariantRecord,
} from '../src/types.ts';

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
    drop: n ? dropSum / n : 0,
    perturbedAccuracy: n ? correct / n : 0,
    flipRate: n ? flips / n : 0,
    breakRate: startedRight ? broke / startedRight : 0,
    confidenceDrop: n ? confSum / n : 0,
    cleanAccuracy: inScope ? cleanRight / inScope : 0,
    robustAccuracy: inScope ? robust / inScope : 0,
  };
}

function expectMatches(m: Metrics, r: ReturnType<typeof recompute>): void {
  expect(m.n).toBe(r.n);
  expect(m.nExamples).toBe(r.nExamples);
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

  it('every tail slope equals the weighted least-squares fit recomputed from examples[]', () => {
    // README: per-class drop against ln(training count), each class weighted by its in-scope examples,
    // over classes with training count > 0 and a changed variant; null with fewer than 3 such classes.
    const examples = report.examples as ExampleRecord[];
    const trainCount = new Map(report.classes.map((c) => [c.label, c.trainCount]));
    let fitted = 0;
    let unequalWeights = 0;
    for (const res of [...report.results, ...report.summary]) {
      const match = (v: VariantRecord) =>
        v.severity === res.severity && (res.perturbation === '*' || v.perturbation === res.perturbation);
      const points: { x: number; y: number; w: number }[] = [];
      for (const label of new Set(examples.map((e) => e.label))) {
        const count = trainCount.get(label) ?? 0;
        const c = recompute(examples, (e, v) => match(v) && e.label === label);
        if (c.n > 0 && count > 0) points.push({ x: Math.log(count), y: c.drop, w: c.nExamples });
      }
      const sw = points.reduce((s, p) => s + p.w, 0);
      const mx = points.reduce((s, p) => s + p.w * p.x, 0) / sw;
      const my = points.reduce((s, p) => s + p.w * p.y, 0) / sw;
      const sxx = points.reduce((s, p) => s + p.w * (p.x - mx) ** 2, 0);
      const sxy = points.reduce((s, p) => s + p.w * (p.x - mx) * (p.y - my), 0);
      if (points.length < 3 || sxx / sw <= 1e-12) {
        expect(res.tailSlope).toBeNull();
        continue;
      }
      expect(res.tailSlope?.value, `${res.perturbation} s${res.severity}`).toBeCloseTo(sxy / sxx, 10);
      if (new Set(points.map((p) => p.w)).size > 1) unequalWeights++;
      fitted++;
    }
    expect(fitted).toBeGreaterThan(5);
    // Some fits (synonym.wordnet changes only some texts) have classes of 1 and 2 in-scope examples,
    // where the weighted and the unweighted fit differ.
    expect(unequalWeights).toBeGreaterThan(0);
    expect(report.summary.every((r) => r.tailSlope === null || r.tailSlope.weights === 'examples')).toBe(
      true,
    );
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
    expect(r.stdout).toContain('GATE FAILED: maxTailDrop: not evaluated — the tail bucket "few"');
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/<testsuites tests="1" failures="1"/);
    expect(xml).toContain('maxTailDrop not evaluated');
    // --max-drop alone still passes on the same run: only the gate with nothing to check fails.
    expect(cli([...args, '--max-drop', '1', '--quiet']).status).toBe(0);
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
