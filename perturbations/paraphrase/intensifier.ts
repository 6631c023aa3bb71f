/**
 * paraphrase.intensifier — add, drop or swap intensifiers and hedges where they
 * attach grammatically, found with the project's Brill tagger (src/perturb/pos.ts):
 *   predicative adjectives  "the app is slow"   → "the app is really slow" / "a bit slow"
 *   verbs after I / we      "I need a new card" → "I just need a new card"
 *   "I'm" + -ing verb       "I'm trying to …"   → "I'm really trying to …"
 *   manner/time adverbs     "I need it quickly" → "I need it very quickly"
 *   existing ones           "really slow" → "slow" / "super slow", "a bit" ↔ "kind of"
 *
 * Strength classes are kept apart (a hedge is never swapped for "extremely"),
 * and nothing within two words after a negation changes: "not very happy" and
 * "not happy" mean different things.
 */

import { admissible, type Candidate, choose } from '../../src/perturb/paraphrase.ts';
import { type TaggedToken, tagText } from '../../src/perturb/pos.ts';
import { isAllCaps, isSentenceStart } from '../../src/perturb/text/index.ts';
import type { EditProposal, PerturbationContext, PerturbationDefinition } from '../../src/types.ts';

const STRONG = ['really', 'very', 'so', 'super', 'extremely'];
const MILD = ['quite', 'pretty', 'rather'];
const HEDGES = ['a bit', 'a little', 'kind of', 'slightly'];
const VERB_ADVERBS = ['really', 'just', 'actually'];

/** Negative gradable adjectives: they also take hedges ("a bit slow"). */
const NEGATIVE = new Set([
  'slow',
  'late',
  'expensive',
  'high',
  'low',
  'long',
  'confusing',
  'confused',
  'frustrating',
  'frustrated',
  'annoying',
  'annoyed',
  'worried',
  'concerned',
  'upset',
  'unhappy',
  'disappointed',
  'stressed',
  'nervous',
  'strange',
  'weird',
  'odd',
  'unusual',
  'suspicious',
  'unclear',
  'complicated',
  'difficult',
  'hard',
  'stuck',
  'lost',
  'tired',
  'surprised',
]);
/** Adjectives that take degree words ("really slow", "very helpful"). */
const GRADABLE = new Set([
  ...NEGATIVE,
  'angry',
  'bad',
  'poor',
  'unfair',
  'small',
  'big',
  'large',
  'busy',
  'old',
  'urgent',
  'important',
  'happy',
  'pleased',
  'grateful',
  'helpful',
  'easy',
  'simple',
  'quick',
  'fast',
  'good',
  'useful',
  'close',
  'sure',
  'new',
  'clear',
  'careful',
  'serious',
  'sorry',
]);

/** Adjectives that describe a person's state; fine after "I'm" but not after "my card is" ("lost"). */
const PERSON_ONLY = new Set(['lost', 'stuck', 'sure', 'sorry', 'tired', 'grateful', 'pleased', 'surprised']);

const COPULAS = new Set([
  'is',
  'was',
  'are',
  'were',
  'am',
  'be',
  'been',
  'being',
  'seems',
  'seemed',
  'seem',
  'looks',
  'looked',
  'look',
  'feel',
  'feels',
  'felt',
  'get',
  'gets',
  'got',
  'getting',
  'become',
  'became',
]);
const FIRST_PERSON_BE = /^(?:i['’]m|we['’]re|i am|we are)$/i;
const CONTRACTED_BE = /^\p{L}+['’](?:m|re|s)$/iu;

/** Verbs after "I"/"we" that take really / just / actually ("I really need"). */
const DESIRE_VERBS = new Set([
  'need',
  'needed',
  'want',
  'wanted',
  'hope',
  'think',
  'appreciate',
  'like',
  'love',
  'hate',
  'wish',
]);
/** Past events that take just / actually ("I just paid"), not "really". */
const EVENT_VERBS = new Set([
  'tried',
  'paid',
  'sent',
  'lost',
  'ordered',
  'noticed',
  'received',
  'got',
  'made',
  'topped',
  'moved',
  'transferred',
  'used',
  'checked',
  'changed',
  'forgot',
  'bought',
  'saw',
  'opened',
  'updated',
  'withdrew',
  'realised',
  'realized',
]);
const PROGRESSIVE = new Set([
  'trying',
  'waiting',
  'looking',
  'asking',
  'wondering',
  'hoping',
  'struggling',
  'getting',
]);
const MANNER_ADVERBS = new Map<string, string[]>(
  Object.entries({
    quickly: ['really', 'very'],
    soon: ['really', 'very'],
    fast: ['really', 'very'],
    often: ['really', 'very', 'quite'],
    slowly: ['really', 'very'],
    urgently: ['really', 'very'],
    badly: ['really', 'very'],
    recently: ['very', 'quite'],
    late: ['very', 'really', 'quite'],
    early: ['very', 'really', 'quite'],
  }),
);
/** After these, a degree word belongs to a fixed phrase ("so long", "very much"). */
const FIXED_AFTER = new Set(['long', 'much', 'many', 'far']);
const TIMED =
  /\b(?:ago|yesterday|today|tonight|last|earlier|morning|afternoon|evening|night|weeks?|months?|days?|hours?|since|on \d|(?:mon|tues|wednes|thurs|fri|satur|sun)day)\b/i;
const NEGATION = /^(?:not|no|never|nor|cannot|\p{L}*n['’]?t)$/iu;

interface Ctx {
  tokens: TaggedToken[];
  lower: string[];
  caps: boolean;
}

function negatedBefore(c: Ctx, i: number): boolean {
  for (let k = Math.max(0, i - 2); k < i; k++) if (NEGATION.test(c.lower[k])) return true;
  return false;
}

const ADJECTIVE_CLASSES = [STRONG, MILD, HEDGES];
const VERB_CLASSES = [VERB_ADVERBS];
const ADVERB_CLASSES = [STRONG, MILD];

/** The intensifier phrase (1–2 words) right before token i, with its strength class. */
function intensifierBefore(
  c: Ctx,
  i: number,
  classes: string[][],
): { at: number; words: number; cls: string[] } | null {
  const one = c.lower[i - 1];
  const two = i >= 2 ? `${c.lower[i - 2]} ${one}` : '';
  for (const cls of classes) {
    if (cls.includes(two)) return { at: i - 2, words: 2, cls };
    if (cls.includes(one)) return { at: i - 1, words: 1, cls };
  }
  return null;
}

function cased(c: Ctx, s: string): string {
  return c.caps ? s.toUpperCase() : s;
}

/** Insert before token i, or drop / swap the intensifier already there. */
function sitesAt(c: Ctx, i: number, options: string[], classes: string[][], out: Candidate[]): void {
  const target = c.tokens[i];
  const group = `w${i}`;
  const existing = intensifierBefore(c, i, classes);
  if (existing) {
    if (FIXED_AFTER.has(c.lower[i])) return;
    const first = c.tokens[existing.at];
    const last = c.tokens[existing.at + existing.words - 1];
    if (existing.at === 0 || negatedBefore(c, existing.at)) return;
    // the intensifier must be a modifier here, not "so" starting a clause
    if (!/^(?:RB|DT|NN|JJ)$/.test(first.tag) || /[.!?]$/.test(c.tokens[existing.at - 1].text)) return;
    out.push({ start: first.start, end: target.start, replacement: '', group });
    const current = c.lower.slice(existing.at, existing.at + existing.words).join(' ');
    for (const alt of existing.cls) {
      if (alt === current || !options.includes(alt)) continue;
      out.push({ start: first.start, end: last.end, replacement: cased(c, alt), group });
    }
    return;
  }
  if (negatedBefore(c, i)) return;
  for (const word of options)
    out.push({ start: target.start, end: target.start, replacement: `${cased(c, word)} `, group });
}

function intensifierSites(text: string): Candidate[] {
  const tokens = tagText(text);
  const c: Ctx = { tokens, lower: tokens.map((t) => t.text.toLowerCase()), caps: isAllCaps(text) };
  const out: Candidate[] = [];
  for (let i = 1; i < tokens.length; i++) {
    const t = tokens[i];
    const w = c.lower[i];
    if (!t.word) continue;
    const existing = intensifierBefore(c, i, [...ADJECTIVE_CLASSES, VERB_ADVERBS]);
    const head = existing ? existing.at - 1 : i - 1;
    if (head < 0) continue;
    const prev = c.lower[head];
    const prevText = tokens[head].text;

    // predicative adjective: "is slow", "I'm (a bit) confused"
    const firstPerson = FIRST_PERSON_BE.test(prevText) || (prev === 'am' && c.lower[head - 1] === 'i');
    const copula = COPULAS.has(prev) || CONTRACTED_BE.test(prevText);
    // after a copula a participle is adjectival; the tagger reads "I'm lost" as I + VBD
    if (copula && GRADABLE.has(w) && /^(?:JJ|VBN|VBD|RB)$/.test(t.tag)) {
      if (PERSON_ONLY.has(w) && !firstPerson && !/^(?:feel|feels|felt)$/.test(prev)) continue;
      const options = [...STRONG, ...MILD, ...(NEGATIVE.has(w) ? HEDGES : [])];
      sitesAt(c, i, options, ADJECTIVE_CLASSES, out);
      continue;
    }
    // "I need", "we just paid": only as a clause's subject, not "the card I used", "what do I need"
    if ((prev === 'i' || prev === 'we') && tokens[head].tag === 'PRP') {
      if (!isSentenceStart(text, tokens[head].start, { clauses: true })) continue;
      if (DESIRE_VERBS.has(w) && /^VB[PD]?$/.test(t.tag)) {
        // "I just think" reads as dismissive; opinions take really / actually
        sitesAt(c, i, /^(?:think|hope)$/.test(w) ? ['really', 'actually'] : VERB_ADVERBS, VERB_CLASSES, out);
      } else if (EVENT_VERBS.has(w) && /^VB[DN]$/.test(t.tag)) {
        // "just" means "a moment ago": not beside another time ("I paid three days ago")
        sitesAt(c, i, TIMED.test(text) ? ['actually'] : ['just', 'actually'], VERB_CLASSES, out);
      }
      continue;
    }
    // "I'm trying", "we're waiting"
    if (/^(?:i|we)['’](?:m|re)$/.test(prev) && PROGRESSIVE.has(w) && t.tag === 'VBG') {
      if (isSentenceStart(text, tokens[head].start, { clauses: true }))
        sitesAt(c, i, VERB_ADVERBS, VERB_CLASSES, out);
      continue;
    }
    // "it arrived late", "I need it quickly": after a verb, pronoun or noun, not "too late"
    const adverbOptions = MANNER_ADVERBS.get(w);
    if (adverbOptions && /^(?:VB\w?|PRP|NNS?)$/.test(tokens[head].tag) && !COPULAS.has(prev)) {
      sitesAt(c, i, adverbOptions, ADVERB_CLASSES, out);
    }
  }
  return out;
}

const intensifier: PerturbationDefinition = {
  name: 'paraphrase.intensifier',
  family: 'paraphrase',
  tag: 'natural',
  meaning: { threshold: 0.5 },
  description:
    'Add, drop or swap intensifiers and hedges (really, very, so, quite, a bit, just, actually) before ' +
    'predicative adjectives, first-person verbs and manner adverbs, found by POS tagging; never after a negation.',
  // One level: about 1 % of texts have a second site, so higher levels would repeat level 1.
  severities: { 1: 'one intensifier added, dropped or swapped' },
  apply(text: string, ctx: PerturbationContext): EditProposal[] {
    return choose(ctx.rng, admissible(text, ctx, intensifierSites(text)), 1);
  },
};

export default intensifier;
