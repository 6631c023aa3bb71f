/**
 * paraphrase.politeness — swap one request framing for an equivalent one:
 * "Can you …" ↔ "Could you …" ↔ "Would you be able to …", "Can I …" ↔ "Is it
 * possible to …", "How do I …" ↔ "How can I …", "I want to …" ↔ "I'd like to …",
 * "I wanted to …" ↔ "I was hoping to …", and imperatives "Cancel my card." ↔
 * "Please cancel my card." ↔ "Can you cancel my card?".
 *
 * Every framing in a table takes the same continuation (a bare verb phrase, or a
 * noun phrase for "I want" / "I'd like"), so any swap stays grammatical. Framings
 * are listed from plainest to most formal; severity 1 moves one step, higher
 * severities jump further and rewrite more sites. An imperative becomes a
 * question only when it is a single clause, and its end punctuation follows.
 */

import {
  admissible,
  apostropheOf,
  type Candidate,
  choose,
  GREETING_RE,
  IMPERATIVE_VERBS,
  isQuestion,
} from '../../src/perturb/paraphrase.ts';
import {
  isAllCaps,
  isSentenceStart,
  lowerFirst,
  matchCase,
  sentenceSpans,
  tokenize,
} from '../../src/perturb/text/index.ts';
import type { EditProposal, PerturbationContext, PerturbationDefinition, Severity } from '../../src/types.ts';

interface FramingTable {
  framings: string[];
  /** 'start': only opening a sentence (after a greeting); 'clause': also after a comma or conjunction */
  at: 'start' | 'clause';
  /** the word right after the framing must satisfy this */
  next?: (word: string) => boolean;
  /** framings that need a narrower continuation, with their test */
  narrow?: Record<string, (word: string) => boolean>;
}

/** Verbs after which "What's the way to …" reads naturally (actions, not "know"). */
const ACTION_VERBS = new Set([
  'reset',
  'change',
  'cancel',
  'close',
  'get',
  'order',
  'add',
  'activate',
  'transfer',
  'send',
  'top',
  'pay',
  'use',
  'set',
  'verify',
  'update',
  'unlock',
  'unblock',
  'freeze',
  'report',
  'dispute',
  'link',
  'open',
  'withdraw',
  'request',
  'apply',
  'check',
  'find',
  'block',
  'replace',
  'contact',
  'receive',
  'exchange',
  'increase',
  'remove',
]);
const NOUN_PHRASE_STARTS = new Set([
  'a',
  'an',
  'the',
  'my',
  'some',
  'another',
  'more',
  'this',
  'that',
  'these',
  'those',
  'it',
  'them',
  'all',
  'your',
  'our',
  'one',
]);
/** Objects that show a sentence-initial verb is an imperative ("Cancel my card"). */
const OBJECT_STARTS = new Set([...NOUN_PHRASE_STARTS, 'me', 'us', 'up', 'out', 'back', 'off']);

const TABLES: FramingTable[] = [
  { framings: ['can you', 'could you', 'would you be able to'], at: 'start' },
  { framings: ['can I', 'could I', 'am I able to', 'is it possible to'], at: 'start' },
  // no "how should I …": "How should I know?" means "I can't know"
  {
    framings: ['how do I', 'how can I', "what's the way to"],
    at: 'start',
    narrow: { "what's the way to": (w) => ACTION_VERBS.has(w) },
  },
  { framings: ['where do I', 'where can I'], at: 'start' },
  { framings: ['I want to', "I'd like to", 'I would like to', 'I need to'], at: 'clause' },
  { framings: ['I want', "I'd like", 'I would like'], at: 'clause', next: (w) => NOUN_PHRASE_STARTS.has(w) },
  { framings: ['I wanted to', 'I was hoping to', 'I was wondering if I could'], at: 'clause' },
];

function framingRegex(phrase: string): RegExp {
  const source = phrase
    .split(' ')
    .map((w) => w.replace(/'/g, "['’]"))
    .join(' +');
  return new RegExp(`${source}(?= +([A-Za-z]+))`, 'iy');
}
const COMPILED = TABLES.map((t) => ({ ...t, res: t.framings.map(framingRegex) }));

/** Where sentence-opening framings may start: each sentence start, and after a greeting. */
function sentenceStarts(text: string): number[] {
  const out: number[] = [];
  for (const s of sentenceSpans(text)) {
    out.push(s.start);
    const greeting = GREETING_RE.exec(text.slice(s.start, s.end));
    if (greeting) out.push(s.start + greeting[0].length);
  }
  return out;
}

/** Where subject-first framings ("I want to") may start: clause starts only. */
function clauseStarts(text: string): number[] {
  return tokenize(text)
    .map((t) => t.start)
    .filter((start) => isSentenceStart(text, start, { clauses: true }));
}

/** A writer who types "can i" gets "could i", not "could I". */
function chatI(text: string, replacement: string): string {
  const lowerI =
    /(?:^|[^A-Za-z])i(?=[^A-Za-z]|$)/.test(text) && !/(?:^|[^A-Za-z])I(?=[^A-Za-z]|$)/.test(text);
  return lowerI ? replacement.replace(/\bI\b/g, 'i') : replacement;
}

interface Site extends Candidate {
  /** how far the new framing is from the old one in its table (1 = neighbour) */
  distance: number;
}

function tableSites(text: string): Site[] {
  const out: Site[] = [];
  const apostrophe = apostropheOf(text);
  const starts = sentenceStarts(text);
  const clauses = clauseStarts(text);
  for (const table of COMPILED) {
    for (const pos of table.at === 'start' ? starts : clauses) {
      table.res.forEach((re, i) => {
        re.lastIndex = pos;
        const m = re.exec(text);
        if (!m) return;
        const next = m[1].toLowerCase();
        if (table.next && !table.next(next)) return;
        table.framings.forEach((framing, j) => {
          if (j === i) return;
          const narrow = table.narrow?.[framing];
          if (narrow && !narrow(next)) return;
          out.push({
            start: pos,
            end: pos + m[0].length,
            replacement: chatI(text, matchCase(m[0], framing, { initialOnly: true })).replace(
              /'/g,
              apostrophe,
            ),
            group: `at${pos}`,
            distance: Math.abs(i - j),
          });
        });
      });
    }
  }
  return out;
}

/** "Cancel my card." → "Please cancel my card." / "Can you cancel my card?" and back. */
function imperativeSites(text: string): Site[] {
  const out: Site[] = [];
  const allCaps = isAllCaps(text);
  for (const span of sentenceSpans(text)) {
    const sentence = text.slice(span.start, span.end);
    if (isQuestion(sentence)) continue;
    const lead = GREETING_RE.exec(sentence)?.[0].length ?? 0;
    const tokens = tokenize(sentence.slice(lead));
    let [verb, object] = tokens;
    if (verb?.start !== 0) continue;
    const please = verb.lower === 'please';
    if (please) [, verb, object] = tokens;
    if (!verb || !object || !IMPERATIVE_VERBS.has(verb.lower) || !OBJECT_STARTS.has(object.lower)) continue;

    const start = span.start + lead;
    const verbEnd = start + verb.end;
    const verbText = verb.text;
    const style = (s: string) =>
      allCaps ? s.toUpperCase() : matchCase(please ? tokens[0].text : verbText, s, { initialOnly: true });
    const lowVerb = allCaps ? verbText : lowerFirst(verbText);
    const group = `imp${start}`;
    // a question needs one clause: "Cancel my card, it was stolen" stays a statement
    const rest = sentence.slice(lead + verb.end);
    const oneClause = !/[,;:]/.test(rest);
    const end = /[.!]+$/.exec(sentence);
    const question: EditProposal[] | null = !oneClause
      ? null
      : end
        ? [{ start: span.start + end.index, end: span.end, replacement: '?' }]
        : /[A-Za-z0-9)]$/.test(sentence)
          ? [{ start: span.end, end: span.end, replacement: '?' }]
          : null;

    if (!please) {
      out.push({ start, end: verbEnd, replacement: `${style('please')} ${lowVerb}`, group, distance: 1 });
      if (question) {
        out.push({
          start,
          end: verbEnd,
          replacement: `${style('can you')} ${lowVerb}`,
          group,
          distance: 2,
          also: question,
        });
        out.push({
          start,
          end: verbEnd,
          replacement: `${style('could you please')} ${lowVerb}`,
          group,
          distance: 3,
          also: question,
        });
      }
    } else {
      out.push({ start, end: verbEnd, replacement: style(verbText.toLowerCase()), group, distance: 1 });
      if (question) {
        const pleaseText = sentence.slice(lead, lead + tokens[0].end);
        out.push({
          start,
          end: start + tokens[0].end,
          replacement: `${style('can you')} ${allCaps ? pleaseText : pleaseText.toLowerCase()}`,
          group,
          distance: 2,
          also: question,
        });
        out.push({
          start,
          end: start + tokens[0].end,
          replacement: style('could you'),
          group,
          distance: 2,
          also: question,
        });
      }
    }
  }
  return out;
}

function maxDistance(severity: Severity): number {
  return severity === 1 ? 1 : severity === 2 ? 2 : Number.POSITIVE_INFINITY;
}

const politeness: PerturbationDefinition = {
  name: 'paraphrase.politeness',
  family: 'paraphrase',
  tag: 'natural',
  meaning: { threshold: 0.5 },
  description:
    'Swap a request framing for an equivalent one (Can you ↔ Could you ↔ Would you be able to, How do I ↔ ' +
    "How can I, I want to ↔ I'd like to, imperative ↔ Please … ↔ Can you …?), grammatical by construction.",
  // One level: texts with a second framing are rare (2 % of banking queries), so more sites cannot
  // make a higher level; how far a swap jumps is not a level (a farther swap is no bigger an edit).
  severities: {
    1: 'one framing swapped for its nearest neighbour (Can ↔ Could, want ↔ would like, X ↔ Please X)',
  },
  apply(text: string, ctx: PerturbationContext): EditProposal[] {
    const limit = maxDistance(ctx.severity);
    let sites = admissible(text, ctx, [...tableSites(text), ...imperativeSites(text)]);
    // a site whose table has no alternative that close still gets its nearest one
    const nearest = new Map<string, number>();
    for (const s of sites) nearest.set(s.group!, Math.min(nearest.get(s.group!) ?? Infinity, s.distance));
    sites = sites.filter((s) => s.distance <= Math.max(limit, nearest.get(s.group!)!));
    return choose(ctx.rng, sites, 1);
  },
};

export default politeness;
