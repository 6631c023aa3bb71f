import { getTagger, wordnetPos } from './pos.ts';
import { isSentenceStart } from './text/index.ts';
import { getWordNet, type WnPos, type WordNetIndex } from './wordnet/index.ts';

/**
 * Helpers shared by the synonym perturbations (perturbations/synonym/), beside typo.ts and
 * paraphrase.ts. Words the synonym perturbation never replaces: function words, auxiliaries, light verbs,
 * discourse words and chat spellings. Their WordNet "synonyms" are either wrong
 * ("I" → "iodine", "it" → "information technology") or change the meaning ("not", "all").
 */
const WORDS = `
i me my mine myself you your yours yourself yourselves he him his himself she her hers herself it its itself
we us our ours ourselves they them their theirs themselves one ones oneself someone somebody something anyone
anybody anything everyone everybody everything noone nobody nothing none

a an the this that these those such same other others another own

all any some each every both either neither many much more most few fewer less least several enough lot lots
plenty half whole no way further cannot

about above across after against along among around as at before behind below beneath beside besides between
beyond by despite down during except for from in inside into like near of off on onto out outside over past per
since than through throughout till to toward towards under underneath unlike until up upon via with within without

and but or nor so yet if unless because though although while whereas whether once then than

be am is are was were been being have has had having do does did done doing
can could will would shall should may might must ought dare used
get gets got gotten getting make makes made making go goes went gone going take takes took taken taking
let lets give gives gave given giving put puts keep keeps kept come comes came coming say says said
seem seems seemed become becomes became see sees saw seen seeing

not never no nope yes yeah yep ok okay please thank thanks sorry hi hello hey bye

what which who whom whose why how when where whatever whoever wherever whenever

very really quite rather pretty too also just only even still already yet again ever always often sometimes
usually once twice thrice never now then here there today tomorrow yesterday tonight soon later back away anyway else instead
maybe perhaps almost nearly well much far actually basically literally probably definitely certainly

im ive id ill dont cant wont didnt doesnt isnt wasnt arent werent couldnt wouldnt shouldnt havent hasnt
hadnt mustnt neednt aint thats whats theres youre theyre hes shes lets u ur pls plz thx ya gonna wanna gotta
`;

export const STOPWORDS: ReadonlySet<string> = new Set(WORDS.split(/\s+/).filter(Boolean));

/**
 * Verbs that link a subject to a description ("I feel sad", "it looks broken"): their
 * synonyms take objects ("I experience sad"), so as verbs they are left alone.
 */
export const LINKING_VERBS: ReadonlySet<string> = new Set([
  'feel',
  'look',
  'sound',
  'appear',
  'remain',
  'stay',
  'turn',
  'grow',
  'smell',
  'taste',
]);

/** Particles that make a phrasal verb of the verb before them ("top up", "log in", "pay off"). */
export const PARTICLES: ReadonlySet<string> = new Set([
  'up',
  'down',
  'out',
  'off',
  'back',
  'away',
  'over',
  'in',
]);

/** Tags after which a word is inside a noun phrase. */
const NOUN_MARKERS = new Set(['DT', 'PRP$', 'POS']);
const ASCII_WORD = /^[A-Za-z]+$/;

/** A word the synonym perturbations may replace. */
export interface EligibleWord {
  start: number;
  end: number;
  word: string;
  /** the tagger's tag in context */
  tag: string;
  pos: WnPos;
  /** a verb followed by a preposition ("waiting for"): its replacement must not need an object */
  beforePreposition: boolean;
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

/**
 * The words of `text` a synonym may replace (synonym.wordnet and synonym.contextual share the rule): a
 * noun, verb, adjective or adverb in the tagger's reading, in the word's usual class, not a stopword,
 * pronoun, auxiliary, light or linking verb, negation, contraction piece, acronym, mid-sentence name,
 * phrasal-verb head ("top up") or noun modifier ("tracking number").
 */
export function eligibleWords(text: string): EligibleWord[] {
  const wn = getWordNet();
  const tagger = getTagger();
  const tokens = tagger.tagText(text);
  const hasLower = /[a-z]/.test(text);
  const out: EligibleWord[] = [];
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
    out.push({ start: t.start, end: t.end, word: t.text, tag: t.tag, pos, beforePreposition });
  }
  return out;
}
