/**
 * Turning a backend's answer for one text into a `Prediction` (shared by the http, command and
 * module backends). Accepted shapes, with the default keys:
 *   [{"label": "a", "score": 0.9}, {"label": "b", "score": 0.1}, …]   all labels, or the top k
 *   {"label": "a", "scores": [0.9, 0.1, …]}                            scores in `labels` order ("label" optional)
 *   {"label": "a", "score": 0.9}                                        top-1 with its probability
 *   {"label": "a"}  or  "a"                                             top-1 only (probability 1)
 * Labels a top-k answer leaves out share the remaining probability (1 − Σ given) equally, so
 * accuracy is exact but confidence-based numbers are approximate for such backends.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { Prediction } from '../types.ts';

export interface ItemKeys {
  labelKey: string;
  scoreKey: string;
  scoresKey: string;
}

export const DEFAULT_ITEM_KEYS: ItemKeys = { labelKey: 'label', scoreKey: 'score', scoresKey: 'scores' };

/** A malformed answer; the backend wraps it into a ModelError that says where it came from. */
export class AnswerError extends Error {}

export function argmax(scores: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < scores.length; i++) if (scores[i]! > scores[best]!) best = i;
  return best;
}

export function labelIndex(labels: readonly string[]): Map<string, number> {
  const index = new Map<string, number>();
  labels.forEach((label, i) => {
    if (index.has(label))
      throw new AnswerError(`duplicate label ${JSON.stringify(label)} in the model's labels`);
    index.set(label, i);
  });
  return index;
}

function show(value: unknown): string {
  const s = JSON.stringify(value) ?? String(value);
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
function fillScores(given: Map<number, number>, size: number): number[] {
  let sum = 0;
  for (const v of given.values()) sum += v;
  const missing = size - given.size;
  const rest = missing > 0 ? Math.max(0, 1 - sum) / missing : 0;
  const scores = new Array<number>(size).fill(rest);
  for (const [i, v] of given) scores[i] = v;
  return scores;
}

/** Parses one text's answer; throws AnswerError with a short reason. */
export function toPrediction(
  item: unknown,
  labels: readonly string[],
  index: ReadonlyMap<string, number>,
  keys: ItemKeys = DEFAULT_ITEM_KEYS,
): Prediction {
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
      const scores = rawScores.map((v, j) => scoreValue(v, `"${keys.scoresKey}"[${j}]`));
      const i =
        rawLabel !== undefined && rawLabel !== null ? known(labelValue(rawLabel), index) : argmax(scores);
      return { label: labels[i]!, scores };
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
