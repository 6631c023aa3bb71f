/**
 * Options several backends read, declared once here and listed by each backend that uses them
 * (an option only one backend reads lives in that backend's file).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { extname, join, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import { DEFAULT_BATCH_SIZE, DEFAULT_CONCURRENCY } from '../../defaults.ts';
import { InputError } from '../../errors.ts';
import { contentHash } from '../../util/content-hash.ts';
import { defineOption } from '../backend.ts';
import { type AnswerPolicy, answerPolicy, DEFAULT_ANSWER_POLICY } from '../predictions.ts';

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

export const labelsOption = defineOption({
  key: 'labels',
  describe: 'The model\'s labels in score order (http/cmd/module backends): "a,b,c", or a .json/.txt file',
  schema: z.union([z.string(), z.array(z.string()).readonly()]),
  path: 'file-or-text',
  cli: { flag: 'labels', group: 'model', type: 'string' },
});

export const timeoutOption = defineOption({
  key: 'timeoutMs',
  describe:
    'Timeout in ms per model call: http attempt (default 30000), cmd request (60000), module classify() (60000), transformers.js batch (600000)',
  schema: z.int().positive(),
  cli: { flag: 'timeout', group: 'model', type: 'number', integer: 'positive' },
});

export const modelVersionOption = defineOption({
  key: 'modelVersion',
  describe: 'A version string folded into the model fingerprint (cache key)',
  schema: z.string(),
  cli: { flag: 'model-version', group: 'model', type: 'string' },
});

export const modelFilesOption = defineOption({
  key: 'modelFiles',
  describe:
    'Files or folders the model loads (weights, tokenizer, config …): their contents are hashed into the model fingerprint (cache key), so changing them invalidates the cache — for module, cmd: and http models, whose fingerprint otherwise covers only the module, script or URL',
  schema: z.array(z.string()).readonly(),
  path: 'files',
  cli: { flag: 'model-files', group: 'model', type: 'string', array: true },
});

/** Every file under a folder (symlinks followed), as sorted '/'-separated paths relative to it. */
async function filesUnder(root: string, dir = root): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const info = entry.isSymbolicLink() ? await stat(path) : entry;
    if (info.isDirectory()) out.push(...(await filesUnder(root, path)));
    else if (info.isFile()) out.push(relative(root, path).split(sep).join('/'));
  }
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * `--model-files`: one digest over the CONTENTS of the given files and folders (a folder: every file
 * inside, recursively, by sorted relative path and content). Where they live does not count, so moving
 * the weights keeps the cache; the order given does not count either. A missing path is an input error.
 * Undefined when no files are given, so such fingerprints stay what they were.
 */
export async function modelFilesDigest(
  paths: readonly string[] | undefined,
  cwd = process.cwd(),
): Promise<string | undefined> {
  if (paths === undefined || paths.length === 0) return undefined;
  const digests: string[] = [];
  for (const given of paths) {
    const path = resolve(cwd, given);
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(path);
    } catch {
      throw new InputError('--model-files: no such file or folder', { file: given });
    }
    const parts: string[] = [];
    if (info.isDirectory()) {
      for (const file of await filesUnder(path))
        parts.push(`${file}\0${await contentHash(join(path, file))}`);
      parts.unshift('folder');
    } else {
      parts.push('file', await contentHash(path));
    }
    digests.push(createHash('sha256').update(parts.join('\n')).digest('hex'));
  }
  return createHash('sha256').update(digests.sort().join('\n')).digest('hex');
}

/** Also the runner's batch size: the CLI's --batch-size sets both. */
export const batchSizeOption = defineOption({
  key: 'batchSize',
  describe: 'Texts per backend request / ONNX run',
  schema: z.int().positive(),
  default: DEFAULT_BATCH_SIZE,
  inSuite: false,
});

/** Also the runner's: the CLI's --concurrency sets both. */
export const concurrencyOption = defineOption({
  key: 'concurrency',
  describe: `Requests in flight at once (http backend; default ${DEFAULT_CONCURRENCY}, the runner's default too — the CLI's --concurrency sets both)`,
  schema: z.int().positive(),
  default: DEFAULT_CONCURRENCY,
  inSuite: false,
});

export const seedOption = defineOption({
  key: 'seed',
  describe: 'Seeds the http retry jitter (the run seed)',
  schema: z.int(),
  inSuite: false,
});

/**
 * `--prediction` and `--scores`: the answer policy (predictions.ts) the prediction runner applies to
 * every backend's answers. Listed by every backend, so both are flags and suite modelOptions.
 */
export const predictionOption = defineOption({
  key: 'prediction',
  describe:
    'What the prediction is: argmax = the highest score (a label that disagrees with the scores is an error), label = the label the model returns (a thresholded model: scores then only feed confidences; no --logit-adjust)',
  schema: z.enum(['argmax', 'label']),
  default: DEFAULT_ANSWER_POLICY.prediction,
  cli: { flag: 'prediction', group: 'model', choices: ['argmax', 'label'] },
});

export const scoresOption = defineOption({
  key: 'scores',
  describe:
    "What the model's scores are: probabilities (each in [0, 1], a full set summing to 1 ± 0.001) or logits (any finite numbers, one per label; softmax applied)",
  schema: z.enum(['probabilities', 'logits']),
  default: DEFAULT_ANSWER_POLICY.scores,
  cli: { flag: 'scores', group: 'model', choices: ['probabilities', 'logits'] },
});

/**
 * The answer policy as fingerprint parts (sha256(...parts)): none for the defaults (caches written before the policy
 * existed stay valid), else the policy, so a cache filled under --scores logits or --prediction label
 * is never read by a run with another policy (a warm run must fail or pass like a cold one).
 */
export function policyPart(options: Partial<AnswerPolicy> | undefined): string[] {
  const policy = answerPolicy(options);
  return policy.prediction === DEFAULT_ANSWER_POLICY.prediction &&
    policy.scores === DEFAULT_ANSWER_POLICY.scores
    ? []
    : [JSON.stringify(policy)];
}

/**
 * The options every backend takes: what identifies the model's version, how big a call is, how long
 * it may take, and how its answers are read. Spread into each backend's `options` after its own.
 */
export const EVERY_BACKEND_OPTIONS = [
  modelVersionOption,
  modelFilesOption,
  batchSizeOption,
  timeoutOption,
  predictionOption,
  scoresOption,
] as const;

/** What identifies a model's version beyond its location: a backend's options extend this. */
export interface ModelIdentity {
  /** `--model-version`: a user-declared version string */
  modelVersion?: string;
  /** `--model-files` content digest (modelFilesDigest), part of the fingerprint */
  modelFilesDigest?: string;
  /** `--prediction` / `--scores` (checked by the prediction runner; here: shape and fingerprint) */
  answers?: Partial<AnswerPolicy>;
}

/** The fingerprint parts every backend appends after its own: version, model files, answer policy. */
export function identityParts(opts: ModelIdentity): string[] {
  return [
    opts.modelVersion ?? '',
    ...(opts.modelFilesDigest === undefined ? [] : [`model-files:${opts.modelFilesDigest}`]),
    ...policyPart(opts.answers),
  ];
}
