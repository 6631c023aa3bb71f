/**
 * Words of the text kit: the one tokenizer (`tokenize`, for rules that match words), the
 * words a character-level edit may change (`latinWords`, the typo hot path) and whether a
 * word stands on its own (`standalone`). Offsets are UTF-16 offsets into the original text;
 * ASCII texts take a faster pattern that yields the same tokens.
 */
import { graphemeBoundaries, isAscii, type Segment } from './graphemes.ts';
import { isAsciiLetter, isLatinLetter } from './scripts.ts';

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

const WORD_CHAR = /^[\p{L}\p{M}\p{N}_\u200c\u200d]$/u;

/** Length (1 or 2 units) of the code point at `i` when it is a word character, else 0. */
function wordCharLength(text: string, i: number): number {
  const cp = text.codePointAt(i) ?? 0;
  const len = cp > 0xffff ? 2 : 1;
  return WORD_CHAR.test(text.slice(i, i + len)) ? len : 0;
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

export interface StandaloneOptions {
  /**
   * a letter, mark, digit, apostrophe or hyphen right before or after also makes the word part
   * of a longer one ("in-app", "you'd", "u2"): for callers whose words may sit inside a token
   */
  glued?: boolean;
}

// Characters that make a word part of a path, handle or identifier ("a/colour", "@ok", "colour_2").
const ATTACHED_BEFORE = /[/\\@#_&]/;
const ATTACHED_AFTER = /[/\\_&]/;
const GLUED_BEFORE = /[\p{L}\p{M}\p{N}_/\\@#&'’-]/u;
const GLUED_AFTER = /[\p{L}\p{M}\p{N}_/\\&'’-]/u;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/**
 * Is [start, end) a plain word, not part of a file name, path, handle, identifier or dotted
 * name ("colour.png", "a/colour", "@ok", "U.S.")? `opts.glued` rejects glued word characters too.
 */
export function standalone(text: string, start: number, end: number, opts: StandaloneOptions = {}): boolean {
  const prev = text[start - 1] ?? ' ';
  const next = text[end] ?? ' ';
  const before = opts.glued ? GLUED_BEFORE : ATTACHED_BEFORE;
  const after = opts.glued ? GLUED_AFTER : ATTACHED_AFTER;
  if (before.test(prev) || after.test(next)) return false;
  if (prev === '.' && LETTER_OR_DIGIT.test(text[start - 2] ?? '')) return false;
  return !(next === '.' && LETTER_OR_DIGIT.test(text[end + 1] ?? ''));
}
