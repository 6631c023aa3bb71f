/**
 * The meaning check's sentence encoder: texts → L2-normalised embeddings (mean pooling), by default the
 * bundled all-MiniLM-L6-v2 at q8 (models/all-MiniLM-L6-v2), or any transformers.js feature-extraction
 * model (`--embed-model`, a folder or hub id).
 *
 * One text per ONNX call, on purpose: dynamic int8 quantisation scales activations per call, so in a
 * batch a text's vector depends on its batch mates (up to 0.033 per coordinate measured). Alone, a text
 * always gets the same vector, so similarities — and every keep/reject decision — are the same whatever
 * the caching, sharding, order or chunking of a run. Measured here on an idle 2-core machine: ~620
 * texts/s one at a time vs ~960 in batches of 32; reproducibility wins.
 *
 * Vectors are kept in memory (the most recent MEMORY_VECTORS, ~1.5 KB each) and, with a cache folder, in
 * an append-only file beside the
 * prediction cache (`<cacheDir>/embeddings/…jsonl`, the prediction cache's checksummed line format), so
 * a warm re-run embeds nothing. A line that fails its checksum is ignored and its text embedded again.
 */
import { createHash } from 'node:crypto';
import { appendFile, mkdir, utimes, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { embeddingsDir, entryLine, headerLine, readCacheFile, textHash } from '../../classify/cache-store.ts';
import { createLimiter } from '../../classify/limit.ts';
import { sha256 } from '../../classify/predictions.ts';
import {
  type LoadedPipeline,
  loadTransformersPipeline,
  localModelIdentity,
  type TransformersDtype,
} from '../../classify/transformers-models.ts';
import { ModelError } from '../../errors.ts';
import { BUNDLED_ENCODER_DIR } from '../../paths.ts';

export interface SentenceEncoder {
  /** the model folder or hub id */
  readonly id: string;
  /** sha256 over the model's files (content) and dtype: similarities are a function of it */
  readonly fingerprint: string;
  /** the embedding of one text: L2-normalised, computed alone (batch-independent), cached */
  embed(text: string): Promise<Float32Array>;
  /** embeddings computed by the model so far (not from memory or the cache file) */
  readonly computed: number;
  /** flushes the cache file and releases the model */
  close(): Promise<void>;
}

export interface SentenceEncoderOptions {
  /** default 'q8' for the bundled model (the only weights it ships), 'fp32' otherwise */
  dtype?: TransformersDtype;
  /** cache folder (vectors go to `<cacheDir>/embeddings/`); null or absent: memory only */
  cacheDir?: string | null;
  /** ONNX Runtime intra-op threads */
  threads?: number;
}

/** Cosine similarity of two L2-normalised vectors (their dot product), clamped to [-1, 1]. */
export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
  return Math.max(-1, Math.min(1, dot));
}

type FeatureExtractor = ((
  text: string,
  opts: { pooling: 'mean'; normalize: true },
) => Promise<{ data: Float32Array; dims: number[] }>) & {
  model: { config: unknown };
  dispose(): Promise<void>;
};

const EMBEDDINGS_FORMAT = 'embeddings@1';
/**
 * Vectors held in memory at most (~300 MB of 384-d vectors): a huge run must not grow without bound. An
 * evicted text is embedded again if it comes back — to the same vector, so only time is lost.
 */
const MEMORY_VECTORS = 200_000;

export function embeddingsFileFor(cacheDir: string, fingerprint: string): string {
  const name = createHash('sha256').update(`${EMBEDDINGS_FORMAT}\0${fingerprint}`).digest('hex').slice(0, 32);
  return join(embeddingsDir(cacheDir), `${name}.jsonl`);
}

/** Opens the encoder: `model` is a folder or hub id; undefined or '' = the bundled all-MiniLM-L6-v2. */
export async function openSentenceEncoder(
  model?: string,
  opts: SentenceEncoderOptions = {},
): Promise<SentenceEncoder> {
  const bundled = model === undefined || model === '';
  const dtype = opts.dtype ?? (bundled ? 'q8' : 'fp32');
  const source = bundled ? BUNDLED_ENCODER_DIR : model;
  const load = () =>
    loadTransformersPipeline<FeatureExtractor>('feature-extraction', source, {
      dtype,
      threads: opts.threads,
      role: 'sentence encoder',
    });
  // A local folder is known by its files: with every embedding in the cache, the model is never loaded
  // (a warm re-run pays nothing for the check). A hub model is loaded to learn its identity.
  const localIdentity = await localModelIdentity(source, dtype);
  let loading: Promise<LoadedPipeline<FeatureExtractor>> | undefined;
  if (localIdentity === undefined) loading = load();
  const identity = localIdentity ?? (await loading!).identityParts;
  const id = localIdentity === undefined ? (await loading!).id : resolve(source);
  const fingerprint = sha256('tailcheck/encoder@1', dtype, 'mean-pooled, normalised', ...identity);
  const pipeline = async (): Promise<FeatureExtractor> => {
    loading ??= load();
    return (await loading).pipe;
  };

  const memory = new Map<string, Float32Array | Promise<Float32Array>>();
  const remember = (key: string, value: Float32Array | Promise<Float32Array>): void => {
    memory.delete(key); // re-inserted last: the map's order is the order of use
    memory.set(key, value);
    if (memory.size > MEMORY_VECTORS) memory.delete(memory.keys().next().value as string);
  };
  let dims = 0;
  // one ONNX run at a time: the runtime already uses every core for one text
  const oneAtATime = createLimiter(1);
  let computed = 0;

  const file = opts.cacheDir ? embeddingsFileFor(opts.cacheDir, fingerprint) : null;
  let writes: Promise<void> = Promise.resolve();
  if (file) {
    await mkdir(dirname(file), { recursive: true });
    const read = await readCacheFile(file, undefined, (h, { scores }) => {
      remember(h, Float32Array.from(scores));
    });
    if (read.header === undefined) await writeFile(file, headerLine(fingerprint, id, 0), { flag: 'a' });
    // "last used" is the mtime (`tailcheck cache prune --older-than`): a warm run appends nothing
    const now = new Date();
    await utimes(file, now, now);
  }

  async function compute(text: string, key: string): Promise<Float32Array> {
    const pipe = await pipeline();
    const out = await oneAtATime(() => pipe(text, { pooling: 'mean', normalize: true }));
    const vector = Float32Array.from(out.data);
    if (dims === 0) dims = vector.length;
    if (vector.length !== dims || !vector.every(Number.isFinite)) {
      throw new ModelError(`sentence encoder ${id}: no usable embedding for ${JSON.stringify(text)}`);
    }
    computed++;
    remember(key, vector);
    if (file) {
      const line = entryLine(key, 0, Array.from(vector));
      writes = writes.then(() => appendFile(file, line));
    }
    return vector;
  }

  return {
    id,
    fingerprint,
    get computed() {
      return computed;
    },
    embed(text: string): Promise<Float32Array> {
      const key = textHash(text);
      const known = memory.get(key);
      if (known instanceof Float32Array) {
        remember(key, known);
        return Promise.resolve(known);
      }
      if (known) return known;
      const pending = compute(text, key);
      remember(key, pending);
      pending.catch(() => memory.delete(key));
      return pending;
    },
    async close() {
      await writes;
      if (loading) await (await loading).pipe.dispose();
    },
  };
}
