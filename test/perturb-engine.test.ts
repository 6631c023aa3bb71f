import { describe, expect, it } from 'vitest';
import {
  PerturbationBugError,
  perturbExamples,
  perturbText,
  perturbTextSync,
} from '../src/perturb/engine.ts';
import type { EditProposal, PerturbationContext, PerturbationDefinition } from '../src/types.ts';

const SEVERITIES = { 1: 'one', 2: 'two', 3: 'three' };

function fixed(proposals: EditProposal[] | ((text: string, ctx: PerturbationContext) => EditProposal[])) {
  return {
    name: 'typo.fixture',
    family: 'typo',
    tag: 'natural',
    description: 'test fixture',
    severities: SEVERITIES,
    apply: (text: string, ctx: PerturbationContext) =>
      typeof proposals === 'function' ? proposals(text, ctx) : proposals,
  } satisfies PerturbationDefinition;
}

const opts = { seed: 1, severity: 2, variant: 0 } as const;

describe('perturbText', () => {
  it('applies proposals in any order and reports edits in both texts', () => {
    const def = fixed([
      { start: 10, end: 14, replacement: 'kard' },
      { start: 0, end: 1, replacement: 'We' },
      { start: 7, end: 7, replacement: 'ALL ' },
    ]);
    const v = perturbTextSync('I lost my card', def, opts);
    expect(v.text).toBe('We lost ALL my kard');
    expect(v.changed).toBe(true);
    expect(v.edits).toEqual([
      { from: [0, 1], to: [0, 2], before: 'I', after: 'We' },
      { from: [7, 7], to: [8, 12], before: '', after: 'ALL ' },
      { from: [10, 14], to: [15, 19], before: 'card', after: 'kard' },
    ]);
  });

  it('drops no-op proposals and marks a variant without real edits unchanged', () => {
    const v = perturbTextSync('same text', fixed([{ start: 0, end: 4, replacement: 'same' }]), opts);
    expect(v).toMatchObject({ text: 'same text', changed: false, edits: [] });
    expect(perturbTextSync('no site', fixed([]), opts).changed).toBe(false);
  });

  it.each([
    ['out of range', [{ start: 3, end: 99, replacement: 'x' }]],
    ['reversed', [{ start: 5, end: 3, replacement: 'x' }]],
    ['fractional', [{ start: 1.5, end: 2, replacement: 'x' }]],
    [
      'overlapping',
      [
        { start: 0, end: 4, replacement: 'x' },
        { start: 3, end: 5, replacement: 'y' },
      ],
    ],
    [
      'two insertions at one place',
      [
        { start: 2, end: 2, replacement: 'x' },
        { start: 2, end: 2, replacement: 'y' },
      ],
    ],
    ['touching a negation', [{ start: 5, end: 7, replacement: 'xx' }]],
    ['touching a number', [{ start: 14, end: 15, replacement: '9' }]],
  ])('throws PerturbationBugError for a proposal %s', (_why, proposals) => {
    const def = fixed(proposals as EditProposal[]);
    expect(() => perturbTextSync('I do not pay 20 now', def, opts)).toThrow(PerturbationBugError);
    expect(() => perturbTextSync('I do not pay 20 now', def, opts)).toThrow(/typo\.fixture/);
  });

  it('throws when an edit would split a grapheme', () => {
    // 'e' + combining acute: offset 5 lies inside the grapheme "é"
    expect(() =>
      perturbTextSync('cafe\u0301 ok', fixed([{ start: 3, end: 4, replacement: 'x' }]), opts),
    ).toThrow(/grapheme/);
    // inside a ZWJ family emoji
    expect(() => perturbTextSync('👩‍👩‍👧 hi', fixed([{ start: 2, end: 2, replacement: 'x' }]), opts)).toThrow(
      /grapheme/,
    );
    // CR LF is one grapheme
    expect(() => perturbTextSync('a\r\nb', fixed([{ start: 2, end: 2, replacement: 'x' }]), opts)).toThrow(
      /grapheme/,
    );
  });

  it('seeds the rng from (seed, perturbation, severity, variant, text) only', () => {
    const draw = fixed((text, ctx) => [
      { start: 0, end: text.length, replacement: String(ctx.rng.int(1e9)) },
    ]);
    const a = perturbTextSync('hello', draw, opts).text;
    expect(perturbTextSync('hello', draw, opts).text).toBe(a);
    expect(perturbTextSync('hello', draw, { ...opts, seed: 2 }).text).not.toBe(a);
    expect(perturbTextSync('hello', draw, { ...opts, variant: 1 }).text).not.toBe(a);
    expect(perturbTextSync('hello', draw, { ...opts, severity: 3 }).text).not.toBe(a);
    expect(perturbTextSync('hello', { ...draw, name: 'typo.other' }, opts).text).not.toBe(a);
  });

  it('passes protected spans (built-in and user) and options to the perturbation', () => {
    let seen: PerturbationContext | undefined;
    const spy = fixed((_t, ctx) => {
      seen = ctx;
      return [];
    });
    perturbTextSync('pay REF-7 not $5', spy, { ...opts, protect: [/REF-\d/], options: { k: 1 } });
    expect(seen!.protectedSpans).toEqual([
      { start: 4, end: 9 },
      { start: 10, end: 13 },
      { start: 14, end: 16 },
    ]);
    expect(seen!.isFree(0, 3)).toBe(true);
    expect(seen!.isFree(3, 5)).toBe(false);
    expect(seen!.options).toEqual({ k: 1 });
    expect(seen!.severity).toBe(2);
  });

  it('applies span constraints and user regexes to negation rewrites too', () => {
    let seen: PerturbationContext | undefined;
    const spy = fixed((_t, ctx) => {
      seen = ctx;
      return [];
    });
    const refs = {
      name: 'refs',
      spans: (t: string) => [{ start: t.indexOf('REF'), end: t.indexOf('REF') + 3 }],
    };
    perturbTextSync('do not pay REF now', spy, { ...opts, protect: [/do not/, refs] });
    expect(seen!.protectedSpans).toEqual([
      { start: 0, end: 6 },
      { start: 11, end: 14 },
    ]);
    expect(seen!.isFreeExceptNegations(3, 6)).toBe(false);
    expect(seen!.isFreeExceptNegations(12, 13)).toBe(false);
    const rewrite = fixed([{ start: 0, end: 6, replacement: "don't", rewritesNegation: true }]);
    expect(() => perturbTextSync('do not pay', rewrite, { ...opts, protect: [/do not/] })).toThrow(
      /touches a protected span/,
    );
    expect(perturbTextSync('do not pay', rewrite, opts).text).toBe("don't pay");
  });

  it('lets only a directional transform insert or remove a negation; numbers stay protected for it', () => {
    // "I do not pay 20 now": remove "do not " (a negation span) — what directional.negate does
    const removal: EditProposal[] = [{ start: 2, end: 9, replacement: '' }];
    const directional: PerturbationDefinition = {
      ...fixed(removal),
      name: 'directional.fixture',
      family: 'directional',
      directional: true,
    };
    expect(perturbTextSync('I do not pay 20 now', directional, { ...opts, severity: 1 }).text).toBe(
      'I pay 20 now',
    );
    for (const family of ['typo', 'synonym', 'paraphrase', 'entity', 'distractor'] as const) {
      const other: PerturbationDefinition = { ...fixed(removal), name: `${family}.fixture`, family };
      expect(() => perturbTextSync('I do not pay 20 now', other, opts), family).toThrow(
        /touches a protected span/,
      );
    }
    const number: PerturbationDefinition = {
      ...directional,
      apply: () => [{ start: 13, end: 15, replacement: '30' }],
    };
    expect(() => perturbTextSync('I do not pay 20 now', number, { ...opts, severity: 1 })).toThrow(
      /touches a protected span/,
    );
  });

  it('returns a promise for async perturbations, and perturbTextSync refuses them', async () => {
    const slow: PerturbationDefinition = {
      ...fixed([]),
      apply: async (text) => [{ start: 0, end: text.length, replacement: text.toUpperCase() }],
    };
    const result = perturbText('abc', slow, opts);
    expect(result).toBeInstanceOf(Promise);
    expect((await result).text).toBe('ABC');
    expect(() => perturbTextSync('abc', slow, opts)).toThrow(/asynchronous/);
  });
});

describe('perturbExamples', () => {
  it('orders variants by perturbation, severity, variant', async () => {
    const a: PerturbationDefinition = {
      ...fixed((_text, ctx) => [{ start: 0, end: 0, replacement: `${ctx.severity}:` }]),
      name: 'typo.a',
    };
    const b: PerturbationDefinition = {
      ...fixed([]),
      name: 'typo.b',
      apply: async (text) => [{ start: text.length, end: text.length, replacement: '!' }],
    };
    const out = await perturbExamples(['x', 'y'], [a, b], {
      seed: 0,
      severities: [1, 3],
      variants: 2,
      concurrency: 2,
    });
    expect(out.map((vs) => vs.map((v) => `${v.perturbation}/${v.severity}/${v.variant}=${v.text}`))).toEqual([
      [
        'typo.a/1/0=1:x',
        'typo.a/1/1=1:x',
        'typo.a/3/0=3:x',
        'typo.a/3/1=3:x',
        'typo.b/1/0=x!',
        'typo.b/1/1=x!',
        'typo.b/3/0=x!',
        'typo.b/3/1=x!',
      ],
      [
        'typo.a/1/0=1:y',
        'typo.a/1/1=1:y',
        'typo.a/3/0=3:y',
        'typo.a/3/1=3:y',
        'typo.b/1/0=y!',
        'typo.b/1/1=y!',
        'typo.b/3/0=y!',
        'typo.b/3/1=y!',
      ],
    ]);
  });

  it('keeps at most `concurrency` async applies in flight and reports finished texts', async () => {
    let inFlight = 0;
    let peak = 0;
    const slow: PerturbationDefinition = {
      ...fixed([]),
      apply: async () => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 2));
        inFlight--;
        return [];
      },
    };
    const finished: number[] = [];
    await perturbExamples(['a', 'b', 'c', 'd', 'e'], [slow], {
      seed: 0,
      severities: [1, 2],
      variants: 1,
      concurrency: 3,
      onText: (i) => finished.push(i),
    });
    expect(peak).toBeLessThanOrEqual(3);
    expect(finished.sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('propagates a perturbation bug from an async apply', async () => {
    const bad: PerturbationDefinition = {
      ...fixed([]),
      apply: async () => [{ start: 0, end: 9, replacement: '' }],
    };
    await expect(perturbExamples(['ab'], [bad], { seed: 0, severities: [1], variants: 1 })).rejects.toThrow(
      PerturbationBugError,
    );
  });
});
