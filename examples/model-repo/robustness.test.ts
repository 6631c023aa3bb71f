/**
 * Robustness tests of this repository's intent classifier, run by `npx vitest run`
 * next to the model's other tests. In your repository, MODEL is your exported model
 * folder (e.g. `./model`); here it is tailcheck's bundled BANKING77-LT model.
 */
import { fileURLToPath } from 'node:url';
import { audit, type Report } from 'tailcheck';
import 'tailcheck/vitest';
import { beforeAll, describe, expect, it } from 'vitest';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const MODEL = here('../../models/banking77-lt');
const HOLDOUT = here('./data/holdout.jsonl');

describe('intent classifier robustness', () => {
  let report: Report;

  beforeAll(async () => {
    // One audit feeds the report matchers below; the cache makes re-runs nearly free.
    report = await audit({
      model: MODEL,
      data: HOLDOUT,
      perturb: ['typo', 'paraphrase'],
      severity: 2,
      variants: 3,
    });
  });

  it('loses at most MAXDROP accuracy under typos and paraphrases', () => {
    expect(report).toHaveMaxDrop(MAXDROP);
  });

  it('keeps rare intents robust', () => {
    expect(report).toHaveMinRobustAccuracy(MINRA, { bucket: 'few' });
  });

  it('does not hurt rare intents much more than common ones', () => {
    expect(report).toHaveMaxTailGap(MAXGAP);
  });

  it('ignores keyboard slips in card questions', async () => {
    await expect(MODEL).toBeInvariantTo(
      'typo.keyboard',
      [
        'My new card still has not shown up in the post',
        'How do I activate the card that just arrived?',
        'The cash machine kept my card',
        'I want to set a different PIN for my card',
      ],
      { severity: 1, variants: 2, maxFlipRate: MAXFLIP },
    );
  });

  it('passes the declarative suite in tailcheck.yaml', async () => {
    await expect(here('./tailcheck.yaml')).toPassSuite();
  });
});
