/**
 * paraphrase.contraction — "I am" ↔ "I'm", "it is" ↔ "it's", "we will" ↔ "we'll",
 * "I would" ↔ "I'd", "I have" ↔ "I've" …, in both directions, case and apostrophe
 * style kept.
 *
 * Only rewrites that are unambiguous and grammatical:
 * - "'s" is expanded only after a pronoun/wh-word (never possessive) and only when
 *   the next word decides is/has ("it's been" → "it has been", "it's taking" →
 *   "it is taking", "it's charged" → left alone).
 * - "'d" → "would" before a base verb ("I'd like"), → "had" before a participle.
 * - "'ve" is formed only before a participle ("I have lost"; not "I have a card").
 * - "I am" / "it is" … are not contracted at the end of a clause ("Here you are.").
 * - Negations: "do not" ↔ "don't", "cannot" ↔ "can't", "will not" ↔ "won't" … Negations are
 *   protected spans; these edits are marked `rewritesNegation`, which the engine allows only
 *   when the replacement keeps exactly the same negations.
 */

import {
  admissible,
  apostropheOf,
  type Candidate,
  chooseForSeverity,
  lexiconTags,
} from '../../src/perturb/paraphrase.ts';
import { isSentenceStart, matchCase, type Token, tokenize } from '../../src/perturb/text/index.ts';
import type { EditProposal, PerturbationContext, PerturbationDefinition } from '../../src/types.ts';

const BE_CONTRACTIONS = new Map<string, string>(
  Object.entries({
    'i am': "I'm",
    'you are': "you're",
    'we are': "we're",
    'they are': "they're",
  }),
);
/** auxiliary + "not" ↔ its n't form; "can" contracts from "cannot" too. */
const NEGATED_AUX = new Map<string, string>(
  Object.entries({
    do: "don't",
    does: "doesn't",
    did: "didn't",
    is: "isn't",
    are: "aren't",
    was: "wasn't",
    were: "weren't",
    have: "haven't",
    has: "hasn't",
    had: "hadn't",
    will: "won't",
    would: "wouldn't",
    should: "shouldn't",
    could: "couldn't",
    must: "mustn't",
  }),
);
/** n't form → its expansion ("can't" → "cannot", the usual written form). */
const NT_EXPANSIONS = new Map<string, string>([
  ...[...NEGATED_AUX].map(([aux, nt]) => [nt.replace("'", ''), `${aux} not`] as [string, string]),
  ['cant', 'cannot'],
]);
/** Words that open a subject: after an n't auxiliary they mark an inverted question. */
const SUBJECT_STARTS = new Set(
  'i you he she it we they there this that these those the a an my your his her its our their'.split(' '),
);
const WH_WORDS = new Set(['who', 'what', 'where', 'when', 'why', 'how', 'whoever', 'wherever']);
const IS_SUBJECTS = ['he', 'she', 'it', 'that', 'there', 'here', 'what', 'where', 'who', 'how'];
const WILL_SUBJECTS = ['i', 'you', 'we', 'they', 'he', 'she', 'it', 'that'];
const HAVE_SUBJECTS = ['i', 'you', 'we', 'they'];
const WOULD_SUBJECTS = ['i', 'you', 'we', 'they', 'he', 'she'];

const OBJECT_PRONOUNS = new Set(['it', 'this', 'that', 'them', 'him', 'her', 'me', 'us', 'you']);
/** Adverbs that may sit between an auxiliary and its verb ("I have already paid"). */
const AUX_ADVERBS = new Set([
  'already',
  'just',
  'also',
  'still',
  'recently',
  'really',
  'only',
  'ever',
  'now',
]);
const IRREGULAR_PARTICIPLES = new Set([
  'been',
  'got',
  'gotten',
  'lost',
  'made',
  'sent',
  'paid',
  'seen',
  'done',
  'had',
  'forgotten',
  'taken',
  'given',
  'spent',
  'found',
  'heard',
  'left',
  'bought',
  'brought',
  'tried',
]);
const WOULD_VERBS = new Set([
  'like',
  'love',
  'prefer',
  'rather',
  'appreciate',
  'be',
  'want',
  'need',
  'have',
  'say',
  'think',
  'guess',
  'suggest',
  'expect',
  'hate',
  'imagine',
  'help',
  'know',
]);
const IS_NEXT = new Set([
  'a',
  'an',
  'the',
  'my',
  'your',
  'his',
  'her',
  'our',
  'their',
  'this',
  'that',
  'some',
  'any',
  'no',
  'not',
  'so',
  'too',
  'very',
  'quite',
  'there',
  'here',
  'going',
]);

function isParticiple(word: string): boolean {
  if (IRREGULAR_PARTICIPLES.has(word)) return true;
  return /ed$/.test(word) && lexiconTags(word).includes('VBN');
}

/** The token after `i` when only spaces separate them (no punctuation). */
function following(text: string, tokens: Token[], i: number): Token | undefined {
  const next = tokens[i + 1];
  if (!next) return undefined;
  return /^ +$/.test(text.slice(tokens[i].end, next.start)) ? next : undefined;
}

/** The next content word, stepping over auxiliary adverbs. */
function headAfter(text: string, tokens: Token[], i: number): Token | undefined {
  let j = i;
  for (let hops = 0; hops < 3; hops++) {
    const next = following(text, tokens, j);
    if (!next || !AUX_ADVERBS.has(next.lower)) return next;
    j++;
  }
  return undefined;
}

/** True when tokens[i] ends its clause, or is followed only by a final object pronoun. */
function clauseEndsAfter(text: string, tokens: Token[], i: number): boolean {
  const next = following(text, tokens, i);
  if (!next) return true;
  return OBJECT_PRONOUNS.has(next.lower) && following(text, tokens, i + 1) === undefined;
}

function withApostrophe(s: string, apostrophe: string): string {
  return s.replace(/'/g, apostrophe);
}

/** "It is" → "It's", "IT IS" → "IT'S". */
function fuse(original: string, subject: string, suffix: string): string {
  const fused = `${subject}'${suffix}`;
  return isAllCapsWord(original) ? fused.toUpperCase() : fused;
}

function contractionSites(text: string): Candidate[] {
  const tokens = tokenize(text);
  const apostrophe = apostropheOf(text);
  const out: Candidate[] = [];
  const push = (start: number, end: number, replacement: string, rewritesNegation = false) => {
    const candidate: Candidate = { start, end, replacement: withApostrophe(replacement, apostrophe) };
    if (rewritesNegation) candidate.rewritesNegation = true;
    out.push(candidate);
  };

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const next = following(text, tokens, i);
    const pair = next ? `${t.lower} ${next.lower}` : '';
    const original = next ? text.slice(t.start, next.end) : t.text;

    // contracting
    if (next && !clauseEndsAfter(text, tokens, i + 1)) {
      const afterNext = following(text, tokens, i + 1);
      const beforeNot = afterNext?.lower === 'not';
      // "who I am is …", "where you are now": an embedded clause whose verb cannot contract
      const embedded = WH_WORDS.has(tokens[i - 1]?.lower ?? '');
      const be = BE_CONTRACTIONS.get(pair);
      if (be && !embedded) push(t.start, next.end, matchCase(original, be, { initialOnly: true }));
      // "here"/"there" are subjects only opening a clause ("my balance here is …" stays)
      const subject = !/^(?:here|there)$/.test(t.lower) || isSentenceStart(text, t.start, { clauses: true });
      if (IS_SUBJECTS.includes(t.lower) && next.lower === 'is' && subject) {
        push(t.start, next.end, fuse(original, t.text, 's'));
      }
      if (!beforeNot && WILL_SUBJECTS.includes(t.lower) && next.lower === 'will') {
        push(t.start, next.end, fuse(original, t.text, 'll'));
      }
      if (!beforeNot && WOULD_SUBJECTS.includes(t.lower) && next.lower === 'would') {
        push(t.start, next.end, fuse(original, t.text, 'd'));
      }
      const head = headAfter(text, tokens, i + 1);
      if (HAVE_SUBJECTS.includes(t.lower) && next.lower === 'have' && head && isParticiple(head.lower)) {
        push(t.start, next.end, fuse(original, t.text, 've'));
      }
    }

    // negations, both ways: "do not" → "don't", "cannot" → "can't", "won't" → "will not"
    const negated = next?.lower === 'not' ? NEGATED_AUX.get(t.lower) : undefined;
    if (negated && next) push(t.start, next.end, matchCase(original, negated, { initialOnly: true }), true);
    if (t.lower === 'cannot') push(t.start, t.end, matchCase(t.text, "can't", { initialOnly: true }), true);
    const nt = /^([a-z]+)['’]t$/.exec(t.lower);
    const expansion = nt ? NT_EXPANSIONS.get(`${nt[1]}t`) : undefined;
    // "Why won't the app …", "Can't I …": an inverted question, where "will not the app" is wrong
    const inverted = next !== undefined && SUBJECT_STARTS.has(next.lower);
    if (expansion && !inverted)
      push(t.start, t.end, matchCase(t.text, expansion, { initialOnly: true }), true);

    // expanding
    const m = /^([a-z]+)'([a-z]+)$/.exec(t.lower);
    if (!m) continue;
    const [, stem, suffix] = m;
    const stemText = t.text.slice(0, stem.length);
    const expand = (word: string) => `${stemText} ${isAllCapsWord(t.text) ? word.toUpperCase() : word}`;
    const head = headAfter(text, tokens, i);
    if (suffix === 'm' && stem === 'i') push(t.start, t.end, expand('am'));
    else if (suffix === 're') push(t.start, t.end, expand('are'));
    else if (suffix === 'll') push(t.start, t.end, expand('will'));
    else if (suffix === 've') push(t.start, t.end, expand('have'));
    else if (suffix === 'd' && WOULD_SUBJECTS.includes(stem) && head) {
      const tags = lexiconTags(head.lower);
      if (WOULD_VERBS.has(head.lower)) push(t.start, t.end, expand('would'));
      else if (isParticiple(head.lower) && !tags.includes('VB')) push(t.start, t.end, expand('had'));
    } else if (suffix === 's' && IS_SUBJECTS.includes(stem) && head) {
      const tags = lexiconTags(head.lower);
      if (head.lower === 'been' || head.lower === 'got') push(t.start, t.end, expand('has'));
      else if (IS_NEXT.has(head.lower) || tags[0] === 'VBG' || tags[0] === 'JJ') {
        push(t.start, t.end, expand('is'));
      }
    }
  }
  return out;
}

function isAllCapsWord(s: string): boolean {
  return /[A-Z].*[A-Z]/.test(s) && s === s.toUpperCase();
}

const contraction: PerturbationDefinition = {
  name: 'paraphrase.contraction',
  family: 'paraphrase',
  tag: 'natural',
  meaning: { threshold: 0.5 },
  description:
    "Contract or expand pronoun + auxiliary and negations (I am ↔ I'm, it is ↔ it's, I would ↔ I'd, " +
    "do not ↔ don't, cannot ↔ can't), only where the expansion is unambiguous; case and apostrophe style kept.",
  // Two levels: under 1 % of real texts have three sites, so a third level would hardly ever run.
  severities: {
    1: 'one contraction or expansion',
    2: 'two contractions or expansions (texts with fewer sites stay unchanged)',
  },
  apply(text: string, ctx: PerturbationContext): EditProposal[] {
    const sites = admissible(text, ctx, contractionSites(text));
    return chooseForSeverity(ctx.rng, sites, ctx.severity);
  },
};

export default contraction;
