/**
 * entity.date beyond its golden file: every generated date exists and keeps its format and field order
 * (an ambiguous day/month stays ambiguous), years move by at most five, weekdays stay weekdays and
 * times keep their notation, repeated dates change together, the lexicon entries replace the bundled
 * names, protected spans stay, and the levels count entities.
 */
import { describe, expect, it } from 'vitest';
import { perturbTextSync } from '../../src/perturb/engine.ts';
import { daysInMonth, MONTHS, monthNumber, WEEKDAYS } from '../../src/perturb/entity/calendar.ts';
import { LEXICON_OPTION } from '../../src/perturb/lexicon.ts';
import type { Severity, Variant } from '../../src/types.ts';
import date, { timeMinutes } from './date.ts';

const run = (
  text: string,
  severity: Severity = 3,
  variant = 0,
  options: Record<string, unknown> = {},
): Variant => perturbTextSync(text, date, { seed: 9, severity, variant, options });

/** The replacements of the one date in `text`, over many variants. */
function replacements(text: string, n = 120, options: Record<string, unknown> = {}): string[] {
  return Array.from({ length: n }, (_, k) => {
    const v = run(text, 1, k, options);
    expect(v.edits, text).toHaveLength(1);
    return v.edits[0]!.after;
  });
}

const exists = (day: number, month: number, year: number): boolean =>
  month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(month, year);

describe('entity.date calendar dates', () => {
  it('keeps day/month order, padding and separators, and never makes a date that does not exist', () => {
    for (const after of replacements('I was born on 29/02/1996, is that a problem?')) {
      const [, d, m, y] = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(after)!;
      expect(exists(Number(d), Number(m), Number(y)), after).toBe(true);
      expect(Math.abs(Number(y) - 1996)).toBeLessThanOrEqual(5);
    }
    for (const after of replacements('the payment of 15/08/2024 bounced')) {
      const [, d, m, y] = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(after)!;
      expect(exists(Number(d), Number(m), Number(y)), after).toBe(true);
    }
    // month/day, read from the 15: stays month/day, two-digit year kept
    for (const after of replacements('the payment of 08/15/24 bounced')) {
      const [, m, d, y] = /^(\d{2})\/(\d{2})\/(\d{2})$/.exec(after)!;
      expect(exists(Number(d), Number(m), 2000 + Number(y)), after).toBe(true);
    }
    // no padding in, no padding out
    for (const after of replacements('paid on 5/3/2024 by card'))
      expect(after).toMatch(/^[1-9]\d?\/[1-9]\d?\/\d{4}$/);
  });

  it('keeps an ambiguous day/month ambiguous: both fields 12 or less', () => {
    const outs = replacements('I made 4 payments on 12/05/2024 and only 2 orders');
    for (const after of outs) {
      const [, a, b] = /^(\d{2})\/(\d{2})\/\d{4}$/.exec(after)!;
      expect(Number(a)).toBeLessThanOrEqual(12);
      expect(Number(b)).toBeLessThanOrEqual(12);
    }
    expect(new Set(outs).size).toBeGreaterThan(20);
  });

  it('keeps ISO dates ISO and real', () => {
    for (const after of replacements('a hotel charge dated 2024-02-29 that I never made')) {
      const [, y, m, d] = /^(\d{4})-(\d{2})-(\d{2})$/.exec(after)!;
      expect(exists(Number(d), Number(m), Number(y)), after).toBe(true);
    }
  });

  it('keeps written dates written the same way, with real days', () => {
    const shapes: [string, RegExp][] = [
      ['the card I ordered on 3rd March never came', /^(\d{1,2})(?:st|nd|rd|th) ([A-Z][a-z]+)$/],
      ['rent goes out on March 3rd every month', /^([A-Z][a-z]+) (\d{1,2})(?:st|nd|rd|th)$/],
      ['I landed on 31 January 2024 in the evening', /^(\d{1,2}) ([A-Z][a-z]+) (\d{4})$/],
      ['it was due by Sept 30, 2023 at the latest', /^([A-Z][a-z]{2,3}) (\d{1,2}), (\d{4})$/],
      ['we met on the 30th of september', /^(\d{1,2})(?:st|nd|rd|th) of ([a-z]+)$/],
    ];
    for (const [text, shape] of shapes) {
      for (const after of replacements(text)) {
        const m = shape.exec(after);
        expect(m, `${text} → ${after}`).not.toBeNull();
        const month = monthNumber(m![1]!.match(/\d/) ? m![2]! : m![1]!)!;
        const day = Number(m![1]!.match(/\d/) ? m![1] : m![2]);
        const year = m![3] ? Number(m![3]) : 2023; // without a year, no 29 February either
        expect(exists(day, month, year), `${text} → ${after}`).toBe(true);
      }
    }
  });

  it('gives ordinal days the right suffix', () => {
    for (const after of replacements('the money left on the 15th as usual')) {
      const n = Number(after.replace(/\D/g, ''));
      const suffix =
        n % 10 === 1 && n !== 11
          ? 'st'
          : n % 10 === 2 && n !== 12
            ? 'nd'
            : n % 10 === 3 && n !== 13
              ? 'rd'
              : 'th';
      expect(after).toBe(`${n}${suffix}`);
    }
  });
});

describe('entity.date names, years and times', () => {
  it('turns a weekday into another weekday, keeping case and plural', () => {
    const names = WEEKDAYS.map((d) => d.toLowerCase());
    for (const after of replacements('the branch is shut on mondays')) {
      expect(after).toMatch(/^[a-z]+days$/);
      expect(names).toContain(after.slice(0, -1));
      expect(after).not.toBe('mondays');
    }
    for (const after of replacements('I sent it on Friday'))
      expect(WEEKDAYS.filter((d) => d !== 'Friday')).toContain(after);
  });

  it('turns a month into another month, and a year into one within five', () => {
    for (const after of replacements('my card expires in October'))
      expect(MONTHS.filter((m) => m !== 'October')).toContain(after);
    for (const after of replacements('I need a statement for 2023')) {
      expect(Math.abs(Number(after) - 2023)).toBeGreaterThanOrEqual(1);
      expect(Math.abs(Number(after) - 2023)).toBeLessThanOrEqual(5);
    }
  });

  it('moves a time within six hours in its own notation', () => {
    for (const after of replacements('the callback was promised for 3pm')) {
      const [, h, meridiem] = /^(\d{1,2})([ap]m)$/.exec(after)!;
      const hour24 = (Number(h) % 12) + (meridiem === 'pm' ? 12 : 0);
      expect(hour24).not.toBe(15);
      expect(Math.abs(hour24 - 15)).toBeLessThanOrEqual(6);
    }
    for (const after of replacements('Call me at 3:40 p.m. please'))
      expect(after).toMatch(/^\d{1,2}:\d[05] [ap]\.m\.$/);
    // a 24-hour time stays 24-hour, with its leading zero and its quarter-hour grid
    for (const after of replacements('the branch opens at 09:30 on weekdays')) {
      const [, h, m] = /^(\d{2}):(\d{2})$/.exec(after)!;
      expect(Number(h)).toBeLessThanOrEqual(15);
      expect(['00', '15', '30', '45']).toContain(m);
    }
    for (const after of replacements('the train leaves at 16:45 from platform'))
      expect(after).toMatch(/^\d{1,2}:(?:00|15|30|45)$/);
    for (const after of replacements('we met at 8:00 sharp')) expect(after).toMatch(/^\d{1,2}:00$/);
  });
});

describe('entity.date lexicon, consistency, protection and levels', () => {
  it('draws weekdays and months from the lexicon entries', () => {
    const options = {
      [LEXICON_OPTION]: { 'date.weekday': ['Saturday', 'Sunday'], 'date.month': ['May', 'Smarch'] },
    };
    expect(new Set(replacements('I sent it on Friday', 40, options))).toEqual(
      new Set(['Saturday', 'Sunday']),
    );
    // a name that is no month is ignored; a month with no other to become is left alone
    expect(new Set(replacements('my card expires in October', 40, options))).toEqual(new Set(['May']));
    expect(run('my card expires in May', 1, 0, options).changed).toBe(false);
  });

  it('replaces a repeated date the same way at every mention, in each mention’s case', () => {
    for (let k = 0; k < 20; k++) {
      const v = run('Monday again? every monday the same thing', 1, k);
      expect(v.edits).toHaveLength(2);
      expect(v.edits[1]!.after).toBe(v.edits[0]!.after.toLowerCase());
    }
  });

  it('leaves numbers, amounts, URLs and negations alone', () => {
    const text = "I didn't get the £20 back for 3 items from Monday, see https://x.example.org/2024/05/12";
    for (let k = 0; k < 20; k++) {
      const v = run(text, 3, k);
      expect(v.edits.map((e) => e.before)).toEqual(['Monday']);
      expect(v.text.startsWith("I didn't get the £20 back for 3 items from ")).toBe(true);
      expect(v.text.endsWith(', see https://x.example.org/2024/05/12')).toBe(true);
    }
  });

  it('changes one date at level 1, half (rounded up) at 2, all at 3', () => {
    const text = 'It left on 12/05/2024 at 10:30, came back on Friday and again in June.';
    expect(([1, 2, 3] as Severity[]).map((s) => run(text, s).edits.length)).toEqual([1, 2, 4]);
  });
});

describe('entity.date order of times', () => {
  it('keeps a range of times forward and its ends apart', () => {
    for (let k = 0; k < 40; k++) {
      const v = run("Please call me back between 9:00 and 12:00, I'm at work after that.", 3, k);
      const [from, to] = [...v.text.matchAll(/\d{1,2}:\d{2}/g)].map((m) => timeMinutes(m[0])!);
      expect(from, v.text).toBeLessThan(to!);
    }
  });

  it('reads a bare hour as a working-day hour', () => {
    expect(timeMinutes('3pm')).toBe(15 * 60);
    expect(timeMinutes('10:30')).toBe(10 * 60 + 30);
    expect(timeMinutes('12:15 a.m.')).toBe(15);
    expect(timeMinutes('9')).toBe(9 * 60);
    expect(timeMinutes('5')).toBe(17 * 60);
    expect(timeMinutes('2019')).toBeNull();
    for (let k = 0; k < 40; k++) {
      const v = run('The branch is open from 9 to 5.', 3, k);
      const [from, to] = [...v.text.matchAll(/\d+/g)].map((m) => timeMinutes(m[0])!);
      expect(from, v.text).toBeLessThan(to!);
    }
  });
});
