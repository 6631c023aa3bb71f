/**
 * Behaviour of the rule-based paraphrases beyond their golden files: the rewrites they must
 * never make (ambiguous expansions, meaning changes, touching negations) and the ones they must.
 */
import { describe, expect, it } from 'vitest';
import { perturbTextSync } from '../../src/perturb/engine.ts';
import type { PerturbationDefinition, Severity } from '../../src/types.ts';
import casing from './casing.ts';
import contraction from './contraction.ts';
import filler from './filler.ts';
import intensifier from './intensifier.ts';
import politeness from './politeness.ts';
import punctuation from './punctuation.ts';
import reorder from './reorder.ts';

/** Every distinct output over severities 1–3 and `variants` variants. */
function outputs(def: PerturbationDefinition, text: string, variants = 6): Set<string> {
  const out = new Set<string>();
  for (const severity of [1, 2, 3] as Severity[]) {
    for (let variant = 0; variant < variants; variant++) {
      out.add(perturbTextSync(text, def, { seed: 3, severity, variant }).text);
    }
  }
  return out;
}

function only(def: PerturbationDefinition, text: string): string[] {
  return [...outputs(def, text)].filter((t) => t !== text);
}

describe('paraphrase.contraction', () => {
  it('contracts and expands in both directions, keeping case', () => {
    expect(only(contraction, 'I am sure it is here.')).toContain("I'm sure it's here.");
    expect(only(contraction, "I'M SURE IT'S LATE")).toContain('I AM SURE IT IS LATE');
    expect(only(contraction, 'i’ve lost it')).toEqual(['i have lost it']);
    expect(only(contraction, 'I have lost it')).toEqual(['I’ve lost it'.replace('’', "'")]);
  });

  it('expands only unambiguous forms', () => {
    expect(only(contraction, "It's been a week.")).toEqual(['It has been a week.']);
    expect(only(contraction, "It's taking ages.")).toEqual(['It is taking ages.']);
    expect(only(contraction, "It's charged in euros.")).toEqual([]); // is or has?
    expect(only(contraction, "The card's blocked.")).toEqual([]); // possessive-looking
    expect(only(contraction, "I'd like a card.")).toEqual(['I would like a card.']);
    expect(only(contraction, "I'd sent it already.")).toEqual(['I had sent it already.']);
  });

  it('never produces ungrammatical contractions', () => {
    expect(only(contraction, 'Here you are.')).toEqual([]);
    expect(only(contraction, 'I have a question.')).toEqual([]); // not "I've a question"
    expect(only(contraction, 'I will not pay.')).toEqual(["I won't pay."]); // never "I'll not pay"
    expect(only(contraction, 'What is it?')).toEqual([]);
  });

  it('rewrites negations only into equivalent negations (they are protected otherwise)', () => {
    const outputs = only(contraction, "I don't know why it is not working and I cannot pay.");
    expect(outputs).toContain('I do not know why it is not working and I cannot pay.');
    expect(outputs).toContain("I don't know why it isn't working and I cannot pay.");
    expect(outputs).toContain("I don't know why it is not working and I can't pay.");
    for (const t of outputs) expect(t.match(/n't|\bnot\b|cannot/g)).toHaveLength(3);
  });
});

describe('paraphrase.filler', () => {
  it('uses question openers only before questions and adds please only to requests', () => {
    const statement = only(filler, 'My card was swallowed by the machine.');
    expect(statement.some((t) => /quick question|just wondering/i.test(t))).toBe(false);
    expect(statement.some((t) => /please\b(?! help)/i.test(t))).toBe(false);
    const request = only(filler, 'Can you send me a new card?');
    expect(request.some((t) => /can you please send me a new card\?/i.test(t))).toBe(true);
    expect(request.some((t) => /card, please\?/.test(t))).toBe(true);
  });

  it('moves the capital to the filler but keeps I and names capitalised', () => {
    const named = only(filler, 'Apple Pay stopped working yesterday.');
    expect(named.some((t) => /^[A-Z][^.]*[,:] Apple Pay/.test(t))).toBe(true);
    expect(named.some((t) => /apple pay/.test(t))).toBe(false);
    const common = only(filler, 'The app keeps crashing.');
    expect(
      common.some((t) => /^[A-Z][a-z ]*[,:]? the app keeps crashing/i.test(t) && t.includes(' the app')),
    ).toBe(true);
  });

  it('never adds a second thanks or please', () => {
    for (const t of only(filler, 'Please close my account, thanks.')) {
      expect(t.match(/please/gi)).toHaveLength(1);
      expect(t.match(/thank/gi)).toHaveLength(1);
    }
  });
});

describe('paraphrase.politeness', () => {
  it('swaps request framings with grammatical continuations', () => {
    expect(only(politeness, 'Can you reset my PIN?')).toEqual(
      expect.arrayContaining(['Could you reset my PIN?', 'Would you be able to reset my PIN?']),
    );
    expect(only(politeness, 'I want to close my account.')).toContain("I'd like to close my account.");
    expect(only(politeness, 'Freeze my card.')).toEqual(
      expect.arrayContaining(['Please freeze my card.', 'Can you freeze my card?']),
    );
  });

  it('keeps multi-clause imperatives statements and never says "how should I"', () => {
    for (const t of only(politeness, 'Freeze my card, it was stolen.')) expect(t).toMatch(/\.$/);
    for (const t of only(politeness, 'How can I know if it arrived?')) expect(t).not.toMatch(/should/);
  });

  it('does not touch negated framings or non-imperative openings', () => {
    expect(only(politeness, "I don't want to pay this.")).toEqual([]);
    expect(only(politeness, 'Change of address is not working.')).toEqual([]);
  });
});

describe('paraphrase.punctuation', () => {
  it('drops apostrophes only where no other word results, and never in negations', () => {
    const outs = only(punctuation, "We're sure I'm right but it doesn't work.");
    expect(outs.some((t) => t.includes('Im right'))).toBe(true);
    for (const t of outs) {
      expect(t).toContain("We're");
      expect(t).toContain("doesn't");
    }
  });

  it('changes final punctuation by sentence type', () => {
    expect(only(punctuation, 'can you help me')).toContain('can you help me?');
    expect(only(punctuation, 'my card is blocked')).toContain('my card is blocked.');
    for (const t of only(punctuation, 'What is the fee?')) expect(t).not.toMatch(/!/);
  });
});

describe('paraphrase.casing', () => {
  it('keeps e-mail addresses and URLs as written in ALL CAPS', () => {
    const text = 'send it to ana@example.com or see www.example.com/help';
    const v = perturbTextSync(text, casing, { seed: 1, severity: 3, variant: 0 });
    expect(v.text).toBe('SEND IT TO ana@example.com OR SEE www.example.com/help');
  });

  it('falls back to another style when a negation would have to be recased', () => {
    const v = perturbTextSync("The app won't open", casing, { seed: 1, severity: 3, variant: 0 });
    expect(v.changed).toBe(true);
    expect(v.text).toContain("won't");
    expect(v.text).not.toBe(v.text.toUpperCase());
  });

  it('changes one word at severity 1', () => {
    for (let variant = 0; variant < 5; variant++) {
      const v = perturbTextSync('I lost my Visa card in Rome', casing, { seed: 2, severity: 1, variant });
      expect(v.edits).toHaveLength(1);
    }
  });
});

describe('paraphrase.reorder', () => {
  it('moves the clause both ways and keeps protected text verbatim', () => {
    expect(only(reorder, "I can't log in because I changed my phone on 2 May.")).toEqual([]); // both clauses protected
    expect(only(reorder, "I can't log in because I changed my phone.")).toEqual([
      "Because I changed my phone, I can't log in.",
    ]);
    expect(only(reorder, 'Since the update on 2 May, my card is declined.')).toEqual([
      'My card is declined since the update on 2 May.',
    ]);
    expect(only(reorder, 'If the card is lost, can I block it?')).toEqual([
      'Can I block it if the card is lost?',
    ]);
  });

  it('leaves embedded questions, glued modifiers and coordinations alone', () => {
    for (const text of [
      'I want to know if my transfer arrived.',
      'Tell me when the card will arrive.',
      'Let me know if you need anything else.',
      'I was charged right after I paid.',
      'I waited since Monday and nothing happened.',
      'I paid before, but it failed.',
    ]) {
      expect(only(reorder, text), text).toEqual([]);
    }
  });
});

describe('paraphrase.intensifier', () => {
  it('adds, drops and swaps degree words before predicative adjectives', () => {
    const outs = only(intensifier, 'The fee is really high.');
    expect(outs).toContain('The fee is high.');
    expect(outs.some((t) => /is (?:very|so|super|extremely) high/.test(t))).toBe(true);
    expect(outs.some((t) => /a bit|kind of/.test(t))).toBe(false); // a hedge is a different strength
  });

  it('never changes anything right after a negation or inside "so long"', () => {
    expect(only(intensifier, "I'm not happy and it isn't very clear.")).toEqual([]);
    expect(only(intensifier, 'It is taking so long.')).toEqual([]);
  });

  it('keeps person-only adjectives to people', () => {
    expect(only(intensifier, 'My card is lost.')).toEqual([]);
    expect(only(intensifier, "I'm lost.").length).toBeGreaterThan(0);
  });
});

describe('paraphrase.filler thanks only those who were asked', () => {
  it('never greets or thanks on a statement of feeling', () => {
    for (const text of [
      'i feel so lonely tonight',
      'I am really happy with how the day went.',
      'when i was young i felt safe',
    ]) {
      for (const t of only(filler, text))
        expect(t, text).not.toMatch(/thank|\bhi\b|hello|hey|appreciated|please/i);
    }
  });

  it('still thanks questions, requests and stated needs', () => {
    expect(only(filler, 'how do i reset my pin').some((t) => /thanks?/i.test(t))).toBe(true);
    expect(only(filler, 'Cancel my card.').some((t) => /thanks?/i.test(t))).toBe(true);
    expect(only(filler, 'I need to change my address.').some((t) => /thank/i.test(t))).toBe(true);
  });
});

describe('paraphrase.casing uses only casings people type', () => {
  it('never Title-Cases a sentence and shouts only short messages', () => {
    const text = 'My card was declined at the shop this morning';
    const out = only(casing, text);
    expect(out).toContain('my card was declined at the shop this morning');
    expect(out).toContain('MY CARD WAS DECLINED AT THE SHOP THIS MORNING');
    for (const t of out) expect(t).not.toMatch(/^My Card Was/);
    const long = 'I ordered a new card two weeks ago and it still has not arrived at my home address today';
    for (const t of only(casing, long)) expect(t).not.toBe(long.toUpperCase());
  });
});
