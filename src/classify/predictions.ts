/**
 * Turning a backend's answer for one text into a `Prediction` (shared by the http, command and
 * module backends). Accepted shapes, with the default keys:
 *   [{"label": "a", "score": 0.9}, {"label": "b", "score": 0.1}, …]   all labels, or the top k
 *   {"label": "a", "scores": [0.9, 0.1, …]}                            scores in `labels` order ("label" optional)
 *   {"label": "a", "score": 0.9}                                        top-1 with its probability
 *   {"label": "a"}  or  "a"                                             top-1 only (probability 1)
 * Labels a top-k answer leaves out share the remaining probability (1 − Σ given) equally, so
 * accuracy is exact but confidence-based numbers are approximate for such backends.
 *
 * `checkPrediction` is the one check every backend's answers pass (the prediction runner calls it for
 * each freshly classified text, whatever the backend, before anything is cached or measured). Why:
 * the audit's numbers (accuracy, calibration, logit adjustment, the attack) all read the scores, so a
 * score that is not a probability, or a label the scores contradict, would give wrong numbers with
 * exit 0. The answer policy (`--prediction`, `--scores`) says what a valid answer is:
 *   scores 'probabilities' (default)  every score finite and in [0, 1] (±1e-6 for rounding), summing to
 *                                     1 ± SUM_TOLERANCE (a partial answer is completed to 1 first)
 *   scores 'logits'                   every score finite, every label scored; softmax (max-shifted,
 *                                     so it cannot overflow) turns them into probabilities
 *   prediction 'argmax' (default)     the prediction is the highest score; a backend label whose score
 *                                     is below the highest is an error. Ties: a label whose score
 *                                     equals the highest agrees (the backend broke the tie); without a
 *                                     label, the first tied label in the model's label order wins.
 *   prediction 'label'                the backend's label is the prediction (a thresholded model); its
 *                                     scores only feed confidences (no logit adjustment then).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { ModelError } from '../errors.ts';
import type { Prediction } from '../types.ts';
import { argmax } from '../util/numbers.ts';

/** `--prediction` and `--scores`: what makes an answer valid and what the prediction is (see above). */
export interface AnswerPolicy {
  prediction: 'argmax' | 'label';
  scores: 'probabilities' | 'logits';
}

export const DEFAULT_ANSWER_POLICY: AnswerPolicy = { prediction: 'argmax', scores: 'probabilities' };

/** The policy with defaults for what is not given (an explicit undefined included). */
export function answerPolicy(given: Partial<AnswerPolicy> = {}): AnswerPolicy {
  return {
    prediction: given.prediction ?? DEFAULT_ANSWER_POLICY.prediction,
    scores: given.scores ?? DEFAULT_ANSWER_POLICY.scores,
  };
}

/** How far a full distribution may sum from 1 (float32 softmax over many labels, rounded JSON). */
export const SUM_TOLERANCE = 1e-3;
/** How far outside [0, 1] a single probability may stray (float rounding only). */
const RANGE_TOLERANCE = 1e-6;

/**
 * A backend's answer for one text is wrong. `text` lets the audit pipeline add the data file line
 * the text comes from (the backend only knows the text).
 */
export class AnswerTextError extends ModelError {
  constructor(
    message: string,
    readonly text: string,
  ) {
    super(message);
    this.name = 'ModelError';
  }
}

/** A text shortened for a message (one line, at most 80 characters). */
export function quoteText(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return JSON.stringify(flat.length > 80 ? `${flat.slice(0, 77)}…` : flat);
}

export interface ItemKeys {
  labelKey: string;
  scoreKey: string;
  scoresKey: string;
}

export const DEFAULT_ITEM_KEYS: ItemKeys = { labelKey: 'label', scoreKey: 'score', scoresKey: 'scores' };

/** A malformed answer; the backend wraps it into a ModelError that says where it came from. */
export class AnswerError extends Error {}

export function labelIndex(labels: readonly string[]): Map<string, number> {
  const index = new Map<string, number>();
  labels.forEach((label, i) => {
    if (index.has(label))
      throw new AnswerError(`duplicate label ${JSON.stringify(label)} in the model's labels`);
    index.set(label, i);
  });
  return index;
}

/** A value for a message; NaN and ±Infinity by name (JSON.stringify would print them as null). */
function show(value: unknown): string {
  const s =
    typeof value === 'number' && !Number.isFinite(value)
      ? String(value)
      : (JSON.stringify(value, (_k, v: unknown) =>
          typeof v === 'number' && !Number.isFinite(v) ? String(v) : v,
        ) ?? String(value));
  return s.length > 120 ? `${s.slice(0, 117)}…` : s;
}

function labelValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new AnswerError(`label must be a string, got ${show(value)}`);
}

function scoreValue(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new AnswerError(`${what} must be a finite number, got ${show(value)}`);
  }
  return value;
}

function known(label: string, index: ReadonlyMap<string, number>): number {
  const i = index.get(label);
  if (i === undefined) {
    const sample = [...index.keys()].slice(0, 8).map((l) => JSON.stringify(l));
    throw new AnswerError(
      `unknown label ${JSON.stringify(label)} (the model's labels are ${sample.join(', ')}${index.size > 8 ? ', …' : ''})`,
    );
  }
  return i;
}

/** Scores for a partial answer: labels not given share what is left of probability 1. */
function fillProbabilities(given: Map<number, number>, size: number): number[] {
  let sum = 0;
  for (const v of given.values()) sum += v;
  const missing = size - given.size;
  const rest = missing > 0 ? Math.max(0, 1 - sum) / missing : 0;
  const scores = new Array<number>(size).fill(rest);
  for (const [i, v] of given) scores[i] = v;
  return scores;
}

/**
 * Parses one text's answer; throws AnswerError with a short reason. The numbers are checked later, by
 * checkPrediction; here only the shape, so with logits (`scores` = 'logits') a partial answer, which
 * cannot be completed to a distribution, is refused.
 */
/**
 * A backend's answers for one batch → predictions, in order (toPrediction on each). A malformed answer
 * becomes an AnswerTextError naming the backend, the answer's place and its text, so the audit can add
 * the data file line. `noun` is what the backend's protocol calls one answer.
 */
export function toPredictions(
  list: readonly unknown[],
  texts: readonly string[],
  labels: readonly string[],
  index: ReadonlyMap<string, number>,
  opts: { who: string; noun: 'answer' | 'prediction'; keys?: ItemKeys; scores?: AnswerPolicy['scores'] },
): Prediction[] {
  return list.map((item, i) => {
    try {
      return toPrediction(item, labels, index, opts.keys, opts.scores);
    } catch (err) {
      if (err instanceof AnswerError) {
        throw new AnswerTextError(
          `${opts.who}: ${opts.noun} ${i + 1} of ${texts.length} (for the text ${quoteText(texts[i]!)}): ${err.message}`,
          texts[i]!,
        );
      }
      throw err;
    }
  });
}

export function toPrediction(
  item: unknown,
  labels: readonly string[],
  index: ReadonlyMap<string, number>,
  keys: ItemKeys = DEFAULT_ITEM_KEYS,
  scores: AnswerPolicy['scores'] = 'probabilities',
): Prediction {
  const fillScores = (given: Map<number, number>, size: number): number[] => {
    if (scores === 'logits' && given.size < size) {
      throw new AnswerError(
        `with --scores logits every answer must score all ${size} labels, got ${given.size} score${given.size === 1 ? '' : 's'} in ${show(item)}`,
      );
    }
    return fillProbabilities(given, size);
  };
  if (typeof item === 'string') {
    const i = known(item, index);
    return { label: labels[i]!, scores: fillScores(new Map([[i, 1]]), labels.length) };
  }
  if (Array.isArray(item)) {
    if (item.length === 0) throw new AnswerError('empty list of label scores');
    const given = new Map<number, number>();
    let top = -1;
    for (const entry of item) {
      if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
        throw new AnswerError(
          `expected {"${keys.labelKey}", "${keys.scoreKey}"} objects, got ${show(entry)}`,
        );
      }
      const record = entry as Record<string, unknown>;
      const i = known(labelValue(record[keys.labelKey]), index);
      const score = scoreValue(record[keys.scoreKey], `"${keys.scoreKey}"`);
      if (given.has(i)) throw new AnswerError(`label ${JSON.stringify(labels[i])} appears twice`);
      given.set(i, score);
      if (top === -1 || score > given.get(top)!) top = i;
    }
    return { label: labels[top]!, scores: fillScores(given, labels.length) };
  }
  if (item !== null && typeof item === 'object') {
    const record = item as Record<string, unknown>;
    const rawScores = record[keys.scoresKey];
    const rawLabel = record[keys.labelKey];
    if (rawScores !== undefined) {
      if (!Array.isArray(rawScores) || rawScores.length !== labels.length) {
        throw new AnswerError(
          `"${keys.scoresKey}" must be an array of ${labels.length} numbers (one per label), got ${show(rawScores)}`,
        );
      }
      const values = rawScores.map((v, j) => scoreValue(v, `"${keys.scoresKey}"[${j}]`));
      const i =
        rawLabel !== undefined && rawLabel !== null ? known(labelValue(rawLabel), index) : argmax(values);
      return { label: labels[i]!, scores: values };
    }
    if (rawLabel !== undefined) {
      const i = known(labelValue(rawLabel), index);
      const rawScore = record[keys.scoreKey];
      const score = rawScore === undefined ? 1 : scoreValue(rawScore, `"${keys.scoreKey}"`);
      return { label: labels[i]!, scores: fillScores(new Map([[i, score]]), labels.length) };
    }
  }
  throw new AnswerError(
    `cannot read a prediction from ${show(item)} (expected [{"${keys.labelKey}","${keys.scoreKey}"}…], {"${keys.labelKey}","${keys.scoresKey}"}, {"${keys.labelKey}"} or a label string)`,
  );
}

/** Softmax, shifted by the maximum so that no exp() overflows (logits of ±1e308 stay finite). */
export function softmax(logits: readonly number[]): number[] {
  let max = Number.NEGATIVE_INFINITY;
  for (const x of logits) if (x > max) max = x;
  const exp = logits.map((x) => Math.exp(x - max));
  let sum = 0;
  for (const e of exp) sum += e;
  return exp.map((e) => e / sum);
}

/**
 * The one check of a parsed answer under the answer policy (module comment): throws AnswerError with a
 * short reason, or returns the prediction with probabilities (softmaxed logits) and, with
 * `prediction: 'argmax'`, a label that agrees with them.
 */
export function checkPrediction(
  prediction: unknown,
  labels: readonly string[],
  index: ReadonlyMap<string, number>,
  policy: AnswerPolicy = DEFAULT_ANSWER_POLICY,
): Prediction {
  if (prediction === null || typeof prediction !== 'object') {
    throw new AnswerError(`expected {label, scores}, got ${show(prediction)}`);
  }
  const { label, scores: raw } = prediction as { label?: unknown; scores?: unknown };
  const at = typeof label === 'string' ? index.get(label) : undefined;
  if (at === undefined) throw new AnswerError(`the label ${show(label)} is not one of the model's labels`);
  if (!Array.isArray(raw) || raw.length !== labels.length) {
    throw new AnswerError(`scores must be an array of ${labels.length} numbers, got ${show(raw)}`);
  }
  raw.forEach((v, j) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new AnswerError(`the score of ${show(labels[j])} must be a finite number, got ${show(v)}`);
    }
  });
  let scores = raw as number[];
  if (policy.scores === 'logits') {
    scores = softmax(scores);
  } else {
    let sum = 0;
    scores.forEach((v, j) => {
      if (v < -RANGE_TOLERANCE || v > 1 + RANGE_TOLERANCE) {
        throw new AnswerError(
          `the score of ${show(labels[j])} is ${v}, not a probability in [0, 1] (logits? pass --scores logits)`,
        );
      }
      sum += v;
    });
    if (!(Math.abs(sum - 1) <= SUM_TOLERANCE)) {
      throw new AnswerError(
        `the scores sum to ${Number(sum.toPrecision(6))}, not 1 (± ${SUM_TOLERANCE}); probabilities over all labels must sum to 1 (logits? pass --scores logits)`,
      );
    }
  }
  if (policy.prediction === 'label') return { label: labels[at]!, scores };
  const top = argmax(scores);
  if (scores[at]! < scores[top]!) {
    throw new AnswerError(
      `the label ${show(labels[at])} (score ${scores[at]}) disagrees with the highest score, ${show(labels[top])} (${scores[top]}); ` +
        'tailcheck predicts the highest score — fix the answer, or pass --prediction label to trust the label (a thresholded model)',
    );
  }
  return { label: labels[at]!, scores };
}

/**
 * The index of a prediction's label as the audit counts it: with `prediction: 'label'` the label; else
 * the label when its score is the highest (a tie the backend broke), otherwise the argmax. Predictions
 * read from a cache written before answers were checked may carry a label that disagrees: argmax wins.
 */
export function predictedIndex(
  p: Prediction,
  index: ReadonlyMap<string, number>,
  prediction: AnswerPolicy['prediction'] = 'argmax',
): number {
  const at = index.get(p.label);
  const top = argmax(p.scores);
  if (at === undefined) return top;
  return prediction === 'label' || p.scores[at]! >= p.scores[top]! ? at : top;
}

/** Labels listed by a full answer (`[{label, score}…]` over every label), in the order given. */
export function labelsFromAnswer(item: unknown, keys: ItemKeys = DEFAULT_ITEM_KEYS): string[] | undefined {
  if (!Array.isArray(item) || item.length < 2) return undefined;
  const labels: string[] = [];
  for (const entry of item) {
    if (entry === null || typeof entry !== 'object') return undefined;
    const label = (entry as Record<string, unknown>)[keys.labelKey];
    if (typeof label !== 'string') return undefined;
    labels.push(label);
  }
  return new Set(labels).size === labels.length ? labels : undefined;
}

export function sha256(...parts: readonly (string | Buffer)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) {
    hash.update(part);
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** Content hash of a file when it exists (scripts, modules), so editing it invalidates the cache. */
export function fileHash(path: string): string | undefined {
  try {
    if (!existsSync(path) || !statSync(path).isFile() || statSync(path).size > 64 * 1024 * 1024)
      return undefined;
    return sha256(readFileSync(path));
  } catch {
    return undefined;
  }
}

/** Validates a labels list given by the user or a backend. */
export function checkLabelList(labels: unknown, what: string): string[] {
  if (!Array.isArray(labels) || labels.length === 0) {
    throw new AnswerError(`${what} must be a non-empty array of label strings, got ${show(labels)}`);
  }
  const out = labels.map((l) => labelValue(l));
  if (new Set(out).size !== out.length) throw new AnswerError(`${what} contains duplicate labels`);
  return out;
}
