/**
 * paraphrase.filler — discourse markers and politeness particles that real chat
 * messages carry and that change nothing about the request: "Hi, …", "Quick
 * question: …?", "So …", "Also, …" (later sentences), "Can you please …",
 * "…, please?", "… Thanks!".
 *
 * Fillers are picked by sentence type so the result stays idiomatic: question
 * openers only before questions, "please" only in requests ("can you …" or an
 * imperative), "Thanks" never twice, and greetings and thanks only when the text asks someone
 * something (a question, a request, a stated need) — never on a statement of feeling. Inserted at the start of a capitalised
 * sentence, the filler takes the capital and the old first word is lowercased
 * unless it is "I", an acronym or a name ("Apple Pay").
 */

import {
  admissible,
  type Candidate,
  canLowercase,
  choose,
  isQuestion,
  isRequest,
  requestStart,
  writesLowercase,
} from '../../src/perturb/paraphrase.ts';
import { isAllCaps, lowerFirst, sentenceSpans, tokenize, upperFirst } from '../../src/perturb/text/index.ts';
import type { EditProposal, PerturbationContext, PerturbationDefinition } from '../../src/types.ts';

const GREETINGS = ['hi, ', 'hello, ', 'hey, ', 'hi there, ', 'hello there, '];
const QUESTION_OPENERS = ['quick question: ', 'just wondering, ', 'sorry to bother you, but ', 'so '];
const REQUEST_OPENERS = ['so ', 'um, ', 'sorry, '];
const STATEMENT_OPENERS = ['so ', 'honestly, ', 'basically, ', 'to be honest, ', 'um, '];
const LATER_OPENERS = ['also, ', 'and ', 'by the way, ', 'oh and '];
const QUESTION_CLOSERS = ['Thanks!', 'Thank you.', 'Thanks in advance.', 'Any help is appreciated.'];
const STATEMENT_CLOSERS = ['Thanks.', 'Please help.', 'Any help is appreciated.', 'Thanks in advance.'];
/** After a message with no final punctuation, a comma keeps it one chat line. */
const UNTERMINATED_CLOSERS = [', thanks', ', thank you', ', thanks in advance'];

/** First words that already are a discourse marker: no second one in front. */
const MARKER_WORDS = new Set([
  'hi',
  'hello',
  'hey',
  'so',
  'um',
  'well',
  'honestly',
  'basically',
  'sorry',
  'also',
  'and',
  'btw',
  'ok',
  'okay',
  'quick',
  'just',
  'oh',
  'dear',
  'thanks',
  'thank',
]);

function styled(filler: string, allCaps: boolean, capital: boolean): string {
  if (allCaps) return filler.toUpperCase();
  return capital ? upperFirst(filler) : filler;
}

/** An inverted question even without its "?" ("how do i reset my pin"), not "when i was young i …". */
const INVERTED =
  /^\W*(?:(?:how|what|why|where|when|which|who)(?:['’]s| +(?:do|does|did|is|are|was|were|can|could|should|will|would|much|many|long|to)\b)|(?:can|could|do|does|did|is|are|will|would|should|may) +(?:i|you|we|my|the|it|there|this|someone)\b)/i;
/** A need stated to the reader ("I need to change my PIN"): a request in support chat. */
const NEED = /^\W*(?:hi[,!]? +)?i +(?:need|want|would like|['’]?d like)\b/i;

/**
 * Does the text ask someone something: a question, a request, or a stated need with no statement
 * of feeling in it? Only then may it take a greeting or a "Thanks" — a diary line ("i feel so
 * lonely") thanks nobody.
 */
export function asksSomeone(text: string): boolean {
  return sentenceSpans(text).some((s) => {
    const sentence = text.slice(s.start, s.end);
    return (
      /\?\s*$/.test(sentence) ||
      isRequest(sentence) ||
      INVERTED.test(sentence) ||
      (NEED.test(sentence) && !/\bfe(?:el|lt|eling)\b/i.test(text))
    );
  });
}

function fillerSites(text: string): Candidate[] {
  const out: Candidate[] = [];
  const sentences = sentenceSpans(text);
  if (sentences.length === 0) return out;
  const allCaps = isAllCaps(text);
  const lowerStyle = writesLowercase(text);
  const asks = asksSomeone(text);

  sentences.forEach((span, k) => {
    const sentence = text.slice(span.start, span.end);
    const words = tokenize(sentence);
    const first = words[0];
    if (!first || MARKER_WORDS.has(first.lower)) return;
    const greetings = asks ? GREETINGS : [];
    const options =
      k > 0
        ? LATER_OPENERS
        : isQuestion(sentence) && asks
          ? [...greetings, ...QUESTION_OPENERS]
          : isRequest(sentence)
            ? [...greetings, ...REQUEST_OPENERS]
            : [...greetings, ...STATEMENT_OPENERS];
    const group = `open${k}`;
    if (first.start > 0) {
      // sentence opens with a number, amount or symbol: put the filler in front of it
      for (const f of options) {
        out.push({ start: span.start, end: span.start, replacement: styled(f, allCaps, !lowerStyle), group });
      }
      return;
    }
    const capital = /^[A-Z]/.test(first.text) && !allCaps;
    // the filler takes the capital; the old first word loses it unless it is "I" or a name
    const lowercase = capital && canLowercase(first.text, words[1]?.text);
    for (const f of options) {
      const head = styled(f, allCaps, capital);
      if (lowercase) {
        const end = span.start + first.end;
        out.push({ start: span.start, end, replacement: head + lowerFirst(first.text), group });
      } else out.push({ start: span.start, end: span.start, replacement: head, group });
    }
  });

  const hasPlease = /\bplease\b/i.test(text);
  const hasThanks = /\b(?:thanks|thank you|thx|cheers)\b/i.test(text);
  const last = sentences[sentences.length - 1];
  const lastSentence = text.slice(last.start, last.end);
  const requestAt = sentences.findIndex((s) => isRequest(text.slice(s.start, s.end)));

  if (!hasPlease && requestAt >= 0) {
    const span = sentences[requestAt];
    const sentence = text.slice(span.start, span.end);
    const lead = requestStart(sentence);
    const ask = /^(?:can|could|would|will) you\b/i.exec(sentence.slice(lead));
    const please = allCaps ? 'PLEASE' : 'please';
    if (ask) {
      const at = span.start + lead + ask[0].length;
      if (/^ [a-z]/i.test(text.slice(at)))
        out.push({ start: at, end: at, replacement: ` ${please}`, group: 'please' });
    }
    // ", please" before the end punctuation of a one-clause request only
    const body = sentence.replace(/[.!?]+$/, '');
    if (/[A-Za-z0-9)]$/.test(body) && !body.slice(lead).includes(',')) {
      const at = span.start + body.length;
      out.push({ start: at, end: at, replacement: `, ${please}`, group: 'please' });
    }
  }

  if (!hasThanks && asks) {
    const closers = (
      isQuestion(lastSentence) || requestAt >= 0 ? QUESTION_CLOSERS : STATEMENT_CLOSERS
    ).filter((c) => !(hasPlease && /please/i.test(c)));
    const end = last.end;
    const terminated = /[.!?]$/.test(lastSentence);
    for (const closer of terminated ? closers : UNTERMINATED_CLOSERS) {
      let add = terminated ? ` ${closer}` : closer;
      if (allCaps) add = add.toUpperCase();
      else if (lowerStyle) add = add.replace(/[A-Z]/, (c) => c.toLowerCase());
      out.push({ start: end, end, replacement: add, group: 'close' });
    }
  }
  return out;
}

const filler: PerturbationDefinition = {
  name: 'paraphrase.filler',
  family: 'paraphrase',
  tag: 'natural',
  meaning: { threshold: 0.71 },
  description:
    'Insert chat discourse markers and politeness particles ("Hi, …", "Quick question: …", "can you please …", ' +
    '"…, please?", "… Thanks!") where they fit the sentence type; greetings and thanks only when the text asks ' +
    'someone something (never on a statement of feeling); capitalisation adjusted.',
  severities: {
    1: 'one filler',
    2: 'two fillers at different positions (texts with fewer sites stay unchanged)',
    3: 'three fillers (opening, please, closing and later-sentence openers; texts with fewer sites stay unchanged)',
  },
  apply(text: string, ctx: PerturbationContext): EditProposal[] {
    const chosen = choose(ctx.rng, admissible(text, ctx, fillerSites(text)), ctx.severity);
    // a level needs its number of fillers: fewer would repeat a lower level (the text stays unchanged)
    return chosen.length < ctx.severity ? [] : chosen;
  },
};

export default filler;
