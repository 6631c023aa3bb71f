/**
 * distractor.context — add content no label depends on before or after the text (CheckList's INV "add
 * irrelevant"): a URL, an @handle, a sign-off or reference line, or a sentence about the writer's
 * surroundings, from the lists of src/perturb/distractor/lexicon.ts (each replaceable with
 * `--lexicon`). The prediction must not change.
 *
 * The original text is never edited: every edit is an insertion at 0 or at text.length, separators
 * included. The added content takes the text's style — an all-lowercase chat message gets a lowercase
 * sentence, an ALL CAPS one capitals (URLs and handles are identifiers and keep theirs). After a text
 * with no end punctuation, a sentence goes in brackets without its full stop ("is something wrong
 * (replying from the train)"): a full stop would turn a question without "?" into a statement, a bare
 * space would run the two together.
 *
 * Only texts written mostly in Latin script get one: the lists are English.
 */

import {
  DISTRACTOR_ENTRIES,
  DISTRACTOR_LEXICON,
  type DistractorEntry,
} from '../../src/perturb/distractor/lexicon.ts';
import { lexiconEntry } from '../../src/perturb/lexicon.ts';
import { writesLowercase } from '../../src/perturb/paraphrase.ts';
import { dominantScript, isAllCaps } from '../../src/perturb/text/index.ts';
import type { EditProposal, PerturbationContext, PerturbationDefinition, Rng } from '../../src/types.ts';

type Place = 'before' | 'after';
type Style = 'as-is' | 'lower' | 'upper';

/** Short items (severity 1, and the second end of severity 3) and where each may go. */
const SHORT_PLACES: Readonly<Record<Exclude<DistractorEntry, 'distractor.sentence'>, readonly Place[]>> = {
  'distractor.url': ['before', 'after'],
  'distractor.handle': ['before', 'after'],
  // a sign-off ends a message
  'distractor.signature': ['after'],
};
type ShortEntry = keyof typeof SHORT_PLACES;
const SHORT_ENTRIES = Object.keys(SHORT_PLACES) as ShortEntry[];

/** The text ends a sentence: end punctuation (maybe inside a closing bracket or quote) or an emoji. */
const TERMINATED = /(?:[.!?…][)\]"'”’]*|\p{Extended_Pictographic}\uFE0F?)$/u;
/** Starts like a separator of its own: a dash or an opening bracket needs no " - " in front. */
const OWN_SEPARATOR = /^[-–—([]/;
/** "I" and its contractions keep their capital inside brackets. */
const PRONOUN_I = /^I(?:\b|['’])/;

function styleOf(text: string): Style {
  if (isAllCaps(text)) return 'upper';
  return writesLowercase(text) ? 'lower' : 'as-is';
}

function styled(item: string, style: Style): string {
  if (style === 'upper') return item.toUpperCase();
  return style === 'lower' ? item.toLowerCase() : item;
}

/** `item` as an insertion at `place`, with the separator the text's edge calls for. */
function insertion(text: string, entry: DistractorEntry, item: string, place: Place): EditProposal {
  // URLs and handles are identifiers: their case is part of them
  const shaped =
    entry === 'distractor.sentence' || entry === 'distractor.signature' ? styled(item, styleOf(text)) : item;
  if (place === 'before') {
    const gap = /^\s/.test(text) ? '' : ' ';
    return { start: 0, end: 0, replacement: `${shaped}${gap}` };
  }
  const gap = /\s$/.test(text) ? '' : ' ';
  const terminated = TERMINATED.test(text.trimEnd());
  let tail = shaped;
  if (!terminated && entry === 'distractor.sentence') {
    const body = shaped.replace(/[.!]+$/, '');
    tail = `(${PRONOUN_I.test(body) ? body : body.charAt(0).toLowerCase() + body.slice(1)})`;
    if (styleOf(text) === 'upper') tail = tail.toUpperCase();
  } else if (!terminated && entry === 'distractor.signature' && !OWN_SEPARATOR.test(shaped)) {
    tail = `- ${shaped}`;
  }
  return { start: text.length, end: text.length, replacement: `${gap}${tail}` };
}

function pickShort(rng: Rng, options: Readonly<Record<string, unknown>>, places: readonly Place[]) {
  const entry = rng.pick(SHORT_ENTRIES.filter((e) => SHORT_PLACES[e].some((p) => places.includes(p))));
  const place = rng.pick(SHORT_PLACES[entry].filter((p) => places.includes(p)));
  const item = rng.pick(lexiconEntry(options, entry, DISTRACTOR_LEXICON[entry]));
  return { entry, place, item };
}

const context: PerturbationDefinition = {
  name: 'distractor.context',
  family: 'distractor',
  tag: 'natural',
  description:
    'Add content no label depends on before or after the text (CheckList\'s "add irrelevant"): a URL, an ' +
    '@handle, a sign-off or reference line ("— Sam", "(ref 4471)"), or a sentence about the writer\'s ' +
    'surroundings ("Replying from the train."); the text itself is never edited, the addition takes its ' +
    'casing; lists replaceable with --lexicon (distractor.sentence, .url, .handle, .signature).',
  severities: {
    1: 'one short item at one end: a URL or @handle before or after, or a sign-off after',
    2: 'one sentence about the writer’s surroundings, before or after',
    3: 'both ends: a sentence at one, a short item at the other',
  },
  // Measured (bench/distractor-meaning.ts): label-bearing sentences added the same way score about as
  // close to the original as irrelevant ones, or closer (ROC AUC 0.42), so a threshold would drop the honest
  // additions first. What keeps the additions label-free is the lexicon's rules, tested item by item.
  meaning: {
    exempt:
      'it only adds text: similarity drops with the added length, not the meaning, and label-bearing additions score as high (bench/distractor-meaning.ts); the lexicon’s tested rules keep additions label-free',
  },
  lexicons: DISTRACTOR_ENTRIES,
  apply(text: string, ctx: PerturbationContext): EditProposal[] {
    if (dominantScript(text) !== 'latin') return [];
    const { rng, options, severity } = ctx;
    if (severity === 1) {
      const { entry, place, item } = pickShort(rng, options, ['before', 'after']);
      return [insertion(text, entry, item, place)];
    }
    const sentences = lexiconEntry(options, 'distractor.sentence', DISTRACTOR_LEXICON['distractor.sentence']);
    const sentencePlace = rng.pick<Place>(['before', 'after']);
    const sentence = insertion(text, 'distractor.sentence', rng.pick(sentences), sentencePlace);
    if (severity === 2) return [sentence];
    const other: Place = sentencePlace === 'before' ? 'after' : 'before';
    const { entry, item } = pickShort(rng, options, [other]);
    return [sentence, insertion(text, entry, item, other)];
  },
};

export default context;
