/**
 * Name detection (src/perturb/entity/names.ts): the span rules of the gold guidelines (titles, the
 * possessive 's and "the" outside; nationalities are places), the hard negatives, chat names only in a
 * name's slot, the output contract (sorted, non-overlapping, memoised), and the development set's scores
 * as a floor (the held-out set is never read here).
 */
import { describe, expect, it } from 'vitest';
import { readGold, scoreDetection } from '../bench/lib/entity-gold.ts';
import { findNameSpans, findNames } from '../src/perturb/entity/names.ts';

const spans = (text: string) => findNames(text).map((s) => `${s.kind}:${s.text}`);

describe('findNames span rules', () => {
  it.each([
    ['I need a statement for my accountant, Mr Okonkwo.', ['person:Okonkwo']],
    ['Dr. Lindqvist says I should rest.', ['person:Lindqvist']],
    ["We celebrated grandma Rosa's birthday in Oaxaca.", ['person:Rosa', 'location:Oaxaca']],
    ['Is the app free outside the UK?', ['location:UK']],
    ['I moved to the Netherlands last year.', ['location:Netherlands']],
    ['The Dutch bank ING charged me a fee.', ['location:Dutch', 'organization:ING']],
    ['Americans visiting Canada forget the exchange rate.', ['location:Americans', 'location:Canada']],
    ["Sainsbury's charged me twice.", ["organization:Sainsbury's"]],
    ['My colleague Nguyen Van An recommended you.', ['person:Nguyen Van An']],
    ['My accountant, Ana de la Cruz, needs the statements.', ['person:Ana de la Cruz']],
    ['Bill Thompson is listed as a second holder.', ['person:Bill Thompson']],
    ['Will from customer service said the fee would be waived.', ['person:Will']],
    ['Can I pay Mark back with a bank transfer?', ['person:Mark']],
    ['Our boat trip along the Amazon was the highlight.', ['location:Amazon']],
    ['I made 4 payments to Amazon and only placed 2 orders.', ['organization:Amazon']],
    ['We stayed in Nice in June.', ['location:Nice']],
    ['Turkey is on my list of places to visit.', ['location:Turkey']],
    ['How do I become a citizen of Jordan?', ['location:Jordan']],
    ['Jordan sent me the money on his phone.', ['person:Jordan']],
  ])('%s', (text, want) => {
    expect(spans(text)).toEqual(want);
  });

  it.each([
    'Will my card work abroad?',
    'May I change the name on my account?',
    'Bill payments keep failing.',
    'Mark my words, this year will be better.',
    'Grace periods on the overdraft are confusing.',
    'Jack up the car before you change the tyre.',
    'Nice try, but the scammer did not get my details.',
    'Reading my statement, I noticed a strange charge.',
    'Turkey sandwiches again for lunch.',
    'My mum gave me her old china plates.',
    'Apple pie is my comfort food.',
    'I had an apple and went back to bed.',
    'Can you send us a copy of the letter?',
    'She said she would march into the bank.',
    'The card was charged on Monday 14 February.',
    "You've asked where my savings came from.",
    'Which ATMs accept this card?',
    'Who won the Nobel Prize last year?',
    'What year did the Berlin Wall fall?',
    'What can I use to split bills with friends',
  ])('finds nothing in %s', (text) => {
    expect(spans(text)).toEqual([]);
  });

  it('takes a lowercase chat name only where a name goes', () => {
    expect(spans('sent 50 bucks to jake yesterday')).toEqual(['person:jake']);
    expect(spans('paid tom back for the pizza')).toEqual(['person:tom']);
    expect(spans('the tom and jerry show was on')).toEqual([]);
    expect(spans('i will mark it as urgent')).toEqual([]);
  });

  it('finds lowercase places and organisations that are no English word', () => {
    expect(spans('just landed in lisbon, card works fine')).toEqual(['location:lisbon']);
    expect(spans('omg klarna charged me again')).toEqual(['organization:klarna']);
  });
});

describe('findNames contract', () => {
  const gold = readGold(new URL('./fixtures/entities/gold-dev.txt', import.meta.url).pathname);

  it('returns sorted, non-overlapping spans whose text is the text they cover', () => {
    for (const { text } of gold) {
      const found = findNames(text);
      found.forEach((s, i) => {
        expect(text.slice(s.start, s.end)).toBe(s.text);
        if (i > 0) expect(s.start).toBeGreaterThanOrEqual(found[i - 1]!.end);
      });
    }
  });

  it('is memoised per text', () => {
    const text = 'Priya moved from Leeds to Lagos and banks with Monzo.';
    expect(findNameSpans(text)).toBe(findNameSpans(text));
  });

  it('keeps the development set scores (a floor against regressions: tuned there, so not a measure)', () => {
    const { scores } = scoreDetection(gold, findNames, ['person', 'location', 'organization']);
    for (const s of scores) {
      expect(s.precision, `${s.kind} precision`).toBeGreaterThanOrEqual(0.95);
      expect(s.recall, `${s.kind} recall`).toBeGreaterThanOrEqual(0.95);
    }
  });
});
