/**
 * synonym.spelling beyond its golden file: the list is a clean two-way mapping, ambiguous
 * spellings are absent, case is kept, and names, file names and protected text stay as they are.
 */
import { describe, expect, it } from 'vitest';
import { perturbTextSync } from '../../src/perturb/engine.ts';
import type { Severity } from '../../src/types.ts';
import spelling, { SPELLING_PAIRS, spellingVariant } from './spelling.ts';

function run(text: string, severity: Severity = 3, variant = 0, protect?: RegExp[]) {
  return perturbTextSync(text, spelling, { seed: 11, severity, variant, protect });
}

/** Every distinct output over severities 1–3 and six variants. */
function outputs(text: string): Set<string> {
  const out = new Set<string>();
  for (const severity of [1, 2, 3] as Severity[]) {
    for (let variant = 0; variant < 6; variant++) out.add(run(text, severity, variant).text);
  }
  return out;
}

describe('synonym.spelling list', () => {
  it('has at least 150 pairs, each word with exactly one counterpart both ways', () => {
    expect(SPELLING_PAIRS.length).toBeGreaterThanOrEqual(150);
    for (const [british, american] of SPELLING_PAIRS) {
      expect(british).not.toBe(american);
      expect(spellingVariant(british)).toBe(american);
      expect(spellingVariant(american)).toBe(british);
    }
  });

  it('includes the inflected forms', () => {
    expect(spellingVariant('recognised')).toBe('recognized');
    expect(spellingVariant('cancelling')).toBe('canceling');
    expect(spellingVariant('organisations')).toBe('organizations');
    expect(spellingVariant('favourites')).toBe('favorites');
    expect(spellingVariant('enrolment')).toBe('enrollment');
  });

  it('leaves out spellings that are also other words', () => {
    for (const word of [
      'cheque',
      'check',
      'tyre',
      'tire',
      'meter',
      'metre',
      'licence',
      'license',
      'practise',
    ]) {
      expect(spellingVariant(word), word).toBeUndefined();
    }
    for (const word of [
      'programme',
      'program',
      'storey',
      'story',
      'draught',
      'draft',
      'analyses',
      'kerb',
      'curb',
    ]) {
      expect(spellingVariant(word), word).toBeUndefined();
    }
    expect(spellingVariant('constructor')).toBeUndefined();
    expect(spellingVariant('__proto__')).toBeUndefined();
  });
});

describe('synonym.spelling', () => {
  it('respells in both directions, keeping case', () => {
    expect(run('my favourite colour').text).toBe('my favorite color');
    expect(run('it was canceled at the center').text).toBe('it was cancelled at the centre');
    expect(run('Recognise this? COLOUR IT GREY').text).toBe('Recognize this? COLOR IT GRAY');
    expect(run('Why? Organised people travel.').text).toBe('Why? Organized people travel.');
  });

  it('respells whole words only', () => {
    // "colors" is a word on its own; "discolor" is not in the list, and no -ise stem matches inside words
    expect(run('paradise exercise advertise surprise').changed).toBe(false);
    expect(run('colourless').changed).toBe(false);
  });

  it('never changes names, file names, paths or handles', () => {
    expect(run('I called the Labour helpline and Lincoln Center.').changed).toBe(false);
    expect(run('Centre Point branch is closed').changed).toBe(false);
    expect(run('see colour.png, a/colour, @colour, my_colour').changed).toBe(false);
  });

  it('never touches protected spans', () => {
    expect(run('https://bank.example.com/colour/centre').changed).toBe(false);
    const v = run('the colour code is not the centre code', 3, 0, [/colour code/g]);
    expect(v.text).toBe('the colour code is not the center code');
  });

  it('returns an unchanged variant when no word has a variant', () => {
    const v = run('Please check my cheque, I have not received 200 dollars.');
    expect(v.changed).toBe(false);
    expect(v.edits).toEqual([]);
  });

  it('changes one word at severity 1, half at severity 2 and all at severity 3', () => {
    const text = 'colour favourite centre travelled cancelled organise';
    for (let variant = 0; variant < 5; variant++) {
      expect(run(text, 1, variant).edits).toHaveLength(1);
      expect(run(text, 2, variant).edits).toHaveLength(3);
      expect(run(text, 3, variant).edits).toHaveLength(6);
    }
    expect(run('colour', 2).edits).toHaveLength(1);
  });

  it('is deterministic and varies with the variant index', () => {
    const text = 'My favourite colour was cancelled at the centre, I realised.';
    expect(run(text, 1, 3)).toEqual(run(text, 1, 3));
    expect(outputs(text).size).toBeGreaterThan(3);
  });
});
