/**
 * synonym.wordnet — replaces content words by WordNet synonyms of the same part of speech,
 * re-inflected to the original's form and in its case ("I bought a phone" → "I purchased a
 * phone", "Cancel it" → "Call off it").
 *
 * Precision over coverage: a word is replaced only when
 * - the Brill tagger reads it as a noun, verb, adjective or adverb and it is not a stopword,
 *   pronoun, auxiliary, light or linking verb, negation, contraction piece ("doesn't", "i m"),
 *   acronym, mid-sentence name, phrasal-verb head ("top up") or noun modifier ("tracking number");
 * - its lemma re-inflected to its tag gives back the word itself (tag and lemma agree);
 * and a synonym is offered only when it
 * - comes from one of the word's 3 most frequent senses (later ones only if the word has that
 *   sense in ≥ 10 % of its SemCor uses) and is itself attested in that sense, at least a fifth
 *   as often as the best synonym;
 * - is one or two plain lower-case words, not a stopword, name, abbreviation or derivative of
 *   the word ("transfer" → "transferral"), and a collocation ends in a particle ("call off"),
 *   not a preposition ("travel to");
 * - is, once inflected, a word the tagger's lexicon reads first in the same part of speech;
 * - for a verb followed by a preposition ("waiting for"), has a frame without a direct object.
 */
import { inflect } from '../../src/perturb/inflect.ts';
import { getTagger, wordnetPos } from '../../src/perturb/pos.ts';
import { LINKING_VERBS, PARTICLES, STOPWORDS } from '../../src/perturb/synonym.ts';
import { isSentenceStart, matchCase } from '../../src/perturb/text/index.ts';
import { getWordNet, type WnPos, type WordNetIndex } from '../../src/perturb/wordnet/index.ts';
import type { EditProposal, PerturbationDefinition, Severity } from '../../src/types.ts';
import { MIN_SITES } from '../../src/types.ts';

/** Senses (most frequent first) that synonyms are drawn from. */
const MAX_SENSES = 3;
/** Synonyms kept per word, best first; the rng picks among them. */
const MAX_CHOICES = 3;
/** A synonym is kept only if used at least this share as often as the best one (SemCor counts). */
const MIN_RELATIVE_USE = 0.2;
/** Share of the replaceable words each level replaces (at least MIN_SITES of them). */
const SHARE: Record<Severity, number> = { 1: 0, 2: 0.25, 3: 0.5 };

/** Tags whose form is its lemma; for the others the lemma comes from morphy. */
const BASE_TAGS = new Set(['NN', 'VB', 'VBP', 'JJ', 'RB']);
/** Tags a verb may be re-read as when its past form is ambiguous (VBD ↔ VBN). */
const PAST_TAGS = ['VBD', 'VBN'];
/** Tags after which a word is inside a noun phrase. */
const NOUN_MARKERS = new Set(['DT', 'PRP$', 'POS']);

/** Verb frames that take no direct object: "Somebody ----s", "Somebody ----s PP", "… to somebody". */
const NO_OBJECT_FRAMES = new Set([1, 2, 3, 4, 12, 13, 22, 27]);
/** A later sense counts only if the word has it in at least this share of its tagged uses. */
const MIN_SENSE_SHARE = 0.1;

/** one or two lower-case words of 3+ letters, each with a vowel (no "yrs", "pa") */
const PLAIN_WORDS = /^(?=[a-z]*[aeiouy])[a-z]{3,}(?: (?=[a-z]*[aeiouy])[a-z]+)?$/;
const ASCII_WORD = /^[A-Za-z]+$/;

export interface Site {
  start: number;
  end: number;
  /** original word */
  word: string;
  tag: string;
  /** replacements in the original's form and case, best first */
  choices: string[];
}

/** The lemma of `word` whose inflection for `tag` is `word` again, with the tag that makes it so. */
function lemmaOf(
  wn: WordNetIndex,
  word: string,
  tag: string,
  pos: WnPos,
): { lemma: string; tag: string } | null {
  if (BASE_TAGS.has(tag)) return wn.has(word, pos) ? { lemma: word, tag } : null;
  const tags = PAST_TAGS.includes(tag) ? [tag, ...PAST_TAGS.filter((t) => t !== tag)] : [tag];
  for (const lemma of wn.baseForms(word, pos)) {
    if (lemma === word) continue;
    for (const t of tags) if (isInflection(word, lemma, t)) return { lemma, tag: t };
  }
  return null;
}

/** Is `word` the `tag` form of `lemma`? Accepts British -ll- ("cancelled", "travelling"). */
function isInflection(word: string, lemma: string, tag: string): boolean {
  const form = inflect(lemma, tag);
  if (form === word) return true;
  return (
    form !== null && /[aeiou]l$/.test(lemma) && /^VB[DGN]$/.test(tag) && form === word.replace('ll', 'l')
  );
}

/** A collocation's second word is a content word or a particle ("call off"), not a preposition ("travel to"). */
function fitsAsPhrase(words: string): boolean {
  const space = words.indexOf(' ');
  if (space < 0) return true;
  const second = words.slice(space + 1);
  return PARTICLES.has(second) || !STOPWORDS.has(second);
}

function isDerivative(a: string, b: string): boolean {
  return a.includes(b) || b.includes(a);
}

export interface ChoiceContext {
  /** the verb is followed by a preposition ("waiting for"): its synonym must not need an object */
  beforePreposition?: boolean;
}

const choiceCache = new Map<string, readonly string[]>();

/** Ranked replacements for one word, already inflected and cased; [] if none is safe. */
export function synonymChoices(
  wn: WordNetIndex,
  original: string,
  tag: string,
  context: ChoiceContext = {},
): string[] {
  const word = original.toLowerCase();
  const key = `${word} ${tag} ${context.beforePreposition ? 1 : 0}`;
  let forms = choiceCache.get(key);
  if (!forms) {
    forms = lowerCaseChoices(wn, word, tag, context);
    if (choiceCache.size > 100_000) choiceCache.clear();
    choiceCache.set(key, forms);
  }
  if (original === word) return forms.slice();
  // "Help" → "Assist" reads as a name when the lexicon knows the capitalised word as one
  const tagger = getTagger();
  const out: string[] = [];
  for (const form of forms) {
    const cased = matchCase(original, form);
    if (wordnetPos(tagger.categories(cased.split(' ')[0]!)[0] ?? 'NN') !== null) out.push(cased);
  }
  return out;
}

function lowerCaseChoices(wn: WordNetIndex, word: string, tag: string, context: ChoiceContext): string[] {
  const pos = wordnetPos(tag);
  if (!pos) return [];
  const found = lemmaOf(wn, word, tag, pos);
  if (!found) return [];
  const minLaterSense = Math.max(1, MIN_SENSE_SHARE * wn.totalTagCount(found.lemma, pos));
  const tagger = getTagger();
  const out: string[] = [];
  let best = 0;
  for (const syn of wn.synonyms(found.lemma, pos, { maxSenses: MAX_SENSES })) {
    if (syn.capitalised || syn.tagCount < 1 || (syn.sense > 0 && syn.lemmaTagCount < minLaterSense)) continue;
    if (
      context.beforePreposition &&
      syn.frames.length > 0 &&
      !syn.frames.some((f) => NO_OBJECT_FRAMES.has(f))
    ) {
      continue;
    }
    if (!PLAIN_WORDS.test(syn.word) || STOPWORDS.has(syn.word) || !fitsAsPhrase(syn.word)) continue;
    if (isDerivative(syn.word, found.lemma)) continue;
    const form = inflect(syn.word, found.tag);
    if (!form || form === word || out.includes(form)) continue;
    // an inflected slot filled by a form identical to its lemma ("stopped" → "quit", "funds" →
    // "money") reads as the base form and may break agreement
    if (form === syn.word && !BASE_TAGS.has(found.tag)) continue;
    // and a singular slot filled by a plural-looking lemma ("cause" → "grounds")
    if (found.tag === 'NN' && form.endsWith('s') && wn.baseForms(form, 'n')[0] !== form) continue;
    // the lexicon's most frequent tag for the (head) word must be of this part of speech:
    // drops rare words ("indorse") and words read as another class ("bringing", "right" for "correct")
    const words = form.split(' ');
    const cats = tagger.categories(pos === 'v' ? words[0]! : words[words.length - 1]!);
    if (wordnetPos(cats[0] ?? '') !== pos) continue;
    if (pos === 'n' && form.endsWith('ing') && !word.endsWith('ing')) continue;
    if (best === 0) best = syn.tagCount;
    // much rarer than the best synonym: usually a worse fit ("need" → "require", not "involve")
    if (syn.tagCount < MIN_RELATIVE_USE * best) continue;
    out.push(form);
    if (out.length === MAX_CHOICES) break;
  }
  return out;
}

const linkingCache = new Map<string, boolean>();

function isLinkingVerb(wn: WordNetIndex, word: string): boolean {
  let linking = linkingCache.get(word);
  if (linking === undefined) {
    linking = wn.baseForms(word, 'v').some((base) => LINKING_VERBS.has(base));
    if (linkingCache.size > 50_000) linkingCache.clear();
    linkingCache.set(word, linking);
  }
  return linking;
}

/** Words of `text` that may be replaced, with their replacements (independent of rng and severity). */
export function analyse(text: string): Site[] {
  const wn = getWordNet();
  const tagger = getTagger();
  const tokens = tagger.tagText(text);
  const hasLower = /[a-z]/.test(text);
  const sites: Site[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (!t.word || t.contraction || t.text.length < 3) continue;
    const pos = wordnetPos(t.tag);
    if (!pos) continue;
    const lower = t.text.toLowerCase();
    if (STOPWORDS.has(lower) || !ASCII_WORD.test(t.text)) continue;
    // acronyms ("PIN", "ATM") unless the whole text is shouted; names mid-sentence ("Visa")
    if (hasLower && t.text === t.text.toUpperCase()) continue;
    if (hasLower && t.text[0] !== lower[0] && !isSentenceStart(text, t.start, { lineBreaks: true })) continue;
    const next = tokens[i + 1];
    if (pos === 'v' && next && PARTICLES.has(next.text.toLowerCase())) continue;
    if (pos === 'v' && isLinkingVerb(wn, lower)) continue;
    // "the tracking number": a participle used as a modifier, not as a verb
    if (t.tag === 'VBG' && i > 0 && NOUN_MARKERS.has(tokens[i - 1]!.tag)) continue;
    // only in the word's usual class ("transfer" as a noun, "need" as a verb): where the
    // context repairs overrule the lexicon the reading is less certain, so leave the word
    const usual = tagger.categories(lower)[0];
    if (usual !== undefined && wordnetPos(usual) !== pos) continue;
    const beforePreposition =
      pos === 'v' && !!next && (next.tag === 'IN' || (next.tag === 'TO' && tokens[i + 2]?.tag !== 'VB'));
    const choices = synonymChoices(wn, t.text, t.tag, { beforePreposition });
    if (choices.length > 0) sites.push({ start: t.start, end: t.end, word: t.text, tag: t.tag, choices });
  }
  return sites;
}

// The engine asks for several variants and severities of one text in a row: analyse it once.
const cache = new Map<string, Site[]>();
const CACHE_SIZE = 512;

function cachedSites(text: string): Site[] {
  const hit = cache.get(text);
  if (hit) return hit;
  const sites = analyse(text);
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(text, sites);
  return sites;
}

/**
 * How many words a severity replaces out of `eligible`: 1, then 25 % (≥ 2), then 50 % (≥ 3), rounded up.
 * A text with fewer replaceable words than the level's floor gets none at that level (unchanged), so
 * level 3 never gives the one-word substitution of level 1.
 */
export function replacementCount(severity: Severity, eligible: number): number {
  if (eligible < MIN_SITES[severity]) return 0;
  return Math.min(eligible, Math.max(MIN_SITES[severity], Math.ceil(SHARE[severity] * eligible)));
}

const wordnetSynonym: PerturbationDefinition = {
  name: 'synonym.wordnet',
  family: 'synonym',
  tag: 'natural',
  description:
    'Replaces content words (nouns, verbs, adjectives, adverbs; never stopwords, pronouns, negations or contractions) by a WordNet synonym of the same part of speech, re-inflected and in the same case ("I bought a phone" → "I purchased a phone").',
  severities: {
    1: 'one word replaced',
    2: '25 % of the replaceable words (rounded up), at least 2 (texts with fewer stay unchanged)',
    3: '50 % of the replaceable words (rounded up), at least 3 (texts with fewer stay unchanged)',
  },
  heavy: true,
  async init() {
    getWordNet();
    getTagger();
  },
  apply(text, ctx): EditProposal[] {
    const sites = cachedSites(text).filter((s) => ctx.isFree(s.start, s.end));
    const chosen = ctx.rng.sample(sites, replacementCount(ctx.severity, sites.length));
    return chosen.map((s) => ({ start: s.start, end: s.end, replacement: ctx.rng.pick(s.choices) }));
  },
};

export default wordnetSynonym;
