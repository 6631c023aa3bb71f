/**
 * Sentences of the text kit: sentence spans and the one sentence-start check, which decides
 * whether a capital is grammatical (keep it, or capitalise a moved word) or a name.
 */
import type { Span } from '../../types.ts';
import { isAsciiLetter } from './scripts.ts';

/** Sentences as spans without surrounding whitespace (end punctuation included). */
export function sentenceSpans(text: string): Span[] {
  const out: Span[] = [];
  let start = 0;
  // a terminator needs whitespace after it, so "3.5" or "example.com" do not split
  for (const m of text.matchAll(/[.!?]+(?=\s|$)/g)) {
    const end = (m.index ?? 0) + m[0].length;
    pushTrimmed(text, start, end, out);
    start = end;
  }
  pushTrimmed(text, start, text.length, out);
  return out;
}

function pushTrimmed(text: string, start: number, end: number, out: Span[]): void {
  while (start < end && /\s/.test(text[start]!)) start++;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  if (end > start) out.push({ start, end });
}

/** Words after which a new clause can begin ("…, and I need", "… but we want"). */
const CLAUSE_OPENERS = new Set(['and', 'but', 'so', 'also', 'because', 'then', 'now', 'plus']);
const GREETING_ONLY = /^(?:hi|hello|hey)(?: there)?$/i;

export interface SentenceStartOptions {
  /** a line break starts a sentence too (chat text often has no full stops) */
  lineBreaks?: boolean;
  /** a colon ends a sentence too ("Note: Colour…") */
  colon?: boolean;
  /**
   * characters skipped, like whitespace, between the sentence end and the word: opening
   * quotes and brackets ('He said. "Colour…', "(Please …")
   */
  skipOpeners?: string;
  /**
   * clause starts count too: after a comma, semicolon or colon, a greeting ("Hi I need") or a
   * conjunction ("and I need"); not mid-clause, where "I need" is a relative ("the code I
   * need") or an inverted subject ("what do I need")
   */
  clauses?: boolean;
}

/**
 * Does a sentence start at `offset` (the start of a word)? At the start of the text or after
 * . ! ? — and, as `opts` ask, after a colon, after a line break or at a clause start, with
 * opening quotes or brackets in between.
 */
export function isSentenceStart(text: string, offset: number, opts: SentenceStartOptions = {}): boolean {
  let end = offset; // end of the text before `offset`, trailing whitespace (and openers) dropped
  while (end > 0 && (/\s/.test(text[end - 1]!) || opts.skipOpeners?.includes(text[end - 1]!))) end--;
  if (end === 0) return true;
  const last = text[end - 1]!;
  if (last === '.' || last === '!' || last === '?' || (opts.colon && last === ':')) return true;
  if (opts.lineBreaks && text.slice(end, offset).includes('\n')) return true;
  if (!opts.clauses) return false;
  if (last === ',' || last === ';' || last === ':') return true;
  if (GREETING_ONLY.test(text.slice(0, end))) return true;
  let wordStart = end;
  while (wordStart > 0 && isAsciiLetter(text.charCodeAt(wordStart - 1))) wordStart--;
  return wordStart < end && CLAUSE_OPENERS.has(text.slice(wordStart, end).toLowerCase());
}
