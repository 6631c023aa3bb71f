import { applyWordTypo, TYPO_SEVERITIES } from '../../src/perturb/typo.ts';
import type { PerturbationDefinition } from '../../src/types.ts';

/** Stray space bar: a space typed inside a word of four or more letters, leaving two parts of 2+ letters. */
const split: PerturbationDefinition = {
  name: 'typo.split',
  family: 'typo',
  tag: 'natural',
  description: 'Inserts a space inside a word of four or more letters ("payment" → "pay ment").',
  severities: TYPO_SEVERITIES,
  apply: (text, ctx) =>
    applyWordTypo(text, ctx, {
      minLength: 4,
      mutate(word, rng) {
        const at = 2 + rng.int(word.length - 3);
        return `${word.slice(0, at)} ${word.slice(at)}`;
      },
    }),
};

export default split;
