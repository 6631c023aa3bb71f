import {
  applyWordTypo,
  asciiLetterOffsets,
  hasAsciiLetter,
  neighbourKey,
  TYPO_SEVERITIES,
} from '../../src/perturb/typo.ts';
import type { PerturbationDefinition } from '../../src/types.ts';

/** Fat-finger substitution: one letter of a word replaced by an adjacent QWERTY key. */
const keyboard: PerturbationDefinition = {
  name: 'typo.keyboard',
  family: 'typo',
  tag: 'natural',
  description:
    'Replaces one letter of a word with a neighbouring QWERTY key, keeping its case ("card" → "cafd").',
  severities: TYPO_SEVERITIES,
  apply: (text, ctx) =>
    applyWordTypo(text, ctx, {
      canMutate: hasAsciiLetter,
      mutate(word, rng) {
        const at = rng.pick(asciiLetterOffsets(word));
        const key = neighbourKey(word[at]!, rng)!;
        return word.slice(0, at) + key + word.slice(at + 1);
      },
    }),
};

export default keyboard;
