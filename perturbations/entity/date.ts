/**
 * entity.date — replace dates, weekdays, months, years and clock times (src/perturb/entity/quantities.ts)
 * with others written the same way:
 * - numeric dates keep their order, separators, zero padding and year width: "12/05/2024" →
 *   "03/11/2023". The order is read from the fields: a first field above 12 is a day (day/month), a
 *   second above 12 a day (month/day); when both are 12 or less the order is unknowable, so the new
 *   day and month are both 12 or less — valid whichever way the reader reads it. ISO stays ISO.
 * - written dates keep their pieces: "March 3rd" → "June 14th", "2 April 2024" → "17 October 2021",
 *   "3rd of March" → "9th of July", "Sept 5" → "Nov 22" (abbreviation, ordinal suffix, case kept);
 * - a weekday becomes another weekday ("Tuesday" → "Friday", "mondays" → "thursdays"), a month another
 *   month, a year another within five ("2019" → "2016"), a decade another ("1990s" → "1970s");
 * - a time moves by one to six hours in its own notation: "3pm" → "11am", "10:30" → "16:45" (a
 *   24-hour time stays 24-hour, "09:30" keeps its zero), minutes on the same grid (":00" stays on the
 *   hour, quarters stay quarters).
 * Years move by at most five and only on half the draws; every generated date exists (no 30 February,
 * 29 February only in a leap year). Weekday and month names are drawn from the lexicon entries
 * `date.weekday` and `date.month` (replaceable with --lexicon, e.g. working days only).
 * A new time keeps the order with the other times of the text and equals none: "between 9:00 and 12:00"
 * never becomes "between 9:00 and 7:00" (a few redraws, else the time stays). A bare hour is read as
 * a working-day hour ("from 9 to 5": 9am to 5pm).
 */
import {
  abbreviateMonth,
  DATE_ENTRIES,
  DATE_LEXICON,
  daysInMonth,
  isFullMonthName,
  MONTH_PATTERN,
  MONTHS,
  monthNumber,
  ordinalSuffix,
  WEEKDAYS,
} from '../../src/perturb/entity/calendar.ts';
import { ENTITY_SEVERITIES, entityEdits } from '../../src/perturb/entity/choose.ts';
import { drawKeepingOrder, type RelatedValue } from '../../src/perturb/entity/figures.ts';
import { findQuantities } from '../../src/perturb/entity/quantities.ts';
import { lexiconEntry } from '../../src/perturb/lexicon.ts';
import { matchCase } from '../../src/perturb/text/index.ts';
import type { EditProposal, PerturbationContext, PerturbationDefinition, Rng } from '../../src/types.ts';

type Options = Readonly<Record<string, unknown>>;

const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);
const pad = (n: number, width: number): string => String(n).padStart(width, '0');
/** Width a day, month or hour is written to: 2 when the old one had a leading zero ("05"), else as it falls. */
const widthOf = (field: string): number => (field.length === 2 && field.startsWith('0') ? 2 : 1);
/** A year within five of `year`, never itself. */
const nearYear = (year: number, rng: Rng): number => year + rng.pick([-5, -4, -3, -2, -1, 1, 2, 3, 4, 5]);

function monthChoices(options: Options): number[] {
  const names = lexiconEntry(options, 'date.month', DATE_LEXICON['date.month']);
  return [...new Set(names.map((n) => (isFullMonthName(n) ? monthNumber(n)! : 0)).filter((m) => m > 0))];
}

// ───────────────────────────── names, years ─────────────────────────────

function newWeekday(span: string, rng: Rng, options: Options): string | null {
  const m = /^(\p{L}+?)(s?)$/u.exec(span)!;
  const plural = m[2] === 's' && !WEEKDAYS.some((d) => d.toLowerCase() === span.toLowerCase());
  const name = plural ? m[1]! : span;
  const others = lexiconEntry(options, 'date.weekday', DATE_LEXICON['date.weekday']).filter(
    (d) => d.toLowerCase() !== name.toLowerCase(),
  );
  if (others.length === 0) return null;
  return matchCase(name, rng.pick(others)) + (plural ? m[2] : '');
}

function newMonthName(span: string, rng: Rng, options: Options): string | null {
  const others = monthChoices(options).filter((m) => m !== monthNumber(span));
  if (others.length === 0) return null;
  return matchCase(span, MONTHS[rng.pick(others) - 1]!);
}

function newYear(span: string, rng: Rng): string {
  const year = Number(span.slice(0, 4));
  if (span.endsWith('s')) return `${year + rng.pick([-20, -10, 10, 20].filter((d) => year + d <= 2090))}s`;
  return String(nearYear(year, rng));
}

// ───────────────────────────── times ─────────────────────────────

const TIME = /^(\d{1,2})(?:([:.])(\d{2})(:\d{2})?)?(\s?)([ap]\.?m\.?|o['’]clock)?$/i;

/** Minutes on the grid of `minutes`: on the hour stays on the hour, quarters stay quarters, fives stay fives. */
function newMinutes(minutes: number, rng: Rng): number {
  if (minutes === 0) return 0;
  if (minutes % 15 === 0) return rng.pick([0, 15, 30, 45]);
  if (minutes % 5 === 0) return rng.pick(range(0, 11).map((k) => k * 5));
  return rng.int(60);
}

/** "3pm" → "11am", "10:30" → "16:45", "9 a.m." → "1 p.m.", "7 o'clock" → "10 o'clock", "7" (of "at 7") → "9". */
function newTime(span: string, rng: Rng): string | null {
  const m = TIME.exec(span);
  if (!m) return null;
  const [, hourText, separator, minuteText, seconds = '', space, marker] = m;
  const hour = Number(hourText);
  const meridiem = marker && /m/i.test(marker) && !/o'|o’/i.test(marker) ? marker : undefined;
  if (!separator && (!marker || !meridiem)) {
    // a bare hour or "o'clock": another hour of the twelve
    const hourOut = rng.pick(range(1, 12).filter((h) => h !== hour));
    return `${hourOut}${space}${marker ?? ''}`;
  }
  const isPm = meridiem !== undefined && /^p/i.test(meridiem);
  const hour24 = meridiem ? (hour % 12) + (isPm ? 12 : 0) : hour;
  const low = Math.max(1, hour24 - 6);
  const high = Math.min(23, hour24 + 6);
  const next24 = rng.pick(range(low, high).filter((h) => h !== hour24));
  const minutes =
    minuteText === undefined ? '' : `${separator}${pad(newMinutes(Number(minuteText), rng), 2)}${seconds}`;
  if (!meridiem) return `${hourText!.startsWith('0') ? pad(next24, 2) : next24}${minutes}`;
  const hour12 = next24 % 12 || 12;
  const letter = next24 < 12 ? 'a' : 'p';
  const newMarker = meridiem.replace(/^[ap]/i, (c) =>
    c === c.toUpperCase() ? letter.toUpperCase() : letter,
  );
  return `${hour12}${minutes}${space}${newMarker}`;
}

// ───────────────────────────── calendar dates ─────────────────────────────

/** A different day and month (and maybe year), valid together; `both12`: day and month both ≤ 12. */
function newDayMonth(
  day: number,
  month: number,
  year: number | undefined,
  rng: Rng,
  months: readonly number[],
  both12 = false,
): { day: number; month: number; year: number | undefined } {
  for (let attempt = 0; attempt < 20; attempt++) {
    const nextYear = year !== undefined && rng.next() < 0.5 ? nearYear(year, rng) : year;
    const nextMonth = rng.pick(both12 ? months.filter((m) => m <= 12) : months);
    const last = both12 ? 12 : daysInMonth(nextMonth, nextYear);
    const nextDay = 1 + rng.int(last);
    if (nextDay !== day || nextMonth !== month || nextYear !== year) {
      return { day: nextDay, month: nextMonth, year: nextYear };
    }
  }
  // twenty repeats of the same date (a lexicon of one month): move the day by one
  return { day: day === 1 ? 2 : day - 1, month, year };
}

const NUMERIC = /^(\d{1,4})([/.-])(\d{1,2})(?:\2(\d{2}|\d{4}))?$/;

/** "12/05/2024" → "03/11/2023", "2024-03-19" → "2022-07-02", "15/08" → "27/02". */
function newNumericDate(span: string, rng: Rng): string | null {
  const m = NUMERIC.exec(span);
  if (!m) return null;
  const [, a, sep, b, c] = m;
  const all = range(1, 12);
  const fmtYear = (y: number | undefined, template: string | undefined) =>
    template === undefined || y === undefined ? '' : template.length === 2 ? pad(y % 100, 2) : String(y);
  // day and month are padded together ("05/12", "12/11"), or not at all ("5/3", "12/5")
  const width = (a!.length === 2 && b!.length === 2) || widthOf(a!) === 2 || widthOf(b!) === 2 ? 2 : 1;
  if (a!.length === 4) {
    if (c === undefined) return null;
    const d = newDayMonth(Number(c), Number(b), Number(a), rng, all);
    const isoWidth = b!.length === 2 && c.length === 2 ? 2 : 1;
    return `${d.year}${sep}${pad(d.month, isoWidth)}${sep}${pad(d.day, isoWidth)}`;
  }
  const year = c === undefined ? undefined : c.length === 2 ? 2000 + Number(c) : Number(c);
  const [x, y] = [Number(a), Number(b)];
  const dayFirst = x > 12;
  const monthFirst = !dayFirst && y > 12;
  const [day, month] = monthFirst ? [y, x] : [x, y];
  const d = newDayMonth(day, month, year, rng, all, !dayFirst && !monthFirst);
  const [first, second] = monthFirst ? [d.month, d.day] : [d.day, d.month];
  const tail = c === undefined ? '' : `${sep}${fmtYear(d.year, c)}`;
  return `${pad(first, width)}${sep}${pad(second, width)}${tail}`;
}

const MONTH_WORD = new RegExp(`(?<![\\p{L}])(?:${MONTH_PATTERN})(?![\\p{L}])\\.?`, 'iu');
const DAY_NUMBER = /(?<![\d'’])(\d{1,2})(st|nd|rd|th)?(?!\d)/i;
const YEAR_NUMBER = /(?<!\d)(\d{4})(?!\d)|['’](\d{2})(?!\d)/;

/** "March 3rd" → "June 14th", "2 April 2024" → "17 October 2021", "Sept 5, 2024" → "Nov 22, 2026". */
function newWrittenDate(span: string, rng: Rng, options: Options): string | null {
  const monthMatch = MONTH_WORD.exec(span);
  if (!monthMatch) return null;
  const dayMatch = DAY_NUMBER.exec(
    span.slice(0, monthMatch.index) +
      ' '.repeat(monthMatch[0].length) +
      span.slice(monthMatch.index + monthMatch[0].length),
  );
  const yearMatch = YEAR_NUMBER.exec(span);
  const month = monthNumber(monthMatch[0])!;
  const year = yearMatch ? (yearMatch[1] ? Number(yearMatch[1]) : 2000 + Number(yearMatch[2])) : undefined;
  const day = dayMatch ? Number(dayMatch[1]) : 0;
  const months = monthChoices(options);
  if (months.length === 0) return null;
  let next: { day: number; month: number; year: number | undefined };
  if (dayMatch) next = newDayMonth(day, month, year, rng, months);
  else {
    // "March 2024": another month, maybe another year
    const nextYear = year !== undefined && rng.next() < 0.5 ? nearYear(year, rng) : year;
    const others = months.filter((m) => m !== month || nextYear !== year);
    if (others.length === 0) return null;
    next = { day: 0, month: rng.pick(others), year: nextYear };
  }
  // rewrite the pieces in place, last first so earlier offsets hold
  const pieces: { index: number; length: number; text: string }[] = [];
  const monthText = monthMatch[0];
  const name = isFullMonthName(monthText.replace(/\.$/, ''))
    ? MONTHS[next.month - 1]! + (monthText.endsWith('.') ? '.' : '')
    : abbreviateMonth(next.month, monthText);
  pieces.push({ index: monthMatch.index, length: monthText.length, text: matchCase(monthText, name) });
  if (dayMatch) {
    const suffix = dayMatch[2];
    const shaped = suffix
      ? ordinalSuffix(next.day)[suffix === suffix.toUpperCase() ? 'toUpperCase' : 'toLowerCase']()
      : '';
    pieces.push({
      index: dayMatch.index,
      length: dayMatch[0].length,
      text: pad(next.day, widthOf(dayMatch[1]!)) + shaped,
    });
  }
  if (yearMatch && next.year !== undefined) {
    const text = yearMatch[1] ? String(next.year) : `${yearMatch[0][0]}${pad(next.year % 100, 2)}`;
    pieces.push({ index: yearMatch.index, length: yearMatch[0].length, text });
  }
  pieces.sort((p, q) => q.index - p.index);
  let out = span;
  for (const p of pieces) out = out.slice(0, p.index) + p.text + out.slice(p.index + p.length);
  return out;
}

/** "15th" (a day of the month) → "3rd". */
function newDayOrdinal(span: string, rng: Rng): string {
  const m = /^(\d{1,2})(st|nd|rd|th)$/i.exec(span)!;
  const day = Number(m[1]);
  const next = rng.pick(range(1, 28).filter((d) => d !== day));
  const suffix = ordinalSuffix(next);
  return pad(next, widthOf(m[1]!)) + (m[2] === m[2]!.toUpperCase() ? suffix.toUpperCase() : suffix);
}

/** Is `span` a clock time (what redate rewrites with newTime), not a year or a date? */
function isTime(span: string): boolean {
  return (
    TIME.test(span) &&
    !/^\d{4}s?$/.test(span) &&
    !/^\d{1,2}(?:st|nd|rd|th)$/i.test(span) &&
    !(NUMERIC.test(span) && !/^\d{1,2}[.]\d{2}$/.test(span))
  );
}

/**
 * Minutes after midnight of a clock time, to compare times: "3pm" → 900, "10:30" → 630. A bare hour or
 * "o'clock" has no half of the day: read as a working-day hour, 7–11 the morning, 12 noon, 1–6 the
 * afternoon ("from 9 to 5"). Null for what is no time.
 */
export function timeMinutes(span: string): number | null {
  if (!isTime(span)) return null;
  const [, hourText, separator, minuteText, , , marker] = TIME.exec(span)!;
  let hour = Number(hourText);
  const meridiem = marker !== undefined && /m/i.test(marker) && !/o['’]/i.test(marker);
  if (meridiem) hour = (hour % 12) + (/^p/i.test(marker!) ? 12 : 0);
  else if (!separator && hour >= 1 && hour <= 6) hour += 12;
  return hour * 60 + (minuteText === undefined ? 0 : Number(minuteText));
}

/** Another date, weekday, month, year or time written like `span`, or null when it has none. */
export function redate(span: string, rng: Rng, options: Options = {}): string | null {
  if (new RegExp(`^(?:${WEEKDAYS.join('|')})s?$`, 'i').test(span)) return newWeekday(span, rng, options);
  if (isFullMonthName(span)) return newMonthName(span, rng, options);
  if (/^\d{4}s?$/.test(span)) return newYear(span, rng);
  if (/^\d{1,2}(?:st|nd|rd|th)$/i.test(span)) return newDayOrdinal(span, rng);
  if (NUMERIC.test(span) && !/^\d{1,2}[.]\d{2}$/.test(span)) return newNumericDate(span, rng);
  if (TIME.test(span)) return newTime(span, rng);
  return newWrittenDate(span, rng, options);
}

const date: PerturbationDefinition = {
  name: 'entity.date',
  family: 'entity',
  tag: 'natural',
  description:
    'Replace dates, weekdays, months, years and clock times with others in the same format ("12/05/2024" → ' +
    '"03/11/2023", "March 3rd" → "June 14th", "Tuesday" → "Friday", "3pm" → "11am", "10:30" → "16:45"); ' +
    'always a real date, years within five; names from --lexicon date.weekday, date.month.',
  severities: ENTITY_SEVERITIES,
  // the digits of "12/05/2024" and "10:30pm" are protected numbers: this perturbation's to edit
  editsProtected: ['numbers'],
  lexicons: DATE_ENTRIES,
  // Measured with the bundled encoder (bench/entity-quantities-meaning.ts; first draws, 3 variants, every
  // level): swaps score ≥ 0.80 on data/bank-queries.jsonl (p5 0.87, median 0.97), ≥ 0.79 on the dev gold
  // sentences, ≥ 0.52 on the own texts, whose lowest are short questions about the date itself ("which
  // holiday is celebrated on the 31st of october" → "… the 19th of may": still a question about a holiday).
  // The threshold sits below them all.
  meaning: { threshold: 0.5 },
  apply(text: string, ctx: PerturbationContext): EditProposal[] {
    const dates = findQuantities(text).filter((s) => s.kind === 'date');
    if (dates.length === 0) return [];
    // each time's value now: the new one once replaced
    const current = new Map<string, number>();
    return entityEdits(dates, ctx, (entity) => {
      const key = entity.text.toLowerCase();
      const old = timeMinutes(entity.text);
      const others: RelatedValue[] = [];
      if (old !== null) {
        for (const d of dates) {
          const value = timeMinutes(d.text);
          if (d.text.toLowerCase() === key || value === null) continue;
          others.push({ old: value, current: current.get(d.text.toLowerCase()) ?? value });
        }
      }
      const fresh = drawKeepingOrder(
        () => {
          const next = redate(entity.text, ctx.rng, ctx.options);
          return next === null || next.toLowerCase() === key ? null : next;
        },
        timeMinutes,
        old,
        others,
      );
      if (fresh === null) return null;
      const value = timeMinutes(fresh);
      if (value !== null) current.set(key, value);
      // mentions share the text up to case ("Monday" / "monday"): each keeps its own
      return (m) => (/^\p{L}/u.test(m.text) ? matchCase(m.text, fresh) : fresh);
    });
  },
};

export default date;
