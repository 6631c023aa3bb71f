/**
 * The attack's transformations (TextAttack's "transformation" + "constraints"): for every word of a
 * text, the replacements the selected word-level perturbations would make of it, drawn through the
 * perturbation engine with each perturbation confined to that one word at severity 1
 * (`perturbWithin`: the edits are checked as every variant's are). A typo kind or a synonym
 * perturbation needs no code of its own to serve the attack; a perturbation whose edits do not fit
 * inside one word (typo.merge, paraphrases) simply offers none.
 *
 * Constraints kept here, before any model call: protected spans (built-in and `--protect`) are never
 * candidates, and a candidate of a perturbation with a meaning threshold (synonyms) must keep the
 * meaning on its own (similarity of the text with only that replacement ≥ the threshold), checked
 * when a search first reaches its word (`admissible`). Candidates
 * depend only on (seed, perturbation, word index, text), never on the search path or other examples.
 */
import { UsageError } from '../errors.ts';
import { perturbWithin } from '../perturb/engine.ts';
import type { MeaningCheck } from '../perturb/meaning/check.ts';
import { compileConstraints, ProtectedText, type Protection } from '../perturb/protect/constraints.ts';
import type { PerturbationRegistry } from '../perturb/registry.ts';
import { latinWords } from '../perturb/text/index.ts';
import type { PerturbationDefinition, Span } from '../types.ts';

/** The default `--attack-perturb`: what real users type, word by word. */
export const DEFAULT_ATTACK_PERTURB: readonly string[] = ['typo', 'synonym'];
/** Word-level families: the only ones whose edits stay inside a word. */
const WORD_LEVEL_FAMILIES = new Set(['typo', 'synonym']);

/** Distinct replacements kept per word and transformation. */
export const CANDIDATES_PER_WORD = 2;
/** Draws per word and transformation to find them (a typo kind can repeat itself). */
const DRAWS_PER_WORD = 6;

/** A word of the original text the attack may change. */
export interface AttackWord extends Span {
  /** 0-based index among the text's words */
  index: number;
  text: string;
}

export interface WordCandidate {
  perturbation: string;
  /** the replacement of the whole word */
  after: string;
  /** the meaning threshold a path containing this edit must keep (synonyms); null for typos */
  threshold: number | null;
}

export interface TextCandidates {
  /** every word of the text (the unit of the edit budget) */
  words: readonly AttackWord[];
  /**
   * per word index: the candidates proposed, in (perturbation, draw) order, before the meaning check;
   * [] when the word cannot be edited
   */
  candidates: readonly (readonly WordCandidate[])[];
  /**
   * The word's candidates that keep the meaning on their own (synonyms checked, typos exempt): checked
   * when a search first reaches the word, then remembered — a search visits few words, so most are never
   * checked at all.
   */
  admissible(word: number): Promise<readonly WordCandidate[]>;
}

/**
 * The attack's transformations from a `--attack-perturb` spec: typo and synonym perturbations only,
 * natural ones unless named exactly. A named perturbation of another family is a usage error.
 */
export function resolveAttackPerturbations(
  registry: PerturbationRegistry,
  spec: string | readonly string[] | undefined,
  options: Readonly<Record<string, unknown>>,
): PerturbationDefinition[] {
  const parts = (
    spec === undefined ? DEFAULT_ATTACK_PERTURB : typeof spec === 'string' ? spec.split(',') : spec
  )
    .map((s) => s.trim())
    .filter(Boolean);
  if (parts.length === 0)
    throw new UsageError('--attack-perturb is empty: name typo or synonym perturbations');
  const out = new Map<string, PerturbationDefinition>();
  for (const part of parts) {
    const exact = registry.get(part);
    const selected = registry.resolve(part, { options });
    if (!exact && !selected.some((d) => WORD_LEVEL_FAMILIES.has(d.family))) {
      // a family or tag with nothing word-level in it ("paraphrase", "entity") is a mistake, never silently dropped
      throw new UsageError(
        `--attack-perturb: ${part} selects no typo or synonym perturbation; the attack edits one word at a time, so only those take part`,
      );
    }
    for (const def of selected) {
      if (!WORD_LEVEL_FAMILIES.has(def.family)) {
        if (exact) {
          throw new UsageError(
            `--attack-perturb: ${def.name} is ${/^[aeiou]/.test(def.family) ? 'an' : 'a'} ${def.family} perturbation; the attack edits one word at a time, so only typo and synonym perturbations take part`,
          );
        }
        continue;
      }
      // synthetic noise (homoglyphs, OCR confusions) flips a model through unknown tokens, not through
      // anything a user types: only by exact name
      if (def.tag === 'synthetic' && !exact) continue;
      out.set(def.name, def);
    }
  }
  if (out.size === 0) {
    throw new UsageError(
      `--attack-perturb ${parts.join(',')} selects no typo or synonym perturbation (tailcheck perturbations lists them)`,
    );
  }
  return [...out.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The words of `text`: runs of Latin letters, as the typo perturbations see them. */
export function attackWords(text: string): AttackWord[] {
  return latinWords(text).map((w, index) => ({ index, start: w.start, end: w.end, text: w.text }));
}

/** `text` without the word at [start, end) and one space beside it (the importance probe). */
export function withoutWord(text: string, start: number, end: number): string {
  if (text[end] === ' ') return text.slice(0, start) + text.slice(end + 1);
  if (start > 0 && text[start - 1] === ' ') return text.slice(0, start - 1) + text.slice(end);
  return text.slice(0, start) + text.slice(end);
}

/** `text` with words replaced: `edits` maps word index → replacement. */
export function applyWordEdits(
  text: string,
  words: readonly AttackWord[],
  edits: ReadonlyMap<number, string>,
): string {
  if (edits.size === 0) return text;
  const order = [...edits.keys()].sort((a, b) => a - b);
  let out = '';
  let cursor = 0;
  for (const i of order) {
    const w = words[i]!;
    out += text.slice(cursor, w.start) + edits.get(i)!;
    cursor = w.end;
  }
  return out + text.slice(cursor);
}

export interface CandidateOptions {
  seed: number;
  protect?: readonly Protection[];
  /** perturbation options (the run's sentence encoder for synonym.wordnet) */
  options: Readonly<Record<string, unknown>>;
  /** the meaning check; null = off (`--no-meaning-check`): synonym candidates are then unchecked */
  meaning: MeaningCheck | null;
}

/** The candidates of every word of `text` under `defs` (initialised perturbations). */
export async function textCandidates(
  text: string,
  defs: readonly PerturbationDefinition[],
  opts: CandidateOptions,
): Promise<TextCandidates> {
  const words = attackWords(text);
  const guard = new ProtectedText(text, compileConstraints(opts.protect));
  const candidates: WordCandidate[][] = words.map(() => []);
  // the meaning threshold a candidate of each perturbation must keep (null: typos, or the check is off)
  const thresholds = defs.map((def) =>
    opts.meaning && def.meaning && 'threshold' in def.meaning ? def.meaning.threshold : null,
  );
  for (const w of words) {
    if (!guard.isFree(w.start, w.end)) continue;
    const mine = candidates[w.index]!;
    for (const [d, def] of defs.entries()) {
      const threshold = thresholds[d] ?? null;
      for (const after of await wordReplacements(text, w, def, guard, opts)) {
        if (!mine.some((c) => c.after === after)) mine.push({ perturbation: def.name, after, threshold });
      }
    }
  }
  const checked = new Map<number, Promise<WordCandidate[]>>();
  const check = async (w: AttackWord): Promise<WordCandidate[]> => {
    const out: WordCandidate[] = [];
    for (const c of candidates[w.index]!) {
      if (c.threshold !== null) {
        const single = text.slice(0, w.start) + c.after + text.slice(w.end);
        if ((await opts.meaning!.similarity(text, single)) < c.threshold) continue;
      }
      out.push(c);
    }
    return out;
  };
  return {
    words,
    candidates,
    admissible(word) {
      let found = checked.get(word);
      if (!found) {
        found = check(words[word]!);
        checked.set(word, found);
      }
      return found;
    },
  };
}

/**
 * Up to CANDIDATES_PER_WORD distinct replacements of word `w` that `def` makes when only `w` is free: draws
 * through the engine (perturbWithin), so every edit is checked as in an audit.
 */
async function wordReplacements(
  text: string,
  w: AttackWord,
  def: PerturbationDefinition,
  guard: ProtectedText,
  opts: CandidateOptions,
): Promise<string[]> {
  const out: string[] = [];
  for (let draw = 0; draw < DRAWS_PER_WORD && out.length < CANDIDATES_PER_WORD; draw++) {
    const v = await perturbWithin(text, def, guard, w, {
      seed: opts.seed,
      variant: w.index,
      draw,
      options: opts.options,
    });
    // nothing in this word for `def` (too short, no synonym): further draws find nothing either
    if (!v.changed) break;
    const after = v.text.slice(w.start, w.end + v.text.length - text.length);
    if (!out.includes(after)) out.push(after);
  }
  return out;
}
