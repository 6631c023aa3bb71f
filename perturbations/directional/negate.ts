/**
 * directional.negate — inserts or removes the negation of the main verb of one clause ("My card
 * arrived" ↔ "My card did not arrive", "I can't use my card" → "I can use my card"). It changes the
 * meaning on purpose, so it is no invariance perturbation: suites use it in `directional` tests
 * (`transform: negate`), audits never run it. The grammar lives in src/perturb/negation.ts.
 */
import { negationEdits } from '../../src/perturb/negation.ts';
import type { EditProposal, PerturbationContext, PerturbationDefinition } from '../../src/types.ts';

const definition: PerturbationDefinition = {
  name: 'directional.negate',
  family: 'directional',
  tag: 'natural',
  directional: true,
  description:
    'negates the main verb of the first main clause, or removes its negation ("arrived" ↔ "did not arrive", "can\'t" → "can"), keeping the text\'s contraction habit',
  severities: {
    1: 'the main verb of one clause negated or un-negated; a text without a finite verb, or negated some other way ("nobody", "no card"), is left unchanged',
  },
  meaning: { exempt: 'changes the meaning on purpose' },
  apply(text: string, ctx: PerturbationContext): EditProposal[] {
    // negations are what it edits; numbers, amounts, URLs and user patterns stay untouched
    return negationEdits(text, ctx.isFreeExceptNegations);
  },
};

export default definition;
