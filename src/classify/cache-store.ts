/**
 * The on-disk prediction cache as files: the line format (shared by the runner that reads and appends
 * and by `tailcheck cache info`), per-file statistics, and pruning.
 *
 * Layout: `<cacheDir>/predictions/<sha256("predictions@2\0" + fingerprint)[:32]>.jsonl`, append-only:
 *   {"tailcheck":"predictions@2","fingerprint":…,"model":…,"labels":N}              header (informational)
 *   {"h":"<base64url sha256 of the text>","l":<label index>,"f":"<base64 float32 LE scores>","c":"<checksum>"}
 * ("d" instead of "f" holds float64 scores when a backend's numbers are not all float32-exact), so
 * predictions read back bit-identical to the ones computed. `c` is the first 16 hex digits of a sha256
 * over h, l and the scores field: a line whose checksum does not match (a flipped bit, an edited line)
 * is BAD — never trusted, its text is classified again and the reader is told how many there were.
 * A line that does not end in `}` is TORN (the tail of a write cut short by a crash or kill -9): it is
 * skipped silently, as an interrupted run is expected and loses nothing but that batch.
 *
 * Why the format version is in the file name: predictions@1 lines carry no checksum, so none of them
 * could be trusted. Reading such a file would only report every line as bad on every run, and appending
 * checksummed lines to it would mix formats in one file forever. A new name means old files are never
 * opened: the first run after the upgrade is a cold run, and the old files, no longer used, age out
 * with `tailcheck cache prune --older-than DAYS` (or go with `--all`).
 *
 * Last use: the runner sets a file's mtime when it opens it (appends move it too), so "last used" is
 * the mtime — no index file to keep consistent.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Prediction } from '../types.ts';
import { packScores, scoreWidth, unpackScores } from './score-codec.ts';

export const CACHE_FORMAT = 'predictions@2';

export function predictionsDir(cacheDir: string): string {
  return join(cacheDir, 'predictions');
}

export function cacheFileFor(cacheDir: string, fingerprint: string): string {
  const name = createHash('sha256').update(`${CACHE_FORMAT}\0${fingerprint}`).digest('hex').slice(0, 32);
  return join(predictionsDir(cacheDir), `${name}.jsonl`);
}

export function textHash(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

export interface CacheHeader {
  tailcheck: string;
  fingerprint?: string;
  model?: string;
  labels?: number;
}

export function headerLine(fingerprint: string, model: string, labels: number): string {
  return `${JSON.stringify({ tailcheck: CACHE_FORMAT, fingerprint, model, labels })}\n`;
}

function checksum(h: string, l: number, key: 'f' | 'd', scores: string): string {
  return createHash('sha256').update(`${h}\0${l}\0${key}\0${scores}`).digest('hex').slice(0, 16);
}

/** One cache line (with its newline) for a text hash, its label index and its scores. */
export function entryLine(h: string, l: number, scores: readonly number[]): string {
  const key = scoreWidth(scores) === 'f32' ? 'f' : 'd';
  const encoded = packScores(scores, key === 'f' ? 'f32' : 'f64');
  return `${JSON.stringify({ h, l, [key]: encoded, c: checksum(h, l, key, encoded) })}\n`;
}

export type ParsedLine =
  | { kind: 'entry'; h: string; l: number; scores: number[] }
  | { kind: 'header'; header: CacheHeader }
  | { kind: 'blank' }
  | { kind: 'torn' }
  | { kind: 'bad' };

/**
 * Classifies one line of a cache file. `labels`: the model's label count when known (the runner);
 * without it (cache info) an entry's scores must match the header's count, or any count when that is
 * unknown too.
 */
export function parseLine(line: string, labels: number | undefined): ParsedLine {
  if (line.trim() === '') return { kind: 'blank' };
  if (!line.endsWith('}')) return { kind: 'torn' };
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { kind: 'bad' };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { kind: 'bad' };
  const o = value as Record<string, unknown>;
  if (typeof o.tailcheck === 'string' && !('h' in o)) {
    const header: CacheHeader = { tailcheck: o.tailcheck };
    if (typeof o.fingerprint === 'string') header.fingerprint = o.fingerprint;
    if (typeof o.model === 'string') header.model = o.model;
    if (typeof o.labels === 'number' && Number.isInteger(o.labels) && o.labels > 0) header.labels = o.labels;
    return { kind: 'header', header };
  }
  const { h, l, c } = o;
  const key = typeof o.f === 'string' ? 'f' : typeof o.d === 'string' ? 'd' : undefined;
  if (
    key === undefined ||
    typeof h !== 'string' ||
    typeof c !== 'string' ||
    typeof l !== 'number' ||
    !Number.isInteger(l) ||
    l < 0 ||
    (labels !== undefined && l >= labels) ||
    c !== checksum(h, l, key, o[key] as string)
  ) {
    return { kind: 'bad' };
  }
  const scores = unpackScores(o[key] as string, key === 'f' ? 'f32' : 'f64');
  if (scores === undefined || (labels !== undefined && scores.length !== labels)) return { kind: 'bad' };
  if (l >= scores.length) return { kind: 'bad' };
  return { kind: 'entry', h, l, scores };
}

export interface ReadResult {
  /** entry lines that passed their checksum */
  entries: number;
  /** lines that failed it (or are not cache lines at all): ignored, their texts classified again */
  badLines: number;
  /** writes cut short by an interrupted run: ignored silently */
  tornLines: number;
  /** the first header line, when readable */
  header: CacheHeader | undefined;
}

/**
 * Streams a cache file; `onEntry` receives every good entry in file order (a later line for the same
 * text wins). A missing file reads as empty. `labels`: see parseLine.
 */
export async function readCacheFile(
  file: string,
  labels: number | undefined,
  onEntry?: (h: string, prediction: { l: number; scores: number[] }) => void,
): Promise<ReadResult> {
  const result: ReadResult = { entries: 0, badLines: 0, tornLines: 0, header: undefined };
  const stream = createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const line of lines) {
      const parsed = parseLine(line, labels ?? result.header?.labels);
      switch (parsed.kind) {
        case 'entry':
          result.entries++;
          onEntry?.(parsed.h, parsed);
          break;
        case 'header':
          result.header ??= parsed.header;
          break;
        case 'bad':
          result.badLines++;
          break;
        case 'torn':
          result.tornLines++;
          break;
        default:
          break;
      }
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  } finally {
    stream.destroy();
  }
  return result;
}

/** Good entries of a cache file as predictions of a model with these labels. */
export async function loadPredictions(
  file: string,
  labels: readonly string[],
  into: Map<string, Prediction>,
): Promise<ReadResult> {
  return readCacheFile(file, labels.length, (h, { l, scores }) => {
    into.set(h, { label: labels[l]!, scores });
  });
}

// ───────────────────────────── info and prune ─────────────────────────────

export interface CacheFileInfo {
  file: string;
  /** the header's format ('predictions@2'); older formats are no longer read */
  format: string | undefined;
  fingerprint: string | undefined;
  model: string | undefined;
  /** good entries (lines; a text written by two concurrent runs counts twice) */
  entries: number;
  badLines: number;
  tornLines: number;
  bytes: number;
  /** mtime: set when a run opens the file */
  lastUsed: Date;
}

/** The meaning check's sentence embeddings (src/perturb/meaning/encoder.ts), in this line format too. */
export function embeddingsDir(cacheDir: string): string {
  return join(cacheDir, 'embeddings');
}

/**
 * The cache files under `<cacheDir>/predictions/` and `<cacheDir>/embeddings/`, most recently used
 * first.
 */
export async function listCacheFiles(cacheDir: string): Promise<string[]> {
  const files: string[] = [];
  for (const dir of [predictionsDir(cacheDir), embeddingsDir(cacheDir)]) {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    files.push(...names.filter((n) => n.endsWith('.jsonl')).map((n) => join(dir, n)));
  }
  const withTimes = await Promise.all(files.map(async (f) => ({ f, t: (await stat(f)).mtimeMs })));
  return withTimes.sort((a, b) => b.t - a.t || (a.f < b.f ? -1 : 1)).map((x) => x.f);
}

export async function cacheFileInfo(file: string): Promise<CacheFileInfo> {
  const { size, mtime } = await stat(file);
  const read = await readCacheFile(file, undefined);
  const current = read.header?.tailcheck === CACHE_FORMAT;
  return {
    file,
    format: read.header?.tailcheck,
    fingerprint: read.header?.fingerprint,
    model: read.header?.model,
    // An older format's lines have no checksum: none of them would be used.
    entries: current ? read.entries : 0,
    badLines: current ? read.badLines : 0,
    tornLines: read.tornLines,
    bytes: size,
    lastUsed: mtime,
  };
}

export interface PruneOptions {
  /** drop files not used for this many days */
  olderThanDays?: number;
  /** drop every cache file */
  all?: boolean;
  /** list what would be dropped, drop nothing */
  dryRun?: boolean;
  /** for tests: the current time */
  now?: Date;
}

export interface PruneResult {
  removed: { file: string; bytes: number; lastUsed: Date }[];
  kept: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Removes cache files (only `<cacheDir>/{predictions,embeddings}/*.jsonl`; nothing else is touched). */
export async function pruneCache(cacheDir: string, opts: PruneOptions): Promise<PruneResult> {
  if (!opts.all && opts.olderThanDays === undefined) {
    throw new RangeError('pruneCache needs olderThanDays or all');
  }
  const cutoff = (opts.now ?? new Date()).getTime() - (opts.olderThanDays ?? 0) * DAY_MS;
  const result: PruneResult = { removed: [], kept: 0 };
  for (const file of await listCacheFiles(cacheDir)) {
    const { size, mtime } = await stat(file);
    if (opts.all || mtime.getTime() < cutoff) {
      if (!opts.dryRun) await rm(file, { force: true });
      result.removed.push({ file, bytes: size, lastUsed: mtime });
    } else {
      result.kept++;
    }
  }
  return result;
}

// ───────────────────────────── run summary ─────────────────────────────

/** What a run took from its cache file: for the one stderr line after audit and suite. */
export interface CacheUse {
  file: string;
  /** distinct texts this run answered from the file */
  fromCache: number;
  /** distinct texts this run needed (from the file + classified) */
  texts: number;
  badLines: number;
}

/** `tailcheck: prediction cache: 1,234 of 5,678 texts (21.7 %) from <file>` */
export function cacheUseLine(use: CacheUse): string {
  const share = use.texts === 0 ? '—' : `${((100 * use.fromCache) / use.texts).toFixed(1)} %`;
  const n = (x: number) => x.toLocaleString('en-US');
  return `tailcheck: prediction cache: ${n(use.fromCache)} of ${n(use.texts)} texts (${share}) from ${use.file}\n`;
}
