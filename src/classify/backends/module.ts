/**
 * Module backend (`--model ./my-model.ts`): a JS/TS module exporting
 *   export const labels: string[];
 *   export async function classify(texts: string[]): Promise<{ label: string; scores?: number[] }[]>;
 *   export async function close(): Promise<void>;   // optional
 * (or the same as properties of the default export). `scores` are in `labels` order; without them the
 * label gets probability 1. `.ts` modules load when running under tsx (the CLI) or vitest.
 * Fingerprint (the cache key): the module's absolute path and content, the labels, `--model-version`
 * and the `--model-files` digest — NOT what the module imports or loads (its weights): declare those
 * with `--model-files` (or bump `--model-version`), or the cache serves the old model's predictions.
 */
import { existsSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError, ModelError } from '../../errors.ts';
import type { Classifier, Prediction } from '../../types.ts';
import { defineBackend } from '../backend.ts';
import { classifyInBatches } from '../limit.ts';
import { AnswerError, checkLabelList, fileHash, labelIndex, sha256, toPrediction } from '../predictions.ts';
import {
  batchSizeOption,
  labelsOption,
  modelFilesDigest,
  modelFilesOption,
  modelVersionOption,
  resolveLabels,
} from './common.ts';

export interface ModuleClassifierOptions {
  /** overrides (or replaces a missing) `labels` export */
  labels?: readonly string[];
  /** texts per classify() call of the module, default 32 */
  batchSize?: number;
  modelVersion?: string;
  /** `--model-files` content digest (common.ts modelFilesDigest), part of the fingerprint */
  modelFilesDigest?: string;
}

interface ModelModule {
  labels?: unknown;
  classify?: unknown;
  close?: unknown;
}

export async function createModuleClassifier(
  path: string,
  opts: ModuleClassifierOptions = {},
): Promise<Classifier> {
  const file = resolve(path);
  let loaded: ModelModule & { default?: ModelModule };
  try {
    loaded = (await import(pathToFileURL(file).href)) as ModelModule & { default?: ModelModule };
  } catch (err) {
    throw new ModelError(`cannot load the model module ${path}: ${(err as Error).message}`, { cause: err });
  }
  const source: ModelModule =
    typeof loaded.classify === 'function' ? loaded : loaded.default !== undefined ? loaded.default : loaded;
  if (typeof source.classify !== 'function') {
    throw new InputError('the model module must export `classify(texts) → Promise<{label, scores?}[]>`', {
      file: path,
    });
  }
  const classifyFn = source.classify as (texts: string[]) => unknown;
  let labels: string[];
  try {
    labels = checkLabelList(opts.labels ?? source.labels, 'the `labels` export');
  } catch (err) {
    throw new InputError(`${(err as Error).message} (or pass --labels)`, { file: path });
  }
  const index = labelIndex(labels);
  const batchSize = opts.batchSize ?? batchSizeOption.default;
  const display = `model module ${path}`;

  async function classifyBatch(texts: string[]): Promise<Prediction[]> {
    let answer: unknown;
    try {
      answer = await classifyFn(texts);
    } catch (err) {
      throw new ModelError(`${display}: classify() threw: ${(err as Error).message}`, { cause: err });
    }
    if (!Array.isArray(answer) || answer.length !== texts.length) {
      const got = Array.isArray(answer) ? `${answer.length} predictions` : typeof answer;
      throw new ModelError(`${display}: classify() returned ${got} for ${texts.length} texts`);
    }
    return answer.map((item, i) => {
      try {
        return toPrediction(item, labels, index);
      } catch (err) {
        if (err instanceof AnswerError)
          throw new ModelError(`${display}: prediction ${i + 1}: ${err.message}`);
        throw err;
      }
    });
  }

  return {
    labels,
    fingerprint: sha256(
      'tailcheck/module@1',
      file,
      fileHash(file) ?? '',
      JSON.stringify(labels),
      opts.modelVersion ?? '',
      ...(opts.modelFilesDigest === undefined ? [] : [`model-files:${opts.modelFilesDigest}`]),
    ),
    id: path,
    classify: (texts) => classifyInBatches(texts, batchSize, classifyBatch),
    async close(): Promise<void> {
      if (typeof source.close === 'function') await (source.close as () => unknown)();
    },
  };
}

const MODULE_EXTENSIONS = new Set(['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts']);

export default defineBackend({
  name: 'module',
  matches: (spec) => MODULE_EXTENSIONS.has(extname(spec).toLowerCase()),
  options: [labelsOption, modelVersionOption, modelFilesOption, batchSizeOption],
  async create(spec, options) {
    if (!existsSync(spec)) throw new InputError('model module not found', { file: spec });
    return createModuleClassifier(spec, {
      labels: resolveLabels(options.labels),
      batchSize: options.batchSize,
      modelVersion: options.modelVersion,
      modelFilesDigest: await modelFilesDigest(options.modelFiles),
    });
  },
});
