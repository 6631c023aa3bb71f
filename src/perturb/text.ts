/**
 * Text helpers shared by the engine and the perturbations. Everything works on UTF-16
 * offsets into the original text. ASCII texts (the common case) take a fast path that
 * never builds an Intl.Segmenter result: in ASCII only CR LF forms a multi-unit grapheme.
 */

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

export interface Token {
  text: string;
  start: number;
  end: number;
}

let lastWordsText: string | undefined;
let lastWords: Token[] | undefined;

/**
 * Latin words of `text`: maximal runs of word characters (letters, marks, digits, `_`)
 * made only of single-unit Latin letters, every offset inside on a grapheme boundary.
 * Runs mixing digits, other scripts or combining marks are not words for typo purposes
 * ("abc123", "naïve" spelt with a combining diaeresis, "Москва"), so they stay untouched.
 * Memoised for the last text; callers must not mutate the result.
 */
export function latinWords(text: string): readonly Token[] {
  if (text === lastWordsText && lastWords) return lastWords;
  const out: Token[] = [];
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

/**
 * `word` written in the case shape of `template`: UPPER, Title or lower. A mixed-case
 * template ("iPhone") keeps `word` as given.
 */
export function matchCase(template: string, word: string): string {
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
