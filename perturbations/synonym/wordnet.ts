/**
 * synonym.wordnet — replaces content words by WordNet synonyms in the sense the sentence uses,
 * re-inflected to the original's form and in its case ("I bought a phone" → "I purchased a phone",
 * but never "transfer money" → "transportation money" or "my account" → "my report").
 *
 * A word is a candidate only when
 * - the Brill tagger reads it as a noun, verb, adjective or adverb and it is not a stopword,
 *   pronoun, auxiliary, light or linking verb, negation, contraction piece ("doesn't", "i m"),
 *   acronym, mid-sentence name, phrasal-verb head ("top up") or noun modifier ("tracking number");
 * - its lemma re-inflected to its tag gives back the word itself (tag and lemma agree);
 * and its candidate replacements are the synonyms, from its first 2 senses, that
 * - are attested in SemCor in that sense;
 * - are one or two plain lower-case words, not a stopword, name, abbreviation or derivative of
 *   the word ("transfer" → "transferral"), and a collocation ends in a particle ("call off"),
 *   not a preposition ("travel to"); verbs: one word (WordNet's phrasal verbs mostly carry
 *   another sense: "withdraw" → "pull away");
 * - are, once inflected, a word the tagger's lexicon reads first in the same part of speech;
 * - for a verb followed by a preposition ("waiting for"), have a frame without a direct object.
 * The sentence then decides (fittingChoices): a replacement is kept only if it gives back at least
 * 55 % of the word's contribution to the meaning of a ±6-word window around it, measured with
 * the sentence encoder (src/perturb/meaning/encoder.ts; the run's encoder as
 * `options.sentenceEncoder`, else the bundled all-MiniLM-L6-v2), and is near the best replacement.
 * `apply` is therefore async; embeddings are one text per call, so variants stay deterministic.
 */
import { inflect } from '../../src/perturb/inflect.ts';
import { cosine, openSentenceEncoder, type SentenceEncoder } from '../../src/perturb/meaning/encoder.ts';
import { getTagger, wordnetPos } from '../../src/perturb/pos.ts';
import { eligibleWords, PARTICLES, STOPWORDS } from '../../src/perturb/synonym.ts';
import { matchCase } from '../../src/perturb/text/index.ts';
import { getWordNet, type WnPos, type WordNetIndex } from '../../src/perturb/wordnet/index.ts';
import type { EditProposal, PerturbationDefinition, Severity } from '../../src/types.ts';
import { MIN_SITES } from '../../src/types.ts';

/**
 * Senses (most frequent first) whose synonyms are candidates; the sentence decides among them. Two:
 * on the judged candidates of our own texts (test/fixtures/synonym-candidates/), synonyms from a
 * word's third and later senses were mostly wrong in context whatever their score.
 */
export const SENSE_POOL = 2;
/** Share of the replaceable words each level replaces (at least MIN_SITES of them). */
const SHARE: Record<Severity, number> = { 1: 0, 2: 0.25, 3: 0.5 };

/** Tags whose form is its lemma; for the others the lemma comes from morphy. */
const BASE_TAGS = new Set(['NN', 'VB', 'VBP', 'JJ', 'RB']);
/** Tags a verb may be re-read as when its past form is ambiguous (VBD ↔ VBN). */
const PAST_TAGS = ['VBD', 'VBN'];

/** Verb frames that take no direct object: "Somebody ----s", "Somebody ----s PP", "… to somebody". */
const NO_OBJECT_FRAMES = new Set([1, 2, 3, 4, 12, 13, 22, 27]);

/** one or two lower-case words of 3+ letters, each with a vowel (no "yrs", "pa") */
const PLAIN_WORDS = /^(?=[a-z]*[aeiouy])[a-z]{3,}(?: (?=[a-z]*[aeiouy])[a-z]+)?$/;

export interface Site {
  start: number;
  end: number;
  /** original word */
  word: string;
  tag: string;
  /** the WordNet lemma and part of speech the word is read as */
  lemma: string;
  pos: WnPos;
  /** replacements in the original's form and case, with their senses, best first */
  candidates: Candidate[];
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

/** A replacement for one word, with the WordNet sense it comes from. */
export interface Candidate {
  /** the replacement in the original's form and case */
  form: string;
  /** synset offset of the shared sense */
  offset: number;
  /** 0-based rank of that sense among the word's senses */
  sense: number;
  /** SemCor uses of the replacement in that sense */
  uses: number;
}

const choiceCache = new Map<string, readonly Candidate[]>();

/** Every safe replacement for one word over its first `SENSE_POOL` senses, inflected and cased, best first. */
export function synonymCandidates(
  wn: WordNetIndex,
  original: string,
  tag: string,
  context: ChoiceContext = {},
): Candidate[] {
  const word = original.toLowerCase();
  const key = `${word} ${tag} ${context.beforePreposition ? 1 : 0}`;
  let found = choiceCache.get(key);
  if (!found) {
    found = lowerCaseCandidates(wn, word, tag, context);
    if (choiceCache.size > 100_000) choiceCache.clear();
    choiceCache.set(key, found);
  }
  if (original === word) return found.slice();
  // "Help" → "Assist" reads as a name when the lexicon knows the capitalised word as one
  const tagger = getTagger();
  const out: Candidate[] = [];
  for (const c of found) {
    const cased = matchCase(original, c.form);
    if (wordnetPos(tagger.categories(cased.split(' ')[0]!)[0] ?? 'NN') !== null)
      out.push({ ...c, form: cased });
  }
  return out;
}

/** Ranked replacement strings for one word, without looking at the sentence (the sense-blind ranking). */
export function synonymChoices(
  wn: WordNetIndex,
  original: string,
  tag: string,
  context: ChoiceContext = {},
): string[] {
  return synonymCandidates(wn, original, tag, context).map((c) => c.form);
}

function lowerCaseCandidates(
  wn: WordNetIndex,
  word: string,
  tag: string,
  context: ChoiceContext,
): Candidate[] {
  const pos = wordnetPos(tag);
  if (!pos) return [];
  const found = lemmaOf(wn, word, tag, pos);
  if (!found) return [];
  const tagger = getTagger();
  const out: Candidate[] = [];
  const offsets = wn.synsetOffsets(found.lemma, pos);
  for (const syn of wn.synonyms(found.lemma, pos, { maxSenses: SENSE_POOL })) {
    if (syn.capitalised || syn.tagCount < 1) continue;
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
    if (!form || form === word || out.some((c) => c.form === form)) continue;
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
    out.push({ form, offset: offsets[syn.sense]!, sense: syn.sense, uses: syn.tagCount });
  }
  return out;
}

/** Words of `text` that may be replaced, with their replacements (independent of rng and severity). */
export function analyse(text: string): Site[] {
  const wn = getWordNet();
  const sites: Site[] = [];
  for (const w of eligibleWords(text)) {
    const candidates = synonymCandidates(wn, w.word, w.tag, { beforePreposition: w.beforePreposition });
    if (candidates.length === 0) continue;
    const lemma = lemmaOf(wn, w.word.toLowerCase(), w.tag, w.pos)!.lemma;
    sites.push({ start: w.start, end: w.end, word: w.word, tag: w.tag, lemma, pos: w.pos, candidates });
  }
  return sites;
}

/** Words of context kept on each side of the word when its contribution is measured. */
const WINDOW_WORDS = 6;
/**
 * A replacement must give back at least this share of the word's contribution to its window. Chosen on
 * the calibration half of the judged candidates (test/fixtures/synonym-candidates/, our own texts): the
 * lowest score at which ≥ 90 % of kept candidates were judged the right sense (93 % there; 95 % on the
 * other half). Lower scores let wrong senses through ("account" → "business relationship" 0.3).
 */
export const MIN_RESTORED = 0.55;
/** …and be within this of the best replacement of the same word. */
const NEAR_BEST = 0.15;
/** Replacements kept per word, best first; the rng picks among them. */
const MAX_CHOICES = 3;

/** A word with the replacements that fit its sentence, best first. */
export interface ContextSite extends Site {
  choices: { form: string; restored: number }[];
}

/** Start of the `n`-th whitespace-separated token before `at` (0 if there are fewer). */
function windowStart(text: string, at: number, n: number): number {
  let i = at;
  for (let k = 0; k < n; k++) {
    while (i > 0 && /\s/.test(text[i - 1]!)) i--;
    if (i === 0) return 0;
    while (i > 0 && !/\s/.test(text[i - 1]!)) i--;
  }
  return i;
}

/** End of the `n`-th whitespace-separated token after `at` (text length if there are fewer). */
function windowEnd(text: string, at: number, n: number): number {
  let i = at;
  // the rest of the word's own token ("account?") belongs to it, not to the window's count
  while (i < text.length && !/\s/.test(text[i]!)) i++;
  for (let k = 0; k < n; k++) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i === text.length) return i;
    while (i < text.length && !/\s/.test(text[i]!)) i++;
  }
  return i;
}

/**
 * Every candidate of `site` (phrasal verbs aside) with its `restored` score (below); [] when the window
 * means the same without the word (nothing to measure a replacement by).
 */
export async function restoredScores(
  text: string,
  site: Site,
  encoder: SentenceEncoder,
): Promise<(Candidate & { restored: number })[]> {
  const from = windowStart(text, site.start, WINDOW_WORDS);
  const to = windowEnd(text, site.end, WINDOW_WORDS);
  const before = text.slice(from, site.start);
  const after = text.slice(site.end, to);
  const window = await encoder.embed(before + site.word + after);
  const without = cosine(window, await encoder.embed(`${before.trimEnd()} ${after.trimStart()}`.trim()));
  if (without > 0.995) return [];
  const scored: (Candidate & { restored: number })[] = [];
  for (const c of site.candidates) {
    // phrasal verbs from WordNet ("pull away", "come in") mostly carry another sense of the verb
    if (site.pos === 'v' && c.form.includes(' ')) continue;
    const restored = (cosine(window, await encoder.embed(before + c.form + after)) - without) / (1 - without);
    scored.push({ ...c, restored });
  }
  return scored;
}

/**
 * The replacements of `site` that keep its meaning in this sentence. The window around the word is
 * embedded as written, without the word, and with each replacement; a replacement's score is the
 * share of the word's contribution it gives back,
 *   restored = (cos(window, with replacement) − cos(window, without word)) / (1 − cos(window, without word)),
 * so it does not depend on how much the rest of the window already says. A synonym in the sense the
 * sentence uses restores most of it ("tried" → "attempted" 0.6–0.7); one from another sense restores
 * little or pulls the window elsewhere ("account" → "bill", "find" → "bump": below 0). Measured on
 * labelled substitutions, see bench/synonym-senses.ts.
 */
export async function fittingChoices(
  text: string,
  site: Site,
  encoder: SentenceEncoder,
): Promise<ContextSite['choices']> {
  const scored = (await restoredScores(text, site, encoder)).filter((c) => c.restored >= MIN_RESTORED);
  if (scored.length === 0) return [];
  // stable: equal scores keep the candidates' WordNet order
  scored.sort((a, b) => b.restored - a.restored);
  const best = scored[0]!.restored;
  return scored.filter((c) => c.restored >= best - NEAR_BEST).slice(0, MAX_CHOICES);
}

/** Words of `text` that may be replaced, each with the replacements that fit its sentence. */
export async function analyseInContext(text: string, encoder: SentenceEncoder): Promise<ContextSite[]> {
  const out: ContextSite[] = [];
  for (const site of analyse(text)) {
    const choices = await fittingChoices(text, site, encoder);
    if (choices.length > 0) out.push({ ...site, choices });
  }
  return out;
}

// The engine asks for several variants and severities of one text in a row: analyse it once
// (the promise is shared, so concurrent variants do not embed twice).
const cache = new Map<string, Promise<ContextSite[]>>();
const CACHE_SIZE = 512;

function cachedSites(text: string, encoder: SentenceEncoder): Promise<ContextSite[]> {
  const key = `${encoder.fingerprint}\n${text}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const sites = analyseInContext(text, encoder);
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(key, sites);
  // a failed embedding is not remembered: the next call tries again
  sites.catch(() => cache.delete(key));
  return sites;
}

let defaultEncoder: Promise<SentenceEncoder> | undefined;

/** The run's encoder when the caller passes one (`sentenceEncoder` option), else the bundled model, opened once. */
function encoderFor(options: Readonly<Record<string, unknown>>): Promise<SentenceEncoder> {
  const given = options.sentenceEncoder as SentenceEncoder | undefined;
  if (given) return Promise.resolve(given);
  defaultEncoder ??= openSentenceEncoder();
  defaultEncoder.catch(() => {
    defaultEncoder = undefined;
  });
  return defaultEncoder;
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
  meaning: { threshold: 0.93 },
  description:
    'Replaces content words (nouns, verbs, adjectives, adverbs; never stopwords, pronouns, negations or contractions) by a WordNet synonym of the same part of speech in the sense the sentence uses (checked with the sentence encoder), re-inflected and in the same case ("I bought a phone" → "I purchased a phone").',
  // No level 3 (half the words, at least 3): with the sense rule, a text rarely has three words with a
  // fitting synonym (none of the 70 sentences of test/fixtures/severity-texts.jsonl), so it would be a
  // level in name only.
  severities: {
    1: 'one word replaced',
    2: '25 % of the replaceable words (rounded up), at least 2 (texts with fewer stay unchanged)',
  },
  heavy: true,
  async init(options) {
    getWordNet();
    getTagger();
    await encoderFor(options);
  },
  async apply(text, ctx): Promise<EditProposal[]> {
    const all = await cachedSites(text, await encoderFor(ctx.options));
    const sites = all.filter((s) => ctx.isFree(s.start, s.end));
    const chosen = ctx.rng.sample(sites, replacementCount(ctx.severity, sites.length));
    return chosen.map((s) => ({ start: s.start, end: s.end, replacement: ctx.rng.pick(s.choices).form }));
  },
};

export default wordnetSynonym;
