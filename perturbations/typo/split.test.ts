import { describe, expect, it } from 'vitest';
import { perturbTextSync } from '../../src/perturb/engine.ts';
import type { Severity } from '../../src/types.ts';
import split, { splitPoints } from './split.ts';

const run = (text: string, severity: Severity, variant = 0, seed = 0) =>
  perturbTextSync(text, split, { seed, severity, variant });

describe('typo.split', () => {
  it('splits where syllables, affixes or compound parts meet', () => {
    const parts = (word: string) => splitPoints(word).map((at) => `${word.slice(0, at)} ${word.slice(at)}`);
    expect(parts('payment')).toEqual(['pay ment']);
    expect(parts('withdraw')).toEqual(['with draw']);
    expect(parts('password')).toEqual(['pass word']);
    expect(parts('everything')).toEqual(['every thing']);
    expect(parts('transfer')).toEqual(['trans fer']);
    expect(parts('understand')).toEqual(['under stand']);
  });

  it('never leaves a single letter, prefers parts of three letters or more, and skips one-syllable words', () => {
    for (const word of ['account', 'really', 'verification', 'terrified', 'into', 'happy', 'Yesterday']) {
      for (const at of splitPoints(word)) {
        expect(at, word).toBeGreaterThanOrEqual(2);
        expect(word.length - at, word).toBeGreaterThanOrEqual(2);
      }
    }
    // "really" has only two-letter ends (re|ally, real|ly), so both stay; "verification" has
    // boundaries with three letters on each side, so its "ve|rification"-like ones are dropped.
    expect(splitPoints('really')).toEqual([2, 4]);
    expect(splitPoints('verification').every((at) => at >= 3 && 12 - at >= 3)).toBe(true);
    expect(splitPoints('card')).toEqual([]);
    expect(splitPoints('strength')).toEqual([]);
    expect(splitPoints('ATM')).toEqual([]);
    expect(splitPoints('café')).toEqual([]);
  });

  it('keeps the letters and their case, adding exactly one space per edited word', () => {
    const text = 'Yesterday my Payment to the Landlord was declined without any notification';
    for (let variant = 0; variant < 10; variant++) {
      for (const severity of [1, 2, 3] as const) {
        const v = run(text, severity, variant);
        expect(v.changed).toBe(true);
        expect(v.text.replace(/ /g, '')).toBe(text.replace(/ /g, ''));
        expect(v.text.split(' ').length - text.split(' ').length).toBe(v.edits.length);
        // no new one-letter word
        expect(v.text.split(' ').filter((w) => w.length === 1)).toEqual([]);
      }
    }
  });

  it('leaves a text without a splittable word unchanged', () => {
    expect(run('I lost my card', 1).changed).toBe(false);
  });
});
