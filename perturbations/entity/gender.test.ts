/**
 * entity.gender: pronouns by their role (her → his before a noun, him elsewhere; his → hers standing
 * alone), titles, names and nouns swapped consistently; levels are scopes that only fire with something
 * of their own; swapping twice gives the text back; a user lexicon replaces the noun pairs.
 */
import { describe, expect, it } from 'vitest';
import { perturbTextSync } from '../../src/perturb/engine.ts';
import { NAME_LEXICON } from '../../src/perturb/entity/names-lexicon.ts';
import { LEXICON_OPTION } from '../../src/perturb/lexicon.ts';
import type { Severity, Variant } from '../../src/types.ts';
import gender from './gender.ts';

const at = (text: string, severity: Severity, variant = 0, options: Record<string, unknown> = {}): Variant =>
  perturbTextSync(text, gender, { seed: 2, severity, variant, options });

describe('entity.gender', () => {
  it.each([
    ['She lost her card.', 'He lost his card.'],
    ['I gave her the card and told him about it.', 'I gave him the card and told her about it.'],
    ['Her 3 cards are blocked and her own account too.', 'His 3 cards are blocked and his own account too.'],
    ['Is this card his or hers?', 'Is this card hers or his?'],
    ['I miss her so much.', 'I miss him so much.'],
    ["He's sure he'll pay it himself.", "She's sure she'll pay it herself."],
    ['Mr Patel and Mrs Shah called.', 'Ms Patel and Mr Shah called.'],
    ['Dear Sir or Madam, please help.', 'Dear Madam or Sir, please help.'],
    ['HE SAID HIS PIN WAS BLOCKED', 'SHE SAID HER PIN WAS BLOCKED'],
  ])('level 1: %s', (text, want) => {
    expect(at(text, 1).text).toBe(want);
  });

  it('swaps twice back to the original where every pronoun has one reading', () => {
    for (const text of [
      'She lost her card.',
      'I gave her the card and told him about it.',
      'Is this card his or hers?',
      "He's sure he'll pay it himself.",
    ]) {
      expect(at(at(text, 1).text, 1).text).toBe(text);
    }
  });

  it('level 2 also gives a gendered first name one of the other gender, the same at every mention', () => {
    const male = new Set(NAME_LEXICON['person.male'].map((n) => n.toLowerCase()));
    for (let k = 0; k < 8; k++) {
      const v = at('Priya said she would call, and Priya did.', 2, k);
      const [, a, b] = /^(\S+) said he would call, and (\S+) did\.$/.exec(v.text)!;
      expect(a).toBe(b);
      expect(male.has(a!.toLowerCase()), a).toBe(true);
    }
  });

  it('level 3 also swaps gendered nouns, keeping their case and possessive', () => {
    expect(at("My husband's mum says he can pay.", 3).text).toBe("My wife's dad says she can pay.");
    expect(at('Our SONS and daughters', 3).text).toBe('Our DAUGHTERS and sons');
    expect(at('oh man, what a day', 3).changed).toBe(false);
  });

  it('each level changes only texts with something of its own scope', () => {
    const pronounsOnly = 'She said her card was stolen.';
    expect(at(pronounsOnly, 1).changed).toBe(true);
    expect(at(pronounsOnly, 2).changed).toBe(false);
    expect(at(pronounsOnly, 3).changed).toBe(false);
    const withNoun = 'My wife said her card was stolen.';
    expect(at(withNoun, 2).changed).toBe(false);
    expect(at(withNoun, 3).text).toBe('My husband said his card was stolen.');
    const nameOnly = 'Can I pay Fatima back tomorrow?';
    expect(at(nameOnly, 1).changed).toBe(false);
    expect(at(nameOnly, 2).changed).toBe(true);
  });

  it('never touches a protected span', () => {
    const v = at('She wrote to her@example.org about her card.', 1);
    expect(v.text).toBe('He wrote to her@example.org about his card.');
  });

  it('reads the noun pairs from the user’s lexicon when one is given', () => {
    const options = { [LEXICON_OPTION]: { 'gender.nouns': ['monk/nun'] } };
    expect(at('The monk and his wife', 3, 0, options).text).toBe('The nun and her wife');
  });

  it('leaves the name of a person a question asks about', () => {
    for (const k of [0, 1, 2, 3]) {
      expect(at('Who was Frida Kahlo married to?', 2, k).changed).toBe(false);
      expect(at('Which philosopher taught Alexander the Great?', 2, k).changed).toBe(false);
    }
  });

  it('replaces a family-name-first full name as a whole, by a full name of the other gender', () => {
    const female = new Set(NAME_LEXICON['person.female'].map((n) => n.toLowerCase()));
    const surnames = new Set(NAME_LEXICON['person.surname'].map((n) => n.toLowerCase()));
    for (const k of [0, 1, 2, 3]) {
      const v = at('My colleague Nguyen Van An recommended your bank to me.', 2, k).text;
      const m = /^My colleague (\S+) (\S+) recommended your bank to me\.$/.exec(v);
      expect(m, v).not.toBeNull();
      expect(female.has(m![1]!.toLowerCase()), m![1]).toBe(true);
      expect(surnames.has(m![2]!.toLowerCase()), m![2]).toBe(true);
    }
  });
});
