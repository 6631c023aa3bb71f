/**
 * Worst-case attack (issue 15): the greedy word-importance search against the seeded random search,
 * with the same candidates (default `--attack-perturb typo,synonym`) and budgets (`--max-edits 20%`),
 * at query budgets 25, 50 and 200, on (a) the bundled model + bundled queries and (b) a deterministic
 * sample of BANKING77 test (../shared/data: read, never copied). Per configuration: both success rates
 * (CI), the paired class-stratified bootstrap CI of greedy − random, median queries-to-flip (over each
 * search's successes and over the examples both flipped) and the ratio, edits-to-flip by bucket (CI).
 * Then speed (model calls and wall time; time per example on 10-, 20- and 40-word texts made of
 * BANKING77 test texts) and the cache (the same attack again with the same cache folder: model calls,
 * report bytes).
 *
 * Every attack runs in a process of its own (model load and JIT included in its wall time) with a
 * cache folder of its own under --cache-dir: a folder that did not exist is a cold run, and the tables
 * say so. A re-run with the same --cache-dir is cheap, but its times are then warm.
 *
 *   npx tsx bench/attack.ts [--only compare,speed,cache] [--data bundled,banking77] [--budgets 25,50,200]
 *                           [--sample 1000|all] [--lengths 10,20,40] [--per-length 300] [--cache-dir DIR]
 *                           [--resamples 1000] [--reports DIR (keep the JSON reports)]
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { attackWords } from '../src/attack/candidates.ts';
import { audit } from '../src/audit.ts';
import type { RunnerStats } from '../src/classify/runner.ts';
import { openModelSession } from '../src/classify/session.ts';
import { type ExampleRow, readExamples } from '../src/data/load.ts';
import { medianOf } from '../src/measure/attack.ts';
import { percentileInterval } from '../src/measure/bootstrap.ts';
import { renderJson } from '../src/report/json.ts';
import type { AttackRecord, AttackSearch, ClassInfo, Report } from '../src/types.ts';
import { createRng, hash32, rngKey } from '../src/util/rng.ts';
import { compareStrings } from '../src/util/strings.ts';

const SELF = fileURLToPath(import.meta.url);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BANKING77_TEST = join(ROOT, '..', 'shared', 'data', 'banking77', 'test.jsonl');
const SEARCHES: readonly AttackSearch[] = ['greedy', 'random'];
const SEED = 0;
const CONFIDENCE = 0.95;

/** What one attack process is asked to do. */
type DataSpec =
  | { kind: 'bundled' }
  | { kind: 'banking77'; sample: number | 'all' }
  | { kind: 'words'; words: number; count: number };

interface ChildSpec {
  data: DataSpec;
  search: AttackSearch;
  maxQueries: number;
  cacheDir: string;
  reportFile: string;
  resamples: number;
}

/** What it measured (the report itself goes to `reportFile`). */
interface ChildResult {
  /** audit() from the session's opening (model load) to its close */
  auditMs: number;
  /** from the attack's first progress call to its last: the searches only */
  attackMs: number;
  /** CPU time of the whole process (every thread: the model's too) over the same span */
  attackCpuMs: number;
  examples: number;
  /** runner stats at the start of the attack (the clean pass) and at the end */
  cleanStats: RunnerStats;
  stats: RunnerStats;
  /** files of the cache folder (prediction and embedding caches) whose bytes the run changed */
  cacheFilesChanged: string[];
  /** lines the run added to the embedding cache: sentence embeddings computed (meaning check) */
  embeddingsComputed: number;
}

// ───────────────────────────── data ─────────────────────────────

/** BANKING77 test in file order, with the reader's ids. */
async function banking77Rows(): Promise<ExampleRow[]> {
  const rows: ExampleRow[] = [];
  for await (const ex of readExamples(BANKING77_TEST))
    rows.push({ id: ex.id, text: ex.text, label: ex.label! });
  return rows;
}

/** A deterministic sample: the `n` rows of smallest id hash, kept in file order. */
function sampleRows(rows: readonly ExampleRow[], n: number | 'all'): ExampleRow[] {
  if (n === 'all' || n >= rows.length) return [...rows];
  const keyed = rows.map((r, i) => ({ i, h: hash32(rngKey('bench-attack-sample', r.id ?? String(i))) }));
  const kept = new Set(
    keyed
      .sort((a, b) => a.h - b.h || a.i - b.i)
      .slice(0, n)
      .map((k) => k.i),
  );
  return rows.filter((_, i) => kept.has(i));
}

/**
 * `count` texts of exactly `words` attack words (the unit of the edit budget). Text i starts with row i
 * (rows in id-hash order) and goes on with the next rows of the same label (so the text keeps one
 * intent and its label), joined with a space and cut after its `words`-th word. Text i of 10 words is
 * a prefix of text i of 20 and of 40 words.
 */
function textsOfLength(rows: readonly ExampleRow[], words: number, count: number): ExampleRow[] {
  const order = rows
    .map((r, i) => ({ r, h: hash32(rngKey('bench-attack-length', r.id ?? String(i))) }))
    .sort((a, b) => a.h - b.h)
    .map((x) => x.r);
  const byLabel = new Map<string, ExampleRow[]>();
  for (const r of order) byLabel.set(r.label, [...(byLabel.get(r.label) ?? []), r]);
  const out: ExampleRow[] = [];
  for (let i = 0; out.length < count && i < order.length; i++) {
    const same = byLabel.get(order[i]!.label)!;
    const at = same.indexOf(order[i]!);
    let joined = '';
    for (let k = 0; k < same.length; k++) {
      const next = same[(at + k) % same.length]!.text;
      joined = joined === '' ? next : `${joined} ${next}`;
      const ws = attackWords(joined);
      if (ws.length >= words) {
        const cut = joined.slice(0, ws[words - 1]!.end);
        if (attackWords(cut).length !== words) throw new Error(`cut of ${words} words failed: ${cut}`);
        out.push({ id: `len${words}-${i}`, text: cut, label: order[i]!.label });
        break;
      }
    }
  }
  if (out.length < count) throw new Error(`only ${out.length} texts of ${words} words`);
  return out;
}

async function rowsFor(data: DataSpec): Promise<ExampleRow[] | undefined> {
  if (data.kind === 'bundled') return undefined; // audit's default: data/bank-queries.jsonl
  const rows = await banking77Rows();
  return data.kind === 'banking77'
    ? sampleRows(rows, data.sample)
    : textsOfLength(rows, data.words, data.count);
}

function dataName(data: DataSpec): string {
  if (data.kind === 'bundled') return 'bundled';
  if (data.kind === 'banking77') return `banking77-${data.sample}`;
  return `words${data.words}x${data.count}`;
}

// ───────────────────────────── one attack, in its own process ─────────────────────────────

/** sha256 and line count of every file under `dir` (by relative path). */
function fileDigests(dir: string): Map<string, { sha256: string; lines: number }> {
  const out = new Map<string, { sha256: string; lines: number }>();
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const bytes = readFileSync(join(entry.parentPath, entry.name));
    let lines = 0;
    for (const byte of bytes) if (byte === 10) lines++;
    out.set(relative(dir, join(entry.parentPath, entry.name)), {
      sha256: createHash('sha256').update(bytes).digest('hex'),
      lines,
    });
  }
  return out;
}

async function runChild(spec: ChildSpec): Promise<void> {
  const rows = await rowsFor(spec.data);
  const before = fileDigests(spec.cacheDir);
  const t0 = performance.now();
  const session = await openModelSession(undefined, { cacheDir: spec.cacheDir });
  let attackStart = 0;
  let attackEnd = 0;
  let cpuStart = process.cpuUsage();
  let cpuSpent = 0;
  let cleanStats: RunnerStats | undefined;
  let report: Report;
  try {
    report = await audit({
      session,
      // the session holds the prediction cache; the meaning check's embedding cache follows cacheDir
      cacheDir: spec.cacheDir,
      data: rows,
      perturb: [],
      attack: { search: spec.search, maxQueries: spec.maxQueries },
      resamples: spec.resamples,
      seed: SEED,
      onAttackProgress(done, total) {
        if (done === 0) {
          attackStart = performance.now();
          cpuStart = process.cpuUsage();
          cleanStats = { ...session.runner.stats };
        }
        if (done === total) {
          attackEnd = performance.now();
          const cpu = process.cpuUsage(cpuStart);
          cpuSpent = (cpu.user + cpu.system) / 1000;
        }
      },
    });
  } finally {
    await session.close();
  }
  const auditMs = performance.now() - t0;
  const after = fileDigests(spec.cacheDir);
  const changed = [...after].filter(([f, d]) => before.get(f)?.sha256 !== d.sha256).map(([f]) => f);
  let embeddingsComputed = 0;
  for (const [f, d] of after) {
    if (f.startsWith('embeddings')) embeddingsComputed += d.lines - (before.get(f)?.lines ?? 0);
  }
  writeFileSync(spec.reportFile, renderJson(report));
  const result: ChildResult = {
    auditMs,
    attackMs: attackEnd - attackStart,
    attackCpuMs: cpuSpent,
    examples: report.config.data.n,
    cleanStats: cleanStats!,
    stats: { ...session.runner.stats },
    cacheFilesChanged: changed.sort(compareStrings),
    embeddingsComputed,
  };
  console.log(JSON.stringify(result));
}

interface Run {
  spec: ChildSpec;
  cold: boolean;
  /** the process, start to exit */
  wallMs: number;
  load: [number, number];
  result: ChildResult;
  report: Report;
  reportBytes: Buffer;
}

function spawnAttack(spec: ChildSpec): Run {
  const cold = !existsSync(spec.cacheDir);
  const load0 = loadavg()[0]!;
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', SELF, '--child', JSON.stringify(spec)], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  const wallMs = performance.now() - t0;
  if (r.status !== 0) throw new Error(`attack ${JSON.stringify(spec)} failed (${r.status}):\n${r.stderr}`);
  const result = JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult;
  const reportBytes = readFileSync(spec.reportFile);
  return {
    spec,
    cold,
    wallMs,
    load: [load0, loadavg()[0]!],
    result,
    report: JSON.parse(reportBytes.toString('utf8')) as Report,
    reportBytes,
  };
}

// ───────────────────────────── paired comparison (pure) ─────────────────────────────

interface PairedEstimate {
  value: number | null;
  ci: [number, number] | null;
}

interface PairedComparison {
  /** greedy − random attack success rate (flipped / originally correct) */
  successDiff: PairedEstimate;
  /** the same resamples' marginal success rates (the report's CIs, when the resampling matches) */
  greedySuccess: PairedEstimate;
  randomSuccess: PairedEstimate;
  /** median queries-to-flip over the examples both searches flipped: greedy / random */
  medianQueriesRatio: PairedEstimate;
}

/**
 * Greedy against random on the same examples: a percentile bootstrap that draws whole examples (both
 * searches' records of one example together), stratified by class exactly as measure/attack.ts does
 * — per class in id order with createRng(rngKey(seed, 'attack-bootstrap', label, '') + b), classes
 * with one example pooled per bucket — so each search's marginal rates are the report's resamples.
 */
function pairedComparison(
  greedy: readonly AttackRecord[],
  random: readonly AttackRecord[],
  classes: readonly ClassInfo[],
  opts: { seed: number; resamples: number; confidence: number },
): PairedComparison {
  const randomById = new Map(random.map((r) => [r.id, r]));
  const pairs = greedy.map((g) => {
    const r = randomById.get(g.id);
    if (!r || r.label !== g.label || (r.outcome === 'misclassified') !== (g.outcome === 'misclassified'))
      throw new Error(`example ${g.id}: the two runs did not attack the same example`);
    return { g, r };
  });
  type Pair = (typeof pairs)[number];
  const byClass = new Map<string, Pair[]>(classes.map((c) => [c.label, []]));
  for (const p of pairs) byClass.get(p.g.label)?.push(p);
  const strata: { key: string; members: Pair[] }[] = [];
  const pools = new Map<string, Pair[]>();
  for (const c of classes) {
    const members = byClass.get(c.label)!.sort((a, b) => compareStrings(a.g.id, b.g.id));
    if (members.length >= 2)
      strata.push({ key: rngKey(opts.seed, 'attack-bootstrap', c.label, ''), members });
    else if (members.length === 1) pools.set(c.bucket, [...(pools.get(c.bucket) ?? []), members[0]!]);
  }
  for (const [bucket, members] of pools)
    strata.push({ key: rngKey(opts.seed, 'attack-bootstrap-pool', bucket, ''), members });

  const stats = (drawn: Iterable<Pair>) => {
    let correct = 0;
    let gFlip = 0;
    let rFlip = 0;
    const gq: number[] = [];
    const rq: number[] = [];
    for (const { g, r } of drawn) {
      if (g.outcome === 'misclassified') continue;
      correct++;
      if (g.success) gFlip++;
      if (r.success) rFlip++;
      if (g.success && r.success) {
        gq.push(g.queries);
        rq.push(r.queries);
      }
    }
    const gm = medianOf(gq);
    const rm = medianOf(rq);
    return {
      g: correct > 0 ? gFlip / correct : Number.NaN,
      r: correct > 0 ? rFlip / correct : Number.NaN,
      ratio: gm !== null && rm !== null && rm > 0 ? gm / rm : Number.NaN,
    };
  };
  const point = stats(pairs);
  const B = opts.resamples;
  const vals = {
    diff: new Float64Array(B),
    g: new Float64Array(B),
    r: new Float64Array(B),
    ratio: new Float64Array(B),
  };
  for (let b = 0; b < B; b++) {
    const drawn: Pair[] = [];
    for (const { key, members } of strata) {
      const rng = createRng(key + b);
      for (let i = 0; i < members.length; i++) drawn.push(members[(rng.next() * members.length) | 0]!);
    }
    const s = stats(drawn);
    vals.diff[b] = s.g - s.r;
    vals.g[b] = s.g;
    vals.r[b] = s.r;
    vals.ratio[b] = s.ratio;
  }
  const est = (value: number, resampled: Float64Array): PairedEstimate => {
    if (Number.isNaN(value)) return { value: null, ci: null };
    const kept = resampled.filter((v) => !Number.isNaN(v));
    return { value, ci: kept.length === 0 ? null : percentileInterval(kept, opts.confidence) };
  };
  return {
    successDiff: est(point.g - point.r, vals.diff),
    greedySuccess: est(point.g, vals.g),
    randomSuccess: est(point.r, vals.r),
    medianQueriesRatio: est(point.ratio, vals.ratio),
  };
}

// ───────────────────────────── tables ─────────────────────────────

const pct = (x: number | null): string => (x === null ? '—' : `${(x * 100).toFixed(1)} %`);
const pp = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}`;
const ciPct = (ci: [number, number] | null): string => (ci ? `[${pct(ci[0])}, ${pct(ci[1])}]` : '(no CI)');
const ciPp = (ci: [number, number] | null): string => (ci ? `[${pp(ci[0])}, ${pp(ci[1])}]` : '(no CI)');
const num = (x: number | null, d = 2): string => (x === null ? '—' : x.toFixed(d));
const ciNum = (ci: [number, number] | null, d = 2): string =>
  ci ? `[${ci[0].toFixed(d)}, ${ci[1].toFixed(d)}]` : '(no CI)';
const sec = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const loadOf = (run: Run): string => `${run.load[0].toFixed(2)}→${run.load[1].toFixed(2)}`;
const yes = (ok: boolean): string => (ok ? 'met' : '**not met**');

function comparisonTables(
  dataLabel: string,
  budgets: readonly number[],
  runs: Map<string, Run>,
  resamples: number,
): void {
  const key = (search: AttackSearch, q: number) => `${search}:${q}`;
  console.log(`\n#### ${dataLabel}\n`);
  console.log(
    '| budget | attacked | greedy success (CI) | random success (CI) | greedy − random (paired CI) | success target | median q-to-flip greedy / random (successes) | ratio | median q-to-flip greedy / random (both flipped, n) | ratio (paired CI) | queries target | mean queries / attacked ex. greedy / random |',
  );
  console.log('|---:|---:|---|---|---|---|---|---:|---|---|---|---|');
  for (const q of budgets) {
    const g = runs.get(key('greedy', q))!;
    const r = runs.get(key('random', q))!;
    const ga = g.report.attack!;
    const ra = r.report.attack!;
    const cmp = pairedComparison(ga.records, ra.records, g.report.classes, {
      seed: SEED,
      resamples,
      confidence: CONFIDENCE,
    });
    // the paired resamples must be the report's: same stratification, same streams
    const same = (a: [number, number] | null, b: [number, number] | null) =>
      a !== null && b !== null && Math.abs(a[0] - b[0]) < 1e-12 && Math.abs(a[1] - b[1]) < 1e-12;
    if (
      !same(cmp.greedySuccess.ci, ga.overall.attackSuccessRate.ci) ||
      !same(cmp.randomSuccess.ci, ra.overall.attackSuccessRate.ci)
    )
      console.error(`note: budget ${q}: the paired resamples differ from the report's CIs`);
    const gMed = medianOf(ga.records.filter((x) => x.success).map((x) => x.queries));
    const rMed = medianOf(ra.records.filter((x) => x.success).map((x) => x.queries));
    const rById = new Map(ra.records.map((x) => [x.id, x]));
    const both = ga.records.filter((x) => x.success && rById.get(x.id)!.success);
    const gBoth = medianOf(both.map((x) => x.queries));
    const rBoth = medianOf(both.map((x) => rById.get(x.id)!.queries));
    const ratio = gMed !== null && rMed !== null ? gMed / rMed : null;
    const ratioBoth = cmp.medianQueriesRatio;
    const diffCi = cmp.successDiff.ci;
    // "CI of the difference not below 0": met when the whole CI is ≥ 0; a CI across 0 shows no
    // difference either way; a CI below 0 shows greedy worse
    const successVerdict =
      diffCi === null
        ? 'no CI'
        : diffCi[0] >= 0
          ? 'met'
          : diffCi[1] < 0
            ? '**not met** (greedy worse)'
            : 'not shown (CI spans 0)';
    const queriesOk = ratio !== null && ratio <= 0.5 && ratioBoth.value !== null && ratioBoth.value <= 0.5;
    console.log(
      `| ${q} | ${ga.overall.correct} | ${pct(ga.overall.attackSuccessRate.value)} ${ciPct(ga.overall.attackSuccessRate.ci)} | ${pct(ra.overall.attackSuccessRate.value)} ${ciPct(ra.overall.attackSuccessRate.ci)} | ${pp(cmp.successDiff.value!)} pp ${ciPp(cmp.successDiff.ci)} | ${successVerdict} | ${num(gMed, 1)} / ${num(rMed, 1)} | ${num(ratio)} | ${num(gBoth, 1)} / ${num(rBoth, 1)} (${both.length}) | ${num(ratioBoth.value)} ${ciNum(ratioBoth.ci)} | ${yes(queriesOk)} | ${num(ga.overall.queriesPerExample.value, 1)} / ${num(ra.overall.queriesPerExample.value, 1)} |`,
    );
  }
  console.log(
    '\nEdits-to-flip (mean words changed over flipped examples, 95 % CI; in parentheses the median and the number flipped) by bucket:\n',
  );
  const buckets = runs.get(key('greedy', budgets[0]!))!.report.buckets.map((b) => b.name);
  console.log(`| budget | search | ${buckets.map((b) => `${b} (flipped)`).join(' | ')} | overall |`);
  console.log(`|---:|---|${buckets.map(() => '---|').join('')}---|`);
  for (const q of budgets) {
    for (const search of SEARCHES) {
      const a = runs.get(key(search, q))!.report.attack!;
      const cell = (m: (typeof a)['overall']) =>
        `${num(m.editsToFlip.mean.value)} ${ciNum(m.editsToFlip.mean.ci)} (${num(m.editsToFlip.median.value, 1)}; ${m.flipped})`;
      console.log(
        `| ${q} | ${search} | ${buckets.map((b) => cell(a.buckets[b]!)).join(' | ')} | ${cell(a.overall)} |`,
      );
    }
  }
  console.log('\nSuccess rate by bucket (95 % CI):\n');
  console.log(`| budget | search | ${buckets.join(' | ')} |`);
  console.log(`|---:|---|${buckets.map(() => '---|').join('')}`);
  for (const q of budgets) {
    for (const search of SEARCHES) {
      const a = runs.get(key(search, q))!.report.attack!;
      console.log(
        `| ${q} | ${search} | ${buckets.map((b) => `${pct(a.buckets[b]!.attackSuccessRate.value)} ${ciPct(a.buckets[b]!.attackSuccessRate.ci)} (${a.buckets[b]!.correct})`).join(' | ')} |`,
      );
    }
  }
}

function speedRow(label: string, run: Run): string {
  const { result } = run;
  const n = result.examples;
  const attacked = run.report.attack!.overall.correct;
  const queries = run.report.attack!.records.reduce((s, r) => s + r.queries, 0);
  const attackTexts = result.stats.classified - result.cleanStats.classified;
  const attackCalls = result.stats.backendCalls - result.cleanStats.backendCalls;
  return `| ${label} | ${run.cold ? 'cold' : 'warm'} | ${n} / ${attacked} | ${sec(run.wallMs)} | ${sec(result.auditMs)} | ${sec(result.attackMs)} | ${(result.attackMs / attacked).toFixed(0)} ms | ${(result.attackCpuMs / attacked).toFixed(0)} ms | ${(queries / attacked).toFixed(1)} | ${(result.attackMs / queries).toFixed(2)} ms | ${(attackTexts / attacked).toFixed(1)} | ${(attackCalls / attacked).toFixed(2)} | ${(result.embeddingsComputed / attacked).toFixed(1)} | ${result.stats.classified} / ${result.stats.backendCalls} | ${loadOf(run)} |`;
}

const SPEED_HEADER =
  '| run | cache | examples / attacked | process wall | audit() (model load + clean pass + attack) | attack phase | attack time / attacked ex. | attack CPU / attacked ex. | queries / attacked ex. | attack time / query | texts classified / attacked ex. | model calls (batches) / attacked ex. | embeddings computed / attacked ex. | all texts classified / model calls | load 1-min (start→end) |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|';

// ───────────────────────────── main ─────────────────────────────

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string', default: 'compare,speed,cache' },
      data: { type: 'string', default: 'bundled,banking77' },
      budgets: { type: 'string', default: '25,50,200' },
      sample: { type: 'string', default: '1000' },
      lengths: { type: 'string', default: '10,20,40' },
      'per-length': { type: 'string', default: '300' },
      'cache-dir': { type: 'string' },
      resamples: { type: 'string', default: '1000' },
      reports: { type: 'string' },
    },
  });
  const parts = new Set(values.only.split(','));
  const budgets = values.budgets.split(',').map(Number);
  const sample = values.sample === 'all' ? ('all' as const) : Number(values.sample);
  const resamples = Number(values.resamples);
  const haveShared = existsSync(BANKING77_TEST);
  const own = values['cache-dir'] === undefined;
  const cacheRoot = values['cache-dir'] ?? mkdtempSync(join(tmpdir(), 'tailcheck-bench-attack-'));
  mkdirSync(cacheRoot, { recursive: true });
  const keepReports = values.reports !== undefined;
  const reports = values.reports ?? mkdtempSync(join(tmpdir(), 'tailcheck-bench-attack-reports-'));
  mkdirSync(reports, { recursive: true });
  const spec = (data: DataSpec, search: AttackSearch, maxQueries: number, tag = ''): ChildSpec => {
    const name = `${dataName(data)}-${search}-${maxQueries}${tag}`;
    return {
      data,
      search,
      maxQueries,
      cacheDir: join(cacheRoot, `${dataName(data)}-${search}-${maxQueries}`),
      reportFile: join(reports, `${name}.json`),
      resamples,
    };
  };
  console.log(
    `bench/attack.ts — ${new Date().toISOString()}, Node ${process.version}, load ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}, cache root ${cacheRoot}`,
  );
  try {
    const wanted = new Set(values.data.split(','));
    const datasets: { label: string; data: DataSpec }[] = [];
    if (wanted.has('bundled'))
      datasets.push({ label: 'bundled model + bundled queries (385)', data: { kind: 'bundled' } });
    if (wanted.has('banking77') && haveShared)
      datasets.push({ label: `BANKING77 test, sample ${sample}`, data: { kind: 'banking77', sample } });
    else if (wanted.has('banking77'))
      console.log(`skip BANKING77: ${BANKING77_TEST} not found (this benchmark reads ../shared/data)`);
    const firstRuns = new Map<string, Run>();
    if (parts.has('compare') || parts.has('speed')) {
      const speedLines: string[] = [];
      for (const { label, data } of datasets) {
        const runs = new Map<string, Run>();
        for (const q of budgets) {
          for (const search of SEARCHES) {
            const s = spec(data, search, q);
            const run = spawnAttack(s);
            runs.set(`${search}:${q}`, run);
            firstRuns.set(s.cacheDir, run);
            speedLines.push(speedRow(`${dataName(data)} ${search} ${q}`, run));
            console.error(
              `done ${dataName(data)} ${search} ${q}: ${sec(run.wallMs)} (${run.cold ? 'cold' : 'warm'})`,
            );
          }
        }
        if (parts.has('compare')) comparisonTables(label, budgets, runs, resamples);
      }
      if (parts.has('speed') && speedLines.length > 0) {
        console.log('\n#### Speed: one process per attack (model load included)\n');
        console.log(SPEED_HEADER);
        for (const l of speedLines) console.log(l);
      }
    }
    if (parts.has('speed') && haveShared) {
      const perLength = Number(values['per-length']);
      const lengths = values.lengths.split(',').map(Number);
      console.log(
        `\n#### Text length: greedy, max-queries 200, max-edits 20 %, ${perLength} texts per length\n`,
      );
      console.log(SPEED_HEADER);
      const perExample: number[] = [];
      const cpuPerExample: number[] = [];
      for (const words of lengths) {
        const run = spawnAttack(spec({ kind: 'words', words, count: perLength }, 'greedy', 200));
        const attacked = run.report.attack!.overall.correct;
        perExample.push(run.result.attackMs / attacked);
        cpuPerExample.push(run.result.attackCpuMs / attacked);
        console.log(speedRow(`${words} words`, run));
        if (attacked < 100) console.error(`note: only ${attacked} of the ${words}-word texts were attacked`);
      }
      if (lengths.length >= 2) {
        const last = lengths.length - 1;
        const ratio = perExample[last]! / perExample[0]!;
        const cpuRatio = cpuPerExample[last]! / cpuPerExample[0]!;
        const limit = lengths[last]! / lengths[0]!;
        console.log(
          `\ntime per attacked example, ${lengths[last]} words / ${lengths[0]} words: wall ${ratio.toFixed(2)}, CPU ${cpuRatio.toFixed(2)} (linear: ≤ ${limit}) — wall ${yes(ratio <= limit)}, CPU ${yes(cpuRatio <= limit)}`,
        );
      }
    }
    if (parts.has('cache')) {
      console.log('\n#### Cache: the same attack again with the same cache folder (bundled queries)\n');
      console.log(
        '| run | first run | second run: texts classified / model calls | embeddings computed (first / second run) | cache files changed by the second run | report bytes identical | load 1-min |\n|---|---|---:|---:|---|---|---|',
      );
      for (const q of budgets) {
        for (const search of SEARCHES) {
          const s = spec({ kind: 'bundled' }, search, q);
          const first = firstRuns.get(s.cacheDir) ?? spawnAttack(s);
          const second = spawnAttack(spec({ kind: 'bundled' }, search, q, '-again'));
          const identical = first.reportBytes.equals(second.reportBytes);
          console.log(
            `| bundled ${search} ${q} | ${first.cold ? 'cold' : 'warm'}, ${first.result.stats.classified} texts / ${first.result.stats.backendCalls} calls | ${second.result.stats.classified} / ${second.result.stats.backendCalls} | ${first.result.embeddingsComputed} / ${second.result.embeddingsComputed} | ${second.result.cacheFilesChanged.length === 0 ? 'none' : second.result.cacheFilesChanged.join(', ')} | ${identical ? 'yes' : '**no**'} (${second.reportBytes.length} bytes) | ${loadOf(second)} |`,
          );
        }
      }
    }
  } finally {
    if (!keepReports) rmSync(reports, { recursive: true, force: true });
    if (own) rmSync(cacheRoot, { recursive: true, force: true });
  }
}

const childAt = process.argv.indexOf('--child');
if (childAt >= 0) await runChild(JSON.parse(process.argv[childAt + 1]!) as ChildSpec);
else await main();
