/**
 * entity.person: a person is replaced as a whole (every mention, first name and surname alike), by a
 * name of the same gender and shape, in the text's case; protected text is never touched; levels count
 * people; a user lexicon replaces the bundled lists.
 */
import { describe, expect, it } from 'vitest';
import { perturbTextSync } from '../../src/perturb/engine.ts';
import { NAME_LEXICON } from '../../src/perturb/entity/names-lexicon.ts';
import { LEXICON_OPTION } from '../../src/perturb/lexicon.ts';
import type { Severity, Variant } from '../../src/types.ts';
import person from './person.ts';

const at = (text: string, severity: Severity, variant = 0, options: Record<string, unknown> = {}): Variant =>
  perturbTextSync(text, person, { seed: 3, severity, variant, options });
const lower = (list: readonly string[]) => new Set(list.map((n) => n.toLowerCase()));
const FEMALE = lower(NAME_LEXICON['person.female']);
const MALE = lower(NAME_LEXICON['person.male']);
const SURNAMES = lower(NAME_LEXICON['person.surname']);
const VARIANTS = [0, 1, 2, 3, 4, 5, 6, 7];

describe('entity.person', () => {
  it('never takes a name that ends inside a grapheme cluster (a letter joined by U+200D)', () => {
    // found by the property test: "Москваa" ending before the joiner that belongs to its last letter
    const text = '\udc00Москваa\u200db';
    for (const severity of [1, 2, 3] as const) {
      for (const k of VARIANTS) expect(() => at(text, severity, k)).not.toThrow();
    }
  });

  it('replaces a full name and its later first name with one new person', () => {
    const text = 'I sent £50 to Kenji Watanabe on Monday, but Kenji says he never got it.';
    for (const k of VARIANTS) {
      const v = at(text, 1, k);
      const m = /^I sent £50 to (\S+) (\S+) on Monday, but (\S+) says he never got it\.$/.exec(v.text);
      expect(m, v.text).not.toBeNull();
      const [, first, last, again] = m!;
      expect(again).toBe(first);
      expect(MALE.has(first!.toLowerCase()), first).toBe(true);
      expect(SURNAMES.has(last!.toLowerCase()), last).toBe(true);
      expect(first).not.toBe('Kenji');
    }
  });

  it('keeps the gender the lexicons or the context give, and unisex names for the unknown', () => {
    for (const k of VARIANTS) {
      const woman = /^(\S+) lost her card\.$/.exec(at('Priyanka lost her card.', 1, k).text)![1]!;
      expect(FEMALE.has(woman.toLowerCase()), woman).toBe(true);
      const sister = /sister (\S+) is/.exec(at('My sister Amara is flying home.', 1, k).text)![1]!;
      expect(FEMALE.has(sister.toLowerCase()), sister).toBe(true);
      const unknown = /^Thanks (\S+),/.exec(at('Thanks Adjoa, it worked.', 1, k).text)![1]!;
      expect(lower(NAME_LEXICON['person.unisex']).has(unknown.toLowerCase()), unknown).toBe(true);
    }
  });

  it('gives a surname after a title, and leaves the title', () => {
    for (const k of VARIANTS) {
      const v = at('My landlord, Mr Haddad, wants the deposit.', 2, k);
      const name = /^My landlord, Mr (.+), wants the deposit\.$/.exec(v.text)![1]!;
      expect(SURNAMES.has(name.toLowerCase()), name).toBe(true);
    }
  });

  it('writes the name in the text’s case', () => {
    for (const k of VARIANTS) {
      const chat = at('sent 50 bucks to jake yesterday', 1, k).text;
      expect(chat).toMatch(/^sent 50 bucks to [\p{Ll}-]+ yesterday$/u);
      expect(chat).not.toBe('sent 50 bucks to jake yesterday');
      expect(at('PLEASE CALL MR OKONKWO', 1, k).text).toMatch(/^PLEASE CALL MR [\p{Lu}' ]+$/u);
    }
  });

  it('never touches a protected span, nor a person named inside one', () => {
    const text = 'Email anna@example.org or ask Anna, or ping @anna on the app.';
    for (const k of VARIANTS) {
      const v = at(text, 3, k);
      expect(v.text).toBe(text);
    }
    const other = at('Ask Anna and tell Omar about https://example.org/omar', 3);
    expect(other.text).toContain('https://example.org/omar');
    expect(other.changed).toBe(true);
  });

  it('never picks a name the text already has', () => {
    for (const k of VARIANTS) {
      const v = at('Maria and Sofia split the bill.', 1, k);
      const [a, b] = /^(\S+) and (\S+) split/.exec(v.text)!.slice(1);
      expect(a).not.toBe(b);
    }
  });

  it('replaces one person at level 1, half of them at 2, all at 3', () => {
    const text = 'Hannah, Omar, Yuki and Pedro each paid me back.';
    const changed = (v: Variant) => v.edits.length;
    expect(changed(at(text, 1))).toBe(1);
    expect(changed(at(text, 2))).toBe(2);
    expect(changed(at(text, 3))).toBe(4);
  });

  it('draws from the user’s lexicon when one is given', () => {
    const options = { [LEXICON_OPTION]: { 'person.female': ['Zelda'], 'person.surname': ['Quixote'] } };
    expect(at('Fatima Bello paid me.', 1, 0, options).text).toBe('Zelda Quixote paid me.');
  });

  it('leaves a text without names unchanged', () => {
    expect(at('How long does a transfer take to arrive?', 3).changed).toBe(false);
  });

  it('leaves a person a question asks about, but not one a question merely names', () => {
    for (const text of [
      'Who was Frida Kahlo married to?',
      'Which philosopher taught Alexander the Great?',
      'When did Ludwig van Beethoven die?',
      'Who is Nelson Mandela?',
    ]) {
      for (const k of VARIANTS) expect(at(text, 3, k).changed, text).toBe(false);
    }
    expect(at('How do I pay Anna back?', 1).changed).toBe(true);
  });

  it('replaces a full name written family name first as a whole full name', () => {
    for (const k of VARIANTS) {
      const v = at('My colleague Nguyen Van An recommended your bank. Nguyen said it was easy.', 1, k).text;
      const m = /^My colleague (\S+) (\S+) recommended your bank\. (\S+) said it was easy\.$/.exec(v);
      expect(m, v).not.toBeNull();
      const [, first, last, again] = m!;
      // Van marks a man's name; the family name said alone becomes the new surname
      expect(MALE.has(first!.toLowerCase()), first).toBe(true);
      expect(SURNAMES.has(last!.toLowerCase()), last).toBe(true);
      expect(again).toBe(last);
    }
  });
});
