import { applyWordTypo, TYPO_SEVERITIES } from '../../src/perturb/typo.ts';
import type { PerturbationDefinition } from '../../src/types.ts';

/** Latin letters and visually identical Cyrillic / Greek letters (Unicode confusables). */
export const HOMOGLYPHS: Readonly<Record<string, string>> = {
  a: '\u0430', // Cyrillic а
  c: '\u0441', // Cyrillic с
  d: '\u0501', // Cyrillic ԁ
  e: '\u0435', // Cyrillic е
  h: '\u04bb', // Cyrillic һ
  i: '\u0456', // Cyrillic і
  j: '\u0458', // Cyrillic ј
  l: '\u04cf', // Cyrillic ӏ
  o: '\u043e', // Cyrillic о
  p: '\u0440', // Cyrillic р
  q: '\u051b', // Cyrillic ԛ
  s: '\u0455', // Cyrillic ѕ
  w: '\u051d', // Cyrillic ԝ
  x: '\u0445', // Cyrillic х
  y: '\u0443', // Cyrillic у
  A: '\u0410', // Cyrillic А
  B: '\u0412', // Cyrillic В
  C: '\u0421', // Cyrillic С
  E: '\u0415', // Cyrillic Е
  H: '\u041d', // Cyrillic Н
  I: '\u0406', // Cyrillic І
  J: '\u0408', // Cyrillic Ј
  K: '\u041a', // Cyrillic К
  M: '\u041c', // Cyrillic М
  N: '\u039d', // Greek Ν
  O: '\u041e', // Cyrillic О
  P: '\u0420', // Cyrillic Р
  S: '\u0405', // Cyrillic Ѕ
  T: '\u0422', // Cyrillic Т
  X: '\u0425', // Cyrillic Х
  Y: '\u04ae', // Cyrillic Ү
  Z: '\u0396', // Greek Ζ
};

function homoglyphSites(word: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < word.length; i++) if (HAS_GLYPH[word.charCodeAt(i)] === 1) out.push(i);
  return out;
}

// ASCII code → 1 when the letter has a homoglyph: a table lookup per letter on the hot path.
const HAS_GLYPH = new Uint8Array(128);
for (const ch of Object.keys(HOMOGLYPHS)) HAS_GLYPH[ch.charCodeAt(0)] = 1;

function hasHomoglyph(word: string): boolean {
  for (let i = 0; i < word.length; i++) if (HAS_GLYPH[word.charCodeAt(i)] === 1) return true;
  return false;
}

/** Adversarial look-alikes: text that reads the same to a person but not to a tokenizer. */
const homoglyph: PerturbationDefinition = {
  name: 'typo.homoglyph',
  family: 'typo',
  tag: 'synthetic',
  description:
    'Replaces one letter of a word with an identical-looking Cyrillic/Greek letter (a→а, e→е, o→о …).',
  severities: TYPO_SEVERITIES,
  apply: (text, ctx) =>
    applyWordTypo(text, ctx, {
      minLength: 2,
      canMutate: hasHomoglyph,
      mutate(word, rng) {
        const i = rng.pick(homoglyphSites(word));
        return word.slice(0, i) + HOMOGLYPHS[word[i]!]! + word.slice(i + 1);
      },
    }),
};

export default homoglyph;
