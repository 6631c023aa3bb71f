import { describe, expect, it } from 'vitest';
import { inflect, syllables } from '../src/perturb/inflect.ts';
import { getWordNet } from '../src/perturb/wordnet/index.ts';

describe('inflect', () => {
  it.each([
    // verbs
    ['sense', 'VBG', 'sensing'],
    ['purchase', 'VBD', 'purchased'],
    ['purchase', 'VBZ', 'purchases'],
    ['stop', 'VBD', 'stopped'],
    ['stop', 'VBG', 'stopping'],
    ['prefer', 'VBN', 'preferred'],
    ['transfer', 'VBD', 'transferred'],
    ['begin', 'VBG', 'beginning'],
    ['equip', 'VBD', 'equipped'],
    ['visit', 'VBD', 'visited'],
    ['open', 'VBG', 'opening'],
    ['rain', 'VBD', 'rained'],
    ['fix', 'VBD', 'fixed'],
    ['play', 'VBZ', 'plays'],
    ['carry', 'VBZ', 'carries'],
    ['carry', 'VBD', 'carried'],
    ['watch', 'VBZ', 'watches'],
    ['go', 'VBZ', 'goes'],
    ['have', 'VBZ', 'has'],
    ['die', 'VBG', 'dying'],
    ['see', 'VBG', 'seeing'],
    ['make', 'VBG', 'making'],
    ['panic', 'VBD', 'panicked'],
    ['buy', 'VBD', 'bought'],
    ['buy', 'VBN', 'bought'],
    ['take', 'VBD', 'took'],
    ['take', 'VBN', 'taken'],
    ['write', 'VBN', 'written'],
    ['call off', 'VBD', 'called off'],
    ['pick up', 'VBG', 'picking up'],
    // nouns
    ['card', 'NNS', 'cards'],
    ['city', 'NNS', 'cities'],
    ['key', 'NNS', 'keys'],
    ['box', 'NNS', 'boxes'],
    ['church', 'NNS', 'churches'],
    ['child', 'NNS', 'children'],
    ['knife', 'NNS', 'knives'],
    ['criterion', 'NNS', 'criteria'],
    ['money', 'NNS', 'money'],
    ['sheep', 'NNS', 'sheep'],
    ['credit card', 'NNS', 'credit cards'],
    // adjectives
    ['big', 'JJR', 'bigger'],
    ['large', 'JJR', 'larger'],
    ['quick', 'JJS', 'quickest'],
    ['happy', 'JJS', 'happiest'],
    ['good', 'JJR', 'better'],
    ['bad', 'JJS', 'worst'],
    ['expensive', 'JJR', 'more expensive'],
    ['careful', 'JJS', 'most careful'],
    // base forms
    ['card', 'NN', 'card'],
    ['buy', 'VB', 'buy'],
    ['buy', 'VBP', 'buy'],
    ['quick', 'JJ', 'quick'],
    ['quickly', 'RB', 'quickly'],
  ])('%s + %s → %s', (base, tag, expected) => {
    expect(inflect(base, tag)).toBe(expected);
  });

  it('refuses what it cannot form reliably', () => {
    expect(inflect('credit card', 'JJR')).toBeNull();
    expect(inflect('fast', 'RBR')).toBeNull();
    expect(inflect('visa', 'NNP')).toBeNull();
    expect(inflect('Visa', 'NN')).toBeNull();
    expect(inflect("o'clock", 'NN')).toBeNull();
  });

  it('counts syllables well enough to choose -er or more', () => {
    expect(syllables('stop')).toBe(1);
    expect(syllables('make')).toBe(1);
    expect(syllables('happy')).toBe(2);
    expect(syllables('expensive')).toBe(3);
  });

  it('produces forms that WordNet morphy maps back to the base', () => {
    const wn = getWordNet();
    const verbs = [
      'purchase',
      'stop',
      'carry',
      'visit',
      'transfer',
      'reject',
      'decline',
      'deposit',
      'pay',
      'send',
    ];
    for (const verb of verbs) {
      for (const tag of ['VBD', 'VBN', 'VBG', 'VBZ']) {
        const form = inflect(verb, tag)!;
        expect(wn.baseForms(form, 'v'), `${verb} ${tag} ${form}`).toContain(verb);
      }
    }
    for (const noun of ['card', 'city', 'box', 'child', 'woman', 'fee', 'account', 'branch']) {
      expect(wn.baseForms(inflect(noun, 'NNS')!, 'n')).toContain(noun);
    }
  });
});
