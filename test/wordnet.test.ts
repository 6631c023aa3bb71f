import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  getWordNet,
  lookupSynonyms,
  morphBase,
  WN_POS,
  type WnPos,
  WordNetIndex,
  wordnetDbPath,
} from '../src/perturb/wordnet/index.ts';

const wn = getWordNet();
const FILES: Record<WnPos, string> = { n: 'noun', v: 'verb', a: 'adj', r: 'adv' };

/** Lemmas straight from an index file, parsed independently of the index's binary search. */
function lemmasOf(pos: WnPos): string[] {
  return readFileSync(join(wordnetDbPath(), `index.${FILES[pos]}`), 'latin1')
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('  '))
    .map((l) => l.slice(0, l.indexOf(' ')));
}

describe('WordNet index lookups', () => {
  it('finds synonyms of known words in sense order, most used first', () => {
    expect(lookupSynonyms('buy', 'v')[0]).toBe('purchase');
    expect(lookupSynonyms('need', 'v')[0]).toBe('require');
    expect(lookupSynonyms('quickly', 'r')).toContain('rapidly');
    expect(lookupSynonyms('car', 'n', { maxSenses: 1 })).toEqual(
      expect.arrayContaining(['auto', 'automobile', 'machine', 'motorcar']),
    );
  });

  it('covers adjective satellites and collocations, and never returns the word itself', () => {
    expect(lookupSynonyms('happy', 'a', { maxSenses: 3 })).toContain('glad');
    expect(lookupSynonyms('cancel', 'v')).toContain('call off');
    for (const [lemma, pos] of [
      ['card', 'n'],
      ['buy', 'v'],
      ['quick', 'a'],
    ] as const) {
      expect(lookupSynonyms(lemma, pos, { maxSenses: 5 })).not.toContain(lemma);
    }
  });

  it('respects maxSenses', () => {
    const one = lookupSynonyms('charge', 'v', { maxSenses: 1 });
    const five = lookupSynonyms('charge', 'v', { maxSenses: 5 });
    expect(five.length).toBeGreaterThan(one.length);
    expect(five.slice(0, one.length)).toEqual(one);
  });

  it('keeps parts of speech apart and normalises case and spaces', () => {
    expect(wn.has('transfer', 'n')).toBe(true);
    expect(wn.has('transfer', 'v')).toBe(true);
    expect(wn.has('quickly', 'n')).toBe(false);
    expect(wn.has('Credit Card', 'n')).toBe(true);
    expect(wn.synsetOffsets('credit_card', 'n')).toEqual(wn.synsetOffsets('credit card', 'n'));
    expect(lookupSynonyms('qwzxv', 'n')).toEqual([]);
  });

  it('answers nothing for input that cannot be a lemma instead of mis-encoding it', () => {
    for (const junk of ['', ' ', '日本', 'café', 'q'.repeat(5000), `${'card '.repeat(900)}card`]) {
      expect(wn.has(junk, 'n'), JSON.stringify(junk.slice(0, 20))).toBe(false);
      expect(wn.totalTagCount(junk, 'n')).toBe(0);
    }
    // 東 (U+6771) would encode to "q" in latin1 and 卡 (U+5361) to "a"
    expect(wn.has('\u6771', 'n')).toBe(false);
    expect(wn.has('q', 'n')).toBe(true);
  });

  it('finds every lemma of every index file, including the first and the last (binary search edges)', () => {
    for (const pos of WN_POS) {
      const lemmas = lemmasOf(pos);
      const sample = [lemmas[0]!, lemmas[1]!, lemmas.at(-2)!, lemmas.at(-1)!];
      for (let i = 0; i < lemmas.length; i += 97) sample.push(lemmas[i]!);
      for (const lemma of sample) expect(wn.has(lemma, pos), `${lemma} (${pos})`).toBe(true);
      // a prefix of a lemma is not the lemma ("card" exists, "car" exists, "ca" does not)
      expect(wn.has('zzzzzzzz', pos)).toBe(false);
    }
    expect(wn.has('ca', 'n')).toBe(true); // calcium's symbol
    expect(wn.has('cardx', 'n')).toBe(false);
  });

  it('reads synsets by byte offset with words, tag counts and verb frames', () => {
    const [first] = wn.synsets('buy', 'v');
    expect(first!.words).toContain('purchase');
    expect(wn.tagCount('purchase', 'v', first!.offset)).toBeGreaterThan(0);
    expect(wn.tagCount('purchase', 'v', 1)).toBe(0);
    expect(first!.frames).toHaveLength(first!.words.length);
    for (const frames of first!.frames) {
      expect(frames.length).toBeGreaterThan(0);
      for (const f of frames) expect(f >= 1 && f <= 35).toBe(true);
    }
    expect(wn.totalTagCount('buy', 'v')).toBeGreaterThan(wn.tagCount('buy', 'v', first!.offset) - 1);
    expect(() => wn.synset(first!.offset + 1, 'v')).toThrow(/no synset/);
  });

  it('gives a separately built index the same answers', () => {
    const other = new WordNetIndex(wordnetDbPath());
    for (const [lemma, pos] of [
      ['money', 'n'],
      ['send', 'v'],
      ['new', 'a'],
    ] as const) {
      expect(other.lookupSynonyms(lemma, pos)).toEqual(wn.lookupSynonyms(lemma, pos));
    }
  });
});

describe('morphy', () => {
  it.each([
    ['bought', 'v', 'buy'],
    ['was', 'v', 'be'],
    ['went', 'v', 'go'],
    ['lost', 'v', 'lose'],
    ['stopped', 'v', 'stop'],
    ['carried', 'v', 'carry'],
    ['dying', 'v', 'die'],
    ['feeling', 'v', 'feel'],
    ['charges', 'v', 'charge'],
    ['women', 'n', 'woman'],
    ['children', 'n', 'child'],
    ['cards', 'n', 'card'],
    ['boxes', 'n', 'box'],
    ['cities', 'n', 'city'],
    ['better', 'a', 'good'],
    ['happier', 'a', 'happy'],
    ['bigger', 'a', 'big'],
  ] as const)('%s (%s) → %s', (word, pos, base) => {
    expect(wn.baseForms(word, pos)[0]).toBe(base);
  });

  it('returns the word itself when it is a lemma, null when nothing matches', () => {
    expect(morphBase('card', 'n')).toBe('card');
    expect(morphBase('glasses', 'n')).toBe('glasses'); // WordNet lists "glasses" (spectacles)
    expect(wn.baseForms('glasses', 'n')).toEqual(['glass', 'glasses']);
    expect(morphBase('qwzxvs', 'n')).toBeNull();
  });

  it('keeps every reading of an ambiguous form', () => {
    expect(wn.baseForms('saw', 'v')).toEqual(['see', 'saw']);
    expect(wn.baseForms('left', 'v')).toContain('leave');
  });
});
