import { createRequire } from 'node:module';
import { applyWordTypo, TYPO_SEVERITIES } from '../../src/perturb/typo.ts';
import type { PerturbationDefinition } from '../../src/types.ts';

// Liang's TeX hyphenation patterns for US English (the `hyphen` package, ISC): they mark syllable,
// prefix/suffix and compound boundaries ("pay-ment", "with-draw", "pass-word", "un-der-stand").
// Loaded on first use, not at import: its 100 kB of patterns cost ~10 ms of every start-up that lists perturbations.
type HyphenateSync = (text: string, options?: { hyphenChar?: string; minWordLength?: number }) => string;
let hyphenate: HyphenateSync | undefined;
function hyphenateSync(...args: Parameters<HyphenateSync>): string {
  hyphenate ??= (createRequire(import.meta.url)('hyphen/en-us') as { hyphenateSync: HyphenateSync })
    .hyphenateSync;
  return hyphenate(...args);
}

/** Each side of a split keeps at least this many letters: "a ccount" or "accoun t" is not a slip. */
const MIN_PART = 2;
/** Parts this long are preferred: a stray space lands between syllables, rarely one letter in. */
const PREFERRED_PART = 3;
const MARK = '\u00ad';
const ASCII_WORD = /^[A-Za-z]+$/;

const boundaryCache = new Map<string, number[]>();

/**
 * Offsets inside `word` where a stray space plausibly lands: hyphenation points leaving at least
 * MIN_PART letters on each side; those leaving PREFERRED_PART on both sides when there are any.
 */
export function splitPoints(word: string): number[] {
  const hit = boundaryCache.get(word);
  if (hit) return hit;
  const all: number[] = [];
  if (ASCII_WORD.test(word)) {
    const marked = hyphenateSync(word.toLowerCase(), { hyphenChar: MARK, minWordLength: 2 * MIN_PART });
    let letters = 0;
    for (const ch of marked) {
      if (ch === MARK) all.push(letters);
      else letters++;
    }
  }
  const fair = all.filter((at) => at >= MIN_PART && word.length - at >= MIN_PART);
  const preferred = fair.filter((at) => at >= PREFERRED_PART && word.length - at >= PREFERRED_PART);
  const points = preferred.length > 0 ? preferred : fair;
  if (boundaryCache.size > 50_000) boundaryCache.clear();
  boundaryCache.set(word, points);
  return points;
}

/** Stray space bar: a space typed inside a word, where its syllables or parts meet. */
const split: PerturbationDefinition = {
  name: 'typo.split',
  family: 'typo',
  tag: 'natural',
  description:
    'Inserts a space inside a word where its syllables, prefix, suffix or compound parts meet ' +
    '("payment" → "pay ment", "withdraw" → "with draw"), never leaving a single letter.',
  severities: TYPO_SEVERITIES,
  apply: (text, ctx) =>
    applyWordTypo(text, ctx, {
      minLength: 2 * MIN_PART,
      canMutate: (word) => splitPoints(word).length > 0,
      mutate(word, rng) {
        const at = rng.pick(splitPoints(word));
        return `${word.slice(0, at)} ${word.slice(at)}`;
      },
    }),
};

export default split;
