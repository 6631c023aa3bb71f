/**
 * Runs a loaded suite: one classifier for all tests, each test yields a pass/fail
 * outcome with the evidence a reader needs to act on a failure. Problems in the suite
 * itself (unknown label, bucket or class) are SuiteErrors → exit 2, not failed tests.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { type AuditOptions, audit } from '../audit.ts';
import { loadClassifier } from '../classify/load.ts';
import { createPredictionRunner } from '../classify/runner.ts';
import { readExamples } from '../data/load.ts';
import { BUNDLED_EVAL_DATA, BUNDLED_MODEL_DIR } from '../paths.ts';
import type { Classifier, Prediction, Report, Severity } from '../types.ts';
import { createRng, rngKey } from '../util/rng.ts';
import {
  fmt,
  type GateOutcome,
  maxDropGate,
  maxTailGapGate,
  minRobustAccuracyGate,
  NothingToCheckError,
  type SliceFilter,
  tailBucket,
} from '../vitest/matchers.ts';
import { checkInvariance } from './invariance.ts';
import { defaultTestName, isAuditTest, type LoadedSuite, type YamlPath } from './load.ts';
import type {
  AuditTest,
  DirectionalTest,
  ExpectTest,
  Gate,
  InvarianceTest,
  Suite,
  SuiteTest,
  Thresholds,
} from './schema.ts';
import { expandTemplates } from './templates.ts';

export const DEFAULT_MAX_CASES = 100;

export interface RunSuiteOptions {
  /** overrides the suite's `model` (spec or instance; an instance is not closed) */
  model?: string | Classifier;
  /** overrides the suite's `data` (resolved against the working directory) */
  data?: string;
  /** overrides the suite's `train` / `classCounts` (class frequencies for the buckets) */
  train?: string;
  classCounts?: string;
  /** prediction cache; null disables (default `.tailcheck-cache`) */
  cacheDir?: string | null;
  /** caps the examples of every audit test (quick runs; thresholds were set on full data) */
  limit?: number;
  batchSize?: number;
  concurrency?: number;
  dtype?: 'fp32' | 'q8';
  onTestStart?(name: string, index: number, total: number): void;
  onTestEnd?(outcome: TestOutcome): void;
}

/** `known-failure`: failed as its `knownFailure` note expects; does not fail the suite */
export type TestStatus = 'passed' | 'failed' | 'error' | 'known-failure';

/** One gate of a test, e.g. `maxDrop ≤ 0.10 on bucket few`. */
export interface GateResult {
  gate: string;
  scope: string;
  bound: number;
  /** the worst value found (what was compared with the bound); null when nothing to check */
  value: number | null;
  pass: boolean;
  /** one line: bound, worst value and where */
  line: string;
  /** failed gates only: other offenders and flipped examples */
  detail?: string;
}

export interface TestOutcome {
  index: number;
  name: string;
  type: SuiteTest['type'];
  status: TestStatus;
  /** one line: the headline number against the bound */
  summary: string;
  /** each gate of an audit test; one entry for other tests */
  gates: GateResult[];
  /** evidence shown on failure (flipped / misclassified examples) */
  evidence: string[];
  durationMs: number;
}

export interface SuiteOutcome {
  name: string;
  file: string;
  model: string;
  passed: boolean;
  tests: TestOutcome[];
  durationMs: number;
}

interface Context {
  loaded: LoadedSuite;
  suite: Suite;
  classifier: Classifier;
  predict(texts: string[]): Promise<Prediction[]>;
  options: RunSuiteOptions;
  dataPath: string | undefined;
}

/** Paths in a suite resolve against its folder; `bundled`/absent = the bundled model. */
export function resolveModelSpec(spec: string | undefined, dir: string): string | undefined {
  if (spec === undefined || spec === 'bundled') return undefined;
  if (/^(https?:|cmd:)/.test(spec)) return spec;
  const local = resolve(dir, spec);
  if (spec.startsWith('.') || isAbsolute(spec) || existsSync(local)) return local;
  return spec; // a hub id like `org/model`
}

function resolvePath(path: string | undefined, dir: string): string | undefined {
  return path === undefined ? undefined : resolve(dir, path);
}

function mergeThresholds(base: Thresholds | undefined, over: Thresholds | undefined): Thresholds {
  const merged: Thresholds = { ...base, ...over };
  for (const key of ['perPerturbation', 'perBucket', 'perClass'] as const) {
    if (base?.[key] || over?.[key]) {
      const all = { ...base?.[key] } as Record<string, Gate>;
      for (const [k, v] of Object.entries(over?.[key] ?? {})) all[k] = { ...all[k], ...v };
      (merged as Record<string, unknown>)[key] = all;
    }
  }
  return merged;
}

const quote = (s: string): string => JSON.stringify(s);

export async function runSuite(loaded: LoadedSuite, options: RunSuiteOptions = {}): Promise<SuiteOutcome> {
  const started = Date.now();
  const { suite } = loaded;
  const ownsClassifier = typeof options.model !== 'object';
  const classifier =
    typeof options.model === 'object'
      ? options.model
      : await loadClassifier(
          options.model !== undefined
            ? resolveModelSpec(options.model, process.cwd())
            : resolveModelSpec(suite.model, loaded.dir),
          {
            ...suite.modelOptions,
            dtype: options.dtype ?? suite.modelOptions?.dtype,
            batchSize: options.batchSize,
            concurrency: options.concurrency,
          },
        );
  const runner = createPredictionRunner(classifier, {
    cacheDir: options.cacheDir === undefined ? '.tailcheck-cache' : options.cacheDir,
    batchSize: options.batchSize,
    concurrency: options.concurrency,
  });
  const ctx: Context = {
    loaded,
    suite,
    classifier,
    predict: (texts) => runner.predict(texts),
    options,
    dataPath: options.data !== undefined ? resolve(options.data) : resolvePath(suite.data, loaded.dir),
  };
  const outcomes: TestOutcome[] = [];
  try {
    for (const [index, test] of suite.tests.entries()) {
      const name = test.name ?? defaultTestName(test, index);
      options.onTestStart?.(name, index, suite.tests.length);
      const t0 = Date.now();
      let outcome: Omit<TestOutcome, 'index' | 'name' | 'type' | 'durationMs'>;
      try {
        outcome = knownFailure(await runTest(ctx, test, index), test.knownFailure);
      } catch (err) {
        // A suite or usage problem stops the run (exit 2); anything else fails this test only.
        if (typeof (err as { exitCode?: unknown }).exitCode === 'number') throw err;
        const message = err instanceof Error ? err.message : String(err);
        outcome = {
          status: 'error',
          summary: `error: ${message.split('\n')[0]}`,
          gates: [],
          evidence: [message],
        };
      }
      const full: TestOutcome = { index, name, type: test.type, durationMs: Date.now() - t0, ...outcome };
      outcomes.push(full);
      options.onTestEnd?.(full);
    }
  } finally {
    await runner.close();
    if (ownsClassifier) await classifier.close?.();
  }
  return {
    name: suite.name,
    file: loaded.displayName,
    model: classifier.id,
    passed: outcomes.every((o) => o.status === 'passed' || o.status === 'known-failure'),
    tests: outcomes,
    durationMs: Date.now() - started,
  };
}

type PartialOutcome = Omit<TestOutcome, 'index' | 'name' | 'type' | 'durationMs'>;

/**
 * Strict expected failure (like pytest's xfail strict): a documented weakness keeps the suite
 * green while it lasts, and a test that starts passing fails so its note gets removed.
 */
export function knownFailure(outcome: PartialOutcome, reason: string | undefined): PartialOutcome {
  if (reason === undefined) return outcome;
  if (outcome.status === 'failed') {
    return { ...outcome, status: 'known-failure', summary: `known failure (${reason}): ${outcome.summary}` };
  }
  if (outcome.status === 'passed') {
    return {
      ...outcome,
      status: 'failed',
      summary: `marked as a known failure (${reason}) but passes now — remove knownFailure: ${outcome.summary}`,
      evidence: [],
    };
  }
  return outcome;
}

function runTest(ctx: Context, test: SuiteTest, index: number): Promise<PartialOutcome> {
  if (isAuditTest(test)) return runAuditTest(ctx, test, index);
  switch (test.type) {
    case 'invariance':
      return runInvarianceTest(ctx, test, index);
    case 'expect':
      return runExpectTest(ctx, test, index);
    case 'directional':
      return runDirectionalTest(ctx, test, index);
  }
  throw new Error(`unknown test type ${(test as SuiteTest).type}`);
}

// ───────────────────────────── audit ─────────────────────────────

async function runAuditTest(ctx: Context, test: AuditTest, index: number): Promise<PartialOutcome> {
  const { suite, loaded } = ctx;
  const data =
    ctx.options.data !== undefined ? ctx.dataPath : (resolvePath(test.data, loaded.dir) ?? ctx.dataPath);
  const limits = [test.limit, suite.limit, ctx.options.limit].filter((x): x is number => x !== undefined);
  const auditOptions: AuditOptions = {
    model: ctx.classifier,
    data,
    textField: suite.textField,
    labelField: suite.labelField,
    ...frequencyOptions(ctx),
    buckets: suite.buckets,
    perturb: test.perturbations ?? suite.perturbations,
    severity: (test.severities ?? suite.severities) as AuditOptions['severity'],
    variants: test.variants ?? suite.variants,
    seed: test.seed ?? suite.seed,
    cacheDir: ctx.options.cacheDir === undefined ? '.tailcheck-cache' : ctx.options.cacheDir,
    batchSize: ctx.options.batchSize,
    concurrency: ctx.options.concurrency,
    limit: limits.length ? Math.min(...limits) : undefined,
  };
  // Train counts from the model folder are found by audit only from a spec, not an instance.
  if (auditOptions.train === undefined && auditOptions.classCounts === undefined) {
    const counts = modelLabelCounts(ctx);
    if (counts) auditOptions.classCounts = counts;
  }
  const report = await audit(auditOptions);
  const thresholds = mergeThresholds(suite.thresholds, test.thresholds);
  const at: YamlPath = test.thresholds ? ['tests', index, 'thresholds'] : ['thresholds'];
  const gates = auditGates(report, thresholds, (path, message) =>
    ctx.loaded.problem([...at, ...path], message),
  );
  if (gates.length === 0) {
    throw ctx.loaded.problem(['tests', index], 'an audit test needs thresholds (here or at the suite level)');
  }
  const failed = gates.filter((g) => !g.pass);
  const pooled = report.summary.map((r) => `severity ${r.severity}: drop ${fmt(r.overall.drop)}`).join(', ');
  return {
    status: failed.length ? 'failed' : 'passed',
    summary: `${gates.length - failed.length}/${gates.length} gates pass on ${report.config.data.n} examples (pooled ${pooled})`,
    gates,
    evidence: failed.map((g) => `${g.line}\n${g.detail ?? ''}`.trimEnd()),
  };
}

/** Class frequencies: the command line's, else the suite's (only one of train / classCounts is used). */
function frequencyOptions(ctx: Context): Pick<AuditOptions, 'train' | 'classCounts'> {
  const { options, suite, loaded } = ctx;
  if (options.train !== undefined) return { train: resolve(options.train) };
  if (options.classCounts !== undefined) return { classCounts: resolve(options.classCounts) };
  return {
    train: resolvePath(suite.train, loaded.dir),
    classCounts: resolvePath(suite.classCounts, loaded.dir),
  };
}

function modelLabelCounts(ctx: Context): string | undefined {
  const spec =
    ctx.options.model !== undefined
      ? typeof ctx.options.model === 'string'
        ? resolveModelSpec(ctx.options.model, process.cwd())
        : undefined
      : resolveModelSpec(ctx.suite.model, ctx.loaded.dir);
  const dir = spec ?? (typeof ctx.options.model === 'object' ? undefined : BUNDLED_MODEL_DIR);
  if (dir && existsSync(resolve(dir, 'label_counts.json'))) return resolve(dir, 'label_counts.json');
  return undefined;
}

type Problem = (path: YamlPath, message: string) => Error;

/** Every gate an audit test's thresholds ask for, checked on the report. */
export function auditGates(report: Report, t: Thresholds, problem: Problem): GateResult[] {
  const gates: GateResult[] = [];
  const tail = tailBucket(report);
  const knownBuckets = new Set(report.buckets.map((b) => b.name));
  const knownClasses = new Set(report.classes.map((c) => c.label));
  const knownPerturbations = report.config.perturbations;

  const run = (
    gate: string,
    scope: string,
    bound: number,
    check: () => GateOutcome,
    comparator: '≤' | '≥',
  ): void => {
    try {
      const o = check();
      gates.push({
        gate,
        scope,
        bound,
        value: o.worstValue,
        pass: o.pass,
        line: `${gate} ${comparator} ${fmt(bound)} (${scope}): ${o.pass ? 'pass' : 'FAIL'}, worst ${fmt(o.worstValue)} — ${o.worst}`,
        ...(o.pass ? {} : { detail: o.evidence }),
      });
    } catch (err) {
      if (!(err instanceof NothingToCheckError)) throw err;
      gates.push({
        gate,
        scope,
        bound,
        value: null,
        pass: true,
        line: `${gate} ${comparator} ${fmt(bound)} (${scope}): not checked — no changed variants in this slice`,
      });
    }
  };

  const gateSet = (g: Gate, scope: string, filter: SliceFilter, allowTail: boolean): void => {
    if (g.maxDrop !== undefined) {
      const v = g.maxDrop;
      run('maxDrop', scope, v, () => maxDropGate(report, v, filter), '≤');
    }
    if (g.minRobustAccuracy !== undefined) {
      const v = g.minRobustAccuracy;
      run('minRobustAccuracy', scope, v, () => minRobustAccuracyGate(report, v, filter), '≥');
    }
    if (allowTail && g.maxTailDrop !== undefined && tail !== undefined) {
      const v = g.maxTailDrop;
      run(
        'maxTailDrop',
        `${scope}, tail bucket ${tail}`,
        v,
        () => maxDropGate(report, v, { ...filter, bucket: tail }),
        '≤',
      );
    }
    if (allowTail && g.maxTailGap !== undefined) {
      const v = g.maxTailGap;
      const f = filter.perturbation !== undefined ? { perturbation: filter.perturbation } : {};
      run('maxTailGap', scope, v, () => maxTailGapGate(report, v, f), '≤');
    }
  };

  gateSet(t, 'all results and the pooled summary', {}, true);
  for (const [name, g] of Object.entries(t.perPerturbation ?? {})) {
    if (!knownPerturbations.some((p) => p === name || p.startsWith(`${name}.`))) {
      throw problem(
        ['perPerturbation', name],
        `no audited perturbation matches "${name}" (audited: ${knownPerturbations.join(', ')})`,
      );
    }
    gateSet(g, `perturbation ${name}`, { perturbation: name }, true);
  }
  for (const [name, g] of Object.entries(t.perBucket ?? {})) {
    if (!knownBuckets.has(name)) {
      const hint =
        report.config.frequencySource === 'eval'
          ? '; class frequencies came from the eval set: give train or classCounts (--train / --class-counts)'
          : '';
      throw problem(
        ['perBucket', name],
        `unknown bucket "${name}" (buckets: ${[...knownBuckets].join(', ')}, mode ${report.config.buckets.mode})${hint}`,
      );
    }
    gateSet(g, `bucket ${name}`, { bucket: name }, false);
  }
  for (const [name, g] of Object.entries(t.perClass ?? {})) {
    if (!knownClasses.has(name)) throw problem(['perClass', name], `unknown class "${name}"`);
    gateSet(g, `class ${name}`, { class: name }, false);
  }
  return gates;
}

// ───────────────────────────── inputs ─────────────────────────────

type InputTest = InvarianceTest | ExpectTest | DirectionalTest;

/** The test's input texts: literal texts, filled templates and data rows, capped by maxCases. */
async function inputTexts(ctx: Context, test: InputTest, index: number): Promise<string[]> {
  const seed = test.seed ?? ctx.suite.seed ?? 0;
  const maxCases = test.maxCases ?? DEFAULT_MAX_CASES;
  const texts: string[] = [...(test.texts ?? [])];
  if (test.templates) {
    const lexicons = { ...ctx.suite.lexicons, ...test.lexicons };
    // Keyed by content, not name or position: renaming or reordering tests keeps their cases.
    const key = JSON.stringify(test.templates);
    texts.push(...expandTemplates(test.templates, lexicons, { maxCases, seed, key }).map((c) => c.text));
  }
  if (test.fromData) {
    const spec = test.fromData === true ? {} : test.fromData;
    const labels = spec.labels ? new Set(spec.labels) : undefined;
    const rows: string[] = [];
    const path = ctx.dataPath ?? BUNDLED_EVAL_DATA;
    for await (const ex of readExamples(path, {
      textField: ctx.suite.textField,
      labelField: ctx.suite.labelField,
      requireLabel: labels !== undefined,
    })) {
      if (labels && !labels.has(ex.label ?? '')) continue;
      rows.push(ex.text);
      if (spec.limit !== undefined && rows.length >= spec.limit) break;
    }
    if (rows.length === 0) {
      throw ctx.loaded.problem(['tests', index, 'fromData'], `no rows of ${path} match`);
    }
    texts.push(...rows);
  }
  const unique = [...new Set(texts)];
  if (unique.length <= maxCases) return unique;
  const rng = createRng(rngKey('suite-cases', seed, unique.length));
  const keep = new Set(rng.sample(unique, maxCases));
  return unique.filter((t) => keep.has(t));
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

/** Labels within a few edits of a misspelt one (case-insensitive), nearest first. */
export function closestLabels(label: string, labels: readonly string[], k = 3): string[] {
  const limit = Math.max(2, Math.floor(label.length / 4));
  return labels
    .map((l) => ({ l, d: editDistance(label.toLowerCase(), l.toLowerCase()) }))
    .filter(({ d }) => d <= limit)
    .sort((a, b) => a.d - b.d || a.l.localeCompare(b.l))
    .slice(0, k)
    .map(({ l }) => l);
}

function labelIndex(ctx: Context, label: string, path: YamlPath): number {
  const i = ctx.classifier.labels.indexOf(label);
  if (i < 0) {
    const close = closestLabels(label, ctx.classifier.labels);
    throw ctx.loaded.problem(
      path,
      `unknown label "${label}" for model ${ctx.classifier.id}${close.length ? ` (did you mean ${close.join(', ')}?)` : ''}`,
    );
  }
  return i;
}

const topScore = (p: Prediction, labels: readonly string[]): number => p.scores[labels.indexOf(p.label)] ?? 0;

// ───────────────────────────── invariance ─────────────────────────────

async function runInvarianceTest(ctx: Context, test: InvarianceTest, index: number): Promise<PartialOutcome> {
  const texts = await inputTexts(ctx, test, index);
  const o = await checkInvariance(ctx.classifier, texts, test.perturbation, {
    severity: test.severity as Severity | undefined,
    variants: test.variants,
    seed: test.seed ?? ctx.suite.seed,
    maxFlipRate: test.maxFlipRate,
    predict: ctx.predict,
  });
  const line = `flip rate ${fmt(o.flipRate)} ≤ ${fmt(o.maxFlipRate)}: ${o.flips.length} of ${o.n} changed variants of ${o.nTexts} texts changed prediction under ${o.perturbations.join(', ')} (severity ${o.severity})`;
  const evidence = o.flips
    .slice(0, 5)
    .map(
      (f) => `${quote(f.original)} → ${quote(f.variant)}: ${f.before} → ${f.after} (${fmt(f.confidence)})`,
    );
  if (o.flips.length > 5) evidence.push(`… ${o.flips.length - 5} more`);
  return {
    status: o.pass ? 'passed' : 'failed',
    summary: line,
    gates: [
      {
        gate: 'maxFlipRate',
        scope: o.perturbations.join(', '),
        bound: o.maxFlipRate,
        value: o.flipRate,
        pass: o.pass,
        line,
      },
    ],
    evidence: o.pass ? [] : evidence,
  };
}

// ───────────────────────────── expect (MFT) ─────────────────────────────

async function runExpectTest(ctx: Context, test: ExpectTest, index: number): Promise<PartialOutcome> {
  const gold = labelIndex(ctx, test.label, ['tests', index, 'label']);
  const texts = await inputTexts(ctx, test, index);
  const preds = await ctx.predict(texts);
  const labels = ctx.classifier.labels;
  const wrong = texts
    .map((text, i) => ({ text, pred: preds[i]! }))
    .filter(({ pred }) => pred.label !== test.label)
    // Most confident mistakes first: the clearest evidence.
    .sort((a, b) => topScore(b.pred, labels) - topScore(a.pred, labels));
  const accuracy = (texts.length - wrong.length) / texts.length;
  const minAccuracy = test.minAccuracy ?? 1;
  const pass = accuracy >= minAccuracy;
  const line = `accuracy ${fmt(accuracy)} ≥ ${fmt(minAccuracy)}: ${texts.length - wrong.length} of ${texts.length} classified as ${test.label}`;
  const evidence = wrong
    .slice(0, 5)
    .map(
      ({ text, pred }) =>
        `${quote(text)} → ${pred.label} (${fmt(topScore(pred, labels))}), p(${test.label}) ${fmt(pred.scores[gold] ?? 0)}`,
    );
  if (wrong.length > 5) evidence.push(`… ${wrong.length - 5} more`);
  return {
    status: pass ? 'passed' : 'failed',
    summary: line,
    gates: [{ gate: 'minAccuracy', scope: test.label, bound: minAccuracy, value: accuracy, pass, line }],
    evidence: pass ? [] : evidence,
  };
}

// ───────────────────────────── directional ─────────────────────────────

/** Joins a phrase to a text with one space, none before punctuation. */
export function addPhrase(
  text: string,
  test: Pick<DirectionalTest, 'prefix' | 'suffix' | 'insert'>,
  seed: number,
): string {
  const t = text.trim();
  if (test.prefix !== undefined) return `${test.prefix.trimEnd()} ${t}`;
  if (test.suffix !== undefined) {
    const s = test.suffix.trim();
    return /^[,.;:!?)]/.test(s) ? `${t}${s}` : `${t} ${s}`;
  }
  const phrase = test.insert!.trim();
  const gaps = [...t.matchAll(/ +/g)].map((m) => m.index!);
  if (gaps.length === 0) return `${t} ${phrase}`;
  const at = createRng(rngKey('suite-insert', seed, t)).pick(gaps);
  return `${t.slice(0, at)} ${phrase} ${t.slice(at).trimStart()}`;
}

async function runDirectionalTest(
  ctx: Context,
  test: DirectionalTest,
  index: number,
): Promise<PartialOutcome> {
  const target = labelIndex(ctx, test.label, ['tests', index, 'label']);
  const seed = test.seed ?? ctx.suite.seed ?? 0;
  const texts = await inputTexts(ctx, test, index);
  const changed = texts.map((t) => addPhrase(t, test, seed));
  const preds = await ctx.predict([...texts, ...changed]);
  const minDelta = test.minDelta ?? 0;
  const sign = test.direction === 'up' ? 1 : -1;
  const rows = texts.map((text, i) => {
    const before = preds[i]!.scores[target] ?? 0;
    const after = preds[texts.length + i]!.scores[target] ?? 0;
    return { text, changed: changed[i]!, before, after, delta: after - before };
  });
  const fails = rows.filter((r) => sign * r.delta < minDelta).sort((a, b) => sign * a.delta - sign * b.delta);
  const failRate = fails.length / rows.length;
  const maxFailRate = test.maxFailRate ?? 0;
  const pass = failRate <= maxFailRate;
  const meanDelta = rows.reduce((s, r) => s + r.delta, 0) / rows.length;
  const need = minDelta > 0 ? ` by ≥ ${fmt(minDelta)}` : '';
  const line =
    `fail rate ${fmt(failRate)} ≤ ${fmt(maxFailRate)}: p(${test.label}) went ${test.direction}${need} on ` +
    `${rows.length - fails.length} of ${rows.length} inputs (mean change ${meanDelta >= 0 ? '+' : ''}${fmt(meanDelta)})`;
  const evidence = fails
    .slice(0, 5)
    .map(
      (r) =>
        `${quote(r.text)} → ${quote(r.changed)}: p(${test.label}) ${fmt(r.before)} → ${fmt(r.after)} (${r.delta >= 0 ? '+' : ''}${fmt(r.delta)})`,
    );
  if (fails.length > 5) evidence.push(`… ${fails.length - 5} more`);
  return {
    status: pass ? 'passed' : 'failed',
    summary: line,
    gates: [
      {
        gate: 'maxFailRate',
        scope: `${test.label} ${test.direction}`,
        bound: maxFailRate,
        value: failRate,
        pass,
        line,
      },
    ],
    evidence: pass ? [] : evidence,
  };
}
