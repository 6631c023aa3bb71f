/**
 * The audit: classify originals and their perturbed variants, then measure the
 * robustness drop overall, per perturbation × severity, per class and per
 * class-frequency bucket. This module orchestrates; the parts live in audit/ (option
 * checks, data, class frequencies, the perturb → classify → record pipeline), the model
 * in a session (classify/session.ts), and every number comes from the pure functions
 * in measure/, fed only with the per-example records, assembled into a report by
 * report/assemble.ts, so a report can always be recomputed from its `examples[]`.
 */

import { CANDIDATES_PER_WORD, resolveAttackPerturbations } from './attack/candidates.ts';
import {
  type AttackTarget,
  attackExamples,
  checkMaxQueries,
  DEFAULT_MAX_EDITS,
  DEFAULT_MAX_QUERIES,
  maxEditsLabel,
  parseMaxEdits,
} from './attack/run.ts';
import {
  type DataSource,
  loadLabelMap,
  mapLabel,
  openDataSource,
  scanData,
  selectExamples,
} from './audit/data.ts';
import { classFrequencies } from './audit/frequencies.ts';
import { CONFIDENCE, runSettings } from './audit/options.ts';
import { runPipeline } from './audit/pipeline.ts';
import type { CacheUse } from './classify/cache-store.ts';
import type { ClassifierOptions } from './classify/load.ts';
import { type ModelSession, openModelSession } from './classify/session.ts';
import type { DataFormat, ExampleRow, LabelMap } from './data/load.ts';
import { DEFAULT_CACHE_DIR, DEFAULT_PERTURB } from './defaults.ts';
import { UsageError } from './errors.ts';
import { attackSection } from './measure/attack.ts';
import { assignBuckets } from './measure/buckets.ts';
import { logPriors } from './measure/logit-adjust.ts';
import { createMeasures } from './measure/results.ts';
import { initPerturbations } from './perturb/engine.ts';
import { LEXICON_OPTION, type Lexicon, lexiconDigest, lexiconKeys } from './perturb/lexicon.ts';
import { type MeaningCheck, meaningCheckConfig, openRunMeaning } from './perturb/meaning/check.ts';
import type { Protection } from './perturb/protect/constraints.ts';
import {
  loadRegistry,
  type PerturbationRegistry,
  planSeverities,
  skippedSeveritiesMessage,
} from './perturb/registry.ts';
import { assembleReport, type ReportWarning } from './report/assemble.ts';
import type {
  AttackSearch,
  Classifier,
  ExampleRecord,
  GapMetric,
  PerturbationDefinition,
  Report,
  ReportConfig,
  Severity,
} from './types.ts';
import { openJsonlWriter } from './util/jsonl.ts';
import { compareStrings } from './util/strings.ts';

export interface AuditOptions {
  /** folder, hub id, http(s)://…, cmd:…, module path, or an instance; default: the bundled BANKING77-LT model */
  model?: string | Classifier;
  /**
   * an open model session (classify/session.ts) to classify through, instead of `model`: audit then
   * uses its runner and cache, ignores cacheDir, batchSize, concurrency, dtype and classifierOptions,
   * and leaves the session open for its owner
   */
  session?: ModelSession;
  /**
   * file path (JSONL/JSON/CSV/TSV; `-` = standard input; a FIFO works too) or in-memory examples;
   * default: the bundled data/bank-queries.jsonl
   */
  data?: string | readonly ExampleRow[];
  /** the data file's format; default from its extension (.jsonl/.ndjson, .json, .csv, .tsv), else jsonl */
  format?: DataFormat;
  textField?: string;
  labelField?: string;
  /** dataset label → model label, as a JSON file path or an object */
  labelMap?: string | Record<string, string>;
  /** perturbation names or families; default all three families */
  perturb?: string | readonly string[];
  /**
   * the perturbations `perturb` selects from: default the bundled ones (perturbations/); a folder of
   * your own with loadRegistryFrom(dir)
   */
  registry?: PerturbationRegistry;
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
  /**
   * the metric of the headline head–tail gap, tail slope and verdict: break (default; break rate among
   * correctly classified originals), flip (label-free) or drop (absolute, capped by clean accuracy)
   */
  gapMetric?: GapMetric;
  resamples?: number;
  /** prediction cache folder; null disables the cache */
  cacheDir?: string | null;
  batchSize?: number;
  concurrency?: number;
  dtype?: 'fp32' | 'q8';
  /** audit only the first N examples of the data (before sharding: a shard audits its share of them) */
  limit?: number;
  /** extra protected spans (regexes or span constraints): never perturbed */
  protect?: readonly Protection[];
  /** options for perturbations that need them (e.g. paraphrase.model endpoint) */
  perturbationOptions?: Record<string, unknown>;
  /**
   * the meaning check on synonym and paraphrase variants (default true): below its perturbation's
   * threshold a variant is re-drawn, else recorded as `rejected` and not counted
   */
  meaningCheck?: boolean;
  /** the meaning check's sentence encoder (transformers.js folder or hub id); default the bundled all-MiniLM-L6-v2 */
  embedModel?: string;
  /** audit a deterministic 1/count of the examples: shard `index` of `count`, 1-based like `--shard 1/4` */
  shard?: { index: number; count: number };
  /** write the per-example records to this JSONL file instead of into the report */
  examplesOut?: string;
  /** backend options passed through to loadClassifier (http mapping, timeouts, labels …) */
  classifierOptions?: ClassifierOptions;
  onProgress?: (done: number, total: number) => void;
  /**
   * the worst-case search after the audit (`tailcheck attack`, `audit --attack`): the report gets an
   * `attack` section. With `perturb: []` the run measures clean predictions and the attack only.
   */
  attack?: AttackOptions;
  /** the attack's progress, in examples (after the audit's own) */
  onAttackProgress?: (done: number, total: number) => void;
  /**
   * what the run took from the prediction cache file, when audit opened the session (a given session
   * reports to its owner); for a stderr line — never part of the report
   */
  onCacheUse?: (use: CacheUse) => void;
}

/** The worst-case search (src/attack/): its transformations, search and budgets. */
export interface AttackOptions {
  /** word-level transformations (`--attack-perturb`): typo and synonym perturbations; default `typo,synonym` (natural ones) */
  perturb?: string | readonly string[];
  /** default greedy (word importance); random is the seeded baseline */
  search?: AttackSearch;
  /** words changed at most: a count, or a share of each text's words ("20%", the default; at least 1) */
  maxEdits?: string | number;
  /** texts scored per example at most (default 200) */
  maxQueries?: number;
}

/** The attack's search and budgets, checked (a usage error names the bad value). */
function attackBudgets(attack: AttackOptions) {
  const search = attack.search ?? 'greedy';
  if (search !== 'greedy' && search !== 'random') {
    throw new UsageError(`attack search must be greedy or random, got ${JSON.stringify(search)}`);
  }
  return {
    search,
    maxEdits: parseMaxEdits(attack.maxEdits ?? DEFAULT_MAX_EDITS),
    maxQueries: checkMaxQueries(attack.maxQueries ?? DEFAULT_MAX_QUERIES),
  };
}

/** Runs the audit and returns the report (the JSON report's shape). */
export async function audit(options: AuditOptions = {}): Promise<Report> {
  if (options.session && options.model !== undefined) {
    throw new UsageError('audit() takes a model or a session, not both');
  }
  // A bad option costs nothing: checked before any data is read.
  const { tau } = runSettings(options);
  if (options.attack) attackBudgets(options.attack);
  // Logit adjustment re-ranks the scores, which --prediction label declares not to decide the prediction.
  const predictionMode = options.session?.runner.answers.prediction ?? options.classifierOptions?.prediction;
  if (tau !== null && predictionMode === 'label') {
    throw new UsageError(
      '--logit-adjust needs predictions that are the argmax of the scores; with --prediction label the scores only feed confidences',
    );
  }
  const labelMap = await loadLabelMap(options.labelMap);
  const source = await openDataSource(options.data, {
    textField: options.textField ?? 'text',
    labelField: options.labelField ?? 'label',
    format: options.format,
  });
  try {
    return await auditSource(options, source, labelMap);
  } finally {
    await source.close();
  }
}

/** The audit of an open data source (removed by the caller, after a failure too). */
async function auditSource(
  options: AuditOptions,
  source: DataSource,
  labelMap: LabelMap | undefined,
): Promise<Report> {
  const registry = options.registry ?? (await loadRegistry());
  const perturbationOptions = options.perturbationOptions ?? {};
  const attackOnly =
    options.attack !== undefined && Array.isArray(options.perturb) && options.perturb.length === 0;
  const perturbations: PerturbationDefinition[] = attackOnly
    ? []
    : registry.resolve(options.perturb === undefined ? DEFAULT_PERTURB : options.perturb, {
        options: perturbationOptions,
      });
  const attackDefs = options.attack
    ? resolveAttackPerturbations(registry, options.attack.perturb, perturbationOptions)
    : [];
  const cacheDir = options.cacheDir === undefined ? DEFAULT_CACHE_DIR : options.cacheDir;
  const run = await openRunMeaning([...perturbations, ...attackDefs], perturbationOptions, {
    enabled: options.meaningCheck !== false,
    embedModel: options.embedModel,
    cacheDir,
  });
  try {
    await initPerturbations([...perturbations, ...attackDefs], run.options);
    return await auditWith(options, source, labelMap, perturbations, run.options, run.check, attackDefs);
  } finally {
    await run.close();
  }
}

/** What the report records of the user's lexicon: the entries the run's perturbations read from it. */
function lexiconConfig(
  options: Readonly<Record<string, unknown>>,
  perturbations: readonly PerturbationDefinition[],
): ReportConfig['lexicon'] {
  const lexicon = options[LEXICON_OPTION] as Lexicon | undefined;
  if (lexicon === undefined) return null;
  const read = lexiconKeys(perturbations);
  const used = Object.fromEntries(Object.entries(lexicon).filter(([k]) => read.has(k)));
  const entries = Object.keys(used).sort(compareStrings);
  return entries.length === 0 ? null : { entries, sha256: lexiconDigest(used) };
}

/** The audit with its perturbations initialised and its meaning check (if any) open. */
async function auditWith(
  options: AuditOptions,
  source: DataSource,
  labelMap: LabelMap | undefined,
  perturbations: PerturbationDefinition[],
  perturbationOptions: Record<string, unknown>,
  meaning: MeaningCheck | null,
  attackDefs: readonly PerturbationDefinition[],
): Promise<Report> {
  const attackPlan = options.attack && attackBudgets(options.attack);
  const { seed, severities: asked, variantsPerText, resamples, tau, shard, gapMetric } = runSettings(options);
  // Each perturbation runs only at the levels it declares; a level none of them has is a usage error.
  const { severities, skipped } = planSeverities(perturbations, asked);
  const textField = options.textField ?? 'text';
  const labelField = options.labelField ?? 'label';
  const session =
    options.session ??
    (await openModelSession(options.model, {
      cacheDir: options.cacheDir,
      batchSize: options.batchSize,
      concurrency: options.concurrency,
      dtype: options.dtype,
      seed,
      classifierOptions: options.classifierOptions,
      // Without a cache, a chunk's predictions are dropped once its records are built: flat memory.
      keepBetweenCalls: options.cacheDir !== null,
      onCacheUse: options.onCacheUse,
    }));
  const { classifier } = session;
  let completed = false;
  try {
    const select = { shard, limit: options.limit };
    const scan = await scanData(source, classifier.labels, labelMap, select);
    const warnings: ReportWarning[] = [...scan.warnings];
    // said at the default level too: a perturbation the run selected but never ran must not vanish
    if (skipped.length > 0) {
      warnings.push({ code: 'skipped-severities', message: skippedSeveritiesMessage(skipped) });
    }
    const freq = await classFrequencies(
      {
        train: options.train,
        labelField: options.labelField,
        classCounts: options.classCounts,
        modelCountsFile: session.classCountsFile,
      },
      classifier.labels,
      scan.evalCounts,
    );
    warnings.push(...freq.warnings);
    const { mode, classes, buckets } = assignBuckets(
      freq.counts,
      classifier.labels,
      options.buckets ?? 'auto',
    );
    const priors = tau === null ? null : logPriors(freq.counts, classifier.labels);

    // Every record is reduced into the accumulators as it arrives; records themselves are kept only
    // when they go inside the JSON report (with --examples-out they stream to the file instead).
    const measures = createMeasures(classes, buckets, {
      seed,
      bootstrap: { resamples, confidence: CONFIDENCE },
      logitAdjust: tau === null ? null : { tau },
      gapMetric,
    });
    const examplesOut = options.examplesOut ? openJsonlWriter(options.examplesOut) : undefined;
    const records: ExampleRecord[] = [];
    const targets: AttackTarget[] = [];
    let done = 0;
    let report: Report;
    try {
      options.onProgress?.(0, scan.total);
      await runPipeline(
        selectExamples(source, select),
        session.runner,
        {
          perturbations,
          severities,
          variantsPerText,
          seed,
          protect: options.protect,
          options: perturbationOptions,
          meaning,
        },
        {
          labels: classifier.labels,
          goldLabel: (ex) => mapLabel(ex, labelMap),
          logitAdjust: priors === null || tau === null ? null : { priors, tau },
          dataFile: source.path,
        },
        async (batch) => {
          for (const rec of batch) {
            measures.add(rec);
            if (attackPlan) {
              const { id, row, text, label, prediction, goldProb } = rec;
              targets.push({ id, ...(row === undefined ? {} : { row }), text, label, prediction, goldProb });
            }
            if (examplesOut) await examplesOut.write(rec);
            else records.push(rec);
          }
          done += batch.length;
          options.onProgress?.(done, scan.total);
        },
      );
      const attack =
        attackPlan &&
        attackSection(
          await attackExamples(
            targets,
            session.runner,
            {
              ...attackPlan,
              perturbations: attackDefs,
              seed,
              protect: options.protect,
              options: perturbationOptions,
              meaning,
              labels: classifier.labels,
              prediction: session.runner.answers.prediction,
            },
            options.onAttackProgress,
          ),
          classes,
          buckets,
          {
            search: attackPlan.search,
            perturbations: attackDefs.map((d) => d.name),
            maxEdits: maxEditsLabel(attackPlan.maxEdits),
            maxQueries: attackPlan.maxQueries,
            candidatesPerWord: CANDIDATES_PER_WORD,
          },
          { seed, resamples, confidence: CONFIDENCE },
        );
      report = assembleReport({
        config: {
          model: { id: classifier.id, fingerprint: classifier.fingerprint, labels: [...classifier.labels] },
          data: { path: source.path, n: measures.size, textField, labelField },
          perturbations: perturbations.map((p) => p.name),
          severities,
          variants: variantsPerText,
          seed,
          bootstrap: { resamples, confidence: CONFIDENCE },
          buckets: { mode, spec: options.buckets ?? 'auto' },
          frequencySource: freq.source,
          logitAdjust: tau === null ? null : { tau },
          shard: shard ? { ...shard } : null,
          gapMetric,
          meaningCheck: meaningCheckConfig(perturbations, meaning),
          lexicon: lexiconConfig(perturbationOptions, perturbations),
        },
        classes,
        buckets,
        measures,
        examples: examplesOut ? { file: options.examplesOut!, digest: examplesOut.digest() } : { records },
        baseWarnings: warnings,
        tags: Object.fromEntries(perturbations.map((p) => [p.name, p.tag])),
        fairness: Object.fromEntries(
          perturbations.flatMap((p) => (p.fairness ? [[p.name, p.fairness]] : [])),
        ),
        attack: attack || undefined,
      });
    } catch (err) {
      // A failed run leaves no examples file (and a previous one intact): its temp file is removed.
      await examplesOut?.abort();
      throw err;
    }
    // Renamed into place only with the report it belongs to.
    await examplesOut?.close();
    completed = true;
    return report;
  } finally {
    if (!options.session) {
      // After a failure, the failure is what the caller needs to see, not a close error it caused.
      if (completed) await session.close();
      else await session.close().catch(() => undefined);
    }
  }
}
