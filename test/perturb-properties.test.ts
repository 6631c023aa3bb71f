/**
 * Property tests over every registered perturbation that runs without a model: arbitrary
 * Unicode must never make the engine throw, variants are deterministic and independent of
 * what was processed before, protected text and graphemes survive (all of it, but the spans an entity
 * perturbation declares in `editsProtected`), and typo edit counts follow the documented severities.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { initPerturbations, perturbExamples, perturbText } from '../src/perturb/engine.ts';
import { compileConstraints, ProtectedText, releaseProtections } from '../src/perturb/protect/constraints.ts';
import { countNegations } from '../src/perturb/protect/patterns.ts';
import { loadRegistry } from '../src/perturb/registry.ts';
import { latinWords } from '../src/perturb/text/index.ts';
import { typoSiteCount } from '../src/perturb/typo.ts';
import type { PerturbationDefinition, Severity, Span, Variant } from '../src/types.ts';

const registry = await loadRegistry();
const defs = registry.list().filter((d) => !d.needsModel);
const SEVS: Severity[] = [1, 2, 3];

beforeAll(async () => {
  await initPerturbations(defs);
});

const PIECES = [
  'card',
  'Payment',
  'RECEIVED',
  'the',
  'accommodation',
  'constructor',
  'toString',
  '__proto__',
  'hasOwnProperty',
  'believe',
  'modern',
  'clock',
  'not',
  'NEVER',
  "don't",
  'can’t',
  'without',
  '£20',
  '$5.00',
  '20 EUR',
  '12/05/2024',
  '10:30pm',
  '3rd',
  '1,000.50',
  'https://ex.com/a?b=1',
  'www.bank.co.uk',
  'me@x.org',
  '@bob',
  '#tag',
  '👩‍👩‍👧',
  '🙂',
  '👍🏽',
  '🇬🇧',
  'e\u0301',
  'a\u0308bc',
  'naïve',
  'café',
  '東京',
  'カード',
  'שלום',
  'مرحبا',
  'Москва',
  'a\u200db',
  'x\ufe0f',
  '\r\n',
  '\n',
  '\t',
  '\ud83d',
  '\udc00',
  '',
  ',',
  '.',
  '?',
  "'",
  '-',
];

const piece = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...PIECES) },
  { weight: 3, arbitrary: fc.stringMatching(/^[A-Za-z]{1,10}$/) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 5 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) },
);
// Joining with '' glues combining marks and joiners onto neighbouring letters.
const textArb = fc
  .tuple(fc.array(piece, { maxLength: 14 }), fc.constantFrom(' ', ' ', '', ', '))
  .map(([parts, sep]) => parts.join(sep));

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });
function boundaries(text: string): Set<number> {
  const out = new Set<number>([text.length]);
  for (const { index } of segmenter.segment(text)) out.add(index);
  return out;
}

function overlapsProtected(spans: readonly Span[], from: [number, number]): boolean {
  const [a, b] = from;
  return spans.some((s) => (a === b ? s.start < a && a < s.end : a < s.end && b > s.start));
}

/** Every structural invariant of one variant. */
function checkVariant(text: string, def: PerturbationDefinition, severity: Severity, v: Variant): void {
  expect(v.perturbation).toBe(def.name);
  expect(v.severity).toBe(severity);
  expect(v.changed).toBe(v.text !== text);
  if (!v.changed) expect(v.text).toBe(text);
  // edits replay: original + edits = new text, with consistent offsets on both sides
  let rebuilt = '';
  let cursor = 0;
  const bounds = boundaries(text);
  // an entity perturbation may edit the built-in spans it exists to edit (entity.amount: amounts), no other
  const guard = new ProtectedText(text, releaseProtections(compileConstraints(), def.editsProtected));
  for (const e of v.edits) {
    expect(e.from[0]).toBeGreaterThanOrEqual(cursor);
    expect(text.slice(e.from[0], e.from[1])).toBe(e.before);
    expect(e.before).not.toBe(e.after);
    expect(
      bounds.has(e.from[0]) && bounds.has(e.from[1]),
      `edit ${JSON.stringify(e)} splits a grapheme`,
    ).toBe(true);
    if (overlapsProtected(guard.spans, e.from)) {
      // Only a negation rewritten into an equivalent one ("do not" → "don't") may touch protected text;
      // a directional transform inserts or removes negations on purpose, and touches nothing else.
      expect(
        guard.isFreeExceptNegations(e.from[0], e.from[1]),
        `edit ${JSON.stringify(e)} touches protected text`,
      ).toBe(true);
      if (!def.directional) {
        const negations = countNegations(e.before);
        expect(negations, `edit ${JSON.stringify(e)} touches protected text`).toBeGreaterThan(0);
        expect(countNegations(e.after), `edit ${JSON.stringify(e)} changes a negation`).toBe(negations);
      }
    }
    rebuilt += text.slice(cursor, e.from[0]);
    expect(rebuilt.length).toBe(e.to[0]);
    rebuilt += e.after;
    expect(rebuilt.length).toBe(e.to[1]);
    cursor = e.from[1];
  }
  rebuilt += text.slice(cursor);
  expect(rebuilt).toBe(v.text);
  if (def.family === 'typo') {
    // typos touch Latin letters (and, for merge, the space between two words) only
    for (const e of v.edits)
      expect(e.before, `${def.name} edited non-Latin text`).toMatch(/^[\p{Script=Latin} ]*$/u);
    // each edited site is one edit; sites never exceed the documented share of the text's words
    expect(v.edits.length).toBeLessThanOrEqual(typoSiteCount(severity, latinWords(text).length));
    if (severity === 1) expect(v.edits.length).toBeLessThanOrEqual(1);
  }
}

describe.each(defs.map((d) => [d.name, d] as const))('%s properties', (_name, def) => {
  it('never throws, keeps protected spans and graphemes, replays its edits, and is deterministic', async () => {
    await fc.assert(
      fc.asyncProperty(textArb, fc.nat(1000), fc.constantFrom(...SEVS), async (text, seed, severity) => {
        const opts = { seed, severity, variant: 0 };
        const v = await perturbText(text, def, opts);
        checkVariant(text, def, severity, v);
        const again = await perturbText(text, def, opts);
        expect(again).toEqual(v);
      }),
      { numRuns: 150 },
    );
  });

  it('does not depend on what was perturbed before, or on batch order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(textArb, { minLength: 1, maxLength: 6 }), fc.nat(50), async (texts, seed) => {
        // a variant depends on its siblings (they must differ), never on other texts
        const opts = { seed, severities: [2 as const], variants: 2 };
        const alone = await Promise.all(
          texts.map(async (t) => (await perturbExamples([t], [def], opts))[0]!),
        );
        const reversed = [...texts].reverse();
        const batch = await perturbExamples(reversed, [def], opts);
        reversed.forEach((t, i) => {
          expect(batch[i]).toEqual(alone[texts.length - 1 - i]);
          for (const v of batch[i]!) expect(v.text === t).toBe(!v.changed);
        });
      }),
      { numRuns: 25 },
    );
  });
});

describe('typo severities', () => {
  // Lower-case words of 4+ letters: every word is eligible for these perturbations, and
  // each chosen word always changes.
  // (typo.split is not among them: it needs a syllable boundary, which random letters may lack.)
  const alwaysEdits = ['typo.keyboard', 'typo.delete', 'typo.insert', 'typo.repeat'];
  const wordsArb = fc
    .array(fc.stringMatching(/^[a-z]{4,9}$/), { minLength: 1, maxLength: 40 })
    .map((ws) => ws.join(' '))
    .filter((t) => new ProtectedText(t, compileConstraints()).spans.length === 0);

  it.each(alwaysEdits)('%s edits exactly typoSiteCount(severity, words) words', async (name) => {
    const def = registry.get(name)!;
    fc.assert(
      fc.property(wordsArb, fc.constantFrom(...SEVS), fc.nat(100), (text, severity, seed) => {
        const v = perturbText(text, def, { seed, severity, variant: 0 }) as Variant;
        const words = text.split(' ').length;
        // A level needs as many eligible words as its floor (1, 2, 3), else the text stays unchanged.
        expect(v.changed).toBe(words >= severity);
        expect(v.edits.length).toBe(typoSiteCount(severity, words));
      }),
      { numRuns: 100 },
    );
  });

  it('counts follow the documented shares', () => {
    expect([1, 5, 10, 14, 15, 40].map((n) => typoSiteCount(1, n))).toEqual([1, 1, 1, 1, 1, 1]);
    expect([1, 2, 5, 10, 14, 15, 40].map((n) => typoSiteCount(2, n))).toEqual([0, 2, 2, 2, 2, 2, 4]);
    expect([1, 2, 3, 5, 10, 14, 15, 40].map((n) => typoSiteCount(3, n))).toEqual([0, 0, 3, 3, 3, 4, 4, 10]);
    expect(typoSiteCount(1, 0)).toBe(0);
  });

  it('user --protect patterns are never edited', () => {
    const def = registry.get('typo.keyboard')!;
    const protect = [/ACC-[A-Z]+/g];
    fc.assert(
      fc.property(wordsArb, fc.nat(100), (words, seed) => {
        const text = `ACC-ABCDEF ${words} ACC-XYZ`;
        const v = perturbText(text, def, { seed, severity: 3, variant: 0, protect }) as Variant;
        expect(v.text.startsWith('ACC-ABCDEF ')).toBe(true);
        expect(v.text.endsWith(' ACC-XYZ')).toBe(true);
      }),
      { numRuns: 50 },
    );
  });
});
