/**
 * New figures in the format of old ones, for entity.number and entity.amount: the same number of
 * integer digits (so the same order of magnitude) and, where those allow it, within a factor of two of
 * the old value ("18" → 10–36, not 93), thousands separators where the old one had them,
 * the same decimals, a leading zero kept ("0932" → "0571": a card ending keeps its four digits), as
 * many trailing zeros (a round "500" stays round: "300"), price endings kept (".99"), and never the same
 * value. Spelled-out numbers stay spelled out in the same shape ("three" → "seven", "twenty" → "forty",
 * "twenty-five" → "sixty-two", "two hundred" → "five hundred"). Single digits never become 1, so a
 * plural noun after them stays right ("3 days" → "7 days", never "1 days").
 */
import type { Rng } from '../../types.ts';

const FIGURE_RE = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$/;

/** Is `s` a figure this module can rewrite ("1,200.50", "0932", "7")? */
export function isFigure(s: string): boolean {
  return FIGURE_RE.test(s);
}

/** Value of a figure ("1,200.50" → 1200.5). */
export function figureValue(s: string): number {
  return Number(s.replace(/,/g, ''));
}

const digit = (rng: Rng, from = 0): string => String(from + rng.int(10 - from));

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A new string of integer digits shaped like `digits`. */
function newDigits(digits: string, rng: Rng): string {
  const n = digits.length;
  if (n === 1) {
    // 2–9: never 1 (a plural noun may follow), never the same
    const choices = [2, 3, 4, 5, 6, 7, 8, 9].filter((d) => String(d) !== digits);
    return String(rng.pick(choices));
  }
  if (digits.startsWith('0')) {
    // a code with a leading zero keeps it; the rest is any digits
    let out = '0';
    for (let i = 1; i < n; i++) out += digit(rng);
    return out;
  }
  const zeros = /0*$/.exec(digits)![0].length;
  let out = digit(rng, 1);
  for (let i = 1; i < n - zeros; i++) out += digit(rng);
  return out + '0'.repeat(zeros);
}

/** New decimals shaped like `decimals`: all zeros stay zeros, price endings stay, trailing zeros stay. */
function newDecimals(decimals: string, rng: Rng): string {
  if (/^0+$/.test(decimals) || ['99', '95', '49', '50', '5'].includes(decimals)) return decimals;
  const zeros = /0*$/.exec(decimals)![0].length;
  let out = '';
  for (let i = 0; i < decimals.length - zeros; i++) {
    // the last significant digit stays non-zero, so "40" stays two significant places, not "00"
    out += i === decimals.length - zeros - 1 ? digit(rng, 1) : digit(rng);
  }
  return out + '0'.repeat(zeros);
}

/** A different figure in the format of `figure` (see the module comment); `figure` must pass isFigure. */
export function newFigure(figure: string, rng: Rng): string {
  const m = FIGURE_RE.exec(figure);
  if (!m) throw new Error(`not a figure: ${figure}`);
  const grouped = m[1]!.includes(',');
  const digits = m[1]!.replace(/,/g, '');
  const decimals = m[2];
  const old = Number(digits);
  // within a factor of two where the digits allow it ("40 minutes" → 20–80, "$2,310" → $1,160–4,620)
  const near = (int: string): boolean =>
    digits.startsWith('0') || old === 0 || (Number(int) >= old / 2 && Number(int) <= old * 2);
  for (let attempt = 0; attempt < 40; attempt++) {
    const int = newDigits(digits, rng);
    if (attempt < 30 && !near(int)) continue;
    const frac = decimals === undefined ? undefined : newDecimals(decimals, rng);
    const out = (grouped ? groupThousands(int) : int) + (frac === undefined ? '' : `.${frac}`);
    if (out !== figure) return out;
  }
  // every draw repeated the value (a one-in-many event for 2+ free digits): change the first free digit
  const i = digits.startsWith('0') ? digits.length - 1 : 0;
  const bumped = digits.slice(0, i) + String(((Number(digits[i]) % 9) + 1) % 10) + digits.slice(i + 1);
  const out = grouped ? groupThousands(bumped) : bumped;
  return decimals === undefined ? out : `${out}.${decimals}`;
}

// ───────────────────────────── spelled-out numbers ─────────────────────────────

const UNITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const TEENS = [
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const SCALES: readonly [string, number][] = [
  ['billion', 1e9],
  ['million', 1e6],
  ['thousand', 1e3],
];

/** How a spelled-out number is written: "twenty-five" or "twenty five"; "two hundred and fifty" or without "and". */
export interface SpelledStyle {
  hyphen: boolean;
  and: boolean;
}

/** The value and style of a spelled-out cardinal ("two hundred and fifty" → 250), or null. */
export function parseSpelled(text: string): { value: number; style: SpelledStyle } | null {
  const words = text.toLowerCase().split(/[-\s]+/);
  let total = 0;
  let current = 0;
  for (const w of words) {
    if (w === 'and') continue;
    const unit = UNITS.indexOf(w);
    const teen = TEENS.indexOf(w);
    const tens = TENS.indexOf(w);
    if (unit > 0) current += unit;
    else if (teen >= 0) current += 10 + teen;
    else if (tens >= 2) current += tens * 10;
    else if (w === 'hundred') current = (current || 1) * 100;
    else {
      const scale = SCALES.find(([name]) => name === w);
      if (!scale) return null;
      total += (current || 1) * scale[1];
      current = 0;
    }
  }
  const value = total + current;
  if (value === 0) return null;
  return {
    value,
    style: { hyphen: /[a-z]-[a-z]/i.test(text) || !/\s/.test(text.trim()), and: /\sand\s/i.test(text) },
  };
}

function below100(n: number, style: SpelledStyle): string {
  if (n < 10) return UNITS[n]!;
  if (n < 20) return TEENS[n - 10]!;
  const unit = n % 10;
  return unit === 0
    ? TENS[Math.floor(n / 10)]!
    : `${TENS[Math.floor(n / 10)]}${style.hyphen ? '-' : ' '}${UNITS[unit]}`;
}

function below1000(n: number, style: SpelledStyle): string {
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  const parts: string[] = [];
  if (hundreds > 0) parts.push(`${UNITS[hundreds]} hundred`);
  if (rest > 0) parts.push(`${hundreds > 0 && style.and ? 'and ' : ''}${below100(rest, style)}`);
  return parts.join(' ');
}

/** `n` (1 ≤ n < 10^12) in words, in `style`, lower case. */
export function spellNumber(n: number, style: SpelledStyle): string {
  const parts: string[] = [];
  let rest = n;
  for (const [name, size] of SCALES) {
    if (rest >= size) {
      parts.push(`${below1000(Math.floor(rest / size), style)} ${name}`);
      rest %= size;
    }
  }
  if (rest > 0) parts.push(below1000(rest, style));
  return parts.join(' ');
}

/**
 * A different value of the same shape as `value`: 2–9 for a digit, a teen for a teen, a round ten for
 * a round ten, 21–99 for a compound below a hundred, the same count of significant digits above.
 */
export function newSpelledValue(value: number, rng: Rng): number {
  const pickOther = (choices: number[]): number => rng.pick(choices.filter((c) => c !== value));
  const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);
  if (value < 10) return pickOther(range(2, 9));
  if (value < 20) return pickOther(range(10, 19));
  if (value < 100) {
    if (value % 10 === 0) return pickOther(range(2, 9).map((t) => t * 10));
    return pickOther(range(21, 99).filter((c) => c % 10 !== 0));
  }
  return figureValue(newFigure(String(value), rng));
}

/** Another quantity of the same kind in the text: its value in the original and its value now (replaced or not). */
export interface RelatedValue {
  old: number;
  current: number;
}

/**
 * Does `fresh`, replacing `old`, keep the text's relations with the other quantities of its kind? It may equal
 * none of them ("withdrew 200 but only got 100" must not become "… got 200") and stays on the same side of
 * each ("charged €64 instead of €46" stays an overcharge; "between 9:00 and 12:00" stays a forward range).
 * An old value equal to another one (the same sum written twice differently) cannot keep that tie: false.
 */
export function keepsOrder(old: number, fresh: number, others: readonly RelatedValue[]): boolean {
  return others.every((o) => fresh !== o.current && Math.sign(fresh - o.current) === Math.sign(old - o.old));
}

/** How many draws a replacement gets to keep the order before its entity is left alone. */
export const ORDER_DRAWS = 8;

/**
 * The first of ORDER_DRAWS draws whose value keeps the order with `others` (keepsOrder); null when none does
 * or `draw` has nothing. With no others, or an old value that cannot be read, the first draw.
 */
export function drawKeepingOrder(
  draw: () => string | null,
  valueOfDraw: (replacement: string) => number | null,
  old: number | null,
  others: readonly RelatedValue[],
): string | null {
  for (let attempt = 0; attempt < ORDER_DRAWS; attempt++) {
    const fresh = draw();
    if (fresh === null) return null;
    if (old === null || others.length === 0) return fresh;
    const value = valueOfDraw(fresh);
    if (value !== null && keepsOrder(old, value, others)) return fresh;
  }
  return null;
}
