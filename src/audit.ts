/**
 * The audit: classify originals and their perturbed variants, then measure the
 * robustness drop overall, per perturbation × severity, per class and per
 * class-frequency bucket. I/O lives here and in the backends; every number comes
 * from the pure functions in measure/, fed only with the per-example records this
 * file builds, so a report can always be recomputed from its `examples[]`.
 */

import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type ClassifierOptions, loadClassifier } from './classify/load.ts';
import { createPredictionRunner } from './classify/runner.ts';
import { checkLabels, countLabels, readClassCounts, readExamples, readLabelMap } from './data/load.ts';
import {
  DEFAULT_CACHE_DIR,
  DEFAULT_PERTURB,
  DEFAULT_RESAMPLES,
  DEFAULT_SEED,
  DEFAULT_SEVERITY,
  DEFAULT_VARIANTS,
} from './defaults.ts';
import { InputError, UsageError } from './errors.ts';
import { assignBuckets } from './measure/buckets.ts';
import { adjustPrediction, logPriors } from './measure/logit-adjust.ts';
import { createResultsAccumulator, type MeasuredResults } from './measure/results.ts';
import { verdict } from './measure/verdict.ts';
import { BUNDLED_EVAL_DATA, BUNDLED_MODEL_DIR } from './paths.ts';
import { perturbText } from './perturb/engine.ts';
import { findProtectedSpans } from './perturb/protect.ts';
import { loadRegistry } from './perturb/registry.ts';
import type {
  BucketInfo,
  ClassInfo,
  Classifier,
  Example,
  ExampleRecord,
  FrequencySource,
  PerturbationDefinition,
  Prediction,
  Report,
  ReportConfig,
  Severity,
  Variant,
  VariantRecord,
} from './types.ts';
import { SEVERITIES } from './types.ts';
import { openJsonlWriter } from './util/jsonl-writer.ts';
import { hash32, rngKey } from './util/rng.ts';
import { VERSION } from './version.ts';

export interface AuditOptions {
  /** folder, hub id, http(s)://…, cmd:…, module path, or an instance; default: the bundled BANKING77-LT model */
  model?: string | Classifier;
  /** file path (JSONL/CSV/TSV) or in-memory examples; default: the bundled data/bank-queries.jsonl */
  data?: string | ReadonlyArray<{ id?: string; text: string; label: string }>;
  textField?: string;
  labelField?: string;
  /** dataset label → model label, as a JSON file path or an object */
  labelMap?: string | Record<string, string>;
  /** perturbation names or families; default all three families */
  perturb?: string | readonly string[];
  severity?: Severity | readonly Severity[] | 'all';
  variants?: number;
  seed?: number;
  /** 'auto' | 'shots' | 'quantile:K' | 'thresholds:a,b' */
  buckets?: string;
  /** training file whose labels are counted for class frequencies */
  train?: string;
  /** class counts as a JSON file path or an object */
  classCounts?: string | Record<string, number>;
  /** post-hoc logit adjustment strength τ; null/undefined = off */
  logitAdjust?: number | null;
  resamples?: number;
  /** prediction cache folder; null disables the cache */
  cacheDir?: string | null;
  batchSize?: number;
  concurrency?: number;
  dtype?: 'fp32' | 'q8';
  /** audit only the first N examples (after sharding) */
  limit?: number;
  /** extra protected-span patterns: never perturbed */
  protect?: readonly RegExp[];
  /** options for perturbations that need them (e.g. paraphrase.model endpoint) */
  perturbationOptions?: Record<string, unknown>;
  /** audit a deterministic 1/count of the examples: those whose id hashes to `index` */
  shard?: { index: number; count: number };
  /** write the per-example records to this JSONL file instead of into the report */
  examplesOut?: string;
  /** backend options passed through to loadClassifier (http mapping, timeouts, labels …) */
  classifierOptions?: ClassifierOptions;
  onProgress?: (done: number, total: number) => void;
}

/** The level of every confidence interval. */
const CONFIDENCE = 0.95;

/**
 * How many examples are perturbed and classified together (bounds memory; keeps batches length-sorted).
 * Chunks start small and double: perturbing is several times faster than classifying, so from the
 * second chunk on, perturbing the next chunk hides entirely behind classifying the current one.
 */
const FIRST_CHUNK = 16;
const MAX_CHUNK = 512;

export function normaliseSeverities(severity: AuditOptions['severity']): Severity[] {
  if (severity === undefined) return [DEFAULT_SEVERITY];
  if (severity === 'all') return [...SEVERITIES];
  const list = Array.isArray(severity) ? severity : [severity];
  for (const s of list) {
    if (!SEVERITIES.includes(s as Severity))
      throw new UsageError(`severity must be 1, 2, 3 or all; got ${s}`);
  }
  return [...new Set(list as Severity[])].sort();
}

/** Deterministic shard membership: depends only on the example id. */
export function inShard(id: string, shard: { index: number; count: number } | undefined): boolean {
  if (!shard || shard.count <= 1) return true;
  return hash32(rngKey('shard', id)) % shard.count === shard.index;
}

interface DataSource {
  path: string;
  iterate(onSkip?: (line: number, message: string) => void): AsyncIterable<Example>;
}

function dataSource(options: AuditOptions): DataSource {
  const textField = options.textField ?? 'text';
  const labelField = options.labelField ?? 'label';
  const data = options.data ?? BUNDLED_EVAL_DATA;
  if (typeof data === 'string') {
    if (!existsSync(data)) throw new InputError('file not found', { file: data });
    return {
      path: data,
      iterate: (onSkip) =>
        readExamples(data, {
          textField,
          labelField,
          requireLabel: true,
          onSkip: onSkip ? (_reason, line, message) => onSkip(line, message) : undefined,
        }),
    };
  }
  return {
    path: '<memory>',
    async *iterate() {
      const seen = new Set<string>();
      for (const [i, row] of data.entries()) {
        const id = row.id ?? String(i);
        if (seen.has(id))
          throw new InputError(`duplicate id "${id}"`, { file: '<memory>', line: i + 1, field: 'id' });
        seen.add(id);
        if (typeof row.text !== 'string')
          throw new InputError('text must be a string', { line: i + 1, field: 'text' });
        if (typeof row.label !== 'string')
          throw new InputError('label must be a string', { line: i + 1, field: 'label' });
        yield { id, text: row.text, label: row.label, line: i + 1, extra: {} };
      }
    },
  };
}

async function loadLabelMap(
  labelMap: AuditOptions['labelMap'],
): Promise<Readonly<Record<string, string>> | undefined> {
  if (labelMap === undefined) return undefined;
  return typeof labelMap === 'string' ? await readLabelMap(labelMap) : labelMap;
}

/** Where class frequencies come from, in order of preference (issue: train > counts > model folder > eval). */
async function classFrequencies(
  options: AuditOptions,
  evalCounts: Record<string, number>,
): Promise<{ counts: Record<string, number>; source: FrequencySource; warnings: string[] }> {
  const warnings: string[] = [];
  if (options.train) {
    const counts = await countLabels(options.train, options.labelField ?? 'label');
    return { counts, source: 'train', warnings };
  }
  if (options.classCounts !== undefined) {
    const counts =
      typeof options.classCounts === 'string'
        ? await readClassCounts(options.classCounts)
        : options.classCounts;
    return { counts, source: 'class-counts', warnings };
  }
  const modelDir = modelFolder(options.model);
  if (modelDir && existsSync(join(modelDir, 'label_counts.json'))) {
    return { counts: await readClassCounts(join(modelDir, 'label_counts.json')), source: 'model', warnings };
  }
  warnings.push(
    'No training class frequencies (--train, --class-counts or label_counts.json in the model folder): ' +
      'buckets use label counts of the evaluation set, which says little about head vs tail.',
  );
  return { counts: evalCounts, source: 'eval', warnings };
}

function modelFolder(model: AuditOptions['model']): string | undefined {
  if (model === undefined) return BUNDLED_MODEL_DIR;
  if (typeof model === 'string' && existsSync(join(model, 'config.json'))) return model;
  return undefined;
}

function argmax(scores: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < scores.length; i++) if ((scores[i] as number) > (scores[best] as number)) best = i;
  return best;
}

/** Runs the audit and returns the report (the JSON report's shape). */
export async function audit(options: AuditOptions = {}): Promise<Report> {
  const seed = options.seed ?? DEFAULT_SEED;
  const severities = normaliseSeverities(options.severity);
  const variantsPerText = options.variants ?? DEFAULT_VARIANTS;
  if (!Number.isInteger(variantsPerText) || variantsPerText < 1) {
    throw new UsageError(`variants must be a positive integer; got ${variantsPerText}`);
  }
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  if (options.shard) {
    const { index, count } = options.shard;
    if (!(Number.isInteger(count) && count >= 1 && Number.isInteger(index) && index >= 0 && index < count)) {
      throw new UsageError(`shard must be i/n with 0 ≤ i < n; got ${index}/${count}`);
    }
  }
  const tau = options.logitAdjust ?? null;
  const labelMap = await loadLabelMap(options.labelMap);
  const source = dataSource(options);
  const warnings: string[] = [];

  const registry = await loadRegistry();
  const perturbations: PerturbationDefinition[] = registry.resolve(
    options.perturb === undefined ? DEFAULT_PERTURB : options.perturb,
  );
  const perturbationOptions = options.perturbationOptions ?? {};
  await Promise.all(perturbations.map((p) => p.init?.(perturbationOptions)));

  const classifier =
    typeof options.model === 'object'
      ? options.model
      : await loadClassifier(options.model, {
          dtype: options.dtype,
          batchSize: options.batchSize,
          concurrency: options.concurrency,
          seed,
          ...options.classifierOptions,
        });
  const ownsClassifier = typeof options.model !== 'object';
  const labelIndex = new Map(classifier.labels.map((l, i) => [l, i]));

  try {
    // Pass 1: validate labels, count the eval set (for the eval fallback and the progress total).
    const evalCounts: Record<string, number> = {};
    const datasetLabels = new Set<string>();
    let total = 0;
    const skipped: number[] = [];
    for await (const ex of source.iterate((line) => skipped.push(line))) {
      datasetLabels.add(ex.label as string);
      const label = mapLabel(ex, labelMap);
      evalCounts[label] = (evalCounts[label] ?? 0) + 1;
      if (inShard(ex.id, options.shard)) total++;
    }
    if (datasetLabels.size === 0) throw new InputError('no examples', { file: source.path });
    try {
      checkLabels(datasetLabels, classifier.labels, labelMap);
    } catch (err) {
      if (err instanceof InputError) throw new InputError(err.message, { file: source.path });
      throw err;
    }
    if (options.limit !== undefined) total = Math.min(total, options.limit);
    if (skipped.length > 0) {
      warnings.push(
        `${skipped.length} row(s) with empty text skipped (${source.path} line ${skipped.slice(0, 10).join(', ')}${skipped.length > 10 ? ', …' : ''})`,
      );
    }

    const freq = await classFrequencies(options, evalCounts);
    warnings.push(...freq.warnings);
    const missing = classifier.labels.filter((l) => freq.counts[l] === undefined);
    if (freq.source !== 'eval' && missing.length > 0) {
      warnings.push(
        `${missing.length} model label(s) have no training count and are treated as 0: ${missing.slice(0, 8).join(', ')}${missing.length > 8 ? ', …' : ''}`,
      );
    }
    const extraCounted = Object.keys(freq.counts).filter((l) => !labelIndex.has(l));
    if (extraCounted.length > 0) {
      warnings.push(`class counts name ${extraCounted.length} label(s) the model does not have; ignored`);
    }
    const counts: Record<string, number> = {};
    for (const l of classifier.labels) counts[l] = freq.counts[l] ?? 0;
    const { mode, classes, buckets } = assignBuckets(counts, classifier.labels, options.buckets ?? 'auto');
    const priors = tau === null ? null : logPriors(counts, classifier.labels);

    const cacheDir = options.cacheDir === undefined ? DEFAULT_CACHE_DIR : options.cacheDir;
    const runner = createPredictionRunner(classifier, {
      cacheDir,
      batchSize: options.batchSize,
      concurrency: options.concurrency,
      // Without a cache, a chunk's predictions are dropped once its records are built: flat memory.
      keepBetweenCalls: cacheDir !== null,
    });
    const examplesOut = options.examplesOut ? openJsonlWriter(options.examplesOut) : undefined;

    const protect = options.protect ? [...options.protect] : undefined;
    // Every record is reduced into the accumulators as it arrives; records themselves are kept only
    // when they go inside the JSON report (with --examples-out they stream to the file instead).
    const measures = createMeasures(classes, buckets, {
      seed,
      bootstrap: { resamples, confidence: CONFIDENCE },
      logitAdjust: tau === null ? null : { tau },
    });
    const records: ExampleRecord[] = [];
    let done = 0;
    options.onProgress?.(0, total);

    const toRecord = (
      ex: Example,
      label: string,
      variants: Variant[],
      original: Prediction,
      variantPreds: Prediction[],
    ): ExampleRecord => {
      const gold = labelIndex.get(label) as number;
      const describe = (p: Prediction) => {
        const top = argmax(p.scores);
        const base = {
          prediction: classifier.labels[top] as string,
          confidence: p.scores[top] as number,
          goldProb: p.scores[gold] as number,
        };
        if (!priors || tau === null) return base;
        const adj = adjustPrediction(p.scores, priors, tau);
        return {
          ...base,
          adjustedPrediction: classifier.labels[adj.index] as string,
          adjustedGoldProb: adj.probs[gold] as number,
        };
      };
      const vrecs: VariantRecord[] = variants.map((v, k) => ({
        perturbation: v.perturbation,
        severity: v.severity,
        variant: v.variant,
        text: v.text,
        changed: v.changed,
        ...describe(variantPreds[k] as Prediction),
      }));
      return { id: ex.id, row: ex.line, text: ex.text, label, ...describe(original), variants: vrecs };
    };

    // Chunk k+1 is perturbed while chunk k is being classified (ONNX runs off the JS thread).
    const perturbChunk = async (chunk: Example[]): Promise<Variant[][]> => {
      const perturbed: Variant[][] = [];
      for (const ex of chunk) {
        const vs: Variant[] = [];
        // Protected spans depend on the text alone: found once, shared by every variant of it.
        const protectedSpans = findProtectedSpans(ex.text, protect);
        for (const def of perturbations) {
          for (const severity of severities) {
            for (let variant = 0; variant < variantsPerText; variant++) {
              const v = perturbText(ex.text, def, {
                seed,
                severity,
                variant,
                protect,
                protectedSpans,
                options: perturbationOptions,
              });
              // Only model-backed perturbations are async; awaiting the others would cost a microtask each.
              vs.push(v instanceof Promise ? await v : v);
            }
          }
        }
        perturbed.push(vs);
      }
      return perturbed;
    };
    const classifyChunk = async (chunk: Example[], perturbed: Variant[][]): Promise<ExampleRecord[]> => {
      const texts: string[] = [];
      for (const [i, ex] of chunk.entries()) {
        texts.push(ex.text);
        for (const v of perturbed[i] as Variant[]) texts.push(v.text);
      }
      const preds = await runner.predict(texts);
      const out: ExampleRecord[] = [];
      let k = 0;
      for (const [i, ex] of chunk.entries()) {
        const vs = perturbed[i] as Variant[];
        const original = preds[k++] as Prediction;
        const vp = preds.slice(k, k + vs.length);
        k += vs.length;
        out.push(toRecord(ex, mapLabel(ex, labelMap), vs, original, vp));
      }
      return out;
    };

    const keep = async (batch: ExampleRecord[]) => {
      for (const rec of batch) {
        measures.add(rec);
        if (examplesOut) await examplesOut.write(rec);
        else records.push(rec);
      }
      done += batch.length;
      options.onProgress?.(done, total);
    };

    let inflight: Promise<ExampleRecord[]> | null = null;
    const submit = async (chunk: Example[]) => {
      const perturbed = await perturbChunk(chunk);
      const previous = inflight ? await inflight : null;
      // Start the model on this chunk first, then measure and write the previous one meanwhile.
      inflight = classifyChunk(chunk, perturbed);
      // Awaited on the next submit or at the end; this only stops an early rejection counting as unhandled.
      inflight.catch(() => undefined);
      if (previous) await keep(previous);
    };
    let chunk: Example[] = [];
    let chunkSize = FIRST_CHUNK;
    let taken = 0;
    for await (const ex of source.iterate()) {
      if (!inShard(ex.id, options.shard)) continue;
      if (options.limit !== undefined && taken >= options.limit) break;
      taken++;
      chunk.push(ex);
      if (chunk.length >= chunkSize) {
        await submit(chunk);
        chunk = [];
        chunkSize = Math.min(MAX_CHUNK, chunkSize * 2);
      }
    }
    if (chunk.length > 0) await submit(chunk);
    if (inflight) await keep(await inflight);
    await examplesOut?.close();
    const report = assembleReport({
      config: {
        model: { id: classifier.id, fingerprint: classifier.fingerprint, labels: [...classifier.labels] },
        data: {
          path: source.path,
          n: measures.size,
          textField: options.textField ?? 'text',
          labelField: options.labelField ?? 'label',
        },
        perturbations: perturbations.map((p) => p.name),
        severities,
        variants: variantsPerText,
        seed,
        bootstrap: { resamples, confidence: CONFIDENCE },
        buckets: { mode, spec: options.buckets ?? 'auto' },
        frequencySource: freq.source,
        logitAdjust: tau === null ? null : { tau },
        shard: options.shard ? { ...options.shard } : null,
      },
      classes,
      buckets,
      measures,
      examples: options.examplesOut ? { file: options.examplesOut } : { records },
      baseWarnings: warnings,
    });
    await runner.close();
    return report;
  } finally {
    if (ownsClassifier) await classifier.close?.();
  }
}

/** The accumulators of one run: plain results, and logit-adjusted ones when asked for. */
export interface RunMeasures {
  add(record: ExampleRecord): void;
  readonly size: number;
  finish(): { plain: MeasuredResults; adjusted: MeasuredResults | null; dataWarnings: string[] };
}

export function createMeasures(
  classes: readonly ClassInfo[],
  buckets: readonly BucketInfo[],
  config: Pick<ReportConfig, 'seed' | 'bootstrap' | 'logitAdjust'>,
): RunMeasures {
  const opts = { seed: config.seed, ...config.bootstrap };
  const plain = createResultsAccumulator(classes, buckets, opts);
  const adjusted =
    config.logitAdjust === null
      ? null
      : createResultsAccumulator(classes, buckets, { ...opts, adjusted: true });
  return {
    add(record) {
      plain.add(record);
      adjusted?.add(record);
    },
    get size() {
      return plain.size;
    },
    finish() {
      const warnings = unchangedWarnings(plain.variantTally());
      return { plain: plain.finish(), adjusted: adjusted?.finish() ?? null, dataWarnings: warnings };
    },
  };
}

/**
 * Builds a report from its measured per-example records: used by the audit and by `merge`, so a
 * merged set of shard reports is, number for number, the report of the unsharded run.
 */
export function assembleReport(parts: {
  config: ReportConfig;
  classes: ClassInfo[];
  buckets: BucketInfo[];
  measures: RunMeasures;
  /** the records inside the report, or the JSONL file they were written to */
  examples: { records: ExampleRecord[] } | { file: string };
  /** warnings that do not depend on which examples were audited */
  baseWarnings: readonly string[];
}): Report {
  const { plain, adjusted, dataWarnings } = parts.measures.finish();
  const report: Report = {
    schema: 'tailcheck/report@1',
    tool: { name: 'tailcheck', version: VERSION },
    config: parts.config,
    classes: parts.classes,
    buckets: parts.buckets,
    summary: plain.summary,
    results: plain.results,
    logitAdjusted: adjusted,
    verdict: '',
    warnings: [...parts.baseWarnings, ...dataWarnings],
  };
  report.verdict = verdict(report);
  if ('records' in parts.examples) report.examples = parts.examples.records;
  else report.examplesFile = parts.examples.file;
  return report;
}

const UNCHANGED_NOTE = 'of variants left the text unchanged (no eligible site); they are not counted';

/** True for the warnings that `unchangedWarnings` derives from the records (recomputed on merge). */
export function isDataWarning(warning: string): boolean {
  return warning.endsWith(UNCHANGED_NOTE);
}

/** Perturbations that mostly found nothing to change: said in the report, since those variants don't count. */
export function unchangedWarnings(
  tally: ReadonlyMap<string, { unchanged: number; total: number }>,
): string[] {
  const out: string[] = [];
  for (const [name, { unchanged, total }] of [...tally].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (total > 0 && unchanged / total > 0.5) {
      out.push(`${name}: ${((unchanged / total) * 100).toFixed(0)} % ${UNCHANGED_NOTE}`);
    }
  }
  return out;
}

function mapLabel(ex: Example, labelMap: Readonly<Record<string, string>> | undefined): string {
  const label = ex.label as string;
  return labelMap?.[label] ?? label;
}

/** Streams the per-example records of a report, from `examples` or from its `examplesFile`. */
export async function* reportExamples(report: Report): AsyncGenerator<ExampleRecord> {
  if (report.examples) {
    yield* report.examples;
    return;
  }
  if (!report.examplesFile) throw new UsageError('the report has neither examples[] nor examplesFile');
  let line = 0;
  for await (const text of createInterface({
    input: createReadStream(report.examplesFile, 'utf8'),
    crlfDelay: Infinity,
  })) {
    line++;
    if (text.trim() === '') continue;
    try {
      yield JSON.parse(text) as ExampleRecord;
    } catch (err) {
      throw new InputError(`not a JSON record: ${(err as Error).message}`, {
        file: report.examplesFile,
        line,
      });
    }
  }
}
