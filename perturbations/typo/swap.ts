import { applyWordTypo, TYPO_SEVERITIES } from '../../src/perturb/typo.ts';
import type { PerturbationDefinition } from '../../src/types.ts';

function hasSwapSite(word: string): boolean {
  for (let i = 0; i + 1 < word.length; i++) if (word.charCodeAt(i) !== word.charCodeAt(i + 1)) return true;
  return false;
}

/** Offsets i where word[i] and word[i + 1] differ (swapping equal letters changes nothing). */
function swapSites(word: string): number[] {
  const out: number[] = [];
  for (let i = 0; i + 1 < word.length; i++) if (word[i] !== word[i + 1]) out.push(i);
  return out;
}

/** Transposition of two adjacent letters inside one word; the case pattern stays in place. */
const swap: PerturbationDefinition = {
  name: 'typo.swap',
  family: 'typo',
  tag: 'natural',
  description: 'Swaps two adjacent letters inside a word ("receive" → "recieve"), never across words.',
  severities: TYPO_SEVERITIES,
  apply: (text, ctx) =>
    applyWordTypo(text, ctx, {
      canMutate: hasSwapSite,
      mutate(word, rng) {
        const i = rng.pick(swapSites(word));
        const a = word[i]!;
        const b = word[i + 1]!;
        // Keep capitals where they were: "Hello" → "Ehllo", not "eHllo".
        const first = a === a.toLowerCase() ? b.toLowerCase() : b.toUpperCase();
        const second = b === b.toLowerCase() ? a.toLowerCase() : a.toUpperCase();
        return word.slice(0, i) + first + second + word.slice(i + 2);
      },
    }),
};

export default swap;
