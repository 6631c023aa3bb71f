/**
 * entity.location: a place becomes a place of the same kind (city, country, region, nationality), the
 * article the name carries comes and goes with it, the words around stay, a place naming a currency is
 * left alone; every mention of a place changes the same way; a user lexicon replaces the bundled lists.
 */
import { describe, expect, it } from 'vitest';
import { perturbTextSync } from '../../src/perturb/engine.ts';
import { NAME_LEXICON } from '../../src/perturb/entity/names-lexicon.ts';
import { LEXICON_OPTION } from '../../src/perturb/lexicon.ts';
import type { Severity, Variant } from '../../src/types.ts';
import location from './location.ts';

const at = (text: string, severity: Severity, variant = 0, options: Record<string, unknown> = {}): Variant =>
  perturbTextSync(text, location, { seed: 11, severity, variant, options });
const VARIANTS = Array.from({ length: 12 }, (_, k) => k);
const items = (key: keyof typeof NAME_LEXICON) => new Set(NAME_LEXICON[key].map((s) => s.toLowerCase()));

describe('entity.location', () => {
  it('replaces a city by a city and a country by a country, keeping "in" and "from"', () => {
    for (const k of VARIANTS) {
      const v = at('I moved from Poland to Lisbon last year.', 3, k);
      const [, country, city] = /^I moved from (.+) to (.+) last year\.$/.exec(v.text)!;
      expect(items('location.country').has(country!.toLowerCase()), country).toBe(true);
      expect(items('location.city').has(city!.toLowerCase()), city).toBe(true);
    }
  });

  it('takes the article of "the UK" with it, and brings one for "the Netherlands"', () => {
    for (const k of VARIANTS) {
      const v = at('The card stopped working outside the UK.', 1, k);
      const place = /^The card stopped working outside (.+)\.$/.exec(v.text)![1]!;
      expect(items('location.country').has(place.toLowerCase()), place).toBe(true);
    }
    const france = { [LEXICON_OPTION]: { 'location.country': ['France'] } };
    expect(at('The card stopped working outside the UK.', 1, 0, france).text).toBe(
      'The card stopped working outside France.',
    );
    expect(at('The UK is where I live.', 1, 0, france).text).toBe('France is where I live.');
    const options = { [LEXICON_OPTION]: { 'location.country': ['the Netherlands'] } };
    expect(at('Does delivery to France take long?', 1, 0, options).text).toBe(
      'Does delivery to the Netherlands take long?',
    );
    expect(at('France is lovely in spring.', 1, 0, options).text).toBe(
      'The Netherlands is lovely in spring.',
    );
  });

  it('replaces a nationality by a nationality, with the article it needs', () => {
    for (const k of VARIANTS) {
      const v = at('The card machine at the Italian restaurant charged me twice.', 1, k);
      const nat = /^The card machine at the (.+) restaurant charged me twice\.$/.exec(v.text)![1]!;
      expect(items('location.nationality').has(nat.toLowerCase()), nat).toBe(true);
      const w = at('I have an Italian card.', 1, k).text;
      expect(w).toMatch(/^I have (?:a [^AEIOU]|an [AEIOU])\S* card\.$/);
    }
  });

  it('makes a plural demonym a plural demonym, and a country before a noun a nationality', () => {
    for (const k of VARIANTS) {
      const plural = /^(\S+) visiting/.exec(
        at('Americans visiting Canada often forget the fees.', 1, k).text,
      )![1]!;
      if (plural !== 'Americans') expect(plural).toMatch(/[ni]s$/);
      const modifier = /my (\S+(?: \S+)?) account/.exec(
        at('Why is my UK account charging fees?', 1, k).text,
      )![1]!;
      expect(items('location.nationality').has(modifier.toLowerCase()), modifier).toBe(true);
    }
  });

  it('leaves a place that names a currency', () => {
    expect(at('I swapped Russian roubles for UK pounds.', 3).changed).toBe(false);
  });

  it('replaces every mention of a place the same way, in the text’s case', () => {
    for (const k of VARIANTS) {
      const v = at('i live in china but my card was issued in china too', 1, k);
      const m = /^i live in (.+) but my card was issued in (.+) too$/.exec(v.text)!;
      expect(m[1]).toBe(m[2]);
      expect(m[1]).toBe(m[1]!.toLowerCase());
      expect(m[1]).not.toBe('china');
    }
  });

  it('never touches a protected span', () => {
    const text = 'see https://lisbon.example.org before you fly to Lisbon';
    for (const k of VARIANTS) expect(at(text, 3, k).text).toContain('https://lisbon.example.org');
  });

  it('replaces one place at level 1, half of them at 2, all at 3', () => {
    const text = 'We flew from Madrid to Tokyo via Dubai and then on to Sydney.';
    expect(at(text, 1).edits).toHaveLength(1);
    expect(at(text, 2).edits).toHaveLength(2);
    expect(at(text, 3).edits).toHaveLength(4);
  });

  it('leaves the Amazon river, and texts without places', () => {
    expect(at('Our boat trip along the Amazon was the best part.', 3).changed).toBe(false);
    expect(at('How long does a transfer take?', 3).changed).toBe(false);
  });

  it('leaves a nationality used as a language, but replaces one that modifies a noun', () => {
    for (const text of [
      'what makes a sentence grammatically correct in english',
      'Do you speak German at the branch?',
      'Can you translate the letter into Spanish?',
      'I only know a few French words.',
    ]) {
      for (const k of VARIANTS) expect(at(text, 3, k).changed, text).toBe(false);
    }
    expect(at('We ate in Italian restaurants all week.', 1).changed).toBe(true);
  });

  it('keeps every place of a text with an amount in a national currency', () => {
    for (const text of [
      'Dmitri paid 3,000 roubles for a taxi from the airport in Moscow.',
      'A coffee in Osaka cost me ¥600.',
      'I spent 200 kr on dinner in Oslo.',
    ]) {
      for (const k of VARIANTS) expect(at(text, 3, k).changed, text).toBe(false);
    }
    // dollars, euros and pounds are spent anywhere: the place is replaced
    expect(at('I paid €30 for a taxi in Lisbon.', 1).changed).toBe(true);
  });
});

describe('entity.location in factual questions', () => {
  it('leaves the place of a question that speaks of no one, and swaps it in a customer question', async () => {
    const { perturbText } = await import('../../src/perturb/engine.ts');
    const def = (await import('./location.ts')).default;
    await def.init?.({});
    const variants = (text: string) =>
      [0, 1, 2, 3, 4, 5].map(
        (variant) => (perturbText(text, def, { seed: 3, severity: 3, variant }) as { text: string }).text,
      );
    for (const text of [
      'Is Greenland part of North America or Europe?',
      'Which US state is the Grand Canyon in?',
      'who was the first emperor of Rome',
    ]) {
      expect(variants(text).every((v) => v === text)).toBe(true);
    }
    const customer = 'Can I use my card in Spain?';
    expect(variants(customer).some((v) => v !== customer)).toBe(true);
  });
});
