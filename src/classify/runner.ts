/**
 * Throughput and the prediction cache around any Classifier.
 *
 * predict(texts): identical texts are classified once; texts already known (from the on-disk cache or
 * an earlier call) are not classified again; the rest are sorted by length (a cheap proxy for token
 * count, so padded batches waste little) and sent in batches, up to `concurrency` at a time.
 *
 * Cache: one append-only file per model fingerprint (format, checksums and file name: cache-store.ts).
 * Every finished batch is appended with ONE write to a file opened with O_APPEND, so a crash (even
 * kill -9) loses at most the batches in flight, and a re-run classifies nothing twice. A torn last line
 * is ignored on reading and the next write starts on a fresh line; the file is never rewritten. A line
 * whose checksum fails is never trusted: its text is classified again, and ONE warning per run says how
 * many such lines the file has (`onWarning`, default stderr — never the report, which must not differ
 * between a cold and a warm run). Opening the file sets its mtime: `tailcheck cache prune` reads it as
 * the last use.
 */
import { type FileHandle, mkdir, open, stat } from 'node:fs/promises';
import { DEFAULT_BATCH_SIZE, DEFAULT_CACHE_DIR, DEFAULT_CONCURRENCY } from '../defaults.ts';
import { ModelError, UsageError } from '../errors.ts';
import type { Classifier, Prediction } from '../types.ts';
import {
  type CacheUse,
  cacheFileFor,
  entryLine,
  headerLine,
  loadPredictions,
  predictionsDir,
  textHash,
} from './cache-store.ts';
import { chunk, createLimiter } from './limit.ts';
import {
  AnswerError,
  type AnswerPolicy,
  AnswerTextError,
  answerPolicy,
  checkPrediction,
  quoteText,
} from './predictions.ts';

export { cacheFileFor, textHash } from './cache-store.ts';

export interface PredictionRunnerOptions {
  /** null = no disk cache; default '.tailcheck-cache' (relative to the working directory) */
  cacheDir?: string | null;
  /** texts per classify() call, default 32 */
  batchSize?: number;
  /** classify() calls in flight, default 1 */
  concurrency?: number;
  /** per predict() call, in distinct texts: `done` of `total` are known */
  onProgress?(done: number, total: number): void;
  /**
   * Keep predictions in memory between predict() calls, so a later call reuses them (default true).
   * Without a disk cache, false keeps memory flat on huge runs: only texts repeated within one call
   * are then classified once.
   */
  keepBetweenCalls?: boolean;
  /** receives the (one) warning about bad cache lines; default: `tailcheck: warning: …` on stderr */
  onWarning?(message: string): void;
  /**
   * `--prediction` / `--scores` (predictions.ts): every fresh answer is checked (and logits turned
   * into probabilities) under this policy before it is cached or returned; default argmax, probabilities
   */
  answers?: Partial<AnswerPolicy>;
}

export interface RunnerStats {
  /** texts passed to predict() */
  requested: number;
  /** distinct texts per predict() call, summed */
  unique: number;
  /** distinct texts already known (disk cache or an earlier call) */
  cacheHits: number;
  /** texts sent to the classifier */
  classified: number;
  /** classify() calls */
  backendCalls: number;
  /** distinct texts answered from the cache file (each counted once per runner) */
  fromDisk: number;
  /** lines of the cache file that failed their checksum (ignored) */
  badLines: number;
}

export interface PredictionRunner {
  predict(texts: readonly string[]): Promise<Prediction[]>;
  readonly stats: RunnerStats;
  /** the cache file, or null without a disk cache */
  readonly cacheFile: string | null;
  /** what this run took from the cache file so far; null without a disk cache */
  cacheUse(): CacheUse | null;
  /** the answer policy every fresh prediction was checked under */
  readonly answers: AnswerPolicy;
  /** flushes and closes the cache file (the classifier stays open: its owner closes it) */
  close(): Promise<void>;
}

const warnOnStderr = (message: string): void => {
  process.stderr.write(`tailcheck: warning: ${message}\n`);
};

export function createPredictionRunner(
  classifier: Classifier,
  opts: PredictionRunnerOptions = {},
): PredictionRunner {
  const cacheDir = opts.cacheDir === undefined ? DEFAULT_CACHE_DIR : opts.cacheDir;
  const batchSize = opts.batchSize ?? DEFAULT_BATCH_SIZE;
  const concurrency = opts.concurrency ?? DEFAULT_CONCURRENCY;
  if (!(Number.isInteger(batchSize) && batchSize >= 1))
    throw new RangeError(`batchSize must be ≥ 1, got ${batchSize}`);
  if (!(Number.isInteger(concurrency) && concurrency >= 1)) {
    throw new RangeError(`concurrency must be ≥ 1, got ${concurrency}`);
  }
  const labels = classifier.labels;
  const labelIndex = new Map(labels.map((label, i) => [label, i]));
  const cacheFile = cacheDir === null ? null : cacheFileFor(cacheDir, classifier.fingerprint);
  const known = new Map<string, Prediction>();
  const stats: RunnerStats = {
    requested: 0,
    unique: 0,
    cacheHits: 0,
    classified: 0,
    backendCalls: 0,
    fromDisk: 0,
    badLines: 0,
  };
  /** texts read from the cache file and not yet asked for in this run (counted on first use) */
  const unusedFromDisk = new Set<string>();
  const oneCallAtATime = createLimiter(1);
  const answers = answerPolicy(opts.answers);

  let ready: Promise<void> | null = null;
  let handle: FileHandle | null = null;
  let needsNewline = false;
  let writes: Promise<void> = Promise.resolve();

  async function load(): Promise<void> {
    try {
      await openCache();
    } catch (err) {
      throw new UsageError(
        `cannot use the prediction cache ${cacheFile}: ${(err as Error).message} (choose another --cache-dir, or run without a cache)`,
      );
    }
  }

  async function openCache(): Promise<void> {
    if (cacheFile === null || cacheDir === null) return;
    await mkdir(predictionsDir(cacheDir), { recursive: true });
    const read = await loadPredictions(cacheFile, labels, known);
    for (const h of known.keys()) unusedFromDisk.add(h);
    stats.badLines = read.badLines;
    if (read.badLines > 0) {
      (opts.onWarning ?? warnOnStderr)(
        `prediction cache ${cacheFile}: ${read.badLines} bad line${read.badLines === 1 ? '' : 's'} ` +
          '(checksum mismatch: a damaged or edited file) ignored; their texts are classified again ' +
          '(the file is append-only: delete it to drop them).',
      );
    }
    handle = await open(cacheFile, 'a');
    // The mtime is the file's last use (cache prune); a warm run appends nothing, so set it here.
    const now = new Date();
    await handle.utimes(now, now);
    const { size } = await stat(cacheFile);
    if (size === 0) {
      await handle.write(headerLine(classifier.fingerprint, classifier.id, labels.length));
    } else {
      const last = Buffer.alloc(1);
      const reader = await open(cacheFile, 'r');
      try {
        await reader.read(last, 0, 1, size - 1);
      } finally {
        await reader.close();
      }
      needsNewline = last[0] !== 0x0a;
    }
  }

  /** Appends one batch with a single write; writes are chained so lines never interleave. */
  function append(hashes: readonly string[], predictions: readonly Prediction[]): Promise<void> {
    if (handle === null) return Promise.resolve();
    let text = needsNewline ? '\n' : '';
    needsNewline = false;
    predictions.forEach((p, i) => {
      text += entryLine(hashes[i]!, labelIndex.get(p.label)!, p.scores);
    });
    const fh = handle;
    writes = writes.then(async () => {
      const bytes = Buffer.from(text);
      let offset = 0;
      while (offset < bytes.length) offset += (await fh.write(bytes, offset)).bytesWritten;
    });
    return writes;
  }

  /**
   * Every fresh answer of every backend passes here: the count, then each prediction under the answer
   * policy (checkPrediction). A bad answer names its text, so the audit can add the data line.
   */
  function checkBatch(texts: readonly string[], predictions: unknown): Prediction[] {
    if (!Array.isArray(predictions) || predictions.length !== texts.length) {
      const got = Array.isArray(predictions) ? predictions.length : typeof predictions;
      throw new ModelError(
        `${classifier.id}: classify() returned ${got} predictions for ${texts.length} texts`,
      );
    }
    return predictions.map((p: unknown, i) => {
      try {
        return checkPrediction(p, labels, labelIndex, answers);
      } catch (err) {
        if (!(err instanceof AnswerError)) throw err;
        throw new AnswerTextError(
          `${classifier.id}: the answer for the text ${quoteText(texts[i]!)} is wrong: ${err.message}`,
          texts[i]!,
        );
      }
    });
  }

  async function run(texts: readonly string[]): Promise<Prediction[]> {
    ready ??= load();
    await ready;
    stats.requested += texts.length;
    const hashes = texts.map(textHash);
    const missing = new Map<string, string>(); // hash → text, in first-seen order
    const distinct = new Set<string>();
    let hits = 0;
    hashes.forEach((h, i) => {
      if (distinct.has(h)) return;
      distinct.add(h);
      if (known.has(h)) {
        hits++;
        if (unusedFromDisk.delete(h)) stats.fromDisk++;
      } else missing.set(h, texts[i]!);
    });
    stats.unique += distinct.size;
    stats.cacheHits += hits;
    const total = distinct.size;
    let done = hits;
    opts.onProgress?.(done, total);

    // Stable sort by length: similar lengths share a batch, so padding is small.
    const order = [...missing.keys()].sort((a, b) => missing.get(a)!.length - missing.get(b)!.length);
    const batches = chunk(order, batchSize);
    let next = 0;
    let failure: unknown;
    const worker = async (): Promise<void> => {
      while (failure === undefined && next < batches.length) {
        const batchHashes = batches[next++]!;
        const batchTexts = batchHashes.map((h) => missing.get(h)!);
        try {
          stats.backendCalls++;
          const predictions = checkBatch(batchTexts, await classifier.classify(batchTexts));
          stats.classified += batchTexts.length;
          for (let i = 0; i < batchHashes.length; i++) known.set(batchHashes[i]!, predictions[i]!);
          await append(batchHashes, predictions);
          done += batchTexts.length;
          opts.onProgress?.(done, total);
        } catch (err) {
          failure ??= err;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, worker));
    if (failure !== undefined) throw failure;
    const out = hashes.map((h) => known.get(h)!);
    if (cacheFile === null && opts.keepBetweenCalls === false) known.clear();
    return out;
  }

  return {
    stats,
    cacheFile,
    cacheUse: () =>
      cacheFile === null
        ? null
        : {
            file: cacheFile,
            fromCache: stats.fromDisk,
            texts: stats.fromDisk + stats.classified,
            badLines: stats.badLines,
          },
    answers,
    predict: (texts) => oneCallAtATime(() => run(texts)),
    async close(): Promise<void> {
      await oneCallAtATime(async () => {
        await ready?.catch(() => undefined);
        await writes;
        await handle?.close();
        handle = null;
      });
    },
  };
}
