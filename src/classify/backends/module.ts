/**
 * Module backend (`--model ./my-model.ts`): a JS/TS module exporting
 *   export const labels: string[];
 *   export async function classify(texts: string[]): Promise<{ label: string; scores?: number[] }[]>;
 *   export async function close(): Promise<void>;   // optional
 * (or the same as properties of the default export). `scores` are in `labels` order; without them the
 * label gets probability 1. Answers take every shape predictions.ts reads.
 *
 * The module runs in a worker thread, not in tailcheck's own thread. Why: its code must not be able to
 * end the run as if it had finished. In the main thread, `process.exit(0)` in the model ended tailcheck
 * with exit 0 and no report (CI green), and a classify() that never settled let Node exit 13 with no
 * message. In a worker, process.exit ends only the worker, which tailcheck reports as a ModelError
 * (exit 2, "the model module called process.exit(0)"), an uncaught exception likewise, and a call that
 * does not settle within `timeoutMs` (`--timeout`, default 60 s; even a busy synchronous loop) stops
 * the worker with a ModelError naming the timeout. Answers cross the thread boundary by structured
 * clone (plain data: arrays, objects, strings, numbers including NaN).
 * `.ts`/`.mts`/`.cts` modules load through tsx's tsImport inside the worker (see typeScriptLoader: the
 * project's own tsx, else tailcheck's, else Node's type stripping), so they load under the CLI, vitest
 * and the built package alike, also from a folder without a package.json (where a global tsx hook
 * takes `.ts` for CommonJS and Node 20 refuses the import). Nothing is registered for `.js`/`.mjs`.
 * Fingerprint (the cache key): the module's absolute path and content, the labels, `--model-version`
 * and the `--model-files` digest — NOT what the module imports or loads (its weights): declare those
 * with `--model-files` (or bump `--model-version`), or the cache serves the old model's predictions.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { InputError, ModelError } from '../../errors.ts';
import type { Classifier, Prediction } from '../../types.ts';
import { defineBackend } from '../backend.ts';
import { classifyInBatches } from '../limit.ts';
import { checkLabelList, fileHash, labelIndex, sha256, toPredictions } from '../predictions.ts';
import {
  batchSizeOption,
  EVERY_BACKEND_OPTIONS,
  identityParts,
  labelsOption,
  type ModelIdentity,
  modelFilesDigest,
  resolveLabels,
} from './common.ts';

export interface ModuleClassifierOptions extends ModelIdentity {
  /** overrides (or replaces a missing) `labels` export */
  labels?: readonly string[];
  /** texts per classify() call of the module, default 32 */
  batchSize?: number;
  /** per classify() call, default 60 000 ms */
  timeoutMs?: number;
  /** for loading the module (it may load weights at import), default max(timeoutMs, 120 000) ms */
  startTimeoutMs?: number;
}

const TS_EXTENSIONS = new Set(['.ts', '.mts', '.cts']);

/** tsx's API as seen from a file (a `require.resolve` starting point): a URL to import, or undefined. */
export type ResolveTsx = (from: string) => string | undefined;

/**
 * tsx's ES module API (`tsx/esm/api`, import condition) as seen from `from`, as a file URL. Node 20's
 * `import.meta.resolve` takes no starting point and `require.resolve` picks the CommonJS entry (whose
 * tsImport fails), so the entry is read from tsx's package.json `exports`.
 */
const resolveTsxFrom: ResolveTsx = (from) => {
  let manifest: string;
  try {
    manifest = createRequire(from).resolve('tsx/package.json');
  } catch {
    return undefined;
  }
  const exported = (JSON.parse(readFileSync(manifest, 'utf8')) as { exports?: Record<string, unknown> })
    .exports?.['./esm/api'] as string | { import?: string | { default?: string } } | undefined;
  const esm = typeof exported === 'string' ? exported : exported?.import;
  const entry = typeof esm === 'string' ? esm : esm?.default;
  return entry === undefined ? undefined : pathToFileURL(join(dirname(manifest), entry)).href;
};

/**
 * How the worker loads a TypeScript model module: `{ tsx }`, the tsx API to import it with, or
 * `{ tsx: null }`, a plain import (this Node strips types itself). tsx is a devDependency of tailcheck,
 * not installed with it, so it is looked up first from the module's folder (the user's project: `npm
 * install --save-dev tsx`), then from tailcheck's own (a checkout); without tsx, Node's type stripping
 * (`process.features.typescript`: on by default from Node 22.18 / 23.6) does for modules that only
 * use erasable syntax. Neither: an InputError saying so (exit 2), instead of Node's "Unknown file
 * extension .ts" from inside the worker.
 */
export function typeScriptLoader(
  file: string,
  display: string,
  lookup: { resolveTsx?: ResolveTsx; nodeStripsTypes?: boolean } = {},
): { tsx: string | null } {
  const resolveTsx = lookup.resolveTsx ?? resolveTsxFrom;
  const tsx = resolveTsx(file) ?? resolveTsx(fileURLToPath(import.meta.url));
  if (tsx !== undefined) return { tsx };
  const nodeStripsTypes =
    lookup.nodeStripsTypes ?? Boolean((process.features as { typescript?: unknown }).typescript);
  if (nodeStripsTypes) return { tsx: null };
  throw new InputError(
    `cannot load the ${display}: a TypeScript model needs tsx (\`npm install --save-dev tsx\` in your project) ` +
      `or Node ≥ 22.18, which strips types itself (this is Node ${process.versions.node}); ` +
      'or give a compiled .js/.mjs module',
  );
}

/**
 * The worker: plain JavaScript (CommonJS, run with `eval`), so it needs no build step and no loader
 * of its own. Messages: main → {type: 'classify', id, texts} | {type: 'close'}; worker → 'ready'
 * {hasClassify, labels} | 'load-error' {message} | 'result' {id, value} | 'threw' {id, message} |
 * 'closed' {message?}.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const describe = (err) => (err instanceof Error ? err.message : String(err));
const cloneable = (value) => { try { structuredClone(value); return value; } catch { return undefined; } };
(async () => {
  let source;
  try {
    const loaded = workerData.tsx
      ? await (await import(workerData.tsx)).tsImport(workerData.url, workerData.url)
      : await import(workerData.url);
    source = typeof loaded.classify === 'function' ? loaded : loaded.default !== undefined ? loaded.default : loaded;
  } catch (err) {
    parentPort.postMessage({ type: 'load-error', message: describe(err) });
    return;
  }
  parentPort.on('message', async (message) => {
    if (message.type === 'classify') {
      let value;
      try {
        value = await source.classify(message.texts);
      } catch (err) {
        parentPort.postMessage({ type: 'threw', id: message.id, message: describe(err) });
        return;
      }
      try {
        parentPort.postMessage({ type: 'result', id: message.id, value });
      } catch (err) {
        parentPort.postMessage({ type: 'threw', id: message.id, message: 'it returned a value that is not plain data (' + describe(err) + ')' });
      }
    } else if (message.type === 'close') {
      try {
        if (typeof source.close === 'function') await source.close();
        parentPort.postMessage({ type: 'closed' });
      } catch (err) {
        parentPort.postMessage({ type: 'closed', message: describe(err) });
      }
    }
  });
  const hasClassify = source != null && typeof source.classify === 'function';
  parentPort.postMessage({ type: 'ready', hasClassify, labels: hasClassify ? cloneable(source.labels) : undefined });
})();
`;

type FromWorker =
  | { type: 'ready'; hasClassify: boolean; labels: unknown }
  | { type: 'load-error'; message: string }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'threw'; id: number; message: string }
  | { type: 'closed'; message?: string };

interface Call {
  resolve(value: unknown): void;
  reject(err: Error): void;
}

/** The model module running in its worker thread. */
class ModuleWorker {
  private readonly worker: Worker;
  private readonly calls = new Map<number, Call>();
  private nextId = 1;
  private closing = false;
  /** why the worker is gone (set once it is), for every later call */
  private gone: string | null = null;
  private crash: Error | null = null;
  private onReady: ((message: FromWorker) => void) | null = null;
  private onClosed: ((message: string | undefined) => void) | null = null;

  constructor(
    file: string,
    private readonly display: string,
  ) {
    // a TS loader only for a TS module (and an InputError here when there is none)
    const { tsx } = TS_EXTENSIONS.has(extname(file).toLowerCase())
      ? typeScriptLoader(file, display)
      : { tsx: null };
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { url: pathToFileURL(file).href, tsx },
    });
    // An idle model must not keep the process alive; a pending call has its timer for that.
    this.worker.unref();
    this.worker.on('message', (message: FromWorker) => this.receive(message));
    this.worker.on('error', (err) => {
      this.crash ??= err;
    });
    this.worker.on('exit', (code) => {
      if (this.closing) return;
      this.end(
        this.crash
          ? `the model module crashed: ${this.crash.message}`
          : `the model module called process.exit(${code})`,
      );
    });
  }

  private receive(message: FromWorker): void {
    switch (message.type) {
      case 'ready':
      case 'load-error':
        this.onReady?.(message);
        return;
      case 'closed':
        this.onClosed?.(message.message);
        return;
      case 'result':
      case 'threw': {
        const call = this.calls.get(message.id);
        if (!call) return; // answered after its timeout: the run has already failed
        this.calls.delete(message.id);
        if (message.type === 'result') call.resolve(message.value);
        else call.reject(new ModelError(`${this.display}: classify() threw: ${message.message}`));
      }
    }
  }

  /** The worker is gone: every pending and later call fails with the reason. */
  private end(reason: string): void {
    if (this.gone !== null) return;
    this.gone = reason;
    const error = new ModelError(`${this.display}: ${reason}`);
    for (const call of this.calls.values()) call.reject(error);
    this.calls.clear();
    this.onReady?.({ type: 'load-error', message: reason });
    this.onClosed?.(undefined);
  }

  /** Waits until the module is loaded: its labels export and whether it has classify(). */
  ready(timeoutMs: number): Promise<{ hasClassify: boolean; labels: unknown }> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.stop(`it did not finish loading within ${timeoutMs} ms`);
      }, timeoutMs);
      this.onReady = (message) => {
        clearTimeout(timer);
        this.onReady = null;
        if (message.type === 'ready') resolve(message);
        else if (message.type === 'load-error') {
          reject(new ModelError(`cannot load the ${this.display}: ${message.message}`));
        }
      };
    });
  }

  classify(texts: readonly string[], timeoutMs: number): Promise<unknown> {
    if (this.gone !== null) return Promise.reject(new ModelError(`${this.display}: ${this.gone}`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        // The module may be stuck in a synchronous loop: only stopping its thread ends that.
        this.stop(`classify() did not settle within ${timeoutMs} ms (--timeout); the module was stopped`);
      }, timeoutMs);
      this.calls.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      });
      this.worker.postMessage({ type: 'classify', id, texts: [...texts] });
    });
  }

  /** Ends the worker for a reason every pending and later call reports. */
  private stop(reason: string): void {
    this.end(reason);
    this.closing = true;
    void this.worker.terminate();
  }

  /** Lets the module's close() run (up to `graceMs`), then ends the thread. */
  async close(graceMs = 2000): Promise<void> {
    if (this.gone !== null) return;
    const closed = new Promise<string | undefined>((resolve) => {
      this.onClosed = resolve;
    });
    this.worker.postMessage({ type: 'close' });
    let timer: NodeJS.Timeout | undefined;
    const failure = await Promise.race([
      closed,
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), graceMs);
      }),
    ]);
    clearTimeout(timer);
    this.closing = true;
    this.gone = 'the model module was closed';
    await this.worker.terminate();
    if (failure !== undefined) throw new ModelError(`${this.display}: close() threw: ${failure}`);
  }

  terminate(): void {
    this.closing = true;
    this.gone ??= 'the model module was closed';
    void this.worker.terminate();
  }
}

export async function createModuleClassifier(
  path: string,
  opts: ModuleClassifierOptions = {},
): Promise<Classifier> {
  const file = resolve(path);
  const display = `model module ${path}`;
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const worker = new ModuleWorker(file, display);
  let labels: string[];
  try {
    const loaded = await worker.ready(Math.max(timeoutMs, opts.startTimeoutMs ?? 120_000));
    if (!loaded.hasClassify) {
      throw new InputError('the model module must export `classify(texts) → Promise<{label, scores?}[]>`', {
        file: path,
      });
    }
    try {
      labels = checkLabelList(opts.labels ?? loaded.labels, 'the `labels` export');
    } catch (err) {
      throw new InputError(`${(err as Error).message} (or pass --labels)`, { file: path });
    }
  } catch (err) {
    worker.terminate();
    throw err;
  }
  const index = labelIndex(labels);
  const batchSize = opts.batchSize ?? batchSizeOption.default;

  async function classifyBatch(texts: string[]): Promise<Prediction[]> {
    const answer = await worker.classify(texts, timeoutMs);
    if (!Array.isArray(answer) || answer.length !== texts.length) {
      const got = Array.isArray(answer) ? `${answer.length} predictions` : typeof answer;
      throw new ModelError(`${display}: classify() returned ${got} for ${texts.length} texts`);
    }
    return toPredictions(answer, texts, labels, index, {
      who: display,
      noun: 'prediction',
      scores: opts.answers?.scores,
    });
  }

  return {
    labels,
    fingerprint: sha256(
      'tailcheck/module@1',
      file,
      fileHash(file) ?? '',
      JSON.stringify(labels),
      ...identityParts(opts),
    ),
    id: path,
    classify: (texts) => classifyInBatches(texts, batchSize, classifyBatch),
    close: () => worker.close(),
  };
}

const MODULE_EXTENSIONS = new Set(['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts']);

export default defineBackend({
  name: 'module',
  matches: (spec) => MODULE_EXTENSIONS.has(extname(spec).toLowerCase()),
  options: [labelsOption, ...EVERY_BACKEND_OPTIONS],
  async create(spec, options) {
    if (!existsSync(spec)) throw new InputError('model module not found', { file: spec });
    return createModuleClassifier(spec, {
      labels: resolveLabels(options.labels),
      batchSize: options.batchSize,
      modelVersion: options.modelVersion,
      modelFilesDigest: await modelFilesDigest(options.modelFiles),
      timeoutMs: options.timeoutMs,
      answers: { prediction: options.prediction, scores: options.scores },
    });
  },
});
