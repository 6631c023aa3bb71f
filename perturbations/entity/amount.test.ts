/**
 * entity.amount beyond its golden file: the figure keeps its format and changes value, the currency
 * keeps its style and place and switches only when the text holds that one amount and names no other
 * currency, repeated amounts change together, the lexicon entries replace the bundled lists, protected
 * spans stay, and the levels count entities.
 */
import { describe, expect, it } from 'vitest';
import { perturbTextSync } from '../../src/perturb/engine.ts';
import { LEXICON_OPTION } from '../../src/perturb/lexicon.ts';
import type { Severity, Variant } from '../../src/types.ts';
import amount, { amountValue, splitAmount } from './amount.ts';

const run = (
  text: string,
  severity: Severity = 3,
  variant = 0,
  options: Record<string, unknown> = {},
): Variant => perturbTextSync(text, amount, { seed: 5, severity, variant, options });

/** The replacements of the one amount in `text`, over many variants. */
function replacements(text: string, n = 60, options: Record<string, unknown> = {}): string[] {
  return Array.from({ length: n }, (_, k) => {
    const v = run(text, 1, k, options);
    expect(v.edits).toHaveLength(1);
    return v.edits[0]!.after;
  });
}

describe('entity.amount format', () => {
  it.each([
    // [text, the amount, what every replacement looks like]
    ['I was charged $45.99 for nothing', '$45.99', /^[$€£][2-9]\d\.99$/],
    [
      'they took 1,200 EUR from my account',
      '1,200 EUR',
      /^[1-2],[0-9]00 (?:USD|EUR|GBP|CHF|CAD|AUD|NZD|SGD)$/,
    ],
    ['can I take out £5k in cash?', '£5k', /^[$€£][2-9]k$/],
    ['the room was 80€ a night', '80€', /^[4-9]0[$€£]$/],
    ['sent 50 bucks to jake', '50 bucks', /^[2-9]\d (?:bucks|quid)$/],
    [
      'I paid fifty dollars for it',
      'fifty dollars',
      /^(?:twenty|thirty|forty|sixty|seventy|eighty|ninety) (?:dollars|euros|pounds|francs)$/,
    ],
    ['it was 30usd plus tax', '30usd', /^[1-6]0(?:usd|eur|gbp|chf|cad|aud|nzd|sgd)$/],
    ['I paid NZ$389 for the flight', 'NZ$389', /^(?:US|A|C|NZ|S)\$\d{3}$/],
    ['the taxi was 3,000 roubles', '3,000 roubles', /^\d,\d{3} roubles$/],
    ['he sent me R$200 last week', 'R$200', /^R\$[1-4]00$/],
  ])('%s', (text, before, shape) => {
    for (const after of replacements(text)) {
      expect(after).toMatch(shape);
      expect(after).not.toBe(before);
    }
  });

  it('makes the currency word agree with the new figure', () => {
    for (const after of replacements('the machine gave me one pound back')) {
      expect(after).toMatch(/^(?:two|three|four|five|six|seven|eight|nine) (?:dollars|euros|pounds|francs)$/);
    }
    // adjectival: "a 20 pound fine" stays singular
    for (const after of replacements('I had to pay a 20 pound fine'))
      expect(after).toMatch(/^\d{2} (?:dollar|euro|pound|franc)$/);
  });

  it('switches the currency on some draws only, to one of the same style', () => {
    const symbols = new Set(replacements('I was charged $45.99 for nothing', 80).map((a) => a[0]));
    expect(symbols).toEqual(new Set(['$', '€', '£']));
  });

  it('cuts an amount into its parts', () => {
    expect(splitAmount('US$ 1.5k')).toEqual({
      before: 'US$ ',
      figure: '1.5',
      spelled: false,
      multiplier: 'k',
      after: '',
    });
    expect(splitAmount('2 million dollars')).toEqual({
      before: '',
      figure: '2',
      spelled: false,
      multiplier: ' million',
      after: ' dollars',
    });
    expect(splitAmount('twenty quid')).toEqual({
      before: '',
      figure: 'twenty',
      spelled: true,
      multiplier: '',
      after: ' quid',
    });
  });
});

describe('entity.amount currency consistency', () => {
  it('keeps the currency when the text holds two amounts', () => {
    for (let k = 0; k < 30; k++) {
      const v = run('Why did I receive only $480 when she sent me $500?', 3, k);
      expect(v.text).toMatch(/only \$\d{3} when she sent me \$\d{3}\?$/);
    }
  });

  it('keeps the currency when the text names one elsewhere', () => {
    for (let k = 0; k < 30; k++) {
      expect(run('How do I convert 100 USD to euros?', 3, k).text).toMatch(
        /^How do I convert [2-9]00 USD to euros\?$/,
      );
    }
  });

  it('replaces a repeated amount the same way at every mention', () => {
    const currencies = new Set<string>();
    for (let k = 0; k < 30; k++) {
      const v = run('My rent of €950 went out twice, that is €950 I do not have!', 1, k);
      expect(v.edits).toHaveLength(2);
      expect(v.edits[0]!.after).toBe(v.edits[1]!.after);
      currencies.add(v.edits[0]!.after[0]!);
    }
    // a repeated amount is still one amount: its currency may switch, everywhere at once
    expect(currencies.size).toBeGreaterThan(1);
  });

  it('draws new currencies from the lexicon entries', () => {
    const options = { [LEXICON_OPTION]: { 'amount.code': ['EUR', 'CHF'] } };
    const codes = new Set(
      replacements('they took 1,200 EUR from my account', 60, options).map((a) => a.slice(-3)),
    );
    expect(codes).toEqual(new Set(['EUR', 'CHF']));
    // a user list can make a currency switchable that the bundled one keeps
    const yen = { [LEXICON_OPTION]: { 'amount.symbol': ['¥', '₹'] } };
    const symbols = new Set(replacements('it cost ¥3000 in the end', 60, yen).map((a) => a[0]));
    expect(symbols).toEqual(new Set(['¥', '₹']));
  });
});

describe('entity.amount protection and levels', () => {
  it('leaves numbers, dates, URLs and negations alone', () => {
    const text =
      "I didn't authorise the £20 charge on 12/05/2024 for 3 items, see https://shop.example.com/order/55";
    for (let k = 0; k < 20; k++) {
      const v = run(text, 3, k);
      expect(v.edits.map((e) => e.before)).toEqual(['£20']);
      expect(v.text).toMatch(
        /^I didn't authorise the [$€£]\d{2} charge on 12\/05\/2024 for 3 items, see https:\/\/shop\.example\.com\/order\/55$/,
      );
    }
  });

  it('changes one amount at level 1, half (rounded up) at 2, all at 3', () => {
    const text = 'I paid $12.99, then $45, then $300 and finally $20.';
    expect(([1, 2, 3] as Severity[]).map((s) => run(text, s).edits.length)).toEqual([1, 2, 4]);
  });

  it('leaves a text without amounts unchanged', () => {
    expect(run('I was charged 3 times on Monday').changed).toBe(false);
    expect(run('Why is my balance shown in dollars?').changed).toBe(false);
  });
});

describe('entity.amount order, places and denominations', () => {
  it('keeps the order of the amounts of one currency, never making two equal', () => {
    for (let k = 0; k < 40; k++) {
      const v = run('The card machine charged €64 instead of €46.', 3, k);
      const [charged, due] = [...v.text.matchAll(/€(\d+)/g)].map((m) => Number(m[1]));
      expect(charged, v.text).toBeGreaterThan(due!);
    }
  });

  it('keeps the order with a bare number, a sum whose currency goes unsaid', () => {
    for (let k = 0; k < 40; k++) {
      const v = run('I withdrew 40 euros but 60 came off my account.', 1, k);
      if (!v.changed) continue;
      const withdrawn = amountValue(v.edits[0]!.after)!;
      expect(withdrawn, v.text).toBeLessThan(60);
    }
  });

  it('never switches the currency in a text that names a place', () => {
    const currencies = new Set<string>();
    for (let k = 0; k < 40; k++) {
      const v = run('I withdrew 40 euros in Rome last night.', 1, k);
      currencies.add(v.edits[0]!.after.split(' ')[1]!);
    }
    expect(currencies).toEqual(new Set(['euros']));
    // the same text without the place does switch on some draws
    const elsewhere = new Set(
      replacements('I withdrew 40 euros last night.', 40).map((a) => a.split(' ')[1]),
    );
    expect(elsewhere.size).toBeGreaterThan(1);
  });

  it('leaves banknotes and coins alone, not other amounts before a noun', () => {
    for (const text of [
      'i found a 20 pound note in my old coat',
      'the machine ate my £5 note',
      'is a $100 bill still accepted?',
      'it only takes a 50 cent coin',
    ]) {
      for (let k = 0; k < 10; k++) expect(run(text, 3, k).changed, text).toBe(false);
    }
    expect(run('i paid a 20 pound fee', 3, 0).changed).toBe(true);
  });
});
