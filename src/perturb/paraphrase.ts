/**
 * Helpers shared by the rule-based paraphrase perturbations (perturbations/paraphrase/),
 * kept in src/perturb/ beside typo.ts and synonym.ts: each family's helpers in one place.
 *
 * Protected spans (numbers, URLs, amounts, negations, user regexes) are never
 * edited: the engine rejects any proposal that overlaps one. That includes
 * negation *forms* ("don't" → "do not"), so rules that would only re-spell a
 * negation leave it alone, and whole-text rewrites (casing) pick only options
 * that need no protected word changed.
 */
import { createRequire } from 'node:module';
import type { EditProposal, PerturbationContext, Rng, Severity, Span } from '../types.ts';
import { MIN_SITES } from '../types.ts';
import { isGraphemeBoundary, sentenceSpans, tokenize } from './text/index.ts';

export function overlaps(a: Span, b: Span): boolean {
  return a.start < b.end && b.start < a.end;
}

/** May [start, end) be replaced? Free of protected spans and on grapheme boundaries. */
export function editable(
  text: string,
  ctx: PerturbationContext,
  start: number,
  end: number,
  rewritesNegation = false,
): boolean {
  const free = rewritesNegation ? ctx.isFreeExceptNegations(start, end) : ctx.isFree(start, end);
  return free && isGraphemeBoundary(text, start) && isGraphemeBoundary(text, end);
}

/** Only candidates that change something and whose every edit the engine will accept. */
export function admissible<T extends Candidate>(
  text: string,
  ctx: PerturbationContext,
  candidates: T[],
): T[] {
  return candidates.filter((c) => {
    const parts = partsOf(c);
    return (
      parts.some((e) => text.slice(e.start, e.end) !== e.replacement) &&
      parts.every((e) => editable(text, ctx, e.start, e.end, e.rewritesNegation))
    );
  });
}

let lexicon: Record<string, string[] | undefined> | null = null;

/**
 * natural's Brill lexicon (≈92k words → Penn tags, most likely first), loaded on
 * first use from its submodule (the same JSON module src/perturb/pos.ts loads).
 */
export function lexiconTags(word: string): string[] {
  if (lexicon === null) {
    const require = createRequire(import.meta.url);
    const Lexicon = require('natural/lib/natural/brill_pos_tagger/lib/Lexicon.js') as new (
      language: string,
      defaultCategory: string,
    ) => { lexicon: Record<string, string[] | undefined> };
    lexicon = new Lexicon('EN', 'NN').lexicon;
  }
  const tags = Object.hasOwn(lexicon, word) ? lexicon[word] : undefined;
  return Array.isArray(tags) ? tags : [];
}

/** Brand names the lexicon also knows as common words ("apple", "visa"). */
const BRANDS = new Set([
  'apple',
  'visa',
  'google',
  'amazon',
  'paypal',
  'mastercard',
  'samsung',
  'revolut',
  'monzo',
]);

/**
 * May a sentence-initial word be lowercased when something is put in front of it? Not "I",
 * acronyms, brands, or a name running on into another capitalised word ("Western Union");
 * only words the lexicon knows in lowercase, so unknown names keep their capital.
 */
export function canLowercase(word: string, next?: string): boolean {
  if (!/^[A-Z][a-z]*(?:['’][a-z]+)*$/.test(word)) return false;
  if (/^I(?:['’][a-z]+)?$/.test(word)) return false;
  const stem = word.split(/['’]/)[0];
  if (BRANDS.has(stem.toLowerCase())) return false;
  if (next !== undefined && /^[A-Z]/.test(next) && /^NNP/.test(lexiconTags(stem)[0] ?? '')) return false;
  return lexiconTags(stem.toLowerCase()).length > 0;
}

/**
 * Does the writer start sentences in lowercase ("hi can you help")? Judged from
 * sentences that open with a letter; a lone lowercase "i" also counts.
 */
export function writesLowercase(text: string): boolean {
  const openers = sentenceSpans(text)
    .map((s) => text[s.start])
    .filter((c) => /[A-Za-z]/.test(c));
  if (openers.length > 0) return openers.every((c) => /[a-z]/.test(c));
  return /(?:^|[^A-Za-z'’])i(?:[^A-Za-z'’]|['’](?:m|ve|d|ll)\b|$)/.test(text);
}

// ───────────────────────────── structure ─────────────────────────────

/** The apostrophe this text already uses (curly or straight). */
export function apostropheOf(text: string): string {
  return text.includes('’') && !text.includes("'") ? '’' : "'";
}

export function isQuestion(sentence: string): boolean {
  if (/\?\s*$/.test(sentence)) return true;
  // "When I pay online, the app freezes": a subordinate clause, not a question
  if (/^\W*(?:when|where|if|how)\s+(?:i|we|you|they|he|she|it|my|the|a)\b[^,]*,/i.test(sentence))
    return false;
  return /^\W*(?:how|what|why|when|where|which|who|whom|whose|can|could|would|will|is|are|am|was|were|do|does|did|should|shall|may|might|has)\b/i.test(
    sentence,
  );
}

/** Verbs that open an imperative request in support chat. */
export const IMPERATIVE_VERBS = new Set([
  'help',
  'tell',
  'show',
  'send',
  'cancel',
  'block',
  'freeze',
  'unfreeze',
  'unblock',
  'close',
  'reset',
  'change',
  'update',
  'check',
  'explain',
  'refund',
  'activate',
  'order',
  'give',
  'let',
  'remove',
  'add',
  'stop',
  'transfer',
  'verify',
  'confirm',
  'delete',
  'reverse',
  'fix',
  'replace',
  'return',
  'move',
  'increase',
  'raise',
  'lower',
  'switch',
  'issue',
]);

const ASK_RE = /^(?:can|could|would|will) (?:you|I|we)\b/i;
/** A greeting in front of the request proper ("Hi, can you …"). */
export const GREETING_RE = /^(?:hi|hello|hey)(?: there)?[,!]?\s+/i;

/** Offset of the request proper inside `sentence`, after any greeting. */
export function requestStart(sentence: string): number {
  return GREETING_RE.exec(sentence)?.[0].length ?? 0;
}

/** A request: "can you …", "could I …", or an imperative ("Cancel my card"). */
export function isRequest(sentence: string): boolean {
  const rest = sentence.slice(requestStart(sentence));
  const first = tokenize(rest)[0];
  if (first === undefined || first.start > 0) return false;
  return ASK_RE.test(rest) || IMPERATIVE_VERBS.has(first.lower) || first.lower === 'please';
}

// ───────────────────────────── choosing edits ─────────────────────────────

export interface Candidate extends EditProposal {
  /** at most one candidate per group is chosen (alternatives for the same site) */
  group?: string;
  /** further edits that belong to this one ("Cancel my card." → "Could you cancel my card?") */
  also?: EditProposal[];
}

function partsOf(c: Candidate): EditProposal[] {
  const main: EditProposal = { start: c.start, end: c.end, replacement: c.replacement };
  if (c.rewritesNegation) main.rewritesNegation = true;
  return c.also ? [main, ...c.also] : [main];
}

function spansConflict(a: Span, b: Span): boolean {
  if (a.start === a.end || b.start === b.end) return a.start <= b.end && b.start <= a.end;
  return overlaps(a, b);
}

function conflicts(a: Candidate, b: Candidate): boolean {
  return partsOf(a).some((x) => partsOf(b).some((y) => spansConflict(x, y)));
}

/** How many sites a severity rewrites: 1 → one, 2 → up to `mid`, 3 → all. */
export function budget(severity: Severity, mid = 2): number {
  return severity === 1 ? 1 : severity === 2 ? mid : Number.POSITIVE_INFINITY;
}

/**
 * Draw up to `limit` candidates in random order, skipping any that overlap or
 * touch an already chosen edit or share its group. Returned sorted by position.
 */
export function choose(rng: Rng, candidates: readonly Candidate[], limit: number): EditProposal[] {
  return proposals(chooseCandidates(rng, candidates, limit));
}

function chooseCandidates(rng: Rng, candidates: readonly Candidate[], limit: number): Candidate[] {
  const chosen: Candidate[] = [];
  const groups = new Set<string>();
  for (const c of rng.shuffle(candidates)) {
    if (chosen.length >= limit) break;
    if (c.group !== undefined && groups.has(c.group)) continue;
    if (chosen.some((d) => conflicts(c, d))) continue;
    chosen.push(c);
    if (c.group !== undefined) groups.add(c.group);
  }
  return chosen;
}

function proposals(chosen: readonly Candidate[]): EditProposal[] {
  return chosen.flatMap(partsOf).sort((a, b) => a.start - b.start || a.end - b.end);
}

/** What `chooseForSeverity` does at each level, for the perturbations' severity descriptions. */
export const SITE_SEVERITIES = {
  1: 'one site',
  2: 'two sites (texts with fewer stay unchanged)',
  3: 'every site, at least three (texts with fewer stay unchanged)',
} as const;

/**
 * Sites for a level that counts sites: one at 1, two at 2, all at 3; a level that cannot rewrite
 * MIN_SITES[severity] non-conflicting sites proposes nothing, so it never repeats the level below.
 */
export function chooseForSeverity(
  rng: Rng,
  candidates: readonly Candidate[],
  severity: Severity,
): EditProposal[] {
  const limit = severity === 1 ? 1 : severity === 2 ? 2 : Number.POSITIVE_INFINITY;
  const chosen = chooseCandidates(rng, candidates, limit);
  return chosen.length < MIN_SITES[severity] ? [] : proposals(chosen);
}
