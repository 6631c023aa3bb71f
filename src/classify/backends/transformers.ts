/**
 * transformers.js (v4) backend: a text-classification pipeline over a local model folder (loaded
 * offline) or a Hugging Face Hub id.
 *
 * dtype defaults to 'fp32' (onnx/model.onnx): 'q8' (onnx/model_quantized.onnx) is ~30 % faster, but its
 * dynamic quantization scales activations per padded BATCH, so a text's scores change slightly with its
 * batch companions — which breaks "same text, same prediction" for deduplication, caching and sharding.
 * The model is loaded by src/classify/transformers-models.ts (the one place that builds a
 * transformers.js model). Fingerprint (the cache key): sha256 of the dtype and the name and CONTENT hash of every file the
 * pipeline may read — the top-level *.json (config, tokenizer, tokenizer_config, special tokens …; not
 * tailcheck's own label_counts.json), *.txt and *.model files (vocabularies), and the ONNX weights of the
 * chosen dtype with their external-data files (onnx/model.onnx, onnx/model.onnx_data*). Content, not
 * size+mtime: a same-size retrained model must not hit the old cache, and hashing is cheap (the bundled
 * 4.8 MB model: ~10 ms). Not covered: files of other dtypes and frameworks (*.bin, *.safetensors), which
 * the pipeline never loads, README/docs, and `--threads` (outputs are identical). A hub model: the same
 * files in the transformers.js cache when they can be found, else its id, config and `--model-version`.
 */
import { existsSync, statSync } from 'node:fs';
import { z } from 'zod';
import { InputError, ModelError, UsageError } from '../../errors.ts';
import { BUNDLED_MODEL_DIR } from '../../paths.ts';
import type { Classifier, Prediction } from '../../types.ts';
import { defineBackend, defineOption } from '../backend.ts';
import { classifyInBatches, withTimeout } from '../limit.ts';
import { sha256 } from '../predictions.ts';
import { loadTransformersPipeline } from '../transformers-models.ts';
import { batchSizeOption, EVERY_BACKEND_OPTIONS, modelFilesDigest } from './common.ts';

export const dtypeOption = defineOption({
  key: 'dtype',
  describe: 'Weights for transformers.js models (default fp32)',
  schema: z.enum(['fp32', 'q8']),
  default: 'fp32',
  cli: { flag: 'dtype', group: 'run', choices: ['fp32', 'q8'] },
});

export const threadsOption = defineOption({
  key: 'threads',
  describe: 'ONNX Runtime intra-op threads for transformers.js models',
  schema: z.int().positive(),
  cli: { flag: 'threads', group: 'model', type: 'number', integer: 'positive' },
});

export type TransformersDtype = z.output<typeof dtypeOption.schema>;

export interface TransformersClassifierOptions {
  /** default 'fp32' (see the module comment) */
  dtype?: TransformersDtype;
  /** texts per ONNX run, default 32 */
  batchSize?: number;
  /**
   * ONNX Runtime intra-op threads; default: the runtime's choice (one per core). On an idle 2-core
   * machine that classified ~25 % faster than 1 thread; on a machine busy with other work, 1 thread
   * avoided contention (2× faster there). Outputs are identical either way.
   */
  threads?: number;
  /** part of the fingerprint for hub models, whose files are not hashed */
  modelVersion?: string;
  /** `--model-files` content digest (common.ts modelFilesDigest), part of the fingerprint */
  modelFilesDigest?: string;
  /**
   * per batch, default 600 000 ms: a batch that takes longer fails the run (ModelError). The ONNX run
   * itself cannot be cancelled; the run stops waiting for it.
   */
  timeoutMs?: number;
}

interface LabelScore {
  label: string;
  score: number;
}
type TextClassifier = ((texts: string[], opts: { top_k: null }) => Promise<LabelScore[][]>) & {
  model: { config: { id2label?: Record<string, string> } };
  dispose(): Promise<void>;
};

function labelsFromConfig(id2label: Record<string, string> | undefined, where: string): string[] {
  if (id2label === undefined || Object.keys(id2label).length === 0) {
    throw new ModelError(`${where}: config.json has no id2label, so the labels are unknown`);
  }
  const ids = Object.keys(id2label)
    .map(Number)
    .sort((a, b) => a - b);
  if (!ids.every((id, i) => id === i))
    throw new ModelError(`${where}: id2label ids are not 0…${ids.length - 1}`);
  const labels = ids.map((id) => String(id2label[String(id)]));
  if (new Set(labels).size !== labels.length) throw new ModelError(`${where}: id2label has duplicate labels`);
  return labels;
}

function checkDtype(dtype: string): TransformersDtype {
  if (dtype !== 'fp32' && dtype !== 'q8') throw new InputError(`unknown dtype "${dtype}" (use fp32 or q8)`);
  return dtype;
}

export async function createTransformersClassifier(
  model: string,
  opts: TransformersClassifierOptions = {},
): Promise<Classifier> {
  const dtype = checkDtype(opts.dtype ?? dtypeOption.default);
  const batchSize = opts.batchSize ?? batchSizeOption.default;
  const loaded = await loadTransformersPipeline<TextClassifier>('text-classification', model, {
    dtype,
    threads: opts.threads,
  });
  const { pipe } = loaded;
  const labels = labelsFromConfig(pipe.model.config.id2label, model);
  const index = new Map(labels.map((label, i) => [label, i]));
  // The tokenizer decides the model's input as much as the weights do: every file counts, by content.
  const fingerprint = sha256(
    'tailcheck/transformers@2',
    dtype,
    ...loaded.identityParts,
    ...(loaded.filesHashed ? [] : [opts.modelVersion ?? '']),
    ...(opts.modelFilesDigest === undefined ? [] : [`model-files:${opts.modelFilesDigest}`]),
  );

  const timeoutMs = opts.timeoutMs ?? 600_000;
  // Runs that outlived their timeout: close() lets them finish (briefly) before disposing the session.
  const running = new Set<Promise<unknown>>();
  async function classifyBatch(texts: string[]): Promise<Prediction[]> {
    const run = pipe(texts, { top_k: null });
    running.add(run);
    void run.then(
      () => running.delete(run),
      () => running.delete(run),
    );
    const output = await withTimeout(
      run,
      timeoutMs,
      () =>
        new ModelError(
          `transformers.js model ${model}: a batch of ${texts.length} texts was not classified within ${timeoutMs} ms (--timeout)`,
        ),
    );
    if (output.length !== texts.length) {
      throw new ModelError(
        `${model}: the pipeline returned ${output.length} results for ${texts.length} texts`,
      );
    }
    return output.map((all) => {
      const scores = new Array<number>(labels.length).fill(Number.NaN);
      let best = 0;
      let bestScore = Number.NEGATIVE_INFINITY;
      for (const { label, score } of all) {
        const i = index.get(label);
        if (i === undefined)
          throw new ModelError(`${model}: the pipeline returned an unknown label "${label}"`);
        scores[i] = score;
        if (score > bestScore || (score === bestScore && i < best)) {
          bestScore = score;
          best = i;
        }
      }
      if (all.length !== labels.length) {
        throw new ModelError(`${model}: the pipeline scored ${all.length} of ${labels.length} labels`);
      }
      return { label: labels[best]!, scores };
    });
  }

  return {
    labels,
    fingerprint,
    id: loaded.id,
    classify: (texts) => classifyInBatches(texts, batchSize, classifyBatch),
    async close(): Promise<void> {
      if (running.size > 0) {
        const grace = Math.min(timeoutMs, 10_000);
        await withTimeout(Promise.allSettled(running), grace, () => new Error('still running')).catch(
          () => undefined,
        );
      }
      await pipe.dispose();
    },
  };
}

const HUB_ID = /^[A-Za-z0-9][\w.-]*(\/[\w.-]+)?$/;

/**
 * The fallback, last in the registry: no spec (the bundled model), a model folder or a Hub id;
 * anything else that exists or looks like a path is an error here.
 */
export default defineBackend({
  name: 'transformers',
  matches: () => true,
  options: [dtypeOption, threadsOption, ...EVERY_BACKEND_OPTIONS],
  async create(spec, options) {
    // The pipeline applies softmax itself: softmaxing its probabilities again would flatten them.
    if (options.scores === 'logits') {
      throw new UsageError(
        '--scores logits is for http, cmd: and module models; a transformers.js model already returns probabilities',
      );
    }
    const onnx = {
      batchSize: options.batchSize,
      modelVersion: options.modelVersion,
      modelFilesDigest: await modelFilesDigest(options.modelFiles),
      dtype: options.dtype,
      threads: options.threads,
      timeoutMs: options.timeoutMs,
    };
    if (spec === '') return createTransformersClassifier(BUNDLED_MODEL_DIR, onnx);
    if (existsSync(spec)) {
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
  },
});
