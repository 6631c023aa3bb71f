/**
 * Options several backends read, declared once here and listed by each backend that uses them
 * (an option only one backend reads lives in that backend's file).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { z } from 'zod';
import { DEFAULT_BATCH_SIZE } from '../../defaults.ts';
import { InputError } from '../../errors.ts';
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
  describe: 'Requests in flight at once (http backend, default 4)',
  schema: z.int().positive(),
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
