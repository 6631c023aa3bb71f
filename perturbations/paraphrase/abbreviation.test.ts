/**
 * paraphrase.abbreviation beyond its golden file: the abbreviations it must make, the ones it
 * must never make (lossy, ambiguous or negation-changing), case, protected spans and severities.
 */
import { describe, expect, it } from 'vitest';
import { perturbTextSync } from '../../src/perturb/engine.ts';
import { severitiesOf } from '../../src/perturb/registry.ts';
import type { Severity } from '../../src/types.ts';
import abbreviation, { ABBREVIATIONS } from './abbreviation.ts';

function run(text: string, severity: Severity = 3, variant = 0) {
  return perturbTextSync(text, abbreviation, { seed: 5, severity, variant });
}

/** Every distinct changed output over severities 1–3 and eight variants. */
function only(text: string): string[] {
  const out = new Set<string>();
  for (const severity of [1, 2, 3] as Severity[]) {
    for (let variant = 0; variant < 8; variant++) out.add(run(text, severity, variant).text);
  }
  out.delete(text);
  return [...out].sort();
}

describe('paraphrase.abbreviation', () => {
  it('abbreviates and expands, keeping a first-letter capital', () => {
    expect(only('Please help')).toEqual(['Pls help', 'Plz help']);
    expect(only('pls help')).toEqual(['please help']);
    expect(only('send it as soon as possible')).toEqual(['send it asap']);
    expect(only('btw it failed')).toEqual(['by the way it failed']);
    expect(only('Thanks a lot')).toEqual(['Thnx a lot', 'Thx a lot']);
    expect(only('ok')).toEqual(['okay']);
    expect(only('can u help')).toEqual(['can you help']);
    expect(only('the mobile application crashed')).toEqual(['the mobile app crashed']);
  });

  it('writes an acronym expansion in the case of its sentence', () => {
    expect(only('call me ASAP')).toEqual(['call me as soon as possible']);
    expect(only('OK. BTW the fee')).toContain('OK. By the way the fee');
    expect(only('CALL ME ASAP')).toEqual(['CALL ME AS SOON AS POSSIBLE']);
  });

  it('shortens "your" only when it is clearly possessive, and never expands "ur"', () => {
    expect(only('check your card')).toEqual(['check ur card']);
    expect(only('your welcome')).toEqual([]);
    expect(only("you're right")).toEqual([]);
    expect(only('ur card')).toEqual([]);
    expect(only("you'll see")).toEqual([]);
  });

  it('never makes lossy, ambiguous or negation-changing abbreviations', () => {
    expect(only("I don't know")).toEqual([]);
    expect(only('never mind, no problem')).toEqual([]);
    expect(only('at the moment the ATM is down')).toEqual([]);
    expect(only('my card application was received')).toEqual([]);
    expect(only('the min amount')).toEqual([]);
    expect(only('The U.S. office, the in-app chat, a/c')).toEqual([]);
    for (const [, short] of ABBREVIATIONS) expect(['idk', 'nvm', 'np', 'atm', 'r']).not.toContain(short);
  });

  it('never touches protected spans', () => {
    const text = 'I have not got the 200 EUR info from https://bank.example.org/info yet, thanks';
    for (const t of only(text)) {
      expect(t).toContain(' not got the 200 EUR ');
      expect(t).toContain('https://bank.example.org/info ');
    }
    expect(only(text)).toContain(
      'I have not got the 200 EUR information from https://bank.example.org/info yet, thx',
    );
  });

  it('returns an unchanged variant when nothing is eligible', () => {
    const v = run('I cannot log in since 10:30pm.');
    expect(v.changed).toBe(false);
    expect(v.edits).toEqual([]);
  });

  it('changes one site at severity 1 and two at severity 2, and has no level 3', () => {
    const text = 'please send the information about my account tomorrow because it is urgent';
    for (let variant = 0; variant < 5; variant++) {
      expect(run(text, 1, variant).edits).toHaveLength(1);
      expect(run(text, 2, variant).edits).toHaveLength(2);
    }
    // one site cannot make a level-2 variant: unchanged rather than a copy of level 1
    expect(run('please help', 2, 0).changed).toBe(false);
    expect(severitiesOf(abbreviation)).toEqual([1, 2]);
  });

  it('is deterministic', () => {
    const text = 'Please send me the information about your account asap, thanks';
    expect(run(text, 2, 4)).toEqual(run(text, 2, 4));
    expect(only(text).length).toBeGreaterThan(3);
  });
});
