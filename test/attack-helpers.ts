/**
 * Hand-made classifiers and data for the attack tests: every decision is known in advance, and every
 * text the classifier receives is counted (calls and texts), so budgets and caching can be checked.
 */
import type { AttackEdit, Classifier, Prediction } from '../src/types.ts';

/** A classifier that counts what it is sent. */
export interface CountingClassifier extends Classifier {
  /** classify() calls so far */
  calls: number;
  /** texts received so far (with repeats) */
  texts: number;
  /** texts of each call, in order */
  batches: string[][];
  /** the answer for one text, without counting */
  answer(text: string): Prediction;
}

function softmax(logits: readonly number[]): number[] {
  const top = Math.max(...logits);
  const e = logits.map((z) => Math.exp(z - top));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

/** A counting classifier from per-label logits; the prediction is the argmax (first on ties). */
export function countingClassifier(
  fingerprint: string,
  labels: readonly string[],
  logits: (text: string) => number[],
): CountingClassifier {
  const answer = (text: string): Prediction => {
    const scores = softmax(logits(text));
    let top = 0;
    for (let i = 1; i < scores.length; i++) if (scores[i]! > scores[top]!) top = i;
    return { label: labels[top]!, scores };
  };
  const model: CountingClassifier = {
    labels,
    fingerprint,
    id: fingerprint,
    calls: 0,
    texts: 0,
    batches: [],
    answer,
    async classify(texts: readonly string[]): Promise<Prediction[]> {
      model.calls++;
      model.texts += texts.length;
      model.batches.push([...texts]);
      return texts.map(answer);
    },
  };
  return model;
}

/** Runs of ASCII letters: the words of the hand-written texts below (none mixes letters and digits). */
export function lettersOf(text: string): string[] {
  return text.match(/[A-Za-z]+/g) ?? [];
}

/** Occurrences of `word` as a whole, case-sensitive word. */
export function countWord(text: string, word: string): number {
  return lettersOf(text).filter((w) => w === word).length;
}

/**
 * Keyword classes: each keyword label scores 3 per exact occurrence of its keyword; `fallback` scores
 * 1 plus up to 0.9 for the share of the text's words found in `vocabulary` (so any typo of another
 * word lowers it a little and no typo can create a keyword). One occurrence flips with one edit of the
 * keyword, two with two; the fallback never flips.
 */
export function keywordClassifier(
  fingerprint: string,
  keywords: Readonly<Record<string, string>>,
  fallback: string,
  vocabulary: ReadonlySet<string>,
): CountingClassifier {
  const labels = [...Object.keys(keywords), fallback].sort();
  return countingClassifier(fingerprint, labels, (text) => {
    const words = lettersOf(text);
    const known = words.length === 0 ? 1 : words.filter((w) => vocabulary.has(w)).length / words.length;
    return labels.map((l) => (l === fallback ? 1 + 0.9 * known : 3 * countWord(text, keywords[l]!)));
  });
}

/**
 * A model no edit can flip: always `labels[0]`, with a probability between 0.6 and 0.95 that falls as
 * words leave `vocabulary` (so the greedy search keeps edits and spends its edit budget).
 */
export function unflippableClassifier(
  fingerprint: string,
  labels: readonly [string, string],
  vocabulary: ReadonlySet<string>,
): CountingClassifier {
  return countingClassifier(fingerprint, labels, (text) => {
    const words = lettersOf(text);
    const known = words.length === 0 ? 1 : words.filter((w) => vocabulary.has(w)).length / words.length;
    const p = 0.6 + 0.35 * known;
    return [Math.log(p), Math.log(1 - p)];
  });
}

export function vocabularyOf(texts: readonly string[]): Set<string> {
  return new Set(texts.flatMap(lettersOf));
}

/** `text` with `edits` applied (each replaces the word at its `from` range of the original). */
export function withEdits(text: string, edits: readonly AttackEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.from[0] - b.from[0]);
  let out = '';
  let cursor = 0;
  for (const e of sorted) {
    out += text.slice(cursor, e.from[0]) + e.after;
    cursor = e.from[1];
  }
  return out + text.slice(cursor);
}

/** The keyword of each class of the metrics data set. */
export const KEYWORDS: Readonly<Record<string, string>> = {
  balance: 'balance',
  card: 'card',
  refund: 'refund',
  transfer: 'transfer',
};

/**
 * Written for these tests. Against keywordClassifier(KEYWORDS, 'other') with --max-edits 2: a keyword
 * once flips after 1 edit, twice after 2, three times not at all (max-edits); `other` never flips;
 * two examples are misclassified before any edit (b4, o4).
 */
export const METRIC_ROWS: readonly { id: string; text: string; label: string }[] = [
  { id: 'b1', text: 'what is the balance on my savings account', label: 'balance' },
  { id: 'b2', text: 'check the balance, the old balance and the new balance for me', label: 'balance' },
  { id: 'b3', text: 'show my balance, my balance today and my balance last week', label: 'balance' },
  { id: 'b4', text: 'how much money is left on my card', label: 'balance' },
  { id: 'o1', text: 'I would like to speak with someone about opening hours', label: 'other' },
  { id: 'o2', text: 'can you tell me where the nearest branch is', label: 'other' },
  { id: 'o3', text: 'how do I change the phone number on file', label: 'other' },
  { id: 'o4', text: 'I want a refund for this broken kettle', label: 'other' },
  { id: 'c1', text: 'please send the new card to my office today', label: 'card' },
  { id: 'c2', text: 'my card was swallowed by the machine', label: 'card' },
  { id: 'c3', text: 'my card and my spare card both stopped working', label: 'card' },
  { id: 'c4', text: 'the card, the new card and the old card are all blocked', label: 'card' },
  { id: 'r1', text: 'when will the refund reach my account', label: 'refund' },
  { id: 'r2', text: 'the shop says the refund went out on Monday', label: 'refund' },
  { id: 'r3', text: 'the refund for the shoes and the refund for the coat are late', label: 'refund' },
  { id: 't1', text: 'how long does a transfer abroad take', label: 'transfer' },
];

/** Training counts: the rarer the class, the more of it flips (`other` is the most frequent). */
export const METRIC_CLASS_COUNTS: Readonly<Record<string, number>> = {
  other: 500,
  balance: 400,
  card: 60,
  refund: 12,
  transfer: 5,
};

export function metricsModel(fingerprint = 'attack-test:keywords'): CountingClassifier {
  return keywordClassifier(fingerprint, KEYWORDS, 'other', vocabularyOf(METRIC_ROWS.map((r) => r.text)));
}
