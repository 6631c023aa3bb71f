/**
 * entity.organization: an organisation becomes one of its category (a bank a bank, Visa ↔ Mastercard
 * only), never another name of itself, with "a"/"an" fixed; an unknown one gets an invented company;
 * a user lexicon replaces the bundled lists.
 */
import { describe, expect, it } from 'vitest';
import { perturbTextSync } from '../../src/perturb/engine.ts';
import { NAME_LEXICON } from '../../src/perturb/entity/names-lexicon.ts';
import { LEXICON_OPTION } from '../../src/perturb/lexicon.ts';
import type { Severity, Variant } from '../../src/types.ts';
import organization from './organization.ts';

const at = (text: string, severity: Severity, variant = 0, options: Record<string, unknown> = {}): Variant =>
  perturbTextSync(text, organization, { seed: 5, severity, variant, options });
const VARIANTS = Array.from({ length: 12 }, (_, k) => k);
const items = (key: keyof typeof NAME_LEXICON) => new Set(NAME_LEXICON[key].map((s) => s.toLowerCase()));

describe('entity.organization', () => {
  it('keeps the category: a bank for a bank, a supermarket for a supermarket', () => {
    for (const k of VARIANTS) {
      const v = at('I want to move my salary from Barclays to Monzo because Tesco charged me twice.', 3, k);
      const [, a, b, c] = /^I want to move my salary from (.+) to (.+) because (.+) charged me twice\.$/.exec(
        v.text,
      )!;
      expect(items('organization.bank').has(a!.toLowerCase()), a).toBe(true);
      expect(items('organization.bank').has(b!.toLowerCase()), b).toBe(true);
      expect(items('organization.supermarket').has(c!.toLowerCase()), c).toBe(true);
    }
  });

  it('swaps the card networks and phone wallets a label may name only with each other', () => {
    for (const k of VARIANTS) {
      expect(at('Do you offer Visa cards?', 1, k).text).toBe('Do you offer Mastercard cards?');
      expect(at('Can I top up with Google Pay?', 1, k).text).toBe('Can I top up with Apple Pay?');
      const other = /with (?:a|an) (.+) card/.exec(
        at('Can I top up with an American Express card?', 1, k).text,
      )![1]!;
      expect(items('organization.card-other').has(other.toLowerCase()), other).toBe(true);
      expect(other).not.toBe('Amex');
    }
  });

  it('puts "a" or "an" before the new name as it sounds', () => {
    for (const k of VARIANTS) {
      const v = at('I left my phone in an Uber last night.', 1, k).text;
      const [, article, name] = /in (a|an) (\S+) last night/.exec(v)!;
      expect(article).toBe(/^[AEIOU]/.test(name!) ? 'an' : 'a');
    }
  });

  it('gives an organisation of unknown category an invented company name', () => {
    for (const k of VARIANTS) {
      const name = /^I ordered from the (.+) app/.exec(
        at('I ordered from the Zorbly app 2 weeks ago.', 1, k).text,
      )![1]!;
      expect(items('organization.company').has(name.toLowerCase()), name).toBe(true);
    }
  });

  it('writes lowercase names in a lowercase text, and never touches a protected span', () => {
    const v = at('omg klarna charged me again, see https://klarna.example.com', 1);
    expect(v.text).toMatch(/^omg [a-z -]+ charged me again, see https:\/\/klarna\.example\.com$/);
    expect(v.changed).toBe(true);
  });

  it('gives two organisations of one variant two different names', () => {
    for (const k of VARIANTS) {
      const [, a, b] = /better for train tickets, (.+) or (.+)\?$/.exec(
        at('Which is better for train tickets, Trainline or Omio?', 3, k).text,
      )!;
      expect(a).not.toBe(b);
    }
  });

  it('replaces one organisation at level 1, half at 2, all at 3', () => {
    const text = 'Netflix, Spotify and Deliveroo all charged my Revolut card.';
    expect(at(text, 1).edits).toHaveLength(1);
    expect(at(text, 2).edits).toHaveLength(2);
    expect(at(text, 3).edits).toHaveLength(4);
  });

  it('draws from the user’s lexicon when one is given', () => {
    const options = { [LEXICON_OPTION]: { 'organization.bank': ['First Otter Bank'] } };
    expect(at('Can I move my account to HSBC?', 1, 0, options).text).toBe(
      'Can I move my account to First Otter Bank?',
    );
  });

  it('leaves an organisation a question asks about, but not one a question merely names', () => {
    for (const text of [
      'What does the M in BMW stand for?',
      'Who founded Spotify?',
      'When was Revolut started, and who owns Revolut?',
    ]) {
      for (const k of VARIANTS) expect(at(text, 3, k).changed, text).toBe(false);
    }
    expect(at('Why did Barclays charge me twice?', 1).changed).toBe(true);
  });

  it('keeps a ride or delivery brand where the text names a place', () => {
    for (const k of VARIANTS) {
      expect(at('I left my phone in an Uber in Nairobi on 3 October.', 3, k).changed).toBe(false);
      expect(at('My Deliveroo order in Paris never came.', 3, k).text).toContain('Deliveroo');
    }
    expect(at('I left my phone in an Uber last night.', 1).changed).toBe(true);
  });

  it('keeps an organisation whose category does not offer what the text asks about', () => {
    for (const k of VARIANTS) {
      expect(at("Cashback from Curve still hasn't appeared after 30 days.", 3, k).changed).toBe(false);
      const bank = /^Cashback from (.+) still/.exec(
        at('Cashback from Monzo still has not arrived.', 1, k).text,
      )![1]!;
      expect(items('organization.bank').has(bank.toLowerCase()), bank).toBe(true);
    }
  });

  it('never draws a niche wallet as a replacement', () => {
    for (const k of VARIANTS) {
      const wallet = /only takes (.+) or cash\.$/.exec(
        at('The Korean restaurant near my office only takes Samsung Pay or cash.', 1, k).text,
      )![1]!;
      expect(['Samsung Pay', 'WeChat Pay']).toContain(wallet);
    }
  });
});
