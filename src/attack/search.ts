/**
 * The searches of one example (TextAttack's "search method" with an untargeted "goal": any label but
 * the gold one). Both spend the same budgets the same way — `maxEdits` words changed, `maxQueries`
 * distinct texts scored (a text scored before for this example is free) — and keep the meaning
 * constraint of synonym edits on the whole path: the original with only the path's synonym
 * replacements must stay within every one of their thresholds.
 *
 * - `greedySearch`: words ranked by importance (gold-probability drop when the word is deleted; one
 *   batch), then word by word in that order: the word's candidates scored CANDIDATE_ROUND at a time; a
 *   round with a flip ends the search (its flip leaving the least gold probability), else, once all are
 *   scored, the one that lowers the gold probability most is kept if it lowers it at all — except for
 *   the last edit the budget allows, kept only if it flips (each remaining word is tried as that edit).
 * - `randomSearch`: the baseline. A walk takes the words in a random order and applies a random
 *   candidate of each, scoring after every edit, until it flips or has made `maxEdits` edits; then the
 *   next walk starts again from the original, until the query budget is spent.
 */
import type { AttackEdit, AttackOutcome, Rng } from '../types.ts';
import { type AttackWord, applyWordEdits, type TextCandidates, withoutWord } from './candidates.ts';

/** The model's answer for one text, in the terms of the example's gold label. */
export interface Judgement {
  prediction: string;
  goldProb: number;
  /** prediction = gold label */
  correct: boolean;
}

/** What a search needs from outside: the model (batched across examples) and the meaning check. */
export interface SearchIO {
  judge(texts: readonly string[]): Promise<Judgement[]>;
  /** similarity of the original and `text`, rounded like the meaning check; only asked when the check is on */
  similarity(text: string): Promise<number>;
}

export interface SearchBudget {
  maxEdits: number;
  maxQueries: number;
}

export interface SearchResult {
  outcome: Exclude<AttackOutcome, 'misclassified'>;
  queries: number;
  edits: AttackEdit[];
  adversarial: string;
  final: Judgement;
}

/** Per-example bookkeeping shared by both searches: the query count and the path's constraints. */
class SearchState {
  queries = 0;
  private readonly seen = new Map<string, Judgement>();

  constructor(
    readonly text: string,
    readonly cands: TextCandidates,
    readonly budget: SearchBudget,
    private readonly io: SearchIO,
    readonly original: Judgement,
  ) {
    this.seen.set(text, original);
  }

  get queriesLeft(): number {
    return this.budget.maxQueries - this.queries;
  }

  /** Judgements of `texts`; new texts are queries (at most `queriesLeft`; the rest come back undefined). */
  async judge(texts: readonly string[]): Promise<(Judgement | undefined)[]> {
    const fresh: string[] = [];
    for (const t of texts) {
      if (!this.seen.has(t) && !fresh.includes(t) && fresh.length < this.queriesLeft) fresh.push(t);
    }
    if (fresh.length > 0) {
      const answers = await this.io.judge(fresh);
      this.queries += fresh.length;
      for (let i = 0; i < fresh.length; i++) this.seen.set(fresh[i]!, answers[i]!);
    }
    return texts.map((t) => this.seen.get(t));
  }

  /** Does a path with these edits keep the meaning? Only the synonym (thresholded) edits are checked. */
  async keepsMeaning(
    edits: ReadonlyMap<number, string>,
    thresholds: ReadonlyMap<number, number>,
  ): Promise<boolean> {
    const checked = new Map([...edits].filter(([i]) => thresholds.has(i)));
    // one synonym alone was checked when it became a candidate
    if (checked.size < 2) return true;
    const least = Math.max(...[...checked.keys()].map((i) => thresholds.get(i)!));
    return (await this.io.similarity(applyWordEdits(this.text, this.cands.words, checked))) >= least;
  }

  edit(word: AttackWord, perturbation: string, after: string, j: Judgement): AttackEdit {
    return {
      word: word.index,
      from: [word.start, word.end],
      perturbation,
      before: word.text,
      after,
      goldProb: j.goldProb,
      prediction: j.prediction,
    };
  }
}

/** Candidates of one word scored per model round in the greedy search. */
export const CANDIDATE_ROUND = 4;

/** Words with a proposed candidate (the meaning check on synonyms comes when the search reaches them). */
function editableWords(cands: TextCandidates): AttackWord[] {
  return cands.words.filter((w) => cands.candidates[w.index]!.length > 0);
}

export async function greedySearch(
  text: string,
  cands: TextCandidates,
  original: Judgement,
  budget: SearchBudget,
  io: SearchIO,
): Promise<SearchResult> {
  const s = new SearchState(text, cands, budget, io, original);
  const editable = editableWords(cands);
  if (editable.length === 0)
    return { outcome: 'no-candidates', queries: 0, edits: [], adversarial: text, final: original };

  // 1. importance: how much the gold probability falls without the word. The ranking takes at most half
  // the query budget, so a long text under a tight budget keeps queries for its edits; beyond that the
  // longest words are probed (content words are long, "a", "to", "my" are not). Unprobed words rank last.
  const probeLimit = Math.max(1, Math.floor(budget.maxQueries / 2));
  const probes =
    editable.length <= probeLimit
      ? editable
      : [...editable]
          .sort((a, b) => b.end - b.start - (a.end - a.start) || a.index - b.index)
          .slice(0, probeLimit);
  const answers = await s.judge(probes.map((w) => withoutWord(text, w.start, w.end)));
  const probed = new Map(probes.map((w, i) => [w.index, answers[i]]));
  const importance = editable.map((w) => {
    const j = probed.get(w.index);
    return j ? original.goldProb - j.goldProb : -Infinity;
  });
  const order = editable
    .map((w, i) => ({ w, i }))
    .sort((a, b) => importance[b.i]! - importance[a.i]! || a.w.index - b.w.index);

  // 2. word by word, the candidate that lowers the gold probability most
  const chosen = new Map<number, string>();
  const thresholds = new Map<number, number>();
  const edits: AttackEdit[] = [];
  let current = original;
  let currentText = text;
  for (const { w } of order) {
    if (s.queriesLeft <= 0)
      return { outcome: 'max-queries', queries: s.queries, edits, adversarial: currentText, final: current };
    // The budget's last edit is worth making only if it flips: without a flip the search would end
    // there, so each remaining word is tried as that last edit instead.
    const lastEdit = chosen.size === budget.maxEdits - 1;
    const options: { perturbation: string; after: string; text: string; threshold: number | null }[] = [];
    for (const c of await cands.admissible(w.index)) {
      const next = new Map(chosen).set(w.index, c.after);
      if (c.threshold !== null) {
        const t = new Map(thresholds).set(w.index, c.threshold);
        if (!(await s.keepsMeaning(next, t))) continue;
      }
      options.push({ ...c, text: applyWordEdits(text, cands.words, next) });
    }
    // Scored a few at a time: a flip ends the search without paying for the word's other candidates;
    // without one, every candidate is scored and the one lowering the gold probability most is kept.
    const judged: (Judgement | undefined)[] = [];
    let best = -1;
    let bestFlips = false;
    for (let from = 0; from < options.length && !bestFlips; from += CANDIDATE_ROUND) {
      const round = options.slice(from, from + CANDIDATE_ROUND);
      judged.push(...(await s.judge(round.map((o) => o.text))));
      for (let k = from; k < judged.length; k++) {
        const j = judged[k];
        if (!j) continue;
        const flips = !j.correct;
        if (
          best < 0 ||
          (flips && !bestFlips) ||
          (flips === bestFlips && j.goldProb < judged[best]!.goldProb)
        ) {
          best = k;
          bestFlips = flips;
        }
      }
    }
    if (best < 0) continue;
    const j = judged[best]!;
    if (!bestFlips && (lastEdit || j.goldProb >= current.goldProb)) continue;
    const o = options[best]!;
    chosen.set(w.index, o.after);
    if (o.threshold !== null) thresholds.set(w.index, o.threshold);
    edits.push(s.edit(w, o.perturbation, o.after, j));
    current = j;
    currentText = o.text;
    if (bestFlips)
      return { outcome: 'flipped', queries: s.queries, edits, adversarial: currentText, final: current };
  }
  // every word tried: with the last edit of the budget held back for a flip, the edit budget is what ended it
  const outcome =
    s.queriesLeft <= 0 ? 'max-queries' : chosen.size === budget.maxEdits - 1 ? 'max-edits' : 'exhausted';
  return { outcome, queries: s.queries, edits, adversarial: currentText, final: current };
}

/**
 * Walks in a row without a new text after which the random search stops: it has (almost surely) seen
 * everything its budget allows. Such walks cost no query, so the bound is generous: with few
 * candidates, walks often repeat one another before the query budget is spent.
 */
const STALE_WALKS = 100;

export async function randomSearch(
  text: string,
  cands: TextCandidates,
  original: Judgement,
  budget: SearchBudget,
  io: SearchIO,
  rng: Rng,
): Promise<SearchResult> {
  const s = new SearchState(text, cands, budget, io, original);
  const editable = editableWords(cands);
  if (editable.length === 0)
    return { outcome: 'no-candidates', queries: 0, edits: [], adversarial: text, final: original };
  let stale = 0;
  let last: SearchResult = {
    outcome: 'max-queries',
    queries: 0,
    edits: [],
    adversarial: text,
    final: original,
  };
  while (s.queriesLeft > 0 && stale < STALE_WALKS) {
    const before = s.queries;
    const chosen = new Map<number, string>();
    const thresholds = new Map<number, number>();
    const edits: AttackEdit[] = [];
    let current = original;
    let currentText = text;
    for (const w of rng.shuffle(editable)) {
      if (chosen.size >= budget.maxEdits || s.queriesLeft <= 0) break;
      const admissible = await cands.admissible(w.index);
      if (admissible.length === 0) continue;
      const c = rng.pick(admissible);
      const next = new Map(chosen).set(w.index, c.after);
      if (c.threshold !== null) {
        const t = new Map(thresholds).set(w.index, c.threshold);
        if (!(await s.keepsMeaning(next, t))) continue;
        thresholds.set(w.index, c.threshold);
      }
      const nextText = applyWordEdits(text, cands.words, next);
      const [j] = await s.judge([nextText]);
      if (!j) break;
      chosen.set(w.index, c.after);
      edits.push(s.edit(w, c.perturbation, c.after, j));
      current = j;
      currentText = nextText;
      if (!j.correct)
        return { outcome: 'flipped', queries: s.queries, edits, adversarial: currentText, final: current };
    }
    last = { outcome: 'max-queries', queries: s.queries, edits, adversarial: currentText, final: current };
    stale = s.queries === before ? stale + 1 : 0;
  }
  return { ...last, queries: s.queries, outcome: s.queriesLeft <= 0 ? 'max-queries' : 'exhausted' };
}
