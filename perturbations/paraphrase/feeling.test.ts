/** paraphrase.feeling: restates first-person feelings without touching the feeling or its strength. */
import { describe, expect, it } from 'vitest';
import { perturbTextSync } from '../../src/perturb/engine.ts';
import type { Severity } from '../../src/types.ts';
import feeling from './feeling.ts';

const at = (text: string, severity: Severity, variant = 0) =>
  perturbTextSync(text, feeling, { seed: 1, severity, variant }).text;

describe('paraphrase.feeling', () => {
  it('climbs one rung per severity, each rewriting more words', () => {
    expect([1, 2, 3].map((s) => at('i feel so lonely since she moved away', s as Severity))).toEqual([
      'im feeling so lonely since she moved away',
      'ive been feeling so lonely since she moved away',
      'i have been feeling so lonely since she moved away',
    ]);
    expect(at("I'm feeling rather nervous.", 1)).toBe('I feel rather nervous.');
    expect(at('I am worried about my exam.', 1)).toBe('I feel worried about my exam.');
    expect(at('i felt hopeless after the call', 1)).toBe('i was feeling hopeless after the call');
  });

  it('keeps the writer’s apostrophes and shouting', () => {
    expect(at('I feel happy, it’s sunny', 2)).toBe('I’ve been feeling happy, it’s sunny');
    expect(at('I FEEL SO ANGRY', 1)).toBe("I'M FEELING SO ANGRY");
  });

  it('leaves alone what is not a feeling or would change meaning', () => {
    for (const text of [
      'i am sorry about that', // an apology, not pity
      'i feel that you are wrong', // an opinion
      'i am not happy', // negated
      'i was charged twice', // a passive
      'i was double charged', // adjective before a participle: still a passive
      'i am happy to help', // an offer
      'do i feel ready', // a question
      'i am going home', // progressive, not a feeling
      'i feel tired right now', // "right now" does not take the perfect
      'i feel awful when it rains', // habitual
    ]) {
      for (const s of [1, 2, 3] as Severity[]) expect(at(text, s), text).toBe(text);
    }
  });
});
