import { latinWords } from '../../src/perturb/text/index.ts';
import { typoSiteCount } from '../../src/perturb/typo.ts';
import type { EditProposal, PerturbationDefinition } from '../../src/types.ts';

/** Missed space bar: the single space between two words (2+ letters each) is dropped. */
const merge: PerturbationDefinition = {
  name: 'typo.merge',
  family: 'typo',
  tag: 'natural',
  description:
    'Drops the space between two adjacent words of two or more letters ("credit card" → "creditcard").',
  severities: {
    1: 'one pair of words merged',
    2: '~10% of eligible word gaps merged, at least 2 (texts with fewer stay unchanged)',
    3: '~25% of eligible word gaps merged, at least 3 (texts with fewer stay unchanged)',
  },
  apply(text, ctx) {
    const words = latinWords(text);
    // Offsets of spaces that separate two unprotected words of 2+ letters.
    const gaps: number[] = [];
    for (let i = 1; i < words.length; i++) {
      const a = words[i - 1]!;
      const b = words[i]!;
      if (b.start !== a.end + 1 || text.charCodeAt(a.end) !== 32) continue;
      if (a.end - a.start < 2 || b.end - b.start < 2) continue;
      if (ctx.isFree(a.start, b.end)) gaps.push(a.end);
    }
    const count = typoSiteCount(ctx.severity, gaps.length);
    if (count === 0) return [];
    const chosen = count === 1 ? [gaps[ctx.rng.int(gaps.length)]!] : ctx.rng.sample(gaps, count);
    return chosen.map((at): EditProposal => ({ start: at, end: at + 1, replacement: '' }));
  },
};

export default merge;
