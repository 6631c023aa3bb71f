/**
 * The patterns behind the built-in protection: where a text holds numbers, currency amounts,
 * URLs, e-mails, mentions, hashtags and negations. Each finder returns spans of the text, in
 * order of appearance, and runs its regex only when a cheap character test says it could
 * match, because protection is found for every text on the typo hot path. How the spans are
 * composed and enforced lives in constraints.ts.
 */
import type { Span } from '../../types.ts';
import { isAscii, latinWords } from '../text/index.ts';

// Word edges that understand Unicode letters (JS \b is ASCII-only).
const B = '(?<![\\p{L}\\p{M}\\p{N}_])';
const E = '(?![\\p{L}\\p{M}\\p{N}_])';

const TLDS =
  'com|org|net|edu|gov|io|co|uk|de|fr|es|it|nl|eu|us|ca|au|in|jp|cn|ru|br|info|biz|app|dev|ai|me|ly|tv';

const URL_RE = new RegExp(
  `(?:https?:\\/\\/|ftp:\\/\\/|www\\.)[^\\s<>"'\`]+|${B}(?:[a-z0-9-]+\\.)+(?:${TLDS})${E}(?:\\/[^\\s<>"'\`]*)?`,
  'giu',
);
const EMAIL_RE = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;
const MENTION_RE = /(?<![\p{L}\p{N}_@])@[\p{L}\p{N}_]+/gu;
const HASHTAG_RE = /(?<![\p{L}\p{N}_#&])#[\p{L}\p{N}_]+/gu;

// Shared with the amount detector of the entity family (src/perturb/entity/quantities.ts), which extends them.
export const CURRENCY_SYMBOLS = '$£€¥₹₩₽¢';
export const CURRENCY_CODES =
  'EUR|USD|GBP|JPY|CHF|CAD|AUD|NZD|INR|CNY|SEK|NOK|DKK|PLN|HUF|CZK|RUB|ZAR|MXN|BRL|HKD|SGD';
export const CURRENCY_WORDS = 'dollars?|euros?|pounds?|cents?|pence|bucks|quid|yen|rupees?|francs?';
const AMOUNT = '\\d[\\d,]*(?:\\.\\d+)?(?:\\s?(?:k|m|bn|mn|million|billion|thousand))?';
const CURRENCY_RE = new RegExp(
  [
    `(?:${CURRENCY_CODES}|[A-Z]{0,2}[${CURRENCY_SYMBOLS}])\\s?-?${AMOUNT}`,
    `${AMOUNT}\\s?(?:[${CURRENCY_SYMBOLS}]|${B}(?:${CURRENCY_CODES}|${CURRENCY_WORDS})${E})`,
  ].join('|'),
  'giu',
);

// Numbers with their glued units: 1,000.50  3rd  12/05/2024  2024-05-12  10:30pm  7 am  50%  -4
const NUMBER_RE = new RegExp(
  `(?<![\\p{L}\\p{N}_])[-+−]?\\d+(?:[.,:/\\-]\\d+)*(?:st|nd|rd|th|am|pm|a\\.m\\.|p\\.m\\.|%|k|s)?${E}(?:\\s?(?:am|pm|a\\.m\\.|p\\.m\\.)${E})?|\\d+`,
  'giu',
);

const NEGATION_WORDS =
  'not|no|never|nor|cannot|none|nobody|nothing|neither|without|nowhere|noone|' +
  // apostrophe-less spellings common in chat text
  'dont|doesnt|didnt|isnt|arent|wasnt|werent|cant|couldnt|wont|wouldnt|shouldnt|havent|hasnt|hadnt|mustnt|neednt|aint';
const NEGATION_RE = new RegExp(
  [
    `${B}(?:${NEGATION_WORDS})${E}`,
    // don't, isn't, can't, won't, ain't (straight or curly apostrophe)
    `${B}[\\p{L}]*n['’‘]t${E}`,
    // "don t", "can t": chat text where the apostrophe became a space
    `${B}(?:do|does|did|is|are|was|were|ca|can|could|wo|would|should|have|has|had|must|need|ai)n\\s+t${E}`,
  ].join('|'),
  'giu',
);

const NEGATION_SET = new Set(NEGATION_WORDS.split('|'));
// Stems that take "n't" / "n t": do → don, ca → can, wo → won, ai → ain …
const NT_STEMS = new Set(
  'do|does|did|is|are|was|were|ca|can|could|wo|would|should|have|has|had|must|need|ai'
    .split('|')
    .map((w) => `${w}n`),
);

function isAsciiWordCode(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

function isSpaceCode(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/**
 * NEGATION_RE for ASCII text, as one pass over the words the typo family tokenises anyway
 * (latinWords is memoised): the regex was the single largest cost on the typo hot path.
 */
function collectNegationsAscii(text: string, out: Span[]): void {
  for (const w of latinWords(text)) {
    const len = w.end - w.start;
    if (len > 8) continue; // longer than any negation word or n't stem
    // Most words are lower case already: skip toLowerCase (an allocation) for them.
    let lower = w.text;
    for (let i = 0; i < len; i++) {
      const c = lower.charCodeAt(i);
      if (c >= 65 && c <= 90) {
        lower = lower.toLowerCase();
        break;
      }
    }
    if (NEGATION_SET.has(lower)) {
      out.push({ start: w.start, end: w.end });
      continue;
    }
    if (lower.charCodeAt(len - 1) !== 110 /* n */) continue;
    let i = w.end;
    if (text.charCodeAt(i) === 39 /* ' */) {
      i++;
    } else if (NT_STEMS.has(lower) && isSpaceCode(text.charCodeAt(i))) {
      while (isSpaceCode(text.charCodeAt(i))) i++;
    } else continue;
    if ((text.charCodeAt(i) | 0x20) === 116 /* t */ && !isAsciiWordCode(text.charCodeAt(i + 1))) {
      out.push({ start: w.start, end: i + 1 });
    }
  }
}

const HAS_DIGIT = /\d/;
const URL_HINT = new RegExp(`:\\/\\/|www\\.|\\.(?:${TLDS})(?![a-z0-9])`, 'i');

function collect(re: RegExp, text: string, out: Span[]): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    out.push({ start: m.index, end: m.index + m[0].length });
  }
}

/** URLs often end a sentence: a trailing full stop or bracket is not part of the link. */
function collectUrls(text: string, out: Span[]): void {
  URL_RE.lastIndex = 0;
  for (let m = URL_RE.exec(text); m !== null; m = URL_RE.exec(text)) {
    let end = m.index + m[0].length;
    while (end > m.index && /[.,;:!?)\]}'"]/.test(text[end - 1] ?? '')) end--;
    if (end > m.index) out.push({ start: m.index, end });
  }
}

const NO_SPANS: readonly Span[] = Object.freeze([]);

/** Every non-empty match of the global regex `re` (its lastIndex is reset). */
export function findMatches(re: RegExp, text: string): readonly Span[] {
  const out: Span[] = [];
  collect(re, text, out);
  return out.length === 0 ? NO_SPANS : out;
}

/** Numbers with their glued units, dates and times. */
export function findNumbers(text: string): readonly Span[] {
  return HAS_DIGIT.test(text) ? findMatches(NUMBER_RE, text) : NO_SPANS;
}

/** Currency amounts ("$5", "20 EUR", "£1.5k"). */
export function findAmounts(text: string): readonly Span[] {
  return HAS_DIGIT.test(text) ? findMatches(CURRENCY_RE, text) : NO_SPANS;
}

export function findUrls(text: string): readonly Span[] {
  if (!URL_HINT.test(text)) return NO_SPANS;
  const out: Span[] = [];
  collectUrls(text, out);
  return out;
}

export function findEmails(text: string): readonly Span[] {
  return text.includes('@') ? findMatches(EMAIL_RE, text) : NO_SPANS;
}

export function findMentions(text: string): readonly Span[] {
  return text.includes('@') ? findMatches(MENTION_RE, text) : NO_SPANS;
}

export function findHashtags(text: string): readonly Span[] {
  return text.includes('#') ? findMatches(HASHTAG_RE, text) : NO_SPANS;
}

/** Negation words ("not", "never", "don't", "dont", "can t"); ASCII texts take the fast scan. */
export function findNegations(text: string): readonly Span[] {
  const out: Span[] = [];
  if (isAscii(text)) collectNegationsAscii(text, out);
  else collect(NEGATION_RE, text, out);
  return out.length === 0 ? NO_SPANS : out;
}

/** How many negation words `text` contains ("do not" 1, "don't" 1, "cannot" 1, "no, never" 2). */
export function countNegations(text: string): number {
  const out: Span[] = [];
  collect(NEGATION_RE, text, out);
  return out.length;
}
