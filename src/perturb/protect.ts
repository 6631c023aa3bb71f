/**
 * Spans no perturbation may touch: changing them changes the meaning or the label rather
 * than the surface form (an amount, a date, a link, a negation). Patterns run only when a
 * cheap character test says they could match, because this is on every variant's hot path.
 *
 * Protection is a list of constraints, composed the way TextAttack composes them: span
 * constraints (numbers, amounts, URLs, e-mails, mentions, hashtags, negations, user regexes)
 * whose ranges no edit may touch, and edit constraints (grapheme boundaries) every edit must
 * pass. The built-in ones always apply; callers add theirs through `protect`. Negation spans
 * are the one exception: an edit marked `rewritesNegation` may rewrite them (the engine checks
 * that the negation survives).
 */
import type { EditProposal, Span } from '../types.ts';
import { isAscii, isGraphemeBoundary, latinWords } from './text.ts';

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

const CURRENCY_SYMBOLS = '$£€¥₹₩₽¢';
const CURRENCY_CODES =
  'EUR|USD|GBP|JPY|CHF|CAD|AUD|NZD|INR|CNY|SEK|NOK|DKK|PLN|HUF|CZK|RUB|ZAR|MXN|BRL|HKD|SGD';
const CURRENCY_WORDS = 'dollars?|euros?|pounds?|cents?|pence|bucks|quid|yen|rupees?|francs?';
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

function matches(re: RegExp, text: string): readonly Span[] {
  const out: Span[] = [];
  collect(re, text, out);
  return out.length === 0 ? NO_SPANS : out;
}

// ───────────────────────────── constraints ─────────────────────────────

/**
 * A rule marking ranges of a text that no edit may touch. Constraints compose like
 * TextAttack's: the engine takes the union of every span constraint's ranges.
 */
export interface SpanConstraint {
  readonly name: string;
  /** ranges of `text` no edit may touch, in any order, overlaps allowed */
  spans(text: string): readonly Span[];
  /** the ranges are negations: an edit marked `rewritesNegation` may overlap them if it keeps the negation */
  readonly negation?: boolean;
}

/** A rule each applied edit must satisfy: returns what is wrong with the edit, or undefined. */
export interface EditConstraint {
  readonly name: string;
  check(text: string, edit: EditProposal): string | undefined;
}

export type Constraint = SpanConstraint | EditConstraint;

/**
 * What callers pass as `protect`, on top of the built-in constraints (which always apply):
 * span constraints, or regexes as shorthand for "every match is protected".
 */
export type Protection = SpanConstraint | RegExp;

const globalCache = new WeakMap<RegExp, RegExp>();

function asGlobal(re: RegExp): RegExp {
  if (re.global) return re;
  let g = globalCache.get(re);
  if (!g) {
    g = new RegExp(re.source, `${re.flags}g`);
    globalCache.set(re, g);
  }
  return g;
}

/** A user regex as a span constraint: every match is protected. */
export function regexConstraint(re: RegExp): SpanConstraint {
  const global = asGlobal(re);
  return { name: String(re), spans: (text) => matches(global, text) };
}

/** Numbers with their glued units, dates and times. */
export const numbers: SpanConstraint = {
  name: 'numbers',
  spans: (text) => (HAS_DIGIT.test(text) ? matches(NUMBER_RE, text) : NO_SPANS),
};

/** Currency amounts ("$5", "20 EUR", "£1.5k"). */
export const amounts: SpanConstraint = {
  name: 'amounts',
  spans: (text) => (HAS_DIGIT.test(text) ? matches(CURRENCY_RE, text) : NO_SPANS),
};

export const urls: SpanConstraint = {
  name: 'urls',
  spans: (text) => {
    if (!URL_HINT.test(text)) return NO_SPANS;
    const out: Span[] = [];
    collectUrls(text, out);
    return out;
  },
};

export const emails: SpanConstraint = {
  name: 'emails',
  spans: (text) => (text.includes('@') ? matches(EMAIL_RE, text) : NO_SPANS),
};

export const mentions: SpanConstraint = {
  name: 'mentions',
  spans: (text) => (text.includes('@') ? matches(MENTION_RE, text) : NO_SPANS),
};

export const hashtags: SpanConstraint = {
  name: 'hashtags',
  spans: (text) => (text.includes('#') ? matches(HASHTAG_RE, text) : NO_SPANS),
};

export const negations: SpanConstraint = {
  name: 'negations',
  negation: true,
  spans: (text) => {
    const out: Span[] = [];
    if (isAscii(text)) collectNegationsAscii(text, out);
    else collect(NEGATION_RE, text, out);
    return out.length === 0 ? NO_SPANS : out;
  },
};

/** Edits start and end between user-perceived characters, never inside an emoji or é. */
export const graphemeBoundaries: EditConstraint = {
  name: 'grapheme boundaries',
  check: (text, { start, end }) =>
    isGraphemeBoundary(text, start) && isGraphemeBoundary(text, end)
      ? undefined
      : `[${start}, ${end}) is not on grapheme boundaries`,
};

/** Every variant of every text obeys these, whatever the caller passes as `protect`. */
export const BUILTIN_CONSTRAINTS: readonly Constraint[] = [
  numbers,
  amounts,
  urls,
  emails,
  mentions,
  hashtags,
  negations,
  graphemeBoundaries,
];

/** The built-in constraints plus the caller's, split by kind; compile once per run. */
export interface Constraints {
  readonly spanRules: readonly SpanConstraint[];
  readonly editRules: readonly EditConstraint[];
}

function isSpanConstraint(c: Constraint): c is SpanConstraint {
  return typeof (c as SpanConstraint).spans === 'function';
}

const BUILTIN: Constraints = {
  spanRules: BUILTIN_CONSTRAINTS.filter(isSpanConstraint),
  editRules: BUILTIN_CONSTRAINTS.filter((c): c is EditConstraint => !isSpanConstraint(c)),
};

export function compileConstraints(protect?: readonly Protection[]): Constraints {
  if (!protect || protect.length === 0) return BUILTIN;
  const user = protect.map((p) => (p instanceof RegExp ? regexConstraint(p) : p));
  return { spanRules: [...BUILTIN.spanRules, ...user], editRules: BUILTIN.editRules };
}

/** Sort and merge overlapping or touching spans. */
export function mergeSpans(spans: Span[]): Span[] {
  if (spans.length < 2) return spans;
  spans.sort((a, b) => a.start - b.start || a.end - b.end);
  const out: Span[] = [{ ...spans[0]! }];
  for (let i = 1; i < spans.length; i++) {
    const s = spans[i]!;
    const last = out[out.length - 1]!;
    if (s.start <= last.end) last.end = Math.max(last.end, s.end);
    else out.push({ ...s });
  }
  return out;
}

function collectSpans(
  text: string,
  rules: readonly SpanConstraint[],
  withNegations: boolean,
): { spans: Span[]; negationFound: boolean } {
  const out: Span[] = [];
  let negationFound = false;
  for (const rule of rules) {
    if (rule.negation && !withNegations) continue;
    const found = rule.spans(text);
    if (found.length === 0) continue;
    if (rule.negation) negationFound = true;
    for (const s of found) out.push(s);
  }
  return { spans: mergeSpans(out), negationFound };
}

/**
 * The span constraints evaluated on one text: found once and shared by all its variants.
 * The spans without negations (for `rewritesNegation` edits) are found only when asked.
 */
export class ProtectedText {
  readonly spans: readonly Span[];
  private withoutNegations: readonly Span[] | undefined;

  constructor(
    private readonly text: string,
    private readonly constraints: Constraints,
  ) {
    const { spans, negationFound } = collectSpans(text, constraints.spanRules, true);
    this.spans = spans;
    // Most texts hold no negation: the spans without them are the same spans.
    if (!negationFound) this.withoutNegations = spans;
  }

  /** True when [start, end) overlaps no protected span. */
  isFree(start: number, end: number): boolean {
    return isFreeOf(this.spans, start, end);
  }

  /** True when [start, end) overlaps no protected span other than negations. */
  isFreeExceptNegations(start: number, end: number): boolean {
    this.withoutNegations ??= collectSpans(this.text, this.constraints.spanRules, false).spans;
    return isFreeOf(this.withoutNegations, start, end);
  }

  /** What is wrong with `edit` under the edit constraints (grapheme boundaries …), or undefined. */
  editProblem(edit: EditProposal): string | undefined {
    for (const rule of this.constraints.editRules) {
      const problem = rule.check(this.text, edit);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }
}

/**
 * Character ranges of `text` that must survive every perturbation unchanged: numbers
 * (incl. 1,000.50, 3rd, dates, times), URLs, e-mails, @mentions, #hashtags, currency
 * amounts, negation words, plus whatever `protect` adds. Sorted and merged.
 */
export function findProtectedSpans(
  text: string,
  protect?: readonly Protection[],
  opts: { negations?: boolean } = {},
): Span[] {
  return collectSpans(text, compileConstraints(protect).spanRules, opts.negations !== false).spans;
}

/** How many negation words `text` contains ("do not" 1, "don't" 1, "cannot" 1, "no, never" 2). */
export function countNegations(text: string): number {
  const out: Span[] = [];
  collect(NEGATION_RE, text, out);
  return out.length;
}

/**
 * True when [start, end) overlaps none of the sorted `spans`. An insertion (start = end)
 * is blocked only strictly inside a span: text glued to a span's edge leaves it intact.
 */
export function isFreeOf(spans: readonly Span[], start: number, end: number): boolean {
  for (const s of spans) {
    if (s.start >= end) return true;
    if (start === end ? s.start < start && start < s.end : start < s.end) return false;
  }
  return true;
}
