/**
 * The text kit shared by the engine and every perturbation family: graphemes, scripts,
 * the tokenizer, case matching and sentence starts, one of each. Everything works on UTF-16
 * offsets into the original text. ASCII texts (the common case) take a fast path that
 * never builds an Intl.Segmenter result: in ASCII only CR LF forms a multi-unit grapheme.
 */

import type { Span } from '../types.ts';

const ASCII_ONLY = /^[\x00-\x7f]*$/;

let lastAsciiText: string | undefined;
let lastAscii = false;

/** True when every unit is ASCII (memoised for the last text: the hot path asks repeatedly). */
export function isAscii(text: string): boolean {
  if (text !== lastAsciiText) {
    lastAscii = ASCII_ONLY.test(text);
    lastAsciiText = text;
  }
  return lastAscii;
}

let graphemeSegmenter: Intl.Segmenter | undefined;
let wordSegmenter: Intl.Segmenter | undefined;

function graphemeSeg(): Intl.Segmenter {
  graphemeSegmenter ??= new Intl.Segmenter('en', { granularity: 'grapheme' });
  return graphemeSegmenter;
}

export interface Segment {
  text: string;
  start: number;
  end: number;
}

/** User-perceived characters with their offsets. */
export function graphemes(text: string): Segment[] {
  const out: Segment[] = [];
  for (const { segment, index } of graphemeSeg().segment(text)) {
    out.push({ text: segment, start: index, end: index + segment.length });
  }
  return out;
}

/** Words (Intl word segmentation, `isWordLike` segments only) with their offsets. */
export function wordSegments(text: string, locale = 'en'): Segment[] {
  wordSegmenter ??= new Intl.Segmenter(locale, { granularity: 'word' });
  const seg = locale === 'en' ? wordSegmenter : new Intl.Segmenter(locale, { granularity: 'word' });
  const out: Segment[] = [];
  for (const s of seg.segment(text)) {
    if (s.isWordLike) out.push({ text: s.segment, start: s.index, end: s.index + s.segment.length });
  }
  return out;
}

/**
 * Grapheme boundaries of `text` as a bitmap over offsets 0..length (1 = boundary).
 * The last result is memoised: the engine and a perturbation usually ask about the same text.
 */
let lastBoundaryText: string | undefined;
let lastBoundaries: Uint8Array | undefined;

export function graphemeBoundaries(text: string): Uint8Array {
  if (text === lastBoundaryText && lastBoundaries) return lastBoundaries;
  const marks = new Uint8Array(text.length + 1);
  if (isAscii(text)) {
    marks.fill(1);
    for (let i = text.indexOf('\r\n'); i !== -1; i = text.indexOf('\r\n', i + 1)) marks[i + 1] = 0;
  } else {
    for (const { index } of graphemeSeg().segment(text)) marks[index] = 1;
    marks[text.length] = 1;
  }
  lastBoundaryText = text;
  lastBoundaries = marks;
  return marks;
}

export function isGraphemeBoundary(text: string, offset: number): boolean {
  if (!(offset >= 0 && offset <= text.length) || !Number.isInteger(offset)) return false;
  if (isAscii(text)) return !(text.charCodeAt(offset - 1) === 13 && text.charCodeAt(offset) === 10);
  return graphemeBoundaries(text)[offset] === 1;
}

// ───────────────────────────── letters and scripts ─────────────────────────────

export function isAsciiLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/**
 * Latin letters encoded as one UTF-16 unit: ASCII, Latin-1 Supplement, Latin Extended-A/B
 * (minus the × and ÷ signs). Combining marks are excluded on purpose: a word that carries
 * one is left alone so edits never split a grapheme.
 */
export function isLatinLetter(code: number): boolean {
  if (code < 128) return isAsciiLetter(code);
  return code >= 0xc0 && code <= 0x24f && code !== 0xd7 && code !== 0xf7;
}

const WORD_CHAR = /^[\p{L}\p{M}\p{N}_\u200c\u200d]$/u;

/** Length (1 or 2 units) of the code point at `i` when it is a word character, else 0. */
function wordCharLength(text: string, i: number): number {
  const cp = text.codePointAt(i) ?? 0;
  const len = cp > 0xffff ? 2 : 1;
  return WORD_CHAR.test(text.slice(i, i + len)) ? len : 0;
}

export type Script = 'latin' | 'cjk' | 'rtl' | 'other' | 'none';

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const RTL = /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}]/u;
const LETTER = /\p{L}/u;

/** The script of a single character (code point). */
export function scriptOf(char: string): Script {
  const code = char.charCodeAt(0);
  if (isLatinLetter(code) || /\p{Script=Latin}/u.test(char)) return 'latin';
  if (CJK.test(char)) return 'cjk';
  if (RTL.test(char)) return 'rtl';
  return LETTER.test(char) ? 'other' : 'none';
}

/** The script most letters of `text` belong to ('none' when it has no letters). */
export function dominantScript(text: string): Script {
  if (isAscii(text)) return /[A-Za-z]/.test(text) ? 'latin' : 'none';
  const counts: Record<Script, number> = { latin: 0, cjk: 0, rtl: 0, other: 0, none: 0 };
  for (const ch of text) counts[scriptOf(ch)]++;
  let best: Script = 'none';
  for (const s of ['latin', 'cjk', 'rtl', 'other'] as const)
    if (counts[s] > counts[best] || (best === 'none' && counts[s] > 0)) best = s;
  return best;
}

// ───────────────────────────── words ─────────────────────────────

/** A token of `tokenize`. */
export interface Token extends Segment {
  /** lower case, curly apostrophes straightened: what rules match on */
  lower: string;
  /** letters (a word) rather than a number or a punctuation mark */
  word: boolean;
}

export interface TokenizeOptions {
  /** numbers ("1,000.50") and single punctuation marks become tokens too (`word: false`) */
  all?: boolean;
  /** hyphens join letters like inner apostrophes do ("e-mail", "don't") */
  hyphens?: boolean;
  /** combining marks stand alone instead of belonging to their word ("café" spelt with U+0301) */
  splitMarks?: boolean;
}

const TOKEN_RES = new Map<string, { unicode: RegExp; ascii: RegExp }>();

/** The token pattern for `opts`, in a Unicode and a faster ASCII-only form (same tokens on ASCII text). */
function tokenRes(opts: TokenizeOptions): { unicode: RegExp; ascii: RegExp } {
  const key = `${opts.all ? 1 : 0}${opts.hyphens ? 1 : 0}${opts.splitMarks ? 1 : 0}`;
  let res = TOKEN_RES.get(key);
  if (!res) {
    const letter = opts.splitMarks ? '\\p{L}' : '[\\p{L}\\p{M}]';
    const join = opts.hyphens ? "['’-]" : "['’]";
    const asciiJoin = opts.hyphens ? "['-]" : "[']";
    const rest = opts.all ? ['\\p{N}+(?:[.,:]\\p{N}+)*', '\\S'] : [];
    const asciiRest = opts.all ? ['[0-9]+(?:[.,:][0-9]+)*', '\\S'] : [];
    res = {
      unicode: new RegExp([`${letter}+(?:${join}${letter}+)*`, ...rest].join('|'), 'gu'),
      ascii: new RegExp([`[A-Za-z]+(?:${asciiJoin}[A-Za-z]+)*`, ...asciiRest].join('|'), 'g'),
    };
    TOKEN_RES.set(key, res);
  }
  return res;
}

/**
 * Words of `text` with their offsets: letters with inner apostrophes kept together ("don't",
 * "I'm", "customer's"), letters and combining marks of any script ("café", "Москва"). The
 * options add numbers and punctuation (the POS tagger wants every token), join hyphenated
 * words and split off combining marks.
 */
export function tokenize(text: string, opts: TokenizeOptions = {}): Token[] {
  const out: Token[] = [];
  const ascii = isAscii(text);
  const res = tokenRes(opts);
  const re = ascii ? res.ascii : res.unicode;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const t = m[0];
    const start = m.index;
    const lower = t.toLowerCase();
    out.push({
      text: t,
      lower: ascii || !lower.includes('’') ? lower : lower.replace(/’/g, "'"),
      start,
      end: start + t.length,
      word: !opts.all || (ascii ? isAsciiLetter(t.charCodeAt(0)) : /^\p{L}/u.test(t)),
    });
  }
  return out;
}

let lastWordsText: string | undefined;
let lastWords: Segment[] | undefined;

/**
 * The words a character-level edit may change (typo family, negation scan): maximal runs of
 * word characters (letters, marks, digits, `_`) made only of single-unit Latin letters, every
 * offset inside on a grapheme boundary. Not a tokenizer (`tokenize` is): runs mixing digits,
 * other scripts or combining marks ("abc123", "naïve" spelt with a combining diaeresis,
 * "Москва") are dropped whole rather than split, so they stay untouched. On the typo hot
 * path, so memoised for the last text; callers must not mutate the result.
 */
export function latinWords(text: string): readonly Segment[] {
  if (text === lastWordsText && lastWords) return lastWords;
  const out: Segment[] = [];
  const n = text.length;
  if (isAscii(text)) {
    let i = 0;
    while (i < n) {
      let code = text.charCodeAt(i);
      if (!(isAsciiLetter(code) || (code >= 48 && code <= 57) || code === 95)) {
        i++;
        continue;
      }
      const start = i;
      let allLetters = true;
      while (i < n) {
        code = text.charCodeAt(i);
        if (isAsciiLetter(code)) i++;
        else if ((code >= 48 && code <= 57) || code === 95) {
          allLetters = false;
          i++;
        } else break;
      }
      if (allLetters) out.push({ text: text.slice(start, i), start, end: i });
    }
  } else {
    const bounds = graphemeBoundaries(text);
    let i = 0;
    while (i < n) {
      let len = wordCharLength(text, i);
      if (len === 0) {
        i++;
        continue;
      }
      const start = i;
      let ok = true;
      while (len > 0) {
        if (len === 2 || !isLatinLetter(text.charCodeAt(i))) ok = false;
        i += len;
        len = i < n ? wordCharLength(text, i) : 0;
      }
      for (let j = start; ok && j <= i; j++) if (bounds[j] !== 1) ok = false;
      if (ok) out.push({ text: text.slice(start, i), start, end: i });
    }
  }
  lastWordsText = text;
  lastWords = out;
  return out;
}

// ───────────────────────────── case ─────────────────────────────

export type CaseShape = 'lower' | 'upper' | 'title' | 'mixed';

export function caseShape(word: string): CaseShape {
  const lower = word.toLowerCase();
  const upper = word.toUpperCase();
  if (word === lower) return 'lower';
  if (word === upper) return lower === upper ? 'lower' : word.length === 1 ? 'title' : 'upper';
  const first = word.slice(0, 1);
  if (first === first.toUpperCase() && word.slice(1) === word.slice(1).toLowerCase()) return 'title';
  return 'mixed';
}

/** Two or more ASCII capitals and no lower case letter ("PIN", "ATM CARD"; not "I" or "A"). */
export function isAllCaps(s: string): boolean {
  return /[A-Z]/.test(s) && s === s.toUpperCase() && /[A-Z].*[A-Z]/.test(s);
}

export function upperFirst(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/**
 * `word` written in the case of `template`. By default the whole shape: UPPER, Title or
 * lower (a mixed-case template such as "iPhone" keeps `word` as given). With
 * `{ initialOnly: true }`, for phrases: only the first letter follows the template, the
 * rest stays as written ("Do not" → "Don't", "i" inside stays), unless the template is
 * ALL CAPS, which upper-cases it all.
 */
export function matchCase(template: string, word: string, opts: { initialOnly?: boolean } = {}): string {
  if (opts.initialOnly) {
    if (isAllCaps(template)) return word.toUpperCase();
    if (/^[A-Z]/.test(template)) return upperFirst(word);
    if (/^[a-z]/.test(template)) return lowerFirst(word);
    return word;
  }
  switch (caseShape(template)) {
    case 'lower':
      return word.toLowerCase();
    case 'upper':
      return word.toUpperCase();
    case 'title':
      return word.slice(0, 1).toUpperCase() + word.slice(1).toLowerCase();
    default:
      return word;
  }
}

/** `char` in the case of `template` (one letter each). */
export function matchCharCase(template: string, char: string): string {
  return template !== template.toLowerCase() ? char.toUpperCase() : char.toLowerCase();
}

// ───────────────────────────── sentences ─────────────────────────────

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
  /**
   * clause starts count too: after a comma, semicolon or colon, a greeting ("Hi I need") or a
   * conjunction ("and I need"); not mid-clause, where "I need" is a relative ("the code I
   * need") or an inverted subject ("what do I need")
   */
  clauses?: boolean;
}

/**
 * Does a sentence start at `offset` (the start of a word)? At the start of the text or after
 * . ! ? — and, as `opts` ask, after a line break or at a clause start.
 */
export function isSentenceStart(text: string, offset: number, opts: SentenceStartOptions = {}): boolean {
  let end = offset; // end of the text before `offset`, trailing whitespace dropped
  while (end > 0 && /\s/.test(text[end - 1]!)) end--;
  if (end === 0) return true;
  const last = text[end - 1]!;
  if (last === '.' || last === '!' || last === '?') return true;
  if (opts.lineBreaks && text.slice(end, offset).includes('\n')) return true;
  if (!opts.clauses) return false;
  if (last === ',' || last === ';' || last === ':') return true;
  if (GREETING_ONLY.test(text.slice(0, end))) return true;
  let wordStart = end;
  while (wordStart > 0 && isAsciiLetter(text.charCodeAt(wordStart - 1))) wordStart--;
  return wordStart < end && CLAUSE_OPENERS.has(text.slice(wordStart, end).toLowerCase());
}

/**
 * The smallest replacement turning `before` into `after`, as offsets relative to `before`
 * (common prefix and suffix trimmed). Returns null when they are equal.
 */
export function minimalDiff(
  before: string,
  after: string,
): { start: number; end: number; replacement: string } | null {
  if (before === after) return null;
  let p = 0;
  const max = Math.min(before.length, after.length);
  while (p < max && before.charCodeAt(p) === after.charCodeAt(p)) p++;
  let s = 0;
  while (s < max - p && before.charCodeAt(before.length - 1 - s) === after.charCodeAt(after.length - 1 - s))
    s++;
  return { start: p, end: before.length - s, replacement: after.slice(p, after.length - s) };
}
