import { createRequire } from 'node:module';
import { isSentenceStart, type Token, tokenize } from './text/index.ts';
import type { WnPos } from './wordnet/index.ts';

/**
 * Part-of-speech tagging for the synonym family: natural's Brill tagger (lexicon + its
 * transformation rules), loaded from its submodules only (`import 'natural'` costs ~0.7 s),
 * followed by a few contextual repairs its stock rules lack (verb after "to"/modals/
 * subjects, noun after possessives, closed-class words the lexicon gets wrong: "i" → NN).
 */

interface BrillWord {
  token: string;
  tag: string;
}
interface BrillSentence {
  taggedWords: BrillWord[];
}
interface BrillRule {
  /** the tag the rule rewrites ('*' for any) */
  oldCategory: string;
  apply(sentence: BrillSentence, position: number): void;
}
interface BrillLexicon {
  lexicon: Record<string, string[] | undefined>;
}

const BRILL = 'natural/lib/natural/brill_pos_tagger/lib';

interface LexEntry {
  lower: string;
  /** initial tag: the lexicon's first, the tagger's default for unknown words, or an override */
  tag: string;
  /** every tag the lexicon allows, most frequent first ([] when unknown) */
  cats: readonly string[];
  /** a closed-class override: never changed by the repairs */
  fixed: boolean;
}

/** A token as the tagger sees it; `contraction` marks pieces of "doesn't", "i m", "card's". */
export interface WordToken extends Token {
  contraction: boolean;
}

export interface TaggedToken extends WordToken {
  /** Penn Treebank tag */
  tag: string;
}

const APOSTROPHE_RE = /['’]/;
/** Clitics left standing alone when chat text loses the apostrophe: "don t", "i m", "it s". */
const LOOSE_CLITICS = new Set(['t', 's', 'm', 'd', 'll', 're', 've']);

/**
 * The kit's tokens as the tagger needs them: every word (hyphenated ones whole), number and
 * punctuation mark, with contraction pieces marked.
 */
export function tagTokens(text: string): WordToken[] {
  const out = tokenize(text, { all: true, hyphens: true, splitMarks: true }) as WordToken[];
  for (const t of out) t.contraction = t.word && APOSTROPHE_RE.test(t.text);
  for (let i = 1; i < out.length; i++) {
    const cur = out[i]!;
    if (!LOOSE_CLITICS.has(cur.lower)) continue;
    const prev = out[i - 1]!;
    const between = text.slice(prev.end, cur.start);
    if (prev.word && (between === ' ' || APOSTROPHE_RE.test(between)) && between.length === 1) {
      cur.contraction = true;
      prev.contraction = true;
    } else if (i >= 2 && APOSTROPHE_RE.test(prev.text) && prev.text.length === 1 && out[i - 2]!.word) {
      // "don ' t": the apostrophe stands on its own
      cur.contraction = true;
      out[i - 2]!.contraction = true;
    }
  }
  return out;
}

/** Closed-class words the pos-js lexicon tags badly or lacks. */
const OVERRIDE_LIST: Record<string, string> = {
  i: 'PRP',
  me: 'PRP',
  you: 'PRP',
  he: 'PRP',
  she: 'PRP',
  it: 'PRP',
  we: 'PRP',
  they: 'PRP',
  us: 'PRP',
  them: 'PRP',
  im: 'PRP',
  ive: 'PRP',
  my: 'PRP$',
  your: 'PRP$',
  our: 'PRP$',
  their: 'PRP$',
  its: 'PRP$',
  can: 'MD',
  could: 'MD',
  will: 'MD',
  would: 'MD',
  shall: 'MD',
  should: 'MD',
  may: 'MD',
  might: 'MD',
  must: 'MD',
  the: 'DT',
  a: 'DT',
  an: 'DT',
  this: 'DT',
  these: 'DT',
  those: 'DT',
  each: 'DT',
  every: 'DT',
  another: 'DT',
  please: 'UH',
  hi: 'UH',
  hello: 'UH',
  hey: 'UH',
  ok: 'UH',
  okay: 'UH',
  thanks: 'UH',
  "n't": 'RB',
  "'m": 'VBP',
  "'re": 'VBP',
  "'ve": 'VBP',
  "'ll": 'MD',
  "'d": 'MD',
};
const OVERRIDES = new Map<string, string>(Object.entries(OVERRIDE_LIST));
for (const n of 'zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand million billion'.split(
  ' ',
)) {
  OVERRIDES.set(n, 'CD');
}

const DO_FORMS = new Set(['do', 'does', 'did']);
const HAVE_FORMS = new Set(['have', 'has', 'had', "'ve"]);
const BE_FORMS = new Set(['be', 'am', 'is', 'are', 'was', 'were', 'been', 'being', "'m", "'re"]);
const THIRD_PERSON = new Set(['he', 'she', 'it']);
const SUBJECTS = new Set(['i', 'you', 'we', 'they', 'he', 'she', 'it', 'im']);
const NOUN_START = new Set(['DT', 'PRP$', 'POS']);
const DEGREE = new Set([
  'very',
  'so',
  'too',
  'less',
  'more',
  'most',
  'least',
  'really',
  'quite',
  'rather',
  'pretty',
  'extremely',
]);
const VERB_TAGS = new Set(['VB', 'VBD', 'VBG', 'VBN', 'VBP', 'VBZ']);

export class PosTagger {
  private readonly lexicon: BrillLexicon;
  private readonly rules: BrillRule[];
  private readonly SentenceCtor: new () => BrillSentence & {
    addTaggedWord(token: string, tag: string): void;
  };
  /** per-token initial tag and lexicon categories: the lexicon lookup is the tagger's hot spot */
  private readonly lexCache = new Map<string, LexEntry>();

  constructor() {
    const require = createRequire(import.meta.url);
    const Lexicon = require(`${BRILL}/Lexicon.js`) as new (
      lang: string,
      defaultCategory: string,
      defaultCategoryCapitalised: string,
    ) => BrillLexicon & { tagWord(word: string): string[] };
    const RuleSet = require(`${BRILL}/RuleSet.js`) as new (lang: string) => { getRules(): BrillRule[] };
    this.SentenceCtor = require(`${BRILL}/Sentence.js`);
    const lexicon = new Lexicon('EN', 'NN', 'NNP');
    this.lexicon = lexicon;
    this.tagWord = (word) => lexicon.tagWord(word)[0]!;
    // natural's Brill_POS_Tagger re-lists the rule set for every token; list it once
    this.rules = new RuleSet('EN').getRules();
  }

  private readonly tagWord: (word: string) => string;

  private lookup(word: string): LexEntry {
    let entry = this.lexCache.get(word);
    if (entry) return entry;
    const lower = word.toLowerCase();
    const override = OVERRIDES.get(lower);
    const lexicon = this.lexicon.lexicon;
    const own = Object.hasOwn(lexicon, word)
      ? lexicon[word]
      : Object.hasOwn(lexicon, lower)
        ? lexicon[lower]
        : undefined;
    const cats = Array.isArray(own) ? own : [];
    entry = override
      ? { lower, tag: override, cats: [override], fixed: true }
      : { lower, tag: this.tagWord(word), cats, fixed: false };
    if (this.lexCache.size > 200_000) this.lexCache.clear();
    this.lexCache.set(word, entry);
    return entry;
  }

  /** The lexicon's tags for a word, most frequent first; [] for a word it does not know. */
  categories(word: string): readonly string[] {
    return this.lookup(word).cats;
  }

  /** Penn tags for a sequence of words (punctuation as its own tokens). */
  tag(words: readonly string[]): string[] {
    const sentence = new this.SentenceCtor();
    const entries: LexEntry[] = [];
    for (const w of words) {
      const entry = this.lookup(w);
      sentence.addTaggedWord(w, entry.tag);
      entries.push(entry);
    }
    const tagged = sentence.taggedWords;
    const rules = this.rules;
    for (let i = 0; i < tagged.length; i++) {
      const word = tagged[i]!;
      for (let r = 0; r < rules.length; r++) {
        // the rule's own first test, done here to skip the call for most rules
        const from = rules[r]!.oldCategory;
        if (from === word.tag || from === '*') rules[r]!.apply(sentence, i);
      }
    }
    const tags: string[] = new Array(tagged.length);
    for (let i = 0; i < tagged.length; i++) tags[i] = tagged[i]!.tag;
    repair(entries, tags);
    return tags;
  }

  /** Tokenise and tag; contraction pieces are tagged as their expanded forms. */
  tagText(text: string): TaggedToken[] {
    const tokens = tagTokens(text) as TaggedToken[];
    const words = tokens.map((t, i) => {
      if (t.contraction) return taggerForm(tokens, i);
      // "Assist me": a capitalised sentence opener is read as the common word when there is one
      if (t.word && isSentenceStart(text, t.start, { lineBreaks: true }) && t.text !== t.text.toLowerCase()) {
        const lower = t.text.toLowerCase();
        if (this.lexicon.lexicon[lower] !== undefined && Array.isArray(this.lexicon.lexicon[lower]))
          return lower;
      }
      return t.text;
    });
    const tags = this.tag(words);
    for (let i = 0; i < tokens.length; i++) tokens[i]!.tag = tags[i]!;
    return tokens;
  }
}

/** What the tagger should see for token i: loose clitics and apostrophe forms expanded. */
function taggerForm(tokens: readonly WordToken[], i: number): string {
  const t = tokens[i]!;
  if (!t.contraction) return t.text;
  const lower = t.text.toLowerCase();
  const next = tokens[i + 1];
  if (next?.contraction && next.text.toLowerCase() === 't' && lower.endsWith('n')) {
    // "don t" → do, "won t" → will, "can t" → can
    if (lower === 'won') return 'will';
    if (lower === 'can' || lower === 'ca') return 'can';
    return t.text.slice(0, -1);
  }
  if (LOOSE_CLITICS.has(lower) && i > 0) return lower === 't' ? "n't" : `'${lower}`;
  const m = /^(\p{L}+?)(n['’]t|['’](?:s|m|d|ll|re|ve))$/iu.exec(t.text);
  if (m) return m[1]!;
  return t.text;
}

/** The previous token that is not an adverb ("not", "really", "n't"), or -1. */
function prevNonAdverb(tags: readonly string[], i: number): number {
  let j = i - 1;
  while (j >= 0 && (tags[j] === 'RB' || tags[j] === 'UH')) j--;
  return j;
}

function firstOf(cats: readonly string[], wanted: readonly string[]): string | undefined {
  for (const c of cats) if (wanted.includes(c)) return c;
  return undefined;
}

function firstOfFamily(cats: readonly string[], family: string): string | undefined {
  for (const c of cats) if (c.startsWith(family)) return c;
  return undefined;
}

const THIRD_PERSON_VERBS = ['VBZ', 'VBD'];
const OTHER_PERSON_VERBS = ['VBP', 'VBD', 'VB'];
const PAST = ['VBD'];
const NOUNS = ['NN', 'NNS'];

/** Contextual repairs after the Brill rules; only to tags the lexicon allows for the word. */
function repair(entries: readonly LexEntry[], tags: string[]): void {
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    const c = entry.cats;
    if (c.length === 0 || entry.fixed) continue;
    if (!c.includes(tags[i]!)) {
      // a suffix rule fired against the lexicon ("need" ends in -ed → VBN): keep the rule's
      // word class if the lexicon allows it, else trust the lexicon
      tags[i] = firstOfFamily(c, tags[i]!.slice(0, 2)) ?? c[0]!;
    }
    const j = prevNonAdverb(tags, i);
    if (j < 0 || tags[j] === 'UH' || tags[j] === '.') {
      // imperative opener: "Help me", "Please send the money", "Tell me …"
      const next = tags[i + 1];
      if ((next === 'PRP' || next === 'DT' || next === 'PRP$') && c.includes('VB')) tags[i] = 'VB';
      continue;
    }
    const pw = entries[j]!.lower;
    const pt = tags[j]!;
    const subjectAfterAux =
      pt === 'PRP' && j > 0 && (tags[j - 1] === 'MD' || DO_FORMS.has(entries[j - 1]!.lower));
    const tag = tags[i]!;
    if ((pt === 'TO' || pt === 'MD' || DO_FORMS.has(pw) || subjectAfterAux) && c.includes('VB')) {
      // "to transfer", "can change", "didn't need", "how do I change"
      tags[i] = 'VB';
    } else if (
      pt === 'PRP' &&
      SUBJECTS.has(pw) &&
      j === i - 1 &&
      (!VERB_TAGS.has(tag) || tag === 'VBN' || tag === 'VB')
    ) {
      // "I need", "it charges", "i left" (not VBN: no auxiliary before it)
      const wanted = THIRD_PERSON.has(pw) ? THIRD_PERSON_VERBS : OTHER_PERSON_VERBS;
      const verb = firstOf(c, tag === 'VBN' ? PAST : wanted);
      if (verb) tags[i] = verb === 'VB' ? 'VBP' : verb;
    } else if ((pt === 'PRP$' || pt === 'DT' || pt === 'POS') && VERB_TAGS.has(tag) && tag !== 'VBG') {
      // "my transfer", "the change"
      const noun = firstOf(c, NOUNS);
      if (noun) tags[i] = noun;
    } else if (
      (tag === 'VB' || tag === 'VBP') &&
      (pt === 'NN' || pt === 'JJ') &&
      j > 0 &&
      NOUN_START.has(tags[j - 1]!)
    ) {
      // "a telephone call", "my bank transfer"
      const noun = firstOf(c, NOUNS);
      if (noun) tags[i] = noun;
    } else if (
      (tag === 'VBN' || tag === 'VBD') &&
      i > 0 &&
      DEGREE.has(entries[i - 1]!.lower) &&
      c.includes('JJ')
    ) {
      // "less crowded", "very tired": participles used as adjectives
      tags[i] = 'JJ';
    } else if (tag === 'VBD' && (HAVE_FORMS.has(pw) || BE_FORMS.has(pw)) && c.includes('VBN')) {
      tags[i] = 'VBN';
    }
  }
}

let shared: PosTagger | undefined;

/** The process-wide tagger, built on first use (~0.2 s: the lexicon is a 4 MB JSON). */
export function getTagger(): PosTagger {
  shared ??= new PosTagger();
  return shared;
}

export function tagText(text: string): TaggedToken[] {
  return getTagger().tagText(text);
}

/** WordNet part of speech for a Penn tag; null for closed classes and proper nouns. */
export function wordnetPos(tag: string): WnPos | null {
  switch (tag) {
    case 'NN':
    case 'NNS':
      return 'n';
    case 'VB':
    case 'VBD':
    case 'VBG':
    case 'VBN':
    case 'VBP':
    case 'VBZ':
      return 'v';
    case 'JJ':
    case 'JJR':
    case 'JJS':
      return 'a';
    case 'RB':
    case 'RBR':
    case 'RBS':
      return 'r';
    default:
      return null;
  }
}
