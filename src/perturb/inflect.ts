import {
  INVARIANT_NOUNS,
  irregularComparative,
  irregularPlural,
  irregularThirdPerson,
  irregularVerb,
} from './wordnet/irregular.ts';

/**
 * Re-inflection of a base form (a WordNet lemma) to a Penn Treebank tag, so a synonym takes
 * the shape of the word it replaces: "bought" (VBD) → purchase → "purchased". Returns null
 * whenever the form would be a guess, so the caller drops that candidate instead.
 */

const VOWELS = 'aeiou';

function isVowel(ch: string | undefined): boolean {
  return ch !== undefined && VOWELS.includes(ch);
}

/** Vowel groups, a syllable estimate: "stop" 1, "open" 2, "happy" 2, "make" 1 (silent e). */
export function syllables(word: string): number {
  const w = word.toLowerCase().replace(/e$/, '');
  const groups = w.match(/[aeiouy]+/g);
  return Math.max(1, groups ? groups.length : 0);
}

/** Verbs of several syllables stressed on the last one, which double their final consonant. */
const STRESS_FINAL = new Set(
  'admit begin commit compel control confer defer deter emit equip excel expel extol forbid forget incur infer occur omit outwit patrol permit prefer propel rebel recur refer regret remit repel submit transfer transmit unwrap upset'.split(
    ' ',
  ),
);

/** stop → stopp-, refer → referr-; not for open, visit, rain, fix, play. */
function doublesFinal(word: string): boolean {
  // "qu" acts as a consonant pair: quit → quitting, equip → equipped
  const w = word.replace(/qu/g, 'qw');
  const n = w.length;
  if (n < 3) return false;
  const last = w[n - 1]!;
  if (isVowel(last) || 'wxy'.includes(last)) return false;
  if (!isVowel(w[n - 2]) || isVowel(w[n - 3])) return false;
  return syllables(w) === 1 || STRESS_FINAL.has(word);
}

function endsWithSibilant(word: string): boolean {
  return /(?:s|x|z|ch|sh)$/.test(word);
}

function consonantY(word: string): boolean {
  return word.length > 1 && word.endsWith('y') && !isVowel(word[word.length - 2]);
}

export function plural(noun: string): string {
  const irregular = irregularPlural(noun);
  if (irregular) return irregular;
  if (INVARIANT_NOUNS.has(noun)) return noun;
  if (consonantY(noun)) return `${noun.slice(0, -1)}ies`;
  if (endsWithSibilant(noun)) return `${noun}es`;
  return `${noun}s`;
}

export function thirdPerson(verb: string): string {
  const irregular = irregularThirdPerson(verb);
  if (irregular) return irregular;
  if (consonantY(verb)) return `${verb.slice(0, -1)}ies`;
  if (endsWithSibilant(verb) || /[^aeiou]o$/.test(verb)) return `${verb}es`;
  return `${verb}s`;
}

function regularPast(verb: string): string {
  if (verb.endsWith('e')) return `${verb}d`;
  if (consonantY(verb)) return `${verb.slice(0, -1)}ied`;
  if (/[^aeiou]ic$/.test(verb)) return `${verb}ked`;
  if (doublesFinal(verb)) return `${verb}${verb.at(-1)}ed`;
  return `${verb}ed`;
}

export function pastTense(verb: string): string {
  return irregularVerb(verb)?.past ?? regularPast(verb);
}

export function pastParticiple(verb: string): string {
  return irregularVerb(verb)?.participle ?? regularPast(verb);
}

export function presentParticiple(verb: string): string {
  if (verb === 'be') return 'being';
  if (verb.endsWith('ie')) return `${verb.slice(0, -2)}ying`;
  if (/(?:ee|oe|ye)$/.test(verb)) return `${verb}ing`;
  if (verb.endsWith('e') && verb.length > 2) return `${verb.slice(0, -1)}ing`;
  if (/[^aeiou]ic$/.test(verb)) return `${verb}king`;
  if (doublesFinal(verb)) return `${verb}${verb.at(-1)}ing`;
  return `${verb}ing`;
}

/** -er/-est for short adjectives ("big" → "bigger", "happy" → "happier"), else more/most. */
function grade(adj: string, suffix: 'er' | 'est'): string {
  const irregular = irregularComparative(adj);
  if (irregular) return suffix === 'er' ? irregular.comparative : irregular.superlative;
  const n = syllables(adj);
  if (n === 2 && consonantY(adj)) return `${adj.slice(0, -1)}i${suffix}`;
  if (n > 1) return `${suffix === 'er' ? 'more' : 'most'} ${adj}`;
  if (adj.endsWith('e')) return `${adj}${suffix.slice(1)}`;
  if (consonantY(adj)) return `${adj.slice(0, -1)}i${suffix}`;
  if (doublesFinal(adj)) return `${adj}${adj.at(-1)}${suffix}`;
  return `${adj}${suffix}`;
}

export function comparative(adj: string): string {
  return grade(adj, 'er');
}

export function superlative(adj: string): string {
  return grade(adj, 'est');
}

/** Tags whose form is the lemma itself. */
const BASE_TAGS = new Set(['NN', 'VB', 'VBP', 'JJ', 'RB']);

/**
 * `base` (lower-case WordNet lemma, spaces between the words of a collocation) inflected for
 * `tag`; null when the tag is not handled or the form would be a guess. In collocations
 * the head word is inflected: the last word of a noun ("credit cards"), the first of a
 * verb ("called off"); an adjective collocation cannot be graded.
 */
export function inflect(base: string, tag: string): string | null {
  if (!/^[a-z]+(?:[ -][a-z]+)*$/.test(base)) return null;
  if (BASE_TAGS.has(tag)) return base;
  const words = base.split(' ');
  const multi = words.length > 1;
  const onHead = (head: 'first' | 'last', f: (w: string) => string): string => {
    const i = head === 'first' ? 0 : words.length - 1;
    const out = words.slice();
    out[i] = f(out[i]!);
    return out.join(' ');
  };
  switch (tag) {
    case 'NNS':
      return onHead('last', plural);
    case 'VBZ':
      return onHead('first', thirdPerson);
    case 'VBD':
      return onHead('first', pastTense);
    case 'VBN':
      return onHead('first', pastParticiple);
    case 'VBG':
      return onHead('first', presentParticiple);
    case 'JJR':
      return multi ? null : comparative(base);
    case 'JJS':
      return multi ? null : superlative(base);
    default:
      return null;
  }
}
