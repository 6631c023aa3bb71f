import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { caseCount, expandTemplates, fillTemplate, placeholders } from '../src/suite/templates.ts';

const lexicons = {
  card: ['card', 'debit card', 'credit card'],
  time: ['today', 'yesterday'],
  verb: ['change', 'reset'],
};

describe('templates', () => {
  it('finds placeholders once each, in order', () => {
    expect(placeholders('I lost my {card} {time}, my {card}!')).toEqual(['card', 'time']);
    expect(placeholders('no placeholders')).toEqual([]);
  });

  it('fills a repeated placeholder identically', () => {
    const c = fillTemplate('{card} or {card}?', lexicons, 2);
    expect(c.text).toBe('credit card or credit card?');
    expect(c.fill).toEqual({ card: 'credit card' });
  });

  it('enumerates the full Cartesian product when it fits', () => {
    const cases = expandTemplates(['I lost my {card} {time}', 'How do I {verb} my PIN?'], lexicons, {
      maxCases: 100,
      seed: 0,
      key: 't',
    });
    expect(cases).toHaveLength(3 * 2 + 2);
    expect(new Set(cases.map((c) => c.text)).size).toBe(8);
    expect(cases.map((c) => c.text)).toContain('I lost my debit card yesterday');
    expect(cases.map((c) => c.text)).toContain('How do I reset my PIN?');
  });

  it('samples distinct cases reproducibly when the product is larger than maxCases', () => {
    const big = {
      a: Array.from({ length: 40 }, (_, i) => `a${i}`),
      b: Array.from({ length: 50 }, (_, i) => `b${i}`),
    };
    const opts = { maxCases: 25, seed: 3, key: 'k' };
    const one = expandTemplates(['{a} {b}'], big, opts).map((c) => c.text);
    const two = expandTemplates(['{a} {b}'], big, opts).map((c) => c.text);
    expect(one).toEqual(two);
    expect(new Set(one).size).toBe(25);
    const other = expandTemplates(['{a} {b}'], big, { ...opts, seed: 4 }).map((c) => c.text);
    expect(other).not.toEqual(one);
  });

  it('every index maps to a distinct filling (mixed-radix is a bijection)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), (n, m) => {
        const lex = {
          x: Array.from({ length: n }, (_, i) => `x${i}`),
          y: Array.from({ length: m }, (_, i) => `y${i}`),
        };
        const total = caseCount('{x}-{y}', lex);
        const texts = Array.from({ length: total }, (_, i) => fillTemplate('{x}-{y}', lex, i).text);
        return total === n * m && new Set(texts).size === total;
      }),
    );
  });

  it('throws on a placeholder without a lexicon', () => {
    expect(() => expandTemplates(['my {thing}'], lexicons, { maxCases: 5, seed: 0, key: 'k' })).toThrow(
      /no lexicon for \{thing\}/,
    );
  });
});
