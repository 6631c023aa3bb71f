/**
 * paraphrase.punctuation — the punctuation people actually type in chat: final
 * punctuation dropped, added, doubled ("??") or swapped ("." → "!"); the comma
 * after an opening "Hi"/"So"/"Also" added or dropped; commas between clauses
 * dropped or one put before "but"; apostrophes dropped from non-negative
 * contractions and possessives ("I'm" → "Im", "card's" → "cards") or restored
 * ("Im" → "I'm").
 *
 * Apostrophes are never dropped where the result is another word ("we're" →
 * "were", "I'll" → "Ill", "she'd" → "shed"), and negations ("don't") are
 * protected spans, so they keep theirs.
 */

import {
  admissible,
  type Candidate,
  chooseForSeverity,
  isQuestion,
  isRequest,
} from '../../src/perturb/paraphrase.ts';
import { sentenceSpans, tokenize } from '../../src/perturb/text/index.ts';
import type { EditProposal, PerturbationContext, PerturbationDefinition } from '../../src/types.ts';

/** Opening words after which a comma is optional ("Hi, can you" / "Hi can you"). */
const INTRO_WORDS = new Set([
  'hi',
  'hello',
  'hey',
  'also',
  'so',
  'well',
  'ok',
  'okay',
  'yes',
  'yeah',
  'thanks',
  'btw',
]);

/** Final punctuation → what chat writers type instead. */
const FINAL_SWAPS = new Map<string, string[]>(
  Object.entries({
    '.': ['', '!', '...'],
    '?': ['', '??'],
    '!': ['', '.', '!!'],
    '...': ['', '.'],
    '??': ['?', ''],
    '!!': ['!', ''],
    '?!': ['?', ''],
  }),
);

/** Contractions whose apostrophe-less spelling is not another word. */
const DROPPABLE =
  /^(?:i'm|i've|you're|you've|they're|they've|we've|that's|what's|it's|there's|here's|who's|where's|how's|let's|you'll|they'll|that'll|it'll|you'd|they'd)$/;
/** Apostrophe-less spellings to restore, lower case → fixed form. */
const RESTORE = new Map<string, string>(
  Object.entries({
    im: "I'm",
    ive: "I've",
    youre: "you're",
    theyre: "they're",
    thats: "that's",
    whats: "what's",
    theres: "there's",
    wheres: "where's",
    whos: "who's",
  }),
);
const PRONOUN_S = /^(?:it|that|what|there|here|who|where|how|let|he|she)$/;

function finalSites(text: string): Candidate[] {
  const sentences = sentenceSpans(text);
  const last = sentences[sentences.length - 1];
  if (!last) return [];
  const sentence = text.slice(last.start, last.end);
  const run = /[.!?]+$/.exec(sentence)?.[0] ?? '';
  const at = last.end - run.length;
  if (run === '') {
    if (!/[A-Za-z0-9)]$/.test(sentence)) return [];
    // "transfer failed, is something wrong" ends in a question even though it opens as a statement
    const lastClause = sentence.slice(sentence.lastIndexOf(',') + 1);
    const mark = isQuestion(sentence) || isQuestion(lastClause.trim()) ? '?' : '.';
    return [{ start: at, end: at, replacement: mark, group: 'final' }];
  }
  const statement =
    !isQuestion(sentence) && !isQuestion(sentence.slice(sentence.lastIndexOf(',') + 1).trim());
  return (FINAL_SWAPS.get(run) ?? [])
    .filter((r) => statement || !r.includes('!') || isRequest(sentence))
    .map((r) => ({ start: at, end: last.end, replacement: r, group: 'final' }));
}

function commaSites(text: string): Candidate[] {
  const out: Candidate[] = [];
  const tokens = tokenize(text);
  for (const span of sentenceSpans(text)) {
    const first = tokens.find((t) => t.start === span.start);
    if (first && INTRO_WORDS.has(first.lower)) {
      const after = text.slice(first.end, first.end + 2);
      if (/^ [A-Za-z]/.test(after)) out.push({ start: first.end, end: first.end, replacement: ',' });
    }
  }
  // a comma between words can go (chat run-ons); "1,000" has no space and is protected anyway
  for (const m of text.matchAll(/(?<=[A-Za-z)]),(?= +[A-Za-z])/g)) {
    const at = m.index ?? 0;
    out.push({ start: at, end: at + 1, replacement: '' });
  }
  // a comma before "but" joining two clauses
  for (const m of text.matchAll(/(?<=[A-Za-z]) but (?=[A-Za-z])/gi)) {
    const at = m.index ?? 0;
    out.push({ start: at, end: at, replacement: ',' });
  }
  return out;
}

function apostropheSites(text: string): Candidate[] {
  const out: Candidate[] = [];
  for (const t of tokenize(text)) {
    const m = /^([a-z]+)'([a-z]+)$/.exec(t.lower);
    const restored = RESTORE.get(t.lower);
    if (restored) {
      const fixed = t.text === t.text.toUpperCase() ? restored.toUpperCase() : restored;
      // the writer's own first letter: "im" → "i'm", "Thats" → "That's"
      const cased = t.text[0] + fixed.slice(1);
      out.push({
        start: t.start,
        end: t.end,
        replacement: cased.replace(/'/g, text.includes('’') ? '’' : "'"),
      });
    } else if (m && (DROPPABLE.test(t.lower) || (m[2] === 's' && !PRONOUN_S.test(m[1])))) {
      out.push({ start: t.start, end: t.end, replacement: t.text.replace(/['’]/, '') });
    }
  }
  return out;
}

const punctuation: PerturbationDefinition = {
  name: 'paraphrase.punctuation',
  family: 'paraphrase',
  tag: 'natural',
  meaning: { threshold: 0.5 },
  description:
    'Chat-style punctuation: final punctuation dropped, added, doubled or swapped; optional commas added or ' +
    'dropped; apostrophes dropped from contractions and possessives ("I\'m" → "Im") or restored.',
  severities: {
    1: 'one punctuation change',
    2: 'two punctuation changes (texts with fewer sites stay unchanged)',
    3: 'every eligible punctuation change, at least three (texts with fewer stay unchanged)',
  },
  apply(text: string, ctx: PerturbationContext): EditProposal[] {
    const sites = admissible(text, ctx, [...finalSites(text), ...commaSites(text), ...apostropheSites(text)]);
    return chooseForSeverity(ctx.rng, sites, ctx.severity);
  },
};

export default punctuation;
