/** paraphrase.reframe: direct questions become indirect ones asking the same thing. */
import { describe, expect, it } from 'vitest';
import { perturbTextSync } from '../../src/perturb/engine.ts';
import type { Severity } from '../../src/types.ts';
import reframe from './reframe.ts';

function all(text: string, severity: Severity): Set<string> {
  const out = new Set<string>();
  for (let variant = 0; variant < 8; variant++)
    out.add(perturbTextSync(text, reframe, { seed: 2, severity, variant }).text);
  return out;
}

describe('paraphrase.reframe', () => {
  it('undoes the inversion and keeps tense, person and the question word', () => {
    expect(all('Why was my card declined?', 2)).toEqual(
      new Set(['Can you tell me why my card was declined?', 'Could you tell me why my card was declined?']),
    );
    expect(all('How long does it take to arrive?', 2)).toContain(
      'Can you tell me how long it takes to arrive?',
    );
    expect(all('Did my transfer go through?', 2)).toContain('Can you tell me if my transfer went through?');
    expect(all('What is the fee for a transfer?', 2)).toContain(
      'Can you tell me what the fee for a transfer is?',
    );
    expect(all('how do i order a card', 2)).toContain('can you tell me how to order a card?');
    expect(all('What happened to my money?', 1)).toContain('Do you know what happened to my money?');
    expect(all("Why can't I log in?", 2)).toContain("Can you tell me why I can't log in?");
  });

  it('moves further from the question at each severity', () => {
    const s1 = [...all('Is there a fee for this?', 1)];
    const s3 = [...all('Is there a fee for this?', 3)];
    expect(s1.every((t) => /^(?:Do you know|Any idea) if there is a fee for this\?$/.test(t))).toBe(true);
    expect(s3).toEqual(expect.arrayContaining(['I would like to know if there is a fee for this.']));
    for (const t of s3) expect(s1).not.toContain(t);
  });

  it('leaves requests, statements and multi-clause questions alone', () => {
    for (const text of [
      'Can you send me a new card?', // a request: paraphrase.politeness's job
      'My card was declined.',
      'Why was it declined, and what should I do now?',
      'WHY WAS MY CARD DECLINED?',
      'When will my top-up process?', // "process" is the verb, not part of the subject
    ]) {
      for (const s of [1, 2, 3] as Severity[]) expect(all(text, s), text).toEqual(new Set([text]));
    }
  });
});
