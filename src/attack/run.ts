/**
 * The attack of many examples: candidates per text (candidates.ts), then every example's search
 * (search.ts) run side by side in lockstep, so the model sees one batch per round — the next request of
 * every search still running — through the cached, batched, deduplicated prediction runner (a re-run
 * with a warm cache makes no model call). A round is made of whole requests in example order, so the
 * batches, and with them the report, do not depend on timing. Examples are attacked in groups of
 * GROUP_SIZE to bound memory.
 */
import { predictedIndex } from '../classify/predictions.ts';
import type { PredictionRunner } from '../classify/runner.ts';
import { UsageError } from '../errors.ts';
import type { MeaningCheck } from '../perturb/meaning/check.ts';
import type { Protection } from '../perturb/protect/constraints.ts';
import type { AttackRecord, AttackSearch, PerturbationDefinition, Prediction } from '../types.ts';
import { createRng, rngKey } from '../util/rng.ts';
import { attackWords, textCandidates } from './candidates.ts';
import { greedySearch, type Judgement, randomSearch, type SearchIO } from './search.ts';

/** Examples whose searches run side by side. */
const GROUP_SIZE = 256;

export const DEFAULT_MAX_EDITS = '20%';
export const DEFAULT_MAX_QUERIES = 200;

/** `--max-edits`: a number of words, or a share of each text's words ("20%", at least 1 word). */
export type MaxEdits = { count: number } | { share: number };

/** Parses `--max-edits` ("3", "20%"); a usage error names what is accepted. */
export function parseMaxEdits(spec: string | number): MaxEdits {
  const s = String(spec).trim();
  const pct = /^(\d+(?:\.\d+)?)\s*%$/.exec(s);
  if (pct) {
    const share = Number(pct[1]) / 100;
    if (share > 0 && share <= 1) return { share };
  } else if (/^\d+$/.test(s) && Number(s) >= 1) {
    return { count: Number(s) };
  }
  throw new UsageError(
    `--max-edits must be a number of words ≥ 1 ("3") or a share of each text's words in (0, 100] % ("20%"), got "${s}"`,
  );
}

/** The canonical spelling of a `--max-edits` value, as the report records it. */
export function maxEditsLabel(m: MaxEdits): string {
  return 'count' in m ? String(m.count) : `${Math.round(m.share * 1e6) / 1e4}%`;
}

/** The edit budget of a text of `words` words: the count, or the share rounded up, at least 1. */
export function editBudget(m: MaxEdits, words: number): number {
  return 'count' in m ? m.count : Math.max(1, Math.ceil(m.share * words - 1e-9));
}

export function checkMaxQueries(n: number): number {
  if (!(Number.isInteger(n) && n >= 1))
    throw new UsageError(`--max-queries must be an integer ≥ 1, got ${n}`);
  return n;
}

export interface AttackPlan {
  search: AttackSearch;
  /** the word-level transformations, initialised */
  perturbations: readonly PerturbationDefinition[];
  maxEdits: MaxEdits;
  maxQueries: number;
  seed: number;
  protect?: readonly Protection[];
  /** perturbation options (with the run's sentence encoder) */
  options: Readonly<Record<string, unknown>>;
  meaning: MeaningCheck | null;
  /** the model's labels, in score order */
  labels: readonly string[];
  /** `--prediction`: argmax of the scores, or the backend's label */
  prediction?: 'argmax' | 'label';
}

/** What the attack needs of an example: its text, gold label (a model label) and clean answer. */
export interface AttackTarget {
  id: string;
  row?: number;
  text: string;
  label: string;
  prediction: string;
  goldProb: number;
}

/** Attacks every target; records in the targets' order; `onProgress(done, total)` as each example finishes. */
export async function attackExamples(
  targets: readonly AttackTarget[],
  runner: PredictionRunner,
  plan: AttackPlan,
  onProgress?: (done: number, total: number) => void,
): Promise<AttackRecord[]> {
  const labelIndex = new Map(plan.labels.map((l, i) => [l, i]));
  const out: AttackRecord[] = [];
  onProgress?.(0, targets.length);
  for (let from = 0; from < targets.length; from += GROUP_SIZE) {
    const group = targets.slice(from, from + GROUP_SIZE);
    const lockstep = new Lockstep((texts) => runner.predict(texts));
    let finished = out.length;
    const records = await lockstep.runAll(
      group.map((t) => async (predict: (texts: readonly string[]) => Promise<Prediction[]>) => {
        const rec = await attackOne(t, plan, labelIndex, predict);
        onProgress?.(++finished, targets.length);
        return rec;
      }),
    );
    out.push(...records);
  }
  return out;
}

async function attackOne(
  t: AttackTarget,
  plan: AttackPlan,
  labelIndex: ReadonlyMap<string, number>,
  predict: (texts: readonly string[]) => Promise<Prediction[]>,
): Promise<AttackRecord> {
  const words = attackWords(t.text).length;
  const maxEdits = editBudget(plan.maxEdits, words);
  const original: Judgement = {
    prediction: t.prediction,
    goldProb: t.goldProb,
    correct: t.prediction === t.label,
  };
  const base = {
    id: t.id,
    ...(t.row === undefined ? {} : { row: t.row }),
    text: t.text,
    label: t.label,
    prediction: t.prediction,
    goldProb: t.goldProb,
    words,
    maxEdits,
  };
  if (!original.correct) {
    return {
      ...base,
      outcome: 'misclassified',
      success: false,
      queries: 0,
      edits: [],
      adversarial: t.text,
      finalPrediction: t.prediction,
      finalGoldProb: t.goldProb,
    };
  }
  const gold = labelIndex.get(t.label)!;
  const io: SearchIO = {
    async judge(texts) {
      const preds = await predict(texts);
      return preds.map((p) => {
        const top = predictedIndex(p, labelIndex, plan.prediction);
        const prediction = plan.labels[top]!;
        return { prediction, goldProb: p.scores[gold]!, correct: prediction === t.label };
      });
    },
    similarity: (text) => plan.meaning!.similarity(t.text, text),
  };
  const cands = await textCandidates(t.text, plan.perturbations, {
    seed: plan.seed,
    protect: plan.protect,
    options: plan.options,
    meaning: plan.meaning,
  });
  const budget = { maxEdits, maxQueries: plan.maxQueries };
  const r =
    plan.search === 'greedy'
      ? await greedySearch(t.text, cands, original, budget, io)
      : await randomSearch(
          t.text,
          cands,
          original,
          budget,
          io,
          createRng(rngKey(plan.seed, 'attack-random', t.text)),
        );
  return {
    ...base,
    outcome: r.outcome,
    success: r.outcome === 'flipped',
    queries: r.queries,
    edits: r.edits,
    adversarial: r.adversarial,
    finalPrediction: r.final.prediction,
    finalGoldProb: r.final.goldProb,
  };
}

type Predict = (texts: readonly string[]) => Promise<Prediction[]>;

/**
 * Runs searches side by side and answers their model requests together: once every search still
 * running is waiting on the model, their requests go out as one call, in search order. A search busy
 * with something else (the meaning check) holds the round until it asks or finishes.
 */
class Lockstep {
  private active = 0;
  private pending: {
    order: number;
    texts: readonly string[];
    resolve(p: Prediction[]): void;
    reject(e: unknown): void;
  }[] = [];

  constructor(private readonly predict: (texts: string[]) => Promise<Prediction[]>) {}

  runAll<T>(tasks: readonly ((predict: Predict) => Promise<T>)[]): Promise<T[]> {
    this.active = tasks.length;
    return Promise.all(
      tasks.map(async (task, order) => {
        try {
          return await task((texts) => this.request(order, texts));
        } finally {
          this.active--;
          this.flushWhenReady();
        }
      }),
    );
  }

  private request(order: number, texts: readonly string[]): Promise<Prediction[]> {
    if (texts.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.pending.push({ order, texts, resolve, reject });
      this.flushWhenReady();
    });
  }

  private flushWhenReady(): void {
    if (this.pending.length === 0 || this.pending.length < this.active) return;
    const round = this.pending.sort((a, b) => a.order - b.order);
    this.pending = [];
    this.predict(round.flatMap((r) => r.texts)).then(
      (preds) => {
        let k = 0;
        for (const r of round) {
          r.resolve(preds.slice(k, k + r.texts.length));
          k += r.texts.length;
        }
      },
      (err: unknown) => {
        for (const r of round) r.reject(err);
      },
    );
  }
}
