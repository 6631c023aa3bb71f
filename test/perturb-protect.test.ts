import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileConstraints,
  isFreeOf,
  mergeSpans,
  ProtectedText,
  type SpanConstraint,
} from '../src/perturb/protect/constraints.ts';
import type { Span } from '../src/types.ts';

/** The protected spans of `text`, as the engine finds them. */
const protectedSpans = (text: string, extra?: RegExp[]): readonly Span[] =>
  new ProtectedText(text, compileConstraints(extra)).spans;

const pieces = (text: string, extra?: RegExp[]): string[] =>
  protectedSpans(text, extra).map((s) => text.slice(s.start, s.end));

describe('protected spans', () => {
  it('protects numbers in their usual shapes', () => {
    expect(
      pieces('Sent 1,000.50 on the 3rd, again on 12/05/2024 and 2024-05-12 at 10:30pm, 50% left'),
    ).toEqual(['1,000.50', '3rd', '12/05/2024', '2024-05-12', '10:30pm', '50%']);
    expect(pieces('meet at 7 am or 9 p.m.')).toEqual(['7 am', '9 p.m.']);
    expect(pieces('room b12 and 4th')).toEqual(['12', '4th']);
  });

  it('protects currency amounts with their symbol or code', () => {
    expect(pieces('I paid £20 and $5.00, then 20 EUR, €3 and USD 15')).toEqual([
      '£20',
      '$5.00',
      '20 EUR',
      '€3',
      'USD 15',
    ]);
    expect(pieces('it was 30 dollars')).toEqual(['30 dollars']);
  });

  it('protects URLs without the sentence full stop, e-mails, mentions and hashtags', () => {
    expect(
      pieces('See https://bank.example.com/help?q=1. Or www.example.org, or example.co.uk/path!'),
    ).toEqual(['https://bank.example.com/help?q=1', 'www.example.org', 'example.co.uk/path']);
    expect(pieces('Mail jo.smith+x@mail.example.com or ping @jo_smith #urgent')).toEqual([
      'jo.smith+x@mail.example.com',
      '@jo_smith',
      '#urgent',
    ]);
  });

  it('protects negations, including contractions and chat spellings', () => {
    const text =
      "No, I do not know. I don't, isn't it? can't won't cannot never nor none nobody nothing neither without didnt cant don t";
    expect(pieces(text)).toEqual([
      'No',
      'not',
      "don't",
      "isn't",
      "can't",
      "won't",
      'cannot',
      'never',
      'nor',
      'none',
      'nobody',
      'nothing',
      'neither',
      'without',
      'didnt',
      'cant',
      'don t',
    ]);
    expect(pieces('I don’t NOT Never')).toEqual(['don’t', 'NOT', 'Never']);
  });

  it('the ASCII fast path finds the same negations as the Unicode regex', () => {
    const word = fc.constantFrom(
      ...'not no No NOT never nor none nobody nothing neither without cannot dont didnt cant wont aint'.split(
        ' ',
      ),
      ...[
        "don't",
        "isn't",
        "CAN'T",
        "n't",
        "won't",
        'don t',
        'can  t',
        'isn\tt',
        'x5',
        'a_b',
        "don'tx",
        'nor5',
        'knot',
      ],
      ...'the card knows snow nobel another isnt t n can do'.split(' '),
    );
    fc.assert(
      fc.property(fc.array(word, { maxLength: 10 }), fc.constantFrom(' ', ', ', '-', "'"), (words, sep) => {
        const ascii = words.join(sep);
        // A non-ASCII character at the end sends the same text through the Unicode regexes.
        expect(protectedSpans(`${ascii} é`)).toEqual(protectedSpans(ascii));
      }),
      { numRuns: 300 },
    );
  });

  it('does not protect words that merely contain a negation', () => {
    expect(pieces('knot notice another nobel snow nothingness tonight')).toEqual([]);
  });

  it('adds user patterns and merges overlapping spans', () => {
    expect(pieces('ticket AB-123 is not done', [/[A-Z]{2}-\d+/])).toEqual(['AB-123', 'not']);
    expect(pieces('code XYZ and XYZ', [/XYZ/])).toEqual(['XYZ', 'XYZ']);
    // overlapping: an amount inside a user span
    expect(pieces('pay ref-£20-ok now', [/ref-\S+/])).toEqual(['ref-£20-ok']);
  });

  it('copes with empty text and zero-length user matches', () => {
    expect(protectedSpans('')).toEqual([]);
    expect(pieces('abc', [/x*/])).toEqual([]);
  });

  it('returns sorted, non-overlapping spans', () => {
    const spans = protectedSpans('not $5 at 10:30 on www.x.com #a @b never');
    for (let i = 1; i < spans.length; i++) expect(spans[i]!.start).toBeGreaterThan(spans[i - 1]!.end);
  });
});

describe('mergeSpans / isFreeOf', () => {
  it('merges overlapping and touching spans', () => {
    expect(
      mergeSpans([
        { start: 5, end: 8 },
        { start: 0, end: 2 },
        { start: 2, end: 3 },
        { start: 6, end: 10 },
      ]),
    ).toEqual([
      { start: 0, end: 3 },
      { start: 5, end: 10 },
    ]);
  });

  it('blocks overlapping ranges and insertions strictly inside a span', () => {
    const spans = [{ start: 4, end: 7 }];
    expect(isFreeOf(spans, 0, 4)).toBe(true);
    expect(isFreeOf(spans, 7, 9)).toBe(true);
    expect(isFreeOf(spans, 3, 5)).toBe(false);
    expect(isFreeOf(spans, 6, 8)).toBe(false);
    expect(isFreeOf(spans, 4, 4)).toBe(true);
    expect(isFreeOf(spans, 7, 7)).toBe(true);
    expect(isFreeOf(spans, 5, 5)).toBe(false);
  });
});

describe('ProtectedText', () => {
  it('exempts only negations for rewritesNegation edits, running each rule once per text', () => {
    let calls = 0;
    const ticket: SpanConstraint = {
      name: 'tickets',
      spans: (text) => {
        calls++;
        const at = text.indexOf('AB-1');
        return at === -1 ? [] : [{ start: at, end: at + 4 }];
      },
    };
    const text = 'do not close AB-1 or $5';
    const guard = new ProtectedText(text, compileConstraints([ticket]));
    const span = (piece: string): [number, number] => [
      text.indexOf(piece),
      text.indexOf(piece) + piece.length,
    ];
    expect(guard.isFree(...span('not'))).toBe(false);
    expect(guard.isFreeExceptNegations(...span('do not'))).toBe(true);
    expect(guard.isFreeExceptNegations(...span('AB-1'))).toBe(false);
    expect(guard.isFreeExceptNegations(...span('$5'))).toBe(false);
    expect(guard.isFreeExceptNegations(...span('close'))).toBe(true);
    // bound methods: perturbations receive them detached, as ctx.isFree
    const { isFree } = guard;
    expect(isFree(...span('close'))).toBe(true);
    expect(calls).toBe(1);
  });
});
