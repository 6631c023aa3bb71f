import { applyWordTypo, TYPO_SEVERITIES } from '../../src/perturb/typo.ts';
import type { PerturbationDefinition } from '../../src/types.ts';

/** Sticky key: one letter of a word typed twice. */
const repeat: PerturbationDefinition = {
  name: 'typo.repeat',
  family: 'typo',
  tag: 'natural',
  description: 'Doubles one letter of a word ("money" → "monney").',
  severities: TYPO_SEVERITIES,
  apply: (text, ctx) =>
    applyWordTypo(text, ctx, {
      mutate(word, rng) {
        const i = rng.int(word.length);
        // A word-initial capital repeats as lower case: "Hello" → "Hhello".
        const again =
          i === 0 && word.length > 1 && word[1] === word[1]!.toLowerCase()
            ? word[0]!.toLowerCase()
            : word[i]!;
        return word.slice(0, i + 1) + again + word.slice(i + 1);
      },
    }),
};

export default repeat;
