/**
 * What the name perturbations (entity.person, entity.location, entity.organization) share when they
 * write a replacement: the list to draw from (the user's `--lexicon` entry, else the bundled one without
 * its English-word items), the case of the text ("lisbon" → "porto" in a lowercase chat, ALL CAPS in an
 * all-caps text), and the article in front ("an Uber" → "a Lyft", "the UK" → "France").
 */

import type { PerturbationContext, Rng } from '../../types.ts';
import { lexiconEntry } from '../lexicon.ts';
import { isAllCaps, sentenceSpans } from '../text/index.ts';
import { firstNameGender, type Gender, isCommonWord, isKnownSurname, type NameSpan } from './names.ts';
import {
  FAMILY_NAME_FIRST,
  NAME_LEXICON,
  type NameEntry,
  NEVER_DRAWN,
  SAME_ENTITY,
} from './names-lexicon.ts';
import { findQuantities } from './quantities.ts';

const GENDERS: readonly Gender[] = ['female', 'male', 'unisex'];

/** The gender of a first name: the run's lists first (a user's names count), then the detector's. */
export function genderOf(name: string, options: PerturbationContext['options']): Gender | undefined {
  const lower = name.toLowerCase();
  for (const g of GENDERS) {
    const list = lexiconEntry(options, `person.${g}`, NAME_LEXICON[`person.${g}`]);
    if (list.some((n) => n.toLowerCase() === lower)) return g;
  }
  return firstNameGender(name);
}

const FEMALE_BEFORE =
  /\b(?:sister|daughter|wife|mum|mom|mother|girlfriend|aunt|auntie|niece|grandma|grandmother|gran|granny|nan|fiancée|landlady|stepmum|stepmom|mrs|ms|miss)\.? +$/i;
const MALE_BEFORE =
  /\b(?:brother|son|husband|dad|father|boyfriend|uncle|nephew|grandpa|grandfather|granddad|grandad|fiancé|landlord|stepdad|mr)\.? +$/i;

/**
 * The gender a name has in its text when the lexicons do not know it: "my sister Amara" is a woman's
 * name there, "my brother Tomasz" a man's, and so is "Priyanka lost her card" when the rest of its
 * sentence has pronouns of one gender only.
 */
export function genderInContext(text: string, start: number): Gender | undefined {
  const before = text.slice(Math.max(0, start - 16), start);
  if (FEMALE_BEFORE.test(before)) return 'female';
  if (MALE_BEFORE.test(before)) return 'male';
  const rest = /^[^.!?\n]*/.exec(text.slice(start))![0];
  const female = /\b(?:she|her|hers|herself)\b/i.test(rest);
  const male = /\b(?:he|his|him|himself)\b/i.test(rest);
  return female === male ? undefined : female ? 'female' : 'male';
}

const bundledPools = new Map<NameEntry, readonly string[]>();

/**
 * The items of `key` a replacement may be: the user's list as given, or the bundled list without the
 * one-word places and organisations that are also English words ("Wise", "Nice", "Target": the detector knows them, a
 * replacement would read as the word).
 */
export function replacementPool(options: PerturbationContext['options'], key: NameEntry): readonly string[] {
  const bundled = NAME_LEXICON[key];
  const list = lexiconEntry(options, key, bundled);
  if (list !== bundled) return list;
  let pool = bundledPools.get(key);
  if (!pool) {
    // a name of several words reads as a name ("Apple Pay", "New Balance"); one word may read as a word
    pool = key.startsWith('person.')
      ? bundled
      : bundled.filter(
          (item) =>
            !NEVER_DRAWN.has(item.toLowerCase()) &&
            (/\s/.test(stripThe(item)) || !isCommonWord(stripThe(item))),
        );
    bundledPools.set(key, pool);
  }
  return pool;
}

/**
 * One item of `pool` that is not `original` (nor another name of it), does not already occur in `text`
 * and was not picked for another entity of the same variant (`taken`; the pick is added to it) — a
 * second "Maria" would merge two people — or null when none is left.
 */
export function pickOther(
  rng: Rng,
  pool: readonly string[],
  original: string,
  text: string,
  taken: Set<string> = new Set(),
): string | null {
  const lowerText = text.toLowerCase();
  const same = sameEntity(original);
  const candidates = pool.filter((item) => {
    const bare = stripThe(item).toLowerCase();
    return !same.has(bare) && !taken.has(bare) && !containsWord(lowerText, bare);
  });
  if (candidates.length === 0) return null;
  const pick = rng.pick(candidates);
  taken.add(stripThe(pick).toLowerCase());
  return pick;
}

const stripThe = (s: string): string => s.replace(/^the\s+/i, '');

const ALIASES = new Map<string, readonly string[]>();
for (const group of SAME_ENTITY) {
  const bare = group.map(stripThe);
  for (const name of bare) ALIASES.set(name, bare);
}

/** `name` and every other name of the same organisation or place, lowercase, without "the". */
function sameEntity(name: string): ReadonlySet<string> {
  const bare = stripThe(name).toLowerCase();
  return new Set([bare, ...(ALIASES.get(bare) ?? [])]);
}

function containsWord(haystack: string, needle: string): boolean {
  let from = 0;
  for (;;) {
    const at = haystack.indexOf(needle, from);
    if (at < 0) return false;
    const before = haystack[at - 1];
    const after = haystack[at + needle.length];
    if (
      (before === undefined || !/[\p{L}\p{N}]/u.test(before)) &&
      (after === undefined || !/[\p{L}\p{N}]/u.test(after))
    ) {
      return true;
    }
    from = at + 1;
  }
}

/**
 * `replacement` written in the style of the mention it replaces: all upper case in an ALL CAPS text,
 * all lower case where the mention was lowercase ("jake", "klarna"), else as the list writes it.
 */
export function styleLike(text: string, mention: string, replacement: string): string {
  if (isAllCaps(text)) return replacement.toUpperCase();
  if (mention === mention.toLowerCase() && mention !== mention.toUpperCase())
    return replacement.toLowerCase();
  return replacement;
}

/** A mention with the article right before it ("a", "an", "the"), which the edit may rewrite. */
export interface Mention extends NameSpan {
  /** the article as written, '' when there is none */
  determiner: string;
  /** where the name itself starts (after the article) */
  nameStart: number;
}

const ARTICLE_BEFORE = /\b(a|an|the)\s+$/i;

/** `span` widened to the article in front of it, when there is one. */
export function withArticle(text: string, span: NameSpan): Mention {
  const m = ARTICLE_BEFORE.exec(text.slice(Math.max(0, span.start - 6), span.start));
  if (!m) return { ...span, determiner: '', nameStart: span.start };
  const start = span.start - m[0].length;
  return { ...span, start, text: text.slice(start, span.end), determiner: m[1]!, nameStart: span.start };
}

/** "an" before a vowel sound ("an Uber", "an FBI", "an Italian"), else "a" ("a Lyft", "a European"). */
export function indefiniteArticle(word: string): 'a' | 'an' {
  if (/^[AEFHILMNORSX](?:[A-Z]|$)/.test(word)) return 'an';
  if (/^(?:uni|use|usu|uti|eu|one|once|ubi)/i.test(word)) return 'a';
  if (/^(?:hour|honest|heir)/i.test(word)) return 'an';
  return /^[aeiouàáâäèéêëìíîïòóôöùúûü]/i.test(word) ? 'an' : 'a';
}

/** Writes `word` in the case of `template` ("The" → "The", "AN" → "A"). */
function caseOf(template: string, word: string): string {
  if (template === template.toUpperCase() && template.length > 1) return word.toUpperCase();
  if (/^[A-Z]/.test(template)) return word.charAt(0).toUpperCase() + word.slice(1);
  return word;
}

/**
 * The text of a mention (article included) with its name replaced by `name`: "a"/"an" follows the new
 * name's sound; "the" stays, unless the old name carried it as part of its form and the new one does
 * not ("the UK" → "France"), and a new name that carries it brings it ("France" → "the Netherlands").
 * `nameTakesThe`: the old name carries its "the" (a country or region that English writes with it).
 */
export function renderMention(
  m: Mention,
  name: string,
  nameTakesThe: boolean,
  sentenceStart = false,
): string {
  const newTakesThe = /^the\s/i.test(name);
  const bare = newTakesThe ? name.slice(4) : name;
  const article = m.determiner.toLowerCase();
  if (article === 'a' || article === 'an') return `${caseOf(m.determiner, indefiniteArticle(bare))} ${bare}`;
  if (article === 'the') {
    if (nameTakesThe && !newTakesThe) {
      // "the UK" → "France": the article goes; a sentence-initial "The" passes its capital on
      return /^[A-Z]/.test(m.determiner) ? bare.charAt(0).toUpperCase() + bare.slice(1) : bare;
    }
    return `${m.determiner} ${bare}`;
  }
  if (newTakesThe) return `${sentenceStart ? caseOf('The', name.slice(0, 3)) : name.slice(0, 3)} ${bare}`;
  return name;
}

// ───────────────────────────── when a name must stay ─────────────────────────────

const WH_WORD = /\b(?:who|whom|whose|what|which|when|where|how)\b/i;
/**
 * Relations an encyclopedic question asks about a named entity itself: who founded, invented, taught,
 * married it, what it stands for or is named after, when it was born or died …
 */
const ASKED_RELATION =
  /\b(?:found(?:ed|er|ers)?|invent(?:ed|or|s)?|taught|teach(?:es)?|marr(?:y|ied|ies)|stands? for|named after|called after|die[ds]?|death|born|wr[io]te|written|author|discover(?:ed|s)?|creat(?:e|ed|or|es)|paint(?:ed|s)?|direct(?:ed|or)|compos(?:e|ed|er)|rul(?:e|ed|er)|assassinat(?:e|ed)|killed|built|design(?:ed|er)|own(?:s|ed|er)?|led|lead(?:er)?|won|ceo|headquarter(?:s|ed)?|acquir(?:e|ed)|mean|means|short for|abbreviation|famous|known for|nickname[ds]?)\b/i;
/** "Who is X", "what was X": the question asks who or what the entity is. */
const IDENTITY_QUESTION = /\b(?:who|what)(?:'s| (?:is|was|are|were))\s+$/i;

/**
 * The sentence holding [start, end): the text kit's sentence (which keeps "3.5" and "example.com"
 * whole), cut at line breaks too (chat messages often end a sentence with one).
 */
function sentenceAround(text: string, start: number, end: number): { from: number; sentence: string } {
  const span = sentenceSpans(text).find((s) => s.start <= start && end <= s.end) ?? { start, end };
  const from = Math.max(span.start, text.lastIndexOf('\n', start - 1) + 1);
  const lineEnd = text.indexOf('\n', end);
  const to = lineEnd >= 0 && lineEnd < span.end ? lineEnd : span.end;
  return { from, sentence: text.slice(from, to).trim() };
}

/**
 * Does `text` ask about the named entity at [start, end) itself ("Who was Frida Kahlo married to?",
 * "What does the M in BMW stand for?", "Which philosopher taught Alexander the Great?")? The sentence
 * holding it is a question (it ends with "?" or starts with a wh-word) with a wh-word, and either asks
 * who or what the entity is, or asks one of the relations an encyclopedic question asks of an entity
 * (founded, invented, taught, married, stands for, named after, died …). Replacing such a name changes
 * the answer or leaves the question about nobody; a name merely mentioned in a question ("How do I pay
 * Anna back?") is not asked about.
 */
export function asksAbout(text: string, start: number, end: number): boolean {
  const { from, sentence } = sentenceAround(text, start, end);
  const question =
    sentence.endsWith('?') || /^(?:who|whom|whose|what|which|when|where|how)\b/i.test(sentence);
  if (!question || !WH_WORD.test(sentence)) return false;
  if (IDENTITY_QUESTION.test(text.slice(from, start))) return true;
  return ASKED_RELATION.test(sentence);
}

// case-sensitive: "US" is a country, "us" a pronoun; chat "i" counts
const PERSONAL =
  /(?<![\p{L}'’])(?:[Ii]|[Mm]e|[Mm]y|[Mm]ine|[Ww]e|us|[Oo]urs?|[Yy]ou|[Yy]ours?|[Ii]['’](?:m|ve|d|ll))(?![\p{L}'’])/u;

/**
 * Is the place at [start, end) part of a factual question — a question in its sentence that speaks of
 * no one (no I, my, we, you …): "Is Greenland part of Europe?", "Which US state is the Grand Canyon
 * in?", "first emperor of Rome?". Its answer is a fact about that place, so another place makes a false
 * or senseless question; a customer's question ("Can I use my card in Spain?") speaks of someone.
 */
export function inFactualQuestion(text: string, start: number, end: number): boolean {
  const { sentence } = sentenceAround(text, start, end);
  // a wh- or copular question ("Is Greenland …", "Which state …"); "Does delivery to Spain take long?"
  // asks about a service, not about the place
  const question = /^(?:who|whom|whose|what|which|when|where|how|is|are|was|were)\b/i.test(sentence);
  return question && !PERSONAL.test(sentence);
}

/**
 * A currency that belongs to one country or a few (roubles, yen, rupees, baht, pesos, francs, złoty,
 * kronor …; not dollars, euros or pounds, which a bank customer pays anywhere): an amount in one ties
 * the text to its places.
 */
const NATIONAL_CURRENCY_WORDS =
  'roubles?|rubles?|rub|yen|jpy|rupees?|inr|rs|baht|thb|pesos?|mxn|php|ars|cop|clp|francs?|chf|zloty|złoty|zł|pln|kr|kronor|kronas?|kroner?|krone|sek|nok|dkk|yuan|renminbi|rmb|cny|won|krw|naira|ngn|cedis?|ghs|shillings?|kes|rand|zar|ringgit|myr|rupiah|idr|dong|vnd|dirhams?|aed|riyals?|sar|shekels?|ils|forint|huf|lira|try|lei|ron|hryvnias?|uah|taka|bdt|reais|brl';
const NATIONAL_SYMBOLS = '₽¥₹฿₱₩₦₺₪₫₴₵';
/** The currency in an amount's text ("3,000 roubles", "¥500", "CHF 20"). */
const NATIONAL_IN = new RegExp(
  `(?<![\\p{L}])(?:${NATIONAL_CURRENCY_WORDS})(?![\\p{L}])|[${NATIONAL_SYMBOLS}]`,
  'iu',
);
/** The currency right after a bare figure the amount finder leaves a number ("200 kr", "50 zł"). */
const NATIONAL_AFTER = new RegExp(`^\\s?(?:${NATIONAL_CURRENCY_WORDS})(?![\\p{L}])`, 'iu');

/** Does `text` hold an amount in a national currency ("3,000 roubles", "¥500", "200 kr")? */
export function hasNationalAmount(text: string): boolean {
  return findQuantities(text).some(
    (q) =>
      (q.kind === 'amount' && NATIONAL_IN.test(q.text)) ||
      (q.kind === 'number' && NATIONAL_AFTER.test(text.slice(q.end, q.end + 12))),
  );
}

const LANGUAGE_BEFORE =
  /\b(?:in|into|speaks?|spoke|speaking|fluent in|learn(?:ing|ed|t)?|study(?:ing)?|translat(?:e|ed|es|ing|ion)(?: \w+){0,3} (?:to|into|from))\s+$/i;
const LANGUAGE_AFTER =
  /^\s+(?:language|languages|speakers?|words?|translations?|translators?|lessons?|classes|class|course|subtitles|grammar|dictionary|version)\b/i;

/**
 * Is the nationality word at [start, end) a language here ("correct in english", "do you speak
 * German?", "translate it into Spanish", "French words")? Not when it modifies a noun after "in"
 * ("in Italian restaurants").
 */
export function isLanguageUse(text: string, start: number, end: number): boolean {
  if (LANGUAGE_AFTER.test(text.slice(end, end + 24))) return true;
  if (!LANGUAGE_BEFORE.test(text.slice(Math.max(0, start - 40), start))) return false;
  // "in Italian restaurants": the word modifies the noun after it, so it is no language
  const next = /^\s+([a-z]+)/i.exec(text.slice(end, end + 24));
  return next === null || !NOUN_AFTER_NATIONALITY.test(next[1]!);
}

/** Nouns a nationality word commonly modifies after "in" ("in Italian restaurants", "in French banks"). */
const NOUN_AFTER_NATIONALITY =
  /^(?:restaurants?|banks?|shops?|stores?|cards?|accounts?|hotels?|cities|city|towns?|food|cuisine|airports?|cafes?|markets?|money|currency|pounds?|euros?|time|style|law|territory|waters?)$/i;

const plainLower = (s: string): string => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/**
 * Is the full name `parts` written family name first ("Nguyen Van An", "Park Ji-ho")? Its first word is
 * a surname of a family-name-first culture, or a known surname that is no known first name, and its last
 * word is no known surname ("Kim Smith", "Lee Evans" are given name first).
 */
export function familyNameFirst(parts: readonly string[]): boolean {
  if (parts.length < 2) return false;
  const [first, last] = [parts[0]!, parts[parts.length - 1]!];
  if (isKnownSurname(last)) return false;
  return (
    FAMILY_NAME_FIRST.has(plainLower(first)) ||
    (isKnownSurname(first) && firstNameGender(first) === undefined)
  );
}

/**
 * The gender of a family-name-first full name: its given name's (the last word), or the Vietnamese
 * middle name's ("Van" for a man, "Thi" for a woman).
 */
export function familyFirstGender(
  parts: readonly string[],
  options: PerturbationContext['options'],
): Gender | undefined {
  const given = genderOf(parts[parts.length - 1]!, options);
  if (given !== undefined) return given;
  const middle = parts.slice(1, -1).map((p) => p.toLowerCase());
  if (middle.includes('van')) return 'male';
  if (middle.includes('thi') || middle.includes('thị')) return 'female';
  return undefined;
}
