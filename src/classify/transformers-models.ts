/**
 * The one place that builds a transformers.js (v4) model: the classification backend, the meaning
 * check's sentence encoder, synonym.contextual's fill-mask model and paraphrase.model's local generator
 * all load through `loadTransformersPipeline`. It is the only code that touches the library's global
 * `env` (loads that set it up differently are serialised), checks a local folder before loading, and
 * derives the model's identity from the CONTENT of every file the pipeline may read.
 *
 * Identity (`identityParts`): the name and sha256 of the top-level *.json (config, tokenizer,
 * tokenizer_config, special tokens …; not tailcheck's own label_counts.json), *.txt and *.model files
 * (vocabularies), and the ONNX weights of the chosen dtype with their external-data files
 * (onnx/model.onnx, onnx/model.onnx_data*). Content, not size+mtime: a same-size retrained model must
 * not hit an old cache, and hashing is cheap (a 23 MB model: ~40 ms). Not covered: files of other dtypes
 * and frameworks, which the pipeline never loads, and README/docs. A hub model: the same files in the
 * transformers.js cache when they can be found, else its id and config.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError, ModelError } from '../errors.ts';
// not from ./backends/common.ts: that pulls zod into every start-up that lists or runs perturbations
import { contentHash } from '../util/content-hash.ts';

export type TransformersDtype = 'fp32' | 'q8';

export const ONNX_FILE: Record<TransformersDtype, string> = {
  fp32: 'model.onnx',
  q8: 'model_quantized.onnx',
};

export interface LoadPipelineOptions {
  dtype: TransformersDtype;
  /** ONNX Runtime intra-op threads; default: the runtime's choice */
  threads?: number;
  /** what the model is for, in error messages ("model", "sentence encoder", "masked LM") */
  role?: string;
}

export interface LoadedPipeline<P> {
  pipe: P;
  /** the folder (absolute) for a local model, else the hub id */
  id: string;
  local: boolean;
  /** name:sha256 of every file the pipeline reads (local or cached hub copy), else hub id + config */
  identityParts: string[];
  /** the identity hashes the model's files (false: a hub model whose cached copy was not found) */
  filesHashed: boolean;
}

// env is global: loads that set it up differently must not interleave.
let loadQueue: Promise<unknown> = Promise.resolve();
function serialized<T>(task: () => Promise<T>): Promise<T> {
  const run = loadQueue.then(task, task);
  loadQueue = run.catch(() => undefined);
  return run;
}

/** The files of a model folder the identity covers (see the module comment), relative and sorted. */
export function fingerprintFiles(folder: string, onnx: string): string[] {
  const top = readdirSync(folder, { withFileTypes: true })
    .filter((e) => e.isFile() && !e.name.startsWith('.') && e.name !== 'label_counts.json')
    .map((e) => e.name)
    .filter((name) => /\.(json|txt|model)$/i.test(name));
  const onnxDir = join(folder, 'onnx');
  const weights = existsSync(onnxDir)
    ? readdirSync(onnxDir, { withFileTypes: true })
        .filter((e) => e.isFile() && (e.name === onnx || e.name.startsWith(`${onnx}_data`)))
        .map((e) => `onnx/${e.name}`)
    : [];
  return [...top, ...weights].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A hub model's folder in the transformers.js cache, when it can be found. */
function cachedHubFolder(cacheDir: string | null, id: string, onnx: string): string | undefined {
  if (cacheDir === null) return undefined;
  for (const dir of [join(cacheDir, id), join(cacheDir, id, 'resolve', 'main')]) {
    if (existsSync(join(dir, 'config.json')) && existsSync(join(dir, 'onnx', onnx))) return dir;
  }
  return undefined;
}

/** Is `model` an existing folder (a local model) rather than a hub id? */
export function isLocalModel(model: string): boolean {
  const folder = resolve(model);
  return existsSync(folder) && statSync(folder).isDirectory();
}

/**
 * The identity of a LOCAL model folder without loading it (name:sha256 of every file the pipeline
 * would read); undefined for a hub id, whose files are only known once loaded.
 */
export async function localModelIdentity(
  model: string,
  dtype: TransformersDtype,
): Promise<string[] | undefined> {
  if (!isLocalModel(model)) return undefined;
  const folder = resolve(model);
  const parts: string[] = [];
  for (const file of fingerprintFiles(folder, ONNX_FILE[dtype])) {
    parts.push(`${file}:${await contentHash(join(folder, file))}`);
  }
  return parts;
}

/**
 * Loads a transformers.js pipeline for `task` from a local folder (offline: remote models are
 * disallowed) or a hub id. A local folder must hold config.json and the dtype's ONNX file (InputError
 * naming what is there otherwise); a load failure is a ModelError naming the model and role.
 */
export async function loadTransformersPipeline<P extends { model: { config: unknown } }>(
  task: string,
  model: string,
  opts: LoadPipelineOptions,
): Promise<LoadedPipeline<P>> {
  const { dtype } = opts;
  const role = opts.role ?? 'model';
  const folder = resolve(model);
  const local = isLocalModel(model);
  const onnx = ONNX_FILE[dtype];
  /** the folder whose files the identity hashes: the local folder, or a hub model's cached copy */
  let hashedFolder: string | undefined;

  if (local) {
    if (!existsSync(join(folder, 'config.json'))) {
      throw new InputError(`not a transformers.js ${role} folder (no config.json)`, { file: model });
    }
    if (!existsSync(join(folder, 'onnx', onnx))) {
      const dir = join(folder, 'onnx');
      const present = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.onnx')) : [];
      throw new InputError(
        `dtype ${dtype} needs onnx/${onnx}, which is missing (present: ${present.join(', ') || 'none'})`,
        { file: model },
      );
    }
    hashedFolder = folder;
  }

  const pipe = await serialized(async () => {
    const { env, pipeline } = await import('@huggingface/transformers');
    if (local) {
      // a folder is addressed by name under localModelPath (transformers.js has no absolute-path form)
      env.allowRemoteModels = false;
      env.allowLocalModels = true;
      env.localModelPath = `${dirname(folder)}/`;
    } else {
      env.allowRemoteModels = true;
      env.allowLocalModels = false;
    }
    try {
      const load = pipeline as unknown as (t: string, m: string, o: object) => Promise<P>;
      return await load(task, local ? basename(folder) : model, {
        dtype,
        device: 'cpu',
        ...(opts.threads === undefined ? {} : { session_options: { intraOpNumThreads: opts.threads } }),
      });
    } catch (err) {
      throw new ModelError(
        `cannot load the ${role} ${local ? `folder ${model}` : `"${model}" from the Hugging Face Hub`} (${dtype}): ${(err as Error).message}`,
        { cause: err },
      );
    } finally {
      if (!local) hashedFolder = cachedHubFolder(env.cacheDir, model, onnx);
    }
  });

  const identityParts: string[] = [];
  if (hashedFolder !== undefined) {
    for (const file of fingerprintFiles(hashedFolder, onnx)) {
      identityParts.push(`${file}:${await contentHash(join(hashedFolder, file))}`);
    }
  } else {
    identityParts.push(`hub:${model}`, JSON.stringify(pipe.model.config));
  }
  return { pipe, id: local ? folder : model, local, identityParts, filesHashed: hashedFolder !== undefined };
}
