/**
 * paraphrase.casing — how people capitalise in chat: a lowercase start, "i" for
 * "I", one word in caps for emphasis, "pin" for "PIN"; at higher severity the
 * whole message in lowercase or sentence case; at the top, ALL CAPS for a short
 * message (a shout). No Title Case of whole sentences and no ALL CAPS of a long
 * message: people do not type those, so they would test noise nobody sends.
 *
 * Protected words keep their case. A pasted URL or e-mail simply stays as it is,
 * but a negation cannot ("DON'T" inside an all-caps message), so a whole-text
 * style that would have to recase a negation is not used for that text.
 */

import { admissible, type Candidate, choose, editable, lexiconTags } from '../../src/perturb/paraphrase.ts';
import { isAllCaps, sentenceSpans, type Token, tokenize, upperFirst } from '../../src/perturb/text/index.ts';
import type { EditProposal, PerturbationContext, PerturbationDefinition } from '../../src/types.ts';

const NEGATION = /^(?:not|no|never|nor|none|nobody|nothing|neither|without|nowhere|cannot|\p{L}*n['’]?t)$/iu;
/** Word classes worth shouting ("my card is BLOCKED"), not "the" or "to". */
const EMPHASIS_TAGS = /^(?:NN|NNS|VB|VBD|VBG|VBN|VBP|VBZ|JJ|RB)$/;

interface Word extends Token {
  /** first word of a sentence */
  initial: boolean;
}

/** Words not glued to digits or underscores (those belong to IDs and codes). */
function casingWords(text: string): Word[] {
  const starts = new Set(sentenceSpans(text).map((s) => s.start));
  return tokenize(text)
    .filter((t) => !/[\p{N}_]/u.test(text[t.start - 1] ?? '') && !/[\p{N}_]/u.test(text[t.end] ?? ''))
    .map((t) => ({ ...t, initial: starts.has(t.start) }));
}

const isI = (w: Word) => /^i(?:['’](?:m|ve|d|ll))?$/i.test(w.text);

type Style = (w: Word) => string;

/** Longest message shouted in ALL CAPS at severity 3; longer ones get a severity-2 style. */
const SHOUT_WORDS = 12;

const STYLES: Record<'lower' | 'sentence' | 'upper', Style> = {
  lower: (w) => w.text.toLowerCase(),
  sentence: (w) => (w.initial || isI(w) ? upperFirst(w.text) : w.text),
  upper: (w) => w.text.toUpperCase(),
};

/**
 * The edits that restyle every word, or null when the style changes nothing or
 * would have to recase a negation. Other protected words are skipped.
 */
function restyle(text: string, ctx: PerturbationContext, words: Word[], style: Style): EditProposal[] | null {
  const edits: EditProposal[] = [];
  for (const w of words) {
    const replacement = style(w);
    if (replacement === w.text) continue;
    if (!editable(text, ctx, w.start, w.end)) {
      if (NEGATION.test(w.text)) return null;
      continue;
    }
    edits.push({ start: w.start, end: w.end, replacement });
  }
  return edits.length > 0 ? edits : null;
}

/** Single-word changes for severity 1. */
function wordSites(words: Word[]): Candidate[] {
  const out: Candidate[] = [];
  for (const w of words) {
    if (isI(w)) {
      const swapped = w.text[0] === 'I' ? `i${w.text.slice(1)}` : `I${w.text.slice(1)}`;
      out.push({ start: w.start, end: w.end, replacement: swapped });
    } else if (w.initial) {
      const first = w.text[0];
      const flipped = first === first.toUpperCase() ? first.toLowerCase() : first.toUpperCase();
      out.push({ start: w.start, end: w.end, replacement: flipped + w.text.slice(1) });
    } else if (/\p{Lu}/u.test(w.text)) {
      // "PIN" → "pin", "Apple" → "apple"
      out.push({ start: w.start, end: w.end, replacement: w.text.toLowerCase() });
    } else if (w.text.length >= 3 && EMPHASIS_TAGS.test(lexiconTags(w.lower)[0] ?? '')) {
      out.push({ start: w.start, end: w.end, replacement: w.text.toUpperCase() });
    }
  }
  return out;
}

const casing: PerturbationDefinition = {
  name: 'paraphrase.casing',
  family: 'paraphrase',
  tag: 'natural',
  meaning: { exempt: 'the encoder lower-cases its input, so it cannot see a change of case' },
  description:
    'Chat capitalisation: lowercase start, "i", one word in caps, "pin" for "PIN"; then whole-text lowercase ' +
    'or sentence case; then ALL CAPS for a short message. Protected words keep their case.',
  severities: {
    1: 'one word recased (first letter, I ↔ i, one word in caps, an acronym or name lowercased)',
    2: 'the whole text in one style: all lowercase or sentence case',
    3: `a message of up to ${SHOUT_WORDS} words in ALL CAPS (all lowercase when it already is); longer ones, or when a negation blocks it, a severity-2 style`,
  },
  apply(text: string, ctx: PerturbationContext): EditProposal[] {
    const words = casingWords(text);
    const shouting = isAllCaps(text);
    if (ctx.severity === 1) {
      // one lowercase word in a shouted message reads as a glitch, not as chat style
      return shouting ? [] : choose(ctx.rng, admissible(text, ctx, wordSites(words)), 1);
    }
    const viable = (styles: Style[]) =>
      styles.map((s) => restyle(text, ctx, words, s)).filter((e): e is EditProposal[] => e !== null);
    const mixed = viable([STYLES.lower, STYLES.sentence]);
    // ALL CAPS cannot recase a protected negation ("won't"), and nobody shouts a paragraph:
    // fall back to a severity-2 style
    const short = words.length <= SHOUT_WORDS;
    const options =
      ctx.severity === 2 ? mixed : short || shouting ? viable([shouting ? STYLES.lower : STYLES.upper]) : [];
    if (options.length === 0 && ctx.severity === 3) options.push(...mixed);
    return options.length > 0 ? ctx.rng.pick(options) : [];
  },
};

export default casing;
