/**
 * English month and weekday names, and which days a month has: shared by the date detector
 * (quantities.ts) and entity.date (perturbations/entity/date.ts), so a date is recognised and
 * regenerated from the same facts. The two name lists are also entity.date's bundled lexicons
 * (`date.month`, `date.weekday`): the names a month or a weekday may become.
 */

export const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

export const WEEKDAYS = [
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
  'Sunday',
] as const;

/** The lexicon keys entity.date reads, with what each lists. */
export const DATE_ENTRIES = {
  'date.weekday': 'weekday names (English, capitalised) a weekday may become',
  'date.month': 'month names (English, full) a month may become; names that are no month are ignored',
} as const;

export const DATE_LEXICON: Readonly<Record<keyof typeof DATE_ENTRIES, readonly string[]>> = {
  'date.weekday': WEEKDAYS,
  'date.month': MONTHS,
};

/** Written abbreviations of each month, lower case ("sept" as well as "sep"; May has none). */
const MONTH_ABBREVIATIONS: readonly (readonly string[])[] = [
  ['jan'],
  ['feb'],
  ['mar'],
  ['apr'],
  [],
  ['jun'],
  ['jul'],
  ['aug'],
  ['sep', 'sept'],
  ['oct'],
  ['nov'],
  ['dec'],
];

const MONTH_BY_NAME = new Map<string, number>();
MONTHS.forEach((m, i) => {
  MONTH_BY_NAME.set(m.toLowerCase(), i + 1);
  for (const a of MONTH_ABBREVIATIONS[i]!) MONTH_BY_NAME.set(a, i + 1);
});

/** 1–12 for a month name or abbreviation (any case, a trailing "." allowed), else undefined. */
export function monthNumber(word: string): number | undefined {
  return MONTH_BY_NAME.get(word.toLowerCase().replace(/\.$/, ''));
}

/** Is `word` a full month name rather than an abbreviation? */
export function isFullMonthName(word: string): boolean {
  return MONTHS.some((m) => m.toLowerCase() === word.toLowerCase());
}

/** The abbreviation written like `template` ("Sept" stays four letters, "Mar." keeps its stop). */
export function abbreviateMonth(month: number, template: string): string {
  const full = MONTHS[month - 1]!;
  if (full === 'May') return 'May';
  const letters = template.replace(/\.$/, '').length;
  const stem = full.slice(0, month === 9 && letters === 4 ? 4 : 3);
  return template.endsWith('.') ? `${stem}.` : stem;
}

/** Regex source matching any month name or abbreviation (use with the `i` flag). */
export const MONTH_PATTERN = [...MONTH_BY_NAME.keys()].sort((a, b) => b.length - a.length).join('|');

/** Regex source matching a weekday name, singular or plural ("Mondays"). */
export const WEEKDAY_PATTERN = `(?:${WEEKDAYS.map((d) => d.toLowerCase()).join('|')})s?`;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Days in `month` (1–12) of `year`; without a year February has 28 (a day valid every year). */
export function daysInMonth(month: number, year?: number): number {
  if (month === 2) return year !== undefined && isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Can day/month be a calendar date? Without a year, 29 February counts (someone's birthday): the
 * detector accepts it; the generator (daysInMonth without a year) never makes it.
 */
export function isValidDay(day: number, month: number, year?: number): boolean {
  if (!Number.isInteger(day) || !Number.isInteger(month) || month < 1 || month > 12 || day < 1) return false;
  return day <= (year === undefined && month === 2 ? 29 : daysInMonth(month, year));
}

/** The English ordinal suffix of `n` (1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st …). */
export function ordinalSuffix(n: number): string {
  const mod100 = n % 100;
  if (mod100 >= 11 && mod100 <= 13) return 'th';
  return ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th';
}
