/**
 * entity.number beyond its golden file: the format of every number is kept and its value never is,
 * amounts, dates and every other protected span stay untouched, repeated numbers change together, and
 * the levels count entities.
 */
import { describe, expect, it } from 'vitest';
import { perturbTextSync } from '../../src/perturb/engine.ts';
import type { Severity, Variant } from '../../src/types.ts';
import number, { numberValue } from './number.ts';

const run = (text: string, severity: Severity = 3, variant = 0, protect?: RegExp[]): Variant =>
  perturbTextSync(text, number, { seed: 3, severity, variant, protect });

/** The replacement of the one number in `text`, over many variants. */
function replacements(text: string, n = 60): string[] {
  return Array.from({ length: n }, (_, k) => {
    const v = run(text, 1, k);
    expect(v.edits).toHaveLength(1);
    return v.edits[0]!.after;
  });
}

describe('entity.number format', () => {
  it.each([
    // [text, the number, what every replacement looks like]
    ['my card ending in 0932 was declined', '0932', /^0\d{3}$/],
    ['the card ending 4417 is blocked', '4417', /^[1-9]\d{3}$/],
    ['I have 2,500 reward points', '2,500', /^[1-9],\d00$/],
    ['it was the 2nd time this week', '2nd', /^(?:[2-9](?:nd|rd|th))$/],
    ['my 21ST attempt failed', '21ST', /^\d{2}(?:ST|ND|RD|TH)$/],
    ['a fee of 2.5% applies', '2.5%', /^[2-9]\.5%$/],
    ['I ran 10k steps today', '10k', /^[2-9]0k$/],
    ['there are 40 people in the queue', '40', /^[2-8]0$/],
    ['waited for three days', 'three', /^(?:two|four|five|six|seven|eight|nine)$/],
    ['Twenty people complained', 'Twenty', /^(?:Thirty|Forty|Fifty|Sixty|Seventy|Eighty|Ninety)$/],
    [
      'i asked twenty-five times',
      'twenty-five',
      /^(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)-[a-z]+$/,
    ],
    ['CHARGED THREE TIMES', 'THREE', /^[A-Z]+$/],
  ])('%s', (text, before, shape) => {
    for (const after of replacements(text)) {
      expect(after).toMatch(shape);
      expect(after).not.toBe(before);
    }
  });

  it('keeps ordinal suffixes right for the new number', () => {
    for (const after of replacements('my 3rd card in a row', 80)) {
      const n = Number(after.replace(/\D/g, ''));
      expect(after).toBe(`${n}${n === 2 ? 'nd' : n === 3 ? 'rd' : 'th'}`);
    }
  });

  it('stays within the order of magnitude: the digit count, and a factor of two where it can', () => {
    for (const after of replacements('I have been a customer for 18 years')) {
      expect(Number(after)).toBeGreaterThanOrEqual(10);
      expect(Number(after)).toBeLessThanOrEqual(36);
    }
  });

  it('never turns a count into 1, and leaves "1" or "one" before a noun alone', () => {
    for (const after of replacements('I was charged 2 times')) expect(after).not.toBe('1');
    expect(run('Only 1 card arrived').changed).toBe(false);
    expect(run('It took one week to arrive').changed).toBe(false);
    // not before a word: free to change
    expect(run('my lucky number is 1').changed).toBe(true);
    // a two that "both" agrees with stays two
    expect(run('I tried two different ATMs and both declined my card').changed).toBe(false);
  });
});

describe('entity.number protection and consistency', () => {
  it('leaves amounts, dates, times, URLs and negations alone', () => {
    const text =
      "I can't see the $45.99 payment from 12/05/2024 at 10:30 on https://bank.example.org/tx/77 for 3 cards";
    for (let k = 0; k < 20; k++) {
      const v = run(text, 3, k);
      expect(v.edits.map((e) => e.before)).toEqual(['3']);
      expect(v.text).toContain(
        "can't see the $45.99 payment from 12/05/2024 at 10:30 on https://bank.example.org/tx/77 for ",
      );
    }
  });

  it('never edits what the user protects', () => {
    const v = run('card 4417 was declined 3 times', 3, 0, [/card \d+/g]);
    expect(v.text.startsWith('card 4417 ')).toBe(true);
    expect(v.edits.map((e) => e.before)).toEqual(['3']);
  });

  it('replaces a repeated number the same way at every mention', () => {
    for (let k = 0; k < 20; k++) {
      const v = run('I tried 3 times, then 3 more times, on 2 cards', 3, k);
      const threes = v.edits.filter((e) => e.before === '3');
      expect(threes).toHaveLength(2);
      expect(threes[0]!.after).toBe(threes[1]!.after);
    }
  });

  it('changes one number at level 1, half (rounded up) at 2, all at 3', () => {
    // far apart: each can change without crossing another (the order of the numbers is kept)
    const text = 'I have 2 accounts, 30 cards, 400 standing orders and 5000 payments failed.';
    const counts = ([1, 2, 3] as Severity[]).map((s) => run(text, s).edits.length);
    expect(counts).toEqual([1, 2, 4]);
  });

  it('leaves a text without numbers unchanged', () => {
    expect(run('Where is my new card?').changed).toBe(false);
    expect(run('I paid £20 on 3 May').changed).toBe(false);
  });
});

describe('entity.number order, ages and denominations', () => {
  it('keeps the order of the numbers and never makes two equal', () => {
    for (const severity of [1, 3] as const) {
      for (let k = 0; k < 40; k++) {
        const v = run('i withdrew 200 but only got 100 out of the machine', severity, k);
        const [withdrawn, got] = [...v.text.matchAll(/\d+/g)].map((m) => Number(m[0]));
        expect(withdrawn, v.text).toBeGreaterThan(got!);
      }
    }
  });

  it('keeps the order with the amounts of the text', () => {
    for (let k = 0; k < 40; k++) {
      const v = run('I withdrew 40 euros but 60 came off my account.', 1, k);
      expect(numberValue(v.edits[0]!.after)!, v.text).toBeGreaterThan(40);
    }
  });

  it('reads the value of a number as written', () => {
    expect(numberValue('2,500')).toBe(2500);
    expect(numberValue('1.5 million')).toBe(1_500_000);
    expect(numberValue('50%')).toBe(50);
    expect(numberValue('twenty-five')).toBe(25);
  });

  it('leaves ages alone', () => {
    for (const text of [
      'My son turns 15 next week, what kind of account can he have with you?',
      "I'm 21 and want my own card",
      'can a 16 year old open an account?',
      'accounts for children aged 12 and up',
      'at 18, can I get a credit card?',
      'my daughter is fifteen.',
      'my son is 8 and wants a card',
    ]) {
      for (let k = 0; k < 5; k++) expect(run(text, 3, k).changed, text).toBe(false);
    }
    // a number after the same words that is no age still changes
    expect(run('I was 15 minutes late for the transfer', 3, 0).changed).toBe(true);
    expect(run('the ATM turned down 3 cards', 3, 0).changed).toBe(true);
    expect(run('my lucky number is 7', 3, 0).changed).toBe(true);
  });

  it('leaves a banknote alone, not a count of notes', () => {
    expect(run('the machine gave me a 20 note that was torn', 3, 0).changed).toBe(false);
    expect(run('the machine gave me 3 notes that were torn', 3, 0).changed).toBe(true);
  });
});
