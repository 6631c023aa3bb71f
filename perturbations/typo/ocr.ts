import { applyWordTypo, TYPO_SEVERITIES } from '../../src/perturb/typo.ts';
import type { PerturbationDefinition } from '../../src/types.ts';

/** Shapes optical character recognition confuses, read as "what was printed → what was read". */
export const OCR_CONFUSIONS: readonly (readonly [string, string])[] = [
  ['rn', 'm'],
  ['m', 'rn'],
  ['cl', 'd'],
  ['d', 'cl'],
  ['vv', 'w'],
  ['w', 'vv'],
  ['ri', 'n'],
  ['li', 'h'],
  ['l', '1'],
  ['l', 'I'],
  ['I', 'l'],
  ['i', 'l'],
  ['O', '0'],
  ['o', '0'],
  ['S', '5'],
  ['B', '8'],
  ['Z', '2'],
  ['g', '9'],
  ['q', '9'],
  ['e', 'c'],
  ['c', 'e'],
  ['h', 'b'],
  ['b', 'h'],
  ['u', 'v'],
];

// Matches exactly when some confusion applies (multi-letter sources not covered by a single letter listed).
const ANY_SITE = /rn|vv|[mdwlIiOoSBZgqecbhu]/;

/** Every (offset, rule) where a confusion applies in `word`. */
function ocrSites(word: string): [number, readonly [string, string]][] {
  const out: [number, readonly [string, string]][] = [];
  for (const rule of OCR_CONFUSIONS) {
    for (let i = word.indexOf(rule[0]); i !== -1; i = word.indexOf(rule[0], i + 1)) out.push([i, rule]);
  }
  return out;
}

/** Scanning errors: one letter group of a word read as a similar-looking shape. */
const ocr: PerturbationDefinition = {
  name: 'typo.ocr',
  family: 'typo',
  tag: 'synthetic',
  description:
    'Swaps one letter group for a look-alike, as OCR misreads it (rn↔m, cl↔d, l→1, O→0, S→5, B→8 …).',
  severities: TYPO_SEVERITIES,
  apply: (text, ctx) =>
    applyWordTypo(text, ctx, {
      canMutate: (word) => ANY_SITE.test(word),
      mutate(word, rng) {
        const [at, [from, to]] = rng.pick(ocrSites(word));
        return word.slice(0, at) + to + word.slice(at + from.length);
      },
    }),
};

export default ocr;
