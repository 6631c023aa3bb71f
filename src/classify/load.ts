/**
 * `--model <spec>` → a Classifier:
 *   (none)                      the bundled BANKING77-LT model (transformers.js, offline)
 *   cmd:<command line>          a long-lived child process speaking JSON Lines (command.ts)
 *   http://… / https://…        a JSON-over-HTTP endpoint (http.ts)
 *   path/to/model.{js,mjs,ts}   a module exporting `labels` and `classify` (module.ts)
 *   path/to/folder              a local transformers.js model folder, loaded offline (transformers.ts)
 *   org/name                    a Hugging Face Hub id (downloads allowed)
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { InputError, UsageError } from '../errors.ts';
import { BUNDLED_MODEL_DIR } from '../paths.ts';
import type { Classifier } from '../types.ts';
import { createCommandClassifier } from './command.ts';
import { createHttpClassifier, type HttpMapping } from './http.ts';
import { createModuleClassifier } from './module.ts';
import { createTransformersClassifier, type TransformersDtype } from './transformers.ts';

export interface ClassifierOptions {
  /** transformers.js weights: 'fp32' (default, exact) or 'q8' (faster, batch-dependent) */
  dtype?: TransformersDtype;
  /** texts per backend request / ONNX run, default 32 */
  batchSize?: number;
  /** http: requests in flight, default 4 */
  concurrency?: number;
  /** http: per attempt (default 30 s); cmd: per request (default 60 s) */
  timeoutMs?: number;
  /** http: retries after the first attempt, default 4 */
  retries?: number;
  /** the model's labels, in score order: a list, "a,b,c", or a .json (array) / .txt (one per line) file */
  labels?: readonly string[] | string;
  /** http field mapping: an object or its JSON text (`--http-map`) */
  httpMap?: Partial<HttpMapping> | string;
  /** http: extra request headers (e.g. Authorization) */
  httpHeaders?: Record<string, string>;
  /** seeds the http retry jitter */
  seed?: number;
  /** user-declared model version, folded into the fingerprint (for http/cmd/module/hub models) */
  modelVersion?: string;
  /** transformers.js: ONNX Runtime intra-op threads, default 1 */
  threads?: number;
}

const MODULE_EXTENSIONS = new Set(['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts']);
const HUB_ID = /^[A-Za-z0-9][\w.-]*(\/[\w.-]+)?$/;

/** `--labels`: an array, a comma-separated list, or a .json / .txt file. */
export function resolveLabels(value: readonly string[] | string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') return [...value];
  if (existsSync(value) && statSync(value).isFile()) {
    const source = readFileSync(value, 'utf8').replace(/^\uFEFF/, '');
    if (extname(value).toLowerCase() === '.json') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(source);
      } catch (err) {
        throw new InputError(`malformed JSON: ${(err as Error).message}`, { file: value });
      }
      if (!Array.isArray(parsed) || !parsed.every((l) => typeof l === 'string')) {
        throw new InputError('a labels file must hold a JSON array of strings', { file: value });
      }
      return parsed;
    }
    return source
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== '');
  }
  return value
    .split(',')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

function parseHttpMap(value: Partial<HttpMapping> | string | undefined): Partial<HttpMapping> | undefined {
  if (value === undefined || typeof value !== 'string') return value;
  const source = existsSync(value) && statSync(value).isFile() ? readFileSync(value, 'utf8') : value;
  try {
    const parsed = JSON.parse(source) as unknown;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new Error('not an object');
    return parsed as Partial<HttpMapping>;
  } catch (err) {
    throw new UsageError(
      `--http-map must be a JSON object (or a file holding one) like {"requestField":"inputs","responseField":"predictions"}: ${(err as Error).message}`,
    );
  }
}

export async function loadClassifier(
  spec: string | undefined,
  opts: ClassifierOptions = {},
): Promise<Classifier> {
  const labels = resolveLabels(opts.labels);
  const common = { labels, batchSize: opts.batchSize, modelVersion: opts.modelVersion };
  const onnx = {
    batchSize: opts.batchSize,
    modelVersion: opts.modelVersion,
    dtype: opts.dtype,
    threads: opts.threads,
  };
  if (spec === undefined || spec === '') return createTransformersClassifier(BUNDLED_MODEL_DIR, onnx);
  if (spec.startsWith('cmd:')) {
    return createCommandClassifier(spec.slice(4), { ...common, timeoutMs: opts.timeoutMs });
  }
  if (/^https?:\/\//i.test(spec)) {
    return createHttpClassifier(spec, {
      ...common,
      map: parseHttpMap(opts.httpMap),
      concurrency: opts.concurrency,
      timeoutMs: opts.timeoutMs,
      retries: opts.retries,
      seed: opts.seed,
      headers: opts.httpHeaders,
    });
  }
  const exists = existsSync(spec);
  if (MODULE_EXTENSIONS.has(extname(spec).toLowerCase())) {
    if (!exists) throw new InputError('model module not found', { file: spec });
    return createModuleClassifier(spec, common);
  }
  if (exists) {
    if (!statSync(spec).isDirectory()) {
      throw new InputError(
        'a model must be a transformers.js folder, a .js/.ts module, cmd:<command>, an http(s) URL or a Hub id',
        { file: spec },
      );
    }
    return createTransformersClassifier(spec, onnx);
  }
  if (/^(\.{0,2}[/\\]|~)/.test(spec) || !HUB_ID.test(spec)) {
    throw new InputError('model folder not found', { file: spec });
  }
  return createTransformersClassifier(spec, onnx);
}
