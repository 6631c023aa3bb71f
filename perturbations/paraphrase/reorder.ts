/**
 * paraphrase.reorder — move an adverbial clause across its main clause:
 * "X because Y." ↔ "Because Y, X.", likewise if / when / whenever / unless /
 * although / even though / even if / as soon as / until / before / after / since.
 * "X, but Y" and other coordinations stay as they are.
 *
 * Only clean splits: one subordinator in the sentence, no other comma, no
 * modifier glued to the subordinator ("right after", "only if"), and no
 * "if"/"when" that means "whether"/"at what time" ("I want to know if …",
 * "tell me when …"). End punctuation stays at the end; the clause that ends up
 * first is capitalised, the one that moves inside loses its capital unless it
 * starts with "I" or a name.
 *
 * Expressed as two edits: the clause that moves is deleted and re-inserted, the
 * other one stays where it is, so protected spans (negations, amounts) are never
 * edited — a sentence reorders when at least one of its clauses is free of them.
 */

import { admissible, type Candidate, canLowercase, choose, editable } from '../../src/perturb/paraphrase.ts';
import { lowerFirst, sentenceSpans, type Token, tokenize, upperFirst } from '../../src/perturb/text/index.ts';
import type { EditProposal, PerturbationContext, PerturbationDefinition } from '../../src/types.ts';

/** Subordinators, longest first; `minTail` = words the subordinate part needs. */
const SUBORDINATORS: { words: string[]; minTail: number }[] = [
  { words: ['as', 'soon', 'as'], minTail: 2 },
  { words: ['even', 'though'], minTail: 2 },
  { words: ['even', 'if'], minTail: 2 },
  { words: ['because'], minTail: 2 },
  { words: ['if'], minTail: 2 },
  { words: ['when'], minTail: 2 },
  { words: ['whenever'], minTail: 2 },
  { words: ['unless'], minTail: 2 },
  { words: ['although'], minTail: 2 },
  { words: ['until'], minTail: 2 },
  { words: ['before'], minTail: 1 },
  { words: ['after'], minTail: 1 },
  { words: ['since'], minTail: 1 },
];
const SUBORDINATOR_WORDS = new Set([
  'because',
  'if',
  'when',
  'whenever',
  'unless',
  'although',
  'though',
  'until',
  'before',
  'after',
  'since',
  'whether',
  'while',
  'whereas',
]);

/** Before "if"/"when" these make the clause an embedded question ("know if", "tell me when"). */
const EMBEDDING = new Set([
  'know',
  'knows',
  'wonder',
  'wondering',
  'wondered',
  'check',
  'checking',
  'see',
  'ask',
  'asking',
  'asked',
  'sure',
  'unsure',
  'confirm',
  'idea',
  'curious',
  'clarify',
  'tell',
  'advise',
  'clear',
  'unclear',
  'remember',
  'explain',
  'decide',
  'notify',
  'out',
  'matter',
  'depends',
  'question',
  'what',
  'as',
]);
/** "tell me if …", "let us know when …": the object pronoun sits between verb and "if". */
const EMBEDDING_BEFORE_OBJECT = new Set(['tell', 'ask', 'let', 'show', 'remind', 'notify', 'advise']);
/** Words that modify the subordinator itself or coordinate it ("right after", "and if"). */
const GLUED = new Set([
  'right',
  'just',
  'shortly',
  'soon',
  'long',
  'only',
  'especially',
  'mainly',
  'partly',
  'simply',
  'probably',
  'maybe',
  'exactly',
  'ever',
  'and',
  'or',
  'but',
  'so',
  'from',
  'since',
  'until',
  'till',
  'that',
]);
/** Before a time subordinator these make it a relative or comparative ("the day before", "3 days after"). */
const TIME_NOUNS = new Set([
  'day',
  'days',
  'week',
  'weeks',
  'month',
  'months',
  'year',
  'years',
  'hour',
  'hours',
  'minute',
  'minutes',
  'time',
  'times',
  'night',
  'morning',
  'moment',
  'point',
  'date',
]);
const TIME_SUBORDINATORS = new Set(['before', 'after', 'since', 'until', 'when', 'whenever']);
/** Coordination in either clause makes the scope of the subordinator unclear. */
const COORDINATORS = new Set(['and', 'or', 'but', 'so', 'then']);
/** A main clause opening with one of these has dropped its subject ("Need to reset it because …"). */
const SUBJECTLESS = new Set([
  'need',
  'needs',
  'want',
  'wants',
  'got',
  'trying',
  'tried',
  'have',
  'has',
  'had',
  'lost',
  'been',
  'was',
]);
/** A subordinate clause opening with an auxiliary is a question ("When will it arrive, …"). */
const AUXILIARIES = new Set([
  'will',
  'can',
  'could',
  'would',
  'should',
  'is',
  'are',
  'was',
  'were',
  'do',
  'does',
  'did',
  'has',
  'have',
  'had',
  'am',
]);

function matchesAt(tokens: Token[], i: number, words: string[]): boolean {
  return words.every((w, k) => tokens[i + k]?.lower === w);
}

/** Index and length of the one subordinator in the sentence, or null when there is none or several. */
function findSubordinator(tokens: Token[]): { at: number; length: number; minTail: number } | null {
  let found: { at: number; length: number; minTail: number } | null = null;
  let count = 0;
  for (let i = 0; i < tokens.length; i++) {
    const sub = SUBORDINATORS.find((s) => matchesAt(tokens, i, s.words));
    if (sub) {
      count++;
      found = { at: i, length: sub.words.length, minTail: sub.minTail };
      i += sub.words.length - 1;
    } else if (SUBORDINATOR_WORDS.has(tokens[i].lower)) count++;
  }
  return count === 1 ? found : null;
}

/** The sentence with its clauses swapped, as at most two edits, or null when not clean. */
function reorderSentence(
  text: string,
  ctx: PerturbationContext,
  start: number,
  end: number,
): Candidate | null {
  const sentence = text.slice(start, end);
  if (/["“”()[\];:]/.test(sentence)) return null;
  const body = sentence.replace(/[.!?]+$/, '').replace(/\s+$/, '');
  if (/[.!?]/.test(body.replace(/\.(?=\S)/g, ''))) return null;
  const bodyEnd = start + body.length;
  const tokens = tokenize(body);
  const sub = findSubordinator(tokens);
  if (!sub || tokens.length < 4) return null;
  const conj = tokens[sub.at];
  const conjEnd = tokens[sub.at + sub.length - 1].end;
  const conjText = body.slice(conj.start, conjEnd);
  const commas = [...body.matchAll(/,/g)].map((m) => m.index ?? 0);
  const capital = /^[^A-Za-z]*[A-Z]/.test(body);

  if (sub.at === 0) {
    // "Because Y, X" → "X because Y"
    if (commas.length !== 1) return null;
    const comma = commas[0];
    const tail = tokens.filter((t) => t.start > conjEnd && t.end <= comma);
    const main = tokens.filter((t) => t.start > comma);
    if (tail.length < sub.minTail || main.length < 2 || AUXILIARIES.has(tail[0].lower)) return null;
    if (tokens.some((t) => COORDINATORS.has(t.lower))) return null;
    const y = body.slice(conjEnd, comma).trim();
    const xStart = main[0].start;
    const x = body.slice(xStart);
    const lowerConj = lowerFirst(conjText);
    const xFirst = main[0];
    const xHead = capital ? upperFirst(x) : x;
    // X moves to the front: it is deleted from the end and re-inserted before "because"
    const moveX: Candidate = {
      start: start + conj.start,
      end: start + conjEnd,
      replacement: `${xHead} ${lowerConj}`,
      also: [{ start: start + comma, end: bodyEnd, replacement: '' }],
    };
    if (
      editable(text, ctx, start + xStart, bodyEnd) &&
      editable(text, ctx, start + conj.start, start + conjEnd)
    ) {
      return moveX;
    }
    // Y moves to the end: "Because Y, " is deleted, X's first word takes the capital
    const newFirst = capital ? upperFirst(xFirst.text) : xFirst.text;
    return checked(text, ctx, {
      start: start + conj.start,
      end: start + xFirst.end,
      replacement: newFirst,
      also: [{ start: bodyEnd, end: bodyEnd, replacement: ` ${lowerConj} ${y}` }],
    });
  }

  // "X because Y" → "Because Y, X"
  // at most one comma, right before the subordinator ("X, because Y")
  if (commas.length > 1 || (commas.length === 1 && !/^,\s*$/.test(body.slice(commas[0], conj.start)))) {
    return null;
  }
  const prev = tokens[sub.at - 1];
  if (GLUED.has(prev.lower)) return null;
  if (TIME_SUBORDINATORS.has(conj.lower) && TIME_NOUNS.has(prev.lower)) return null;
  if (conj.lower === 'if' || conj.lower === 'when') {
    if (EMBEDDING.has(prev.lower)) return null;
    const before = tokens[sub.at - 2];
    if (
      /^(?:me|us|you|him|her|them)$/.test(prev.lower) &&
      before &&
      EMBEDDING_BEFORE_OBJECT.has(before.lower)
    ) {
      return null;
    }
  }
  if (tokens.some((t) => COORDINATORS.has(t.lower)) || SUBJECTLESS.has(tokens[0].lower)) return null;
  const tail = tokens.slice(sub.at + sub.length);
  if (tail.length < sub.minTail || sub.at < 2) return null;
  // "…, when will it arrive?" is a question of its own, not a subordinate clause
  if (AUXILIARIES.has(tail[0].lower)) return null;
  const xEnd = commas.length === 1 ? commas[0] : prev.end;
  const x = body.slice(0, xEnd);
  const y = body.slice(conjEnd, bodyEnd - start).trim();
  const xFirst = tokens[0];
  const lead = capital ? upperFirst(conjText.toLowerCase()) : conjText.toLowerCase();
  const xLowered = canLowercase(xFirst.text, tokens[1]?.text) ? lowerFirst(x) : x;
  // Y moves to the front: ", because Y" is deleted and re-inserted before X
  const firstWordChanges = xLowered !== x;
  const moveY: Candidate = {
    start,
    end: firstWordChanges ? start + xFirst.end : start,
    replacement: `${lead} ${y}, ${firstWordChanges ? lowerFirst(xFirst.text) : ''}`,
    also: [{ start: start + xEnd, end: bodyEnd, replacement: '' }],
  };
  if (
    editable(text, ctx, start + xEnd, bodyEnd) &&
    (!firstWordChanges || editable(text, ctx, start, start + xFirst.end))
  ) {
    return moveY;
  }
  // X moves to the end: "X because " becomes "Because ", X is re-inserted after Y
  return checked(text, ctx, {
    start,
    end: start + conjEnd,
    replacement: lead,
    also: [{ start: bodyEnd, end: bodyEnd, replacement: `, ${xLowered}` }],
  });
}

function checked(text: string, ctx: PerturbationContext, c: Candidate): Candidate | null {
  const parts = [c, ...(c.also ?? [])];
  return parts.every((p) => editable(text, ctx, p.start, p.end)) ? c : null;
}

const reorder: PerturbationDefinition = {
  name: 'paraphrase.reorder',
  family: 'paraphrase',
  tag: 'natural',
  meaning: { threshold: 0.96 },
  description:
    'Move an adverbial clause across its main clause ("X because Y" ↔ "Because Y, X"; if, when, unless, ' +
    'although, before, after, since …) where the split is clean; end punctuation and capitals follow.',
  // One level: a clause swap is all a sentence allows, and texts with two reorderable sentences are rare.
  severities: { 1: 'one sentence reordered' },
  apply(text: string, ctx: PerturbationContext): EditProposal[] {
    const sites: Candidate[] = [];
    for (const s of sentenceSpans(text)) {
      const c = reorderSentence(text, ctx, s.start, s.end);
      if (c) sites.push(c);
    }
    // every edit was checked while building; admissible() re-checks the whole candidate
    return choose(ctx.rng, admissible(text, ctx, sites), 1);
  },
};

export default reorder;
