/**
 * Detection of amounts, dates and numbers (src/perturb/entity/quantities.ts): sentences written for this
 * test in the gold markup, each a rule of the gold guidelines (span boundaries, what is not an entity),
 * must be found exactly; the development gold sets (gold-dev.txt, gold-dev2.txt) must keep their scores (the held-out set is measured by
 * bench/entity-quantities-detection.ts only, never here).
 */
import { describe, expect, it } from 'vitest';
import { parseGold, readGold, scoreDetection } from '../bench/lib/entity-gold.ts';
import { drawKeepingOrder, keepsOrder, ORDER_DRAWS } from '../src/perturb/entity/figures.ts';
import { findQuantities } from '../src/perturb/entity/quantities.ts';

const KINDS = ['number', 'amount', 'date'] as const;

/** Each line: a rule, then the sentence with its gold spans (the kinds this finder knows). */
const CASES = `
# clock times: 24h, am/pm with and without a space or dots, o'clock, "at 7" before a stop
Call me at [date: 3:40 p.m.] on [date: Friday].
The meeting is at [date: 9 am] tomorrow and lunch at [date: 12:30pm].
We open at [date: 09:15] and close at [date: 17:45] on weekdays.
He leaves at [date: 11 o'clock] and comes back at [date: 7], usually.
# British dotted times after a word that introduces one (not a rate), hour ranges, a day after a weekday
The branch opens at [date: 8.30] and shuts by [date: 17.45], from [date: 9] to [date: 5] on weekdays.
It takes between [number: 2] and [number: 3] days, and my pounds were converted at [number: 1.15].
On [date: Friday] [date: 13th] I lost it.
# currency before or after: symbol, prefixed symbol, code, word, slang, "k", spelled figure
I paid [amount: 30USD], then [amount: EUR 45], then [amount: £1.5k] and [amount: HK$8,000].
it was [amount: fifty dollars] for the haircut and [amount: twenty quid] for parking
It costs [amount: 99p] or [amount: 50 cents], about [amount: 3 grand] a year, or [amount: ¥3000].
They said I owe them [amount: two hundred and fifty pounds].
# the currency word or code alone is no amount
Why does the app show my balance in dollars and not in EUR?
# "May I", the verb "march", names: no month; a month after a word that introduces a date is one
May I ask why my card was blocked in [date: May]?
We march to the bank on the [date: 3rd of March 2024] at [date: 10.30am].
April said she would pay me back by [date: June 5].
Is it always this cold in [date: april]?
# numeric dates in any order, ISO, with dots; no ratio or "24/7"
It was [date: 2019-12-31], then [date: 31.12.2019], then [date: 12-31-19].
I have been waiting since [date: 12/05] for help that is supposedly 24/7.
# years as a time, not as a code or a count
The card ending in [number: 2023] was charged [number: 1990] points back in [date: 2019].
The [date: 1990s] were better, and [date: 2024] was a hard year.
# weekday only, not "last"; a date and a time next to each other are two spans
It happened last [date: Tuesday] at [date: 6pm] and again on [date: Sunday] night.
# days of the month as ordinals, digit ordinals as numbers
Rent goes out on the [date: 1st] and the [date: 15th], and I live on the [number: 3rd] floor.
This is my [number: 2nd] card in [number: 2] weeks.
# spelled-out cardinals of a quantity, never "one" as a pronoun, never word ordinals
I want the same one, a new one, for the first time in [number: twenty-five] days.
It took [number: one] week and [number: three] calls, but this one worked.
when did world war two end
# digits glued to a unit, a percentage, a scale word; no number inside "4G" or "2FA"
My 4G is fine, the 2FA code is [number: 884213], I ran [number: 5]km and saved [number: 50%] on [number: 1.5 million] points.
# continental figures with a currency: dot for thousands, comma for decimals, ",-" for a round sum
The sofa was [amount: 1.350,75 €], the lamp [amount: €2,40] and the rug [amount: 80,- EUR].
# abbreviated weekdays: always when no English word; "sat", "wed", "sun" only with a date context
We're shut [date: Mon]-[date: Thurs] but open [date: fri] from [date: 10am], see you on [date: Sat].
We sat in the sun and they wed in [date: July], and I read it in the Sun.
c'mon, the shop is closed on [date: sun] and we can go [date: Wed] instead.
# abbreviated months alone after a word that introduces a date or in a list; "Jan" the name stays a name
Prices rise in [date: Oct], stay flat [date: Nov]–[date: Dec] and the form came from Jan on [date: Tues].
I emailed Jan Novak about the end of [date: Jan]. Then I waited.
# two-digit years with an apostrophe after a word that introduces one, decades; a card's expiry month
I've banked here since [date: '05], loved the [date: '80s], and my card expiry date is [date: 11/2028].
# bare hours after a word that introduces a time, unless the figure counts or is a level
Let's meet at [date: 4] and eat around [date: 7] tonight, I'll stay until [date: 11].
The rate is stuck at [number: 3], it failed at [number: 2] shops and at [number: 4] different ATMs, up by [number: 5].
# "x2" counts; "the 21st" ending a clause is a day, not a rank, nor an ordinal before a noun
Add the blue mug x[number: 2], the van comes the [date: 21st]; she finished the [number: 3rd].
I paid the [number: 2nd] and the [number: 3rd] instalments at [number: 5] school events in the [date: 90s].
# a year as the subject of a question; a month joined by "and" to a name is a name
Was [date: 2020] the worst year? Sam and June came round, in [date: May] and [date: June] it rained.
`;

describe('findQuantities', () => {
  const sentences = parseGold(CASES);

  it.each(sentences.map((s) => [s.text, s] as const))('%s', (_text, s) => {
    const found = findQuantities(s.text).map(({ kind, text }) => `${kind}: ${text}`);
    expect(found).toEqual(s.entities.map(({ kind, text }) => `${kind}: ${text}`));
  });

  it('returns sorted, non-overlapping spans whose text is the text’s slice', () => {
    for (const s of sentences) {
      const spans = findQuantities(s.text);
      for (let i = 0; i < spans.length; i++) {
        const span = spans[i]!;
        expect(s.text.slice(span.start, span.end)).toBe(span.text);
        if (i > 0) expect(span.start).toBeGreaterThanOrEqual(spans[i - 1]!.end);
      }
    }
  });

  it('gives the same answer from its memo, in an array the caller may change', () => {
    const text = 'I paid $45 on Monday for 3 tickets.';
    const first = findQuantities(text);
    first.pop();
    expect(findQuantities(text)).toHaveLength(3);
  });

  it.each(['gold-dev.txt', 'gold-dev2.txt'])(
    'keeps its scores on the development set %s (precision and recall ≥ 0.95 per kind)',
    (file) => {
      const gold = readGold(new URL(`./fixtures/entities/${file}`, import.meta.url).pathname);
      const { scores } = scoreDetection(gold, findQuantities, KINDS);
      for (const s of scores) {
        expect(s.precision, s.kind).toBeGreaterThanOrEqual(0.95);
        expect(s.recall, s.kind).toBeGreaterThanOrEqual(0.95);
      }
    },
  );
});

describe('order of the replaced quantities', () => {
  const still = (v: number) => ({ old: v, current: v });

  it('keeps a new value on the same side of every other, equal to none', () => {
    // "withdrew 200 but only got 100": 200 may become 150, not 100 nor 90
    expect(keepsOrder(200, 150, [still(100)])).toBe(true);
    expect(keepsOrder(200, 100, [still(100)])).toBe(false);
    expect(keepsOrder(200, 90, [still(100)])).toBe(false);
    // against an entity already replaced: its new value, with the side it had before
    expect(keepsOrder(46, 50, [{ old: 64, current: 70 }])).toBe(true);
    expect(keepsOrder(46, 76, [{ old: 64, current: 70 }])).toBe(false);
    // a tie in the original cannot be kept by a new value
    expect(keepsOrder(20, 30, [still(20)])).toBe(false);
  });

  it('redraws a few times, then gives up', () => {
    const draws = [100, 120, 80];
    let i = 0;
    const next = () => String(draws[i++]);
    expect(drawKeepingOrder(next, Number, 60, [still(100)])).toBe('80');
    let count = 0;
    const never = () => {
      count++;
      return '500';
    };
    expect(drawKeepingOrder(never, Number, 60, [still(100)])).toBeNull();
    expect(count).toBe(ORDER_DRAWS);
    // nothing to keep an order with: the first draw
    expect(drawKeepingOrder(() => '500', Number, 60, [])).toBe('500');
  });
});
