import { applyWordTypo, TYPO_SEVERITIES } from '../../src/perturb/typo.ts';
import type { PerturbationDefinition } from '../../src/types.ts';

/** Dropped keystroke: one letter of a word (three letters or more) is deleted. */
const del: PerturbationDefinition = {
  name: 'typo.delete',
  family: 'typo',
  tag: 'natural',
  description: 'Deletes one letter from a word of three or more letters ("account" → "acount").',
  severities: TYPO_SEVERITIES,
  apply: (text, ctx) =>
    applyWordTypo(text, ctx, {
      mutate(word, rng) {
        const i = rng.int(word.length);
        return word.slice(0, i) + word.slice(i + 1);
      },
    }),
};

export default del;
