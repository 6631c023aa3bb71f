/**
 * The audit: classify originals and their perturbed variants, then measure the
 * robustness drop overall, per perturbation × severity, per class and per
 * class-frequency bucket. I/O lives here and in the backends; every number comes
 * from the pure functions in measure/, fed only with the per-example records this
 * file builds, so a report can always be recomputed from its `examples[]`.
 */

import { once } from 'node:events';
import { createWriteStream, existsSync, readFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
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
import { computeResults } from './measure/metrics.ts';
import { verdict } from './measure/verdict.ts';
import { BUNDLED_EVAL_DATA, BUNDLED_MODEL_DIR } from './paths.ts';
import { perturbText } from './perturb/engine.ts';
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

/** How many examples are perturbed and classified together (bounds memory; keeps batches length-sorted). */
const CHUNK_SIZE = 512;

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
  classifier: Classifier,
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
  void classifier;
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

    const freq = await classFrequencies(options, classifier, evalCounts);
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

    const runner = createPredictionRunner(classifier, {
      cacheDir: options.cacheDir === undefined ? DEFAULT_CACHE_DIR : options.cacheDir,
      batchSize: options.batchSize,
      concurrency: options.concurrency,
    });
    let examplesOut: WriteStream | undefined;
    if (options.examplesOut) examplesOut = createWriteStream(options.examplesOut, { encoding: 'utf8' });

    const protect = options.protect ? [...options.protect] : undefined;
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
        for (const def of perturbations) {
          for (const severity of severities) {
            for (let variant = 0; variant < variantsPerText; variant++) {
              vs.push(
                await perturbText(ex.text, def, {
                  seed,
                  severity,
                  variant,
                  protect,
                  options: perturbationOptions,
                }),
              );
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
        if (examplesOut) {
          if (!examplesOut.write(`${JSON.stringify(rec)}\n`)) await once(examplesOut, 'drain');
          // Keep only what the metrics need: texts are the bulk of a record.
          rec.text = '';
          for (const v of rec.variants) v.text = '';
        }
        records.push(rec);
      }
      done += batch.length;
      options.onProgress?.(done, total);
    };

    let inflight: Promise<ExampleRecord[]> | null = null;
    const submit = async (chunk: Example[]) => {
      const perturbed = await perturbChunk(chunk);
      if (inflight) await keep(await inflight);
      inflight = classifyChunk(chunk, perturbed);
      // Awaited on the next submit or at the end; this only stops an early rejection counting as unhandled.
      inflight.catch(() => undefined);
    };
    let chunk: Example[] = [];
    let taken = 0;
    for await (const ex of source.iterate()) {
      if (!inShard(ex.id, options.shard)) continue;
      if (options.limit !== undefined && taken >= options.limit) break;
      taken++;
      chunk.push(ex);
      if (chunk.length >= CHUNK_SIZE) {
        await submit(chunk);
        chunk = [];
      }
    }
    if (chunk.length > 0) await submit(chunk);
    if (inflight) await keep(await inflight);
    if (examplesOut) {
      examplesOut.end();
      await once(examplesOut, 'finish');
    }
    const report = assembleReport({
      config: {
        model: { id: classifier.id, fingerprint: classifier.fingerprint, labels: [...classifier.labels] },
        data: {
          path: source.path,
          n: records.length,
          textField: options.textField ?? 'text',
          labelField: options.labelField ?? 'label',
        },
        perturbations: perturbations.map((p) => p.name),
        severities,
        variants: variantsPerText,
        seed,
        bootstrap: { resamples, confidence: 0.95 },
        buckets: { mode, spec: options.buckets ?? 'auto' },
        frequencySource: freq.source,
        logitAdjust: tau === null ? null : { tau },
        shard: options.shard ? { ...options.shard } : null,
      },
      classes,
      buckets,
      records,
      baseWarnings: warnings,
    });
    if (options.examplesOut) {
      report.examplesFile = options.examplesOut;
      delete report.examples;
    }
    await runner.close();
    return report;
  } finally {
    if (ownsClassifier) await classifier.close?.();
  }
}

/**
 * Builds a report from its per-example records: used by the audit and by `merge`, so a
 * merged set of shard reports is, number for number, the report of the unsharded run.
 */
export function assembleReport(parts: {
  config: ReportConfig;
  classes: ClassInfo[];
  buckets: BucketInfo[];
  records: ExampleRecord[];
  /** warnings that do not depend on which examples were audited */
  baseWarnings: readonly string[];
}): Report {
  const { config, classes, buckets, records } = parts;
  const measureOpts = {
    seed: config.seed,
    resamples: config.bootstrap.resamples,
    confidence: config.bootstrap.confidence,
  };
  const plain = computeResults(records, classes, buckets, measureOpts);
  const adjusted =
    config.logitAdjust === null
      ? null
      : computeResults(records, classes, buckets, { ...measureOpts, adjusted: true });
  const report: Report = {
    schema: 'tailcheck/report@1',
    tool: { name: 'tailcheck', version: VERSION },
    config,
    classes,
    buckets,
    summary: plain.summary,
    results: plain.results,
    logitAdjusted: adjusted,
    verdict: '',
    warnings: [...parts.baseWarnings, ...dataWarnings(records)],
    examples: records,
  };
  report.verdict = verdict(report);
  return report;
}

/** Warnings computed from the records themselves (recomputed on merge). */
export function dataWarnings(records: readonly ExampleRecord[]): string[] {
  const tally = new Map<string, [number, number]>();
  for (const r of records) {
    for (const v of r.variants) {
      const t = tally.get(v.perturbation) ?? [0, 0];
      t[0] += v.changed ? 0 : 1;
      t[1] += 1;
      tally.set(v.perturbation, t);
    }
  }
  const out: string[] = [];
  for (const [name, [unchanged, n]] of [...tally].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (n > 0 && unchanged / n > 0.5) {
      out.push(
        `${name}: ${((unchanged / n) * 100).toFixed(0)} % of variants left the text unchanged (no eligible site); they are not counted`,
      );
    }
  }
  return out;
}

function mapLabel(ex: Example, labelMap: Readonly<Record<string, string>> | undefined): string {
  const label = ex.label as string;
  return labelMap?.[label] ?? label;
}

/** Reads the per-example records of a report, from `examples` or its `examplesFile`. */
export function reportExamples(report: Report): ExampleRecord[] {
  if (report.examples) return report.examples;
  if (report.examplesFile) {
    return readFileSync(report.examplesFile, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as ExampleRecord);
  }
  throw new UsageError('the report has neither examples[] nor examplesFile');
}
