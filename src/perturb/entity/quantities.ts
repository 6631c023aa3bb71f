/**
 * Detection of the quantities the entity family replaces: amounts of money, dates and times, and other
 * numbers (kinds `amount`, `date`, `number`), with the span boundaries of the gold guidelines
 * (test/fixtures/entities/README.md): an amount covers its number and its currency ("$45.99",
 * "20 EUR", "50 bucks"); a date is one span in any format ("12/05/2024", "3 March 2024", "May 1st"),
 * a month or weekday name alone ("last Tuesday" → "Tuesday"), a year used as a time, a clock time
 * ("10:30", "3pm", "9 am"; a date next to a time is two spans); a number is any other number written
 * with digits ("4417", "2nd", "1,000") or a spelled-out cardinal of a quantity ("three days"; not "one"
 * as a pronoun, not "first"). Digits inside an amount or a date are not numbers of their own.
 * Abbreviated weekdays and months ("Fri", "Sept"), two-digit years ("since '09"), bare hours ("at 7",
 * "around 8 tonight") and continental figures ("1.200,50 €") are found where the words around them say so;
 * tuned on two development sets (gold-dev.txt, gold-dev2.txt), never on the held-out ones.
 *
 * Rules, not a library: on the development gold set wink-nlp's MONEY/DATE/TIME/CARDINAL entities score
 * far lower on exact spans (it leaves "£12.40" a CARDINAL, folds "3 days" into a DURATION, misses "5:30"
 * and "9:00"); bench/entity-quantities-detection.ts prints both (`--finder wink`). The currency lists
 * extend the protection's (src/perturb/protect/patterns.ts) in currencies.ts; month and weekday names
 * live in calendar.ts. Results are memoised per text: several perturbations and variants ask for the
 * same text.
 */
import {
  isFullMonthName,
  isValidDay,
  MONTH_PATTERN,
  MONTHS,
  monthNumber,
  WEEKDAY_PATTERN,
} from './calendar.ts';
import { CODE_PATTERN, PREFIXED_SYMBOLS, SYMBOL_CHARS, WORD_PATTERN } from './currencies.ts';
import type { EntityKind, EntitySpan } from './spans.ts';

// Word edges that understand Unicode letters (JS \b is ASCII-only).
const B = '(?<![\\p{L}\\p{M}\\p{N}_])';
const E = '(?![\\p{L}\\p{M}\\p{N}_])';

/** A figure: 1,200.50 or 1200 or 3.5 (no leading sign). */
const FIGURE = '(?:\\d{1,3}(?:,\\d{3})+|\\d+)(?:\\.\\d+)?';
/**
 * A figure written the continental way, only with a currency: "1.200,50", "1.450", "0,99" (a comma before two
 * final digits is a decimal comma; "1,50" with a dot-free figure; "15,-" for a round sum).
 */
const EURO_FIGURE = '(?:\\d{1,3}(?:\\.\\d{3})+(?:,(?:\\d{2}|-))?|\\d+,(?:\\d{2}(?!\\d)|-))';
const MONEY_FIGURE = `(?:${EURO_FIGURE}|${FIGURE})`;
/** "k", "m", "bn" glued or spaced, or "million" … spaced, after a figure of money. */
const MULTIPLIER = `(?:\\s?(?:k|K|m|M|bn|mn)${E}|\\s(?:million|billion|thousand)${E})`;

const escapeSymbol = (s: string): string => s.replace(/[$.]/g, '\\$&');
const SYMBOL = `(?:${PREFIXED_SYMBOLS.map(escapeSymbol).join('|')}|[${SYMBOL_CHARS}]|Rs\\.?)`;

// Spelled-out cardinals: "three", "twenty-five", "two hundred and fifty", "three thousand".
const UNIT_WORDS = 'one|two|three|four|five|six|seven|eight|nine';
const TEEN_WORDS = 'ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen';
const TENS_WORDS = 'twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety';
const BELOW_100 = `(?:(?:${TENS_WORDS})(?:[-\\s](?:${UNIT_WORDS}))?|${TEEN_WORDS}|${UNIT_WORDS})`;
const SPELLED = `${BELOW_100}(?:\\s(?:hundred|thousand|million|billion)(?:\\s(?:and\\s)?${BELOW_100})?)*`;

/** Money with the currency before: "$45.99", "HK$8,000", "€ 20", "£5k", "USD 30", "Rs. 500". */
const AMOUNT_BEFORE_RE = new RegExp(
  `(?<![\\p{L}\\p{N}_])(?:${SYMBOL}\\s?|(?:${CODE_PATTERN})\\s?)${MONEY_FIGURE}${MULTIPLIER}?`,
  'gu',
);
/** Money with a symbol or code after: "45€", "20 EUR", "30usd", "2k GBP". */
const AMOUNT_AFTER_RE = new RegExp(
  `${B}${MONEY_FIGURE}${MULTIPLIER}?(?:\\s?[${SYMBOL_CHARS}]|\\s?(?:${CODE_PATTERN})${E})`,
  'gu',
);
/** Money with a word after: "50 dollars", "20 quid", "3,000 roubles", "99p", "fifty bucks", "5 grand". */
const AMOUNT_WORD_RE = new RegExp(
  `${B}(?:${FIGURE}${MULTIPLIER}?\\s?(?:${WORD_PATTERN})|\\d+p|${SPELLED}\\s(?:${WORD_PATTERN}))${E}`,
  'giu',
);

const MONTH_TOKEN = `(?:${MONTH_PATTERN})(?![\\p{L}])\\.?`;
const DAY = '\\d{1,2}(?:st|nd|rd|th)?';
const YEAR = "(?:\\d{4}|['’]\\d{2})";
/** "14 February", "2 April 2024", "3rd of March", "May 1st", "April 5, 2024", "March 2024". */
const TEXT_DATE_RE = new RegExp(
  [
    `${B}(?<d1>${DAY})(?:\\s+of)?\\s+(?<m1>${MONTH_TOKEN})(?:,?\\s+(?<y1>${YEAR}))?`,
    `${B}(?<m2>${MONTH_TOKEN})\\s+(?:the\\s+)?(?<d2>${DAY})(?![\\p{L}\\p{N}:])(?:,?\\s+(?<y2>${YEAR}))?`,
    `${B}(?<m3>${MONTH_TOKEN}),?\\s+(?:of\\s+)?(?<y3>\\d{4})`,
  ]
    .map((alt) => `(?:${alt})(?![\\p{L}\\p{N}])`)
    .join('|'),
  'giu',
);
/** 12/05/2024, 2024-05-12, 12.05.24, 5-3-2024 (validated in code). */
const NUMERIC_DATE_RE = new RegExp(
  `${B}(\\d{1,4})([/.\\-])(\\d{1,2})\\2(\\d{4}|\\d{2})(?![\\p{L}\\p{N}]|[/.\\-]\\d)`,
  'gu',
);
/** 12/05 without a year: a date only after a word that introduces one ("on 12/05"). */
const SHORT_DATE_RE = /(?<![\p{L}\p{N}_/.])(\d{1,2})\/(\d{1,2})(?![\p{L}\p{N}]|[/.]\d)/gu;
const MERIDIEM = '(?:[ap]\\.m\\.|[ap]m(?![\\p{L}\\p{N}]))';
/** 10:30, 16:45:00, 3:40 p.m., 10.30am */
const CLOCK_RE = new RegExp(
  `${B}(\\d{1,2})([:.])([0-5]\\d)(?::[0-5]\\d)?(?:\\s?(${MERIDIEM}))?(?![\\p{N}]|[:.]\\d)`,
  'giu',
);
/** 3pm, 9 am, 11 p.m., 7 o'clock */
const HOUR_RE = new RegExp(`${B}(\\d{1,2})(?:\\s?${MERIDIEM}|\\s?o['’]clock${E})`, 'giu');
/**
 * A bare hour after a word that introduces a time ("at 7", "around 8 tonight", "until 3 in the morning"):
 * which following words make it one depends on the word (findBareHours).
 */
const BARE_HOUR_RE =
  /(?<![\p{L}\p{N}])(at|around|about|by|until|till|before|after)\s(\d{1,2})(?![\p{L}\p{N}%]|[.,:]\d|-)/giu;
/** After "at 7": a word that makes the figure a count or a level, not an hour ("at 3 different shops", "at 5 per cent"). */
const AFTER_AT_COUNT =
  /^\s+(?:different|other|more|less|fewer|separate|per|percent|of|out|x|times?|points?|degrees?|years?|months?|weeks?|days?|hours?|minutes?|mins?)(?![\p{L}])/iu;
/** Before "at 3": a word that makes it a level ("stuck at 3", "capped at 5"), not a time. */
const LEVEL_BEFORE_AT = new Set(
  'stuck capped priced valued rated ranked fixed peaked stands stood sits remains stayed level aged size number trading traded worth'.split(
    ' ',
  ),
);
const WORD_OF_TIME =
  '\\s+(?:tonight|tomorrow|today|this|sharp|every|on|in\\s+the\\s+(?:morning|afternoon|evening))(?![\\p{L}])';
/** After a bare hour: a word of time ("around 8 tonight", "until 3 in the morning"). */
const WORD_OF_TIME_AFTER = new RegExp(`^${WORD_OF_TIME}`, 'iu');
/** After an hour range ("from 9 to 5"): a stop or a word of time. */
const AFTER_BARE_HOUR = new RegExp(`^(?:\\s*(?:[.,;!?)]|$)|${WORD_OF_TIME})`, 'iu');
/** "at 8.30", "by 17.45": a time in the dotted style, after a word that introduces one. */
const DOTTED_TIME_RE =
  /(?<![\p{L}\p{N}])(?:at|by|until|till|from|before|after|around)\s(?:about\s)?((?:[01]?\d|2[0-3])\.[0-5]\d)(?![\p{L}\p{N}]|[.,]\d)/dgiu;
const NOT_A_TIME_NEAR =
  /\b(?:rate|exchange|convert(?:ed)?|conversion|price|cost|costs|selling|sold|bought|charged|paid|fee|interest)\b/i;
/** "from 9 to 5", "between 2 and 4" followed by a stop or a word of time: two clock hours. */
const HOUR_RANGE_RE =
  /(?<![\p{L}\p{N}])(?:from|between)\s(\d{1,2})\s?(?:to|and|till|until|-|–)\s?(\d{1,2})(?![\p{L}\p{N}]|[.,:]\d)/dgiu;
const WEEKDAY_RE = new RegExp(`${B}${WEEKDAY_PATTERN}${E}(?!\\.com)`, 'giu');
/** "Mon", "Tues", "Thurs.", "fri": written abbreviations of a weekday (which ones count is decided in code). */
const WEEKDAY_ABBREVIATION_RE =
  /(?<![\p{L}\p{N}_'’])(mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)(?![\p{L}\p{N}'’])\.?/giu;
/** Abbreviations that are also English words ("sat", "sun", "wed", "mon"): lower case, they need a date context. */
const WORDLIKE_WEEKDAYS = new Set(['sat', 'sun', 'wed', 'mon']);
/** "Jan", "Sept.", "oct": a month abbreviation standing alone, a month when a word introduces it. */
const MONTH_ABBREVIATION_RE =
  /(?<![\p{L}\p{N}_'’])(jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)(?![\p{L}\p{N}'’])\.?/giu;
/** Abbreviations that are also names or words ("Jan", "mar"): "from Jan" is a person's message, not a month. */
const NAMELIKE_MONTHS = new Set(['jan', 'mar', 'dec']);
/** "in '19", "since ’09", "the '90s": a year or a decade in two digits with an apostrophe. */
const SHORT_YEAR_RE = /(?<=\s|^)['’](\d{2})(s?)(?![\p{L}\p{N}'’])/gu;
/** "expires 09/27", "expiry date 11/2026": a card's month and year. */
const EXPIRY_RE =
  /(?<![\p{L}])(?:exp(?:iry|ires?|iring|ired|iration)?\.?(?:\s(?:date|on|in|at|end))?(?:\s(?:is|was))?:?)\s((?:0?[1-9]|1[0-2])\/(?:\d{2}|20\d{2}))(?![\p{N}/])/dgiu;
const MONTH_RE = new RegExp(`${B}(?:${MONTHS.join('|')})${E}`, 'giu');
const YEAR_RE = /(?<![\p{L}\p{M}\p{N}_.,/:-])(?:1[89]\d\d|20\d\d)(s?)(?![\p{L}\p{N}]|[.,/:-]\d)/gu;
const ORDINAL_RE = /(?<![\p{L}\p{M}\p{N}_.,])(\d{1,2})(?:st|nd|rd|th)(?![\p{L}\p{N}])/giu;
/** Digits with separators, decimals, an ordinal suffix, "%" or "k"; what follows is checked in code. */
const DIGITS_RE =
  /(?<![\p{L}\p{M}\p{N}_.,/:])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:st|nd|rd|th|%|k|\s(?:million|billion|thousand)(?![\p{L}]))?/giu;
const SPELLED_RE = new RegExp(`${B}${SPELLED}${E}`, 'giu');
/** "x2", "×3": a multiplier written before its count; the count is the digits. */
const TIMES_COUNT_RE = /(?<=(?:^|[\s(])[x×])\d+(?![\p{L}\p{N}]|[.,]\d)/gu;

/** Units glued to a figure ("5km", "3GB"): the number is the digits. Not "g" or "m": "4G", "5m" are no units here. */
const GLUED_UNIT = /^(?:km|kg|mb|gb|tb|ml|mg|cm|mm|mins?|hrs?|h|x|lbs?|mph|kmh)(?![\p{L}\p{N}])/iu;

/** Words that introduce a date or a month ("in March", "since 2019", "on 12/05", "by the 5th"). */
const DATE_INTRO = new Set(
  (
    'in on since until till til by from of during through throughout before after early late mid ' +
    'last next this every each end start beginning middle around between dated due starting'
  ).split(' '),
);
/**
 * For capitalised months that are also names (June, April, August): these as well ("the June bill",
 * "my April statement", "from May to June").
 */
const DATE_INTRO_CAPITALISED = new Set([
  ...DATE_INTRO,
  ...'the to and or my your our their his her'.split(' '),
]);
/** Capitalised mid-sentence, "March" and "May" are months (the verbs are lower case) unless a surname ("Theresa May"). */
const MONTH_WHEN_CAPITALISED = new Set(['march', 'may']);
/** Month names that are also common words or names: need a date context. */
const AMBIGUOUS_MONTHS = new Set(['march', 'may', 'june', 'april', 'august']);

/** Words before a 4-digit figure that make it a year ("in 2019", "back in 2018", "the 2016 games", "for 2023"). */
const YEAR_INTRO = new Set([
  ...DATE_INTRO,
  ...'the for and or to year fiscal summer winter spring autumn fall class christmas easter'.split(' '),
]);
/** Words before "in 2023" that make it a code ("ending in 2023"). */
const CODE_BEFORE_IN = /^(?:end|ending|ends|code|number|pin)$/;
/** Words after a sentence-opening year that make it the subject ("2019 was a hard year"). */
const YEAR_SUBJECT_VERBS = new Set('was is has had will were'.split(' '));
/** Words after a figure that make it a count ("2000 points", "1900 people"). */
const COUNT_AFTER = new Set('people children men women staff times points steps miles calories'.split(' '));
/** Function words ending in "s", not plural count nouns. */
const NOT_PLURAL = new Set(
  'is was has does as this his its us yes plus always less across perhaps unless thus whereas'.split(' '),
);

/** "one" is a number only as a count of a unit ("took one week"), never a pronoun ("this one", "the one day"). */
const NOT_BEFORE_ONE = new Set('the this that which any each no a an another some at every'.split(' '));
const UNIT_NOUNS = new Set('day week month year hour minute second night time weekend'.split(' '));
/** Words before a spelled number that make it part of a name or a label, not a quantity ("world war two", "chapter three"). */
const TITLE_BEFORE = new Set(
  'war chapter episode season part volume act scene level stage phase formula number page room gate'.split(
    ' ',
  ),
);
/** Before "the 3rd": words that make it a rank or a position, not a day ("is the 2nd", "finished the 3rd"). */
const RANK_BEFORE_THE = new Set(
  "is was be am are were 's been came finished placed ranked only just in at for of".split(' '),
);
/** After "the 5th": a word that leaves it a day of the month ("on the 5th and …"), not "the 5th floor". */
const AFTER_DAY = new Set(
  'and or to till until at through of this next every each please but so because when as i we it instead'.split(
    ' ',
  ),
);

/** The words before `index` (lower case, nearest first) and the one after `end`. */
function wordsBefore(text: string, index: number, n = 2): string[] {
  const words = text
    .slice(Math.max(0, index - 40), index)
    .toLowerCase()
    .match(/[\p{L}\p{N}#]+/gu);
  return words ? words.slice(-n).reverse() : [];
}

/** The next `n` words after `end` (lower case), stopping at punctuation. */
function wordsAfter(text: string, end: number, n: number): string[] {
  const m = /^(?:\s+[\p{L}\p{N}']+)+/u.exec(text.slice(end, end + 40));
  return m ? m[0].trim().toLowerCase().split(/\s+/).slice(0, n) : [];
}

function wordAfter(text: string, end: number): string | undefined {
  const m = /^\s+([\p{L}\p{N}']+)/u.exec(text.slice(end, end + 30));
  return m ? m[1]!.toLowerCase() : undefined;
}

/** Is `index` the start of a sentence (only spaces, quotes or brackets since a full stop or the start)? */
function startsSentence(text: string, index: number): boolean {
  for (let i = index - 1; i >= 0; i--) {
    const c = text[i]!;
    if (/[\s"'“‘(]/.test(c)) continue;
    return /[.!?\n]/.test(c);
  }
  return true;
}

/** Does a sentence end at `end` (after a "."): the end of the text or a capital next? */
function endsSentenceAt(text: string, end: number): boolean {
  return /^(?:\s*$|\s+[\p{Lu}"“])/u.test(text.slice(end, end + 3));
}

interface Candidate {
  start: number;
  end: number;
  kind: EntityKind;
  /** lower wins an overlap: amounts, then full dates and times, then names and years, then numbers */
  rank: number;
}

function* matches(re: RegExp, text: string): Generator<RegExpExecArray> {
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[0].length === 0) re.lastIndex++;
    else yield m;
  }
}

function findAmounts(text: string, out: Candidate[]): void {
  for (const re of [AMOUNT_BEFORE_RE, AMOUNT_AFTER_RE, AMOUNT_WORD_RE]) {
    for (const m of matches(re, text)) {
      const words = wordsBefore(text, m.index, 2);
      // "5 pounds" of weight, not money
      if (/pounds?$/i.test(m[0]) && words.some((w) => /^(?:weigh\w*|gained|heavier|lighter)$/.test(w)))
        continue;
      out.push({ start: m.index, end: m.index + m[0].length, kind: 'amount', rank: 0 });
    }
  }
}

function validYear(y: string | undefined): boolean {
  if (y === undefined || !/^\d{4}$/.test(y)) return true;
  const n = Number(y);
  return n >= 1900 && n <= 2099;
}

function findTextDates(text: string, out: Candidate[]): void {
  for (const m of matches(TEXT_DATE_RE, text)) {
    const g = m.groups!;
    const monthWord = g.m1 ?? g.m2 ?? g.m3!;
    const month = monthNumber(monthWord)!;
    const day = g.d1 ?? g.d2;
    if (day !== undefined && !isValidDay(Number.parseInt(day, 10), month)) continue;
    if (!validYear(g.y1 ?? g.y2 ?? g.y3)) continue;
    let end = m.index + m[0].length;
    // "on 5 May." — a full month name does not take the sentence's full stop, nor does an abbreviation
    // that ends the sentence ("until 2 Jan." before the end or a capital)
    if (
      text[end - 1] === '.' &&
      monthWord.endsWith('.') &&
      m[0].endsWith(monthWord) &&
      (isFullMonthName(monthWord.slice(0, -1)) || endsSentenceAt(text, end))
    )
      end--;
    out.push({ start: m.index, end, kind: 'date', rank: 1 });
  }
}

/** The reading(s) of a numeric date that are valid: day-month, month-day or ISO year-month-day. */
function numericDateValid(a: string, b: string, c: string | undefined): boolean {
  const [x, y] = [Number(a), Number(b)];
  if (a.length === 4) return c !== undefined && validYear(a) && isValidDay(Number(c), y, Number(a));
  if (a.length > 2) return false;
  const year = c === undefined ? undefined : c.length === 4 ? Number(c) : 2000 + Number(c);
  if (c !== undefined && c.length === 4 && !validYear(c)) return false;
  return isValidDay(x, y, year) || isValidDay(y, x, year);
}

function findNumericDates(text: string, out: Candidate[]): void {
  for (const m of matches(NUMERIC_DATE_RE, text)) {
    const [, a, sep, b, c] = m;
    if (a!.length === 4 && c!.length !== 2 && sep === '.') continue;
    if (!numericDateValid(a!, b!, c)) continue;
    out.push({ start: m.index, end: m.index + m[0].length, kind: 'date', rank: 1 });
  }
  for (const m of matches(SHORT_DATE_RE, text)) {
    if (m[0] === '24/7') continue;
    const before = wordsBefore(text, m.index, 1)[0];
    if (before === undefined || !DATE_INTRO.has(before)) continue;
    if (!numericDateValid(m[1]!, m[2]!, undefined)) continue;
    out.push({ start: m.index, end: m.index + m[0].length, kind: 'date', rank: 1 });
  }
}

function findTimes(text: string, out: Candidate[]): void {
  for (const m of matches(CLOCK_RE, text)) {
    const hour = Number(m[1]);
    const meridiem = m[4];
    if (meridiem ? hour < 1 || hour > 12 : hour > 24) continue;
    // "2.30" is a figure; with a dot only "10.30am" is a time
    if (m[2] === '.' && !meridiem) continue;
    out.push({ start: m.index, end: m.index + m[0].length, kind: 'date', rank: 1 });
  }
  for (const m of matches(HOUR_RE, text)) {
    const hour = Number(m[1]);
    if (hour < 1 || hour > 12) continue;
    out.push({ start: m.index, end: m.index + m[0].length, kind: 'date', rank: 1 });
  }
}

/** Is the lower-case word a plural noun ("shops", "places"), not a function word ending in "s"? */
const isPluralNoun = (word: string | undefined): boolean =>
  word !== undefined && /^\p{L}{3,}s$/u.test(word) && !NOT_PLURAL.has(word);

/**
 * A bare hour after a word that introduces a time. Any such word with a word of time after it ("around 8
 * tonight", "by 6 today", "until 3 in the morning"); "until", "till", "before", "after" also at the end of
 * a clause ("wait until 12."); "at" unless the figure counts or measures something ("at 3 different shops",
 * "at 2 ATMs", "stuck at 3", "converted at 1") — "at 7 and the show at 8" are hours.
 */
function findBareHours(text: string, out: Candidate[]): void {
  for (const m of matches(BARE_HOUR_RE, text)) {
    const intro = m[1]!.toLowerCase();
    const hour = Number(m[2]);
    const end = m.index + m[0].length;
    if (hour < 1 || hour > 12) continue;
    const after = text.slice(end, end + 30);
    let isTime: boolean;
    if (intro === 'at') {
      const before = wordsBefore(text, m.index, 1)[0];
      isTime =
        !AFTER_AT_COUNT.test(after) &&
        // "at 2 shops", "at 5 school events": a plural noun within two words counts
        !wordsAfter(text, end, 2).some(isPluralNoun) &&
        !(before !== undefined && LEVEL_BEFORE_AT.has(before)) &&
        !NOT_A_TIME_NEAR.test(text.slice(Math.max(0, m.index - 40), m.index));
    } else {
      isTime =
        WORD_OF_TIME_AFTER.test(after) ||
        (['until', 'till', 'before', 'after'].includes(intro) && /^\s*(?:[.;!?)]|$)/.test(after));
    }
    if (isTime) out.push({ start: end - m[2]!.length, end, kind: 'date', rank: 1 });
  }
}

function findDottedTimesAndRanges(text: string, out: Candidate[]): void {
  for (const m of matches(DOTTED_TIME_RE, text)) {
    const [start, end] = m.indices![1]!;
    // "converted at 1.17" is a rate, "at 2.50" a price: on the five-minute grid, and no rate or price near
    if (Number(m[1]!.slice(-2)) % 5 !== 0 || NOT_A_TIME_NEAR.test(text.slice(Math.max(0, start - 40), start)))
      continue;
    out.push({ start, end, kind: 'date', rank: 1 });
  }
  for (const m of matches(HOUR_RANGE_RE, text)) {
    const [from, to] = [Number(m[1]), Number(m[2])];
    const end = m.index + m[0].length;
    if (from < 1 || from > 12 || to < 1 || to > 12 || !AFTER_BARE_HOUR.test(text.slice(end, end + 30)))
      continue;
    for (const g of [1, 2]) {
      const [gs, ge] = m.indices![g]!;
      out.push({ start: gs, end: ge, kind: 'date', rank: 1 });
    }
  }
}

function findNamedDays(text: string, out: Candidate[]): void {
  for (const m of matches(WEEKDAY_RE, text)) {
    out.push({ start: m.index, end: m.index + m[0].length, kind: 'date', rank: 2 });
  }
  const allCaps = text === text.toUpperCase();
  for (const m of matches(MONTH_RE, text)) {
    const word = m[0];
    const lower = word.toLowerCase();
    const capitalised = /^[A-Z]/.test(word);
    const [before, before2] = wordsBefore(text, m.index, 2);
    // "April and June are coming": joined by "and"/"or"/"to", a month only if the other side is a date word
    const coordinated = before === 'and' || before === 'or' || before === 'to';
    const joinedToDate =
      before2 !== undefined && (/^\d/.test(before2) || WEEKDAY_OR_MONTH_WORD.test(before2));
    let isMonth: boolean;
    if (!AMBIGUOUS_MONTHS.has(lower)) isMonth = true;
    else if (capitalised && !allCaps && !startsSentence(text, m.index)) {
      isMonth =
        (before !== undefined && DATE_INTRO_CAPITALISED.has(before) && (!coordinated || joinedToDate)) ||
        (MONTH_WHEN_CAPITALISED.has(lower) && !/\p{Lu}[\p{L}'’-]*\s+$/u.test(text.slice(0, m.index)));
    } else isMonth = before !== undefined && DATE_INTRO.has(before) && before !== 'the';
    // "May I …", "March on": a sentence-initial ambiguous month needs a date after it, handled by TEXT_DATE_RE
    if (isMonth) out.push({ start: m.index, end: m.index + word.length, kind: 'date', rank: 2 });
  }
}

/** Words before an abbreviated weekday or month that make it one ("on Fri", "by Tues", "since Jan"). */
const ABBREVIATION_INTRO = new Set([...DATE_INTRO, 'for', 'do', 'or', 'and', 'to']);
const WEEKDAY_OR_MONTH_WORD = new RegExp(
  `^(?:${WEEKDAY_PATTERN}|mon|tues?|wed|thu(?:rs?)?|fri|sat|sun|${MONTH_PATTERN})\\.?$`,
  'iu',
);
/** "Mon-Fri", "mon or tue", "Mon, Wed and Fri", "Jan–Mar": next to another weekday or month. */
function listedWithDateWord(text: string, start: number, end: number): boolean {
  const after = /^\.?\s*(?:-|–|,|to|or|and|through|till|until)\s*([\p{L}]+\.?)/iu.exec(
    text.slice(end, end + 16),
  );
  if (after && WEEKDAY_OR_MONTH_WORD.test(after[1]!)) return true;
  const before = /([\p{L}]+\.?)\s*(?:-|–|,|to|or|and|through|till|until)\s*$/iu.exec(
    text.slice(Math.max(0, start - 16), start),
  );
  return before !== null && WEEKDAY_OR_MONTH_WORD.test(before[1]!);
}

/** The end of an abbreviation match: its "." is the sentence's full stop when a sentence ends there. */
function abbreviationEnd(text: string, m: RegExpExecArray): number {
  const end = m.index + m[0].length;
  return m[0].endsWith('.') && endsSentenceAt(text, end) ? end - 1 : end;
}

/**
 * "Fri", "Tues", "Thurs.": abbreviations that are no English word are weekdays wherever they stand. "Mon",
 * "Wed", "Sat", "Sun" are words too ("c'mon", "they wed", "we sat", "the Sun"): capitalised mid-sentence they
 * are weekdays unless after "the"/"a" or before a capitalised name; otherwise they need a date next to them
 * (a weekday or month in a list, a word that introduces a date, a day number after).
 */
function findWeekdayAbbreviations(text: string, out: Candidate[]): void {
  for (const m of matches(WEEKDAY_ABBREVIATION_RE, text)) {
    const word = m[1]!;
    const lower = word.toLowerCase();
    const end = abbreviationEnd(text, m);
    const after = text.slice(m.index + word.length, m.index + word.length + 20);
    const before = wordsBefore(text, m.index, 1)[0];
    const datedAfter = /^\.?,?\s+(?:the\s)?\d/.test(after);
    let isWeekday: boolean;
    if (datedAfter || listedWithDateWord(text, m.index, end)) isWeekday = true;
    else if (!WORDLIKE_WEEKDAYS.has(lower)) isWeekday = true;
    else if (/^\p{Lu}/u.test(word) && !startsSentence(text, m.index)) {
      isWeekday = before !== 'the' && before !== 'a' && !/^\s+\p{Lu}/u.test(after);
    } else {
      // lower case "on sat", "till sun?": a date word before and no noun after ("on sun loungers")
      const next = wordAfter(text, m.index + word.length);
      isWeekday =
        before !== undefined &&
        ABBREVIATION_INTRO.has(before) &&
        (next === undefined || /^(?:and|or|at|to|then|morning|afternoon|evening|night)$/.test(next));
    }
    if (isWeekday) out.push({ start: m.index, end, kind: 'date', rank: 2 });
  }
}

/**
 * "in Jan", "since Sept", "Jan–Mar": a month abbreviation alone is a month after a word that introduces a
 * date or in a list of months. "Jan", "Mar", "Dec" are also names or words: not after "from", "by", "with"
 * ("a message from Jan"), nor before a capitalised name.
 */
function findMonthAbbreviations(text: string, out: Candidate[]): void {
  for (const m of matches(MONTH_ABBREVIATION_RE, text)) {
    const lower = m[1]!.toLowerCase();
    const end = abbreviationEnd(text, m);
    const [before, before2] = wordsBefore(text, m.index, 2);
    let isMonth = listedWithDateWord(text, m.index, end);
    if (!isMonth && before !== undefined && DATE_INTRO.has(before)) {
      isMonth =
        !NAMELIKE_MONTHS.has(lower) ||
        (!/^\s+\p{Lu}/u.test(text.slice(m.index + m[1]!.length)) &&
          !['from', 'by', 'with'].includes(before) &&
          (before !== 'of' || (before2 !== undefined && /^(?:end|start|beginning|middle)$/.test(before2))));
    }
    if (isMonth) out.push({ start: m.index, end, kind: 'date', rank: 2 });
  }
}

/** "the 90s", "the early 80s": a decade written in two digits. */
const DECADE_RE = /(?<![\p{L}\p{N}_'’.,])[1-9]0s(?![\p{L}\p{N}])/gu;

/**
 * "since '09", "back in ’19", "the '90s": a two-digit year after a word that introduces one, or a decade;
 * "the 90s" without the apostrophe too ("in her 20s" is an age, not a time).
 */
function findShortYears(text: string, out: Candidate[]): void {
  for (const m of matches(DECADE_RE, text)) {
    const [prev, prev2] = wordsBefore(text, m.index, 2);
    if (prev !== 'the' && !(/^(?:early|late|mid)$/.test(prev ?? '') && prev2 === 'the')) continue;
    out.push({ start: m.index, end: m.index + m[0].length, kind: 'date', rank: 2 });
  }
  for (const m of matches(SHORT_YEAR_RE, text)) {
    const before = wordsBefore(text, m.index, 1)[0];
    if (m[2] !== 's' && (before === undefined || !YEAR_INTRO.has(before))) continue;
    out.push({ start: m.index, end: m.index + m[0].length, kind: 'date', rank: 2 });
  }
  for (const m of matches(EXPIRY_RE, text)) {
    const [start, end] = m.indices![1]!;
    out.push({ start, end, kind: 'date', rank: 1 });
  }
}

function findYears(text: string, out: Candidate[]): void {
  for (const m of matches(YEAR_RE, text)) {
    const end = m.index + m[0].length;
    if (m[1] !== 's') {
      const [prev, prev2] = wordsBefore(text, m.index, 2);
      const next = wordAfter(text, end);
      // the subject of a sentence ("2019 was hard") or of a question ("Is 2028 a leap year?")
      const subject =
        prev === undefined
          ? next !== undefined && YEAR_SUBJECT_VERBS.has(next)
          : prev2 === undefined &&
            YEAR_SUBJECT_VERBS.has(prev) &&
            startsSentence(text, text.lastIndexOf(prev, m.index));
      const introduced =
        subject ||
        (prev !== undefined &&
          YEAR_INTRO.has(prev) &&
          !(prev === 'in' && prev2 !== undefined && CODE_BEFORE_IN.test(prev2)));
      if (!introduced || text[m.index - 1] === '#') continue;
      if (
        next !== undefined &&
        (COUNT_AFTER.has(next) || (/^[a-z]{3,}s$/.test(next) && !NOT_PLURAL.has(next)))
      )
        continue;
    }
    out.push({ start: m.index, end, kind: 'date', rank: 2 });
  }
}

/** "on the 15th", "by the 1st and the 15th": a day of the month written as an ordinal. */
function findDayOrdinals(text: string, out: Candidate[]): void {
  for (const m of matches(ORDINAL_RE, text)) {
    const day = Number(m[1]);
    if (day < 1 || day > 31) continue;
    const [prev, prev2] = wordsBefore(text, m.index, 2);
    const end = m.index + m[0].length;
    const clauseEnds = /^\s*(?:[,.;:!?)]|$)/.test(text.slice(end));
    // "leaves the 23rd.": after any other word, "the 15th" ending a clause is a day of the month, unless a
    // rank ("is the 2nd", "finished the 3rd"); "paid the 2nd and the 3rd instalments" are no days
    const dayEndingClause =
      prev === 'the' && clauseEnds && (prev2 === undefined || !RANK_BEFORE_THE.has(prev2));
    const introduced =
      dayEndingClause ||
      (prev === 'the' &&
        prev2 !== undefined &&
        (DATE_INTRO.has(prev2) || /day$/.test(prev2) || ['and', 'or', 'to'].includes(prev2))) ||
      (prev !== undefined && ['on', 'by', 'until', 'till', 'since', 'from', 'before'].includes(prev)) ||
      // "Friday 13th"
      (prev !== undefined && /^(?:mon|tues|wednes|thurs|fri|satur|sun)day$/.test(prev));
    if (!introduced) continue;
    const next = wordAfter(text, end);
    if (next !== undefined && !AFTER_DAY.has(next) && !clauseEnds) continue;
    out.push({ start: m.index, end, kind: 'date', rank: 2 });
  }
}

function findNumbers(text: string, out: Candidate[]): void {
  for (const m of matches(DIGITS_RE, text)) {
    let end = m.index + m[0].length;
    const rest = text.slice(end, end + 8);
    if (/^[\p{L}\p{M}]/u.test(rest)) {
      // "5km", "3GB": the digits are the number; "4G", "2FA", "mp3": not a quantity of its own
      const digits = /^[\d,.]+/.exec(m[0])![0];
      if (!/^\d/.test(rest) && GLUED_UNIT.test(text.slice(m.index + digits.length)))
        end = m.index + digits.length;
      else continue;
    }
    // a ratio, fraction or date/time that failed validation ("24/7", "3/4", "2:1")
    if (/^[/:]\d/.test(rest)) continue;
    out.push({ start: m.index, end, kind: 'number', rank: 3 });
  }
  for (const m of matches(TIMES_COUNT_RE, text)) {
    out.push({ start: m.index, end: m.index + m[0].length, kind: 'number', rank: 3 });
  }
  const allCaps = text === text.toUpperCase();
  for (const m of matches(SPELLED_RE, text)) {
    const word = m[0];
    // "Three" mid-sentence is a name (a network, a shop), not a count
    if (/^[A-Z]/.test(word) && !allCaps && !startsSentence(text, m.index)) continue;
    const before = wordsBefore(text, m.index, 1)[0];
    if (before !== undefined && TITLE_BEFORE.has(before)) continue;
    if (word.toLowerCase() === 'one') {
      const next = wordAfter(text, m.index + word.length);
      if (!next || !UNIT_NOUNS.has(next) || startsSentence(text, m.index)) continue;
      if (before === undefined || NOT_BEFORE_ONE.has(before)) continue;
    }
    out.push({ start: m.index, end: m.index + word.length, kind: 'number', rank: 3 });
  }
}

/** Keeps the best of overlapping candidates: lower rank, then longer, then earlier. */
function resolve(text: string, candidates: Candidate[]): EntitySpan[] {
  candidates.sort((a, b) => a.rank - b.rank || b.end - b.start - (a.end - a.start) || a.start - b.start);
  const kept: Candidate[] = [];
  for (const c of candidates) {
    if (kept.some((k) => c.start < k.end && k.start < c.end)) continue;
    kept.push(c);
  }
  kept.sort((a, b) => a.start - b.start);
  return kept.map((c) =>
    Object.freeze({ start: c.start, end: c.end, kind: c.kind, text: text.slice(c.start, c.end) }),
  );
}

/** A cheap test first: no digit and no word starting like a number, month or weekday name → nothing. */
const HINT =
  /\d|\b(?:one|two|thr|fou|fiv|fif|six|sev|eig|nin|ten|ele|twe|thi|for|mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)/i;

/** findQuantities without the memo (for benchmarks). */
export function detectQuantities(text: string): EntitySpan[] {
  if (!HINT.test(text)) return [];
  const candidates: Candidate[] = [];
  findAmounts(text, candidates);
  findTextDates(text, candidates);
  findNumericDates(text, candidates);
  findTimes(text, candidates);
  findBareHours(text, candidates);
  findDottedTimesAndRanges(text, candidates);
  findNamedDays(text, candidates);
  findWeekdayAbbreviations(text, candidates);
  findMonthAbbreviations(text, candidates);
  findShortYears(text, candidates);
  findYears(text, candidates);
  findDayOrdinals(text, candidates);
  findNumbers(text, candidates);
  return resolve(text, candidates);
}

/** Texts asked about recently: the same text is asked by several perturbations, severities and variants. */
const memo = new Map<string, EntitySpan[]>();
const MEMO_SIZE = 2048;

/** Amounts, dates (and times) and numbers in `text`, sorted by position, never overlapping. */
export function findQuantities(text: string): EntitySpan[] {
  let spans = memo.get(text);
  if (spans === undefined) {
    spans = detectQuantities(text);
    if (memo.size >= MEMO_SIZE) memo.clear();
    memo.set(text, spans);
  }
  return spans.slice();
}
