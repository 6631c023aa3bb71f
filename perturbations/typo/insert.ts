import {
  applyWordTypo,
  asciiLetterOffsets,
  hasAsciiLetter,
  neighbourKey,
  TYPO_SEVERITIES,
} from '../../src/perturb/typo.ts';
import type { PerturbationDefinition } from '../../src/types.ts';

/** Extra keystroke: a key next to one of the word's letters is typed just before or after it. */
const insert: PerturbationDefinition = {
  name: 'typo.insert',
  family: 'typo',
  tag: 'natural',
  description: 'Inserts a neighbouring QWERTY key next to one letter of a word ("card" → "cartd").',
  severities: TYPO_SEVERITIES,
  apply: (text, ctx) =>
    applyWordTypo(text, ctx, {
      canMutate: hasAsciiLetter,
      mutate(word, rng) {
        const at = rng.pick(asciiLetterOffsets(word));
        const key = neighbourKey(word[at]!, rng)!;
        const where = at + rng.int(2);
        // Capital only inside an all-caps word: "Card" → "Cxard", "CARD" → "CXARD".
        const typed = word === word.toUpperCase() ? key.toUpperCase() : key.toLowerCase();
        return word.slice(0, where) + typed + word.slice(where);
      },
    }),
};

export default insert;
