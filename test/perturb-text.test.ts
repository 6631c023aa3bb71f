import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  caseShape,
  dominantScript,
  graphemeBoundaries,
  graphemes,
  isAscii,
  latinWords,
  matchCase,
  minimalDiff,
  wordSegments,
} from '../src/perturb/text.ts';

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

describe('graphemes and boundaries', () => {
  it('splits user-perceived characters', () => {
    expect(graphemes('e\u0301👩‍👩‍👧x').map((g) => g.text)).toEqual(['e\u0301', '👩‍👩‍👧', 'x']);
  });

  it('the ASCII fast path agrees with Intl.Segmenter (CR LF is one grapheme)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary-ascii', maxLength: 30 }),
        fc.string({ unit: 'grapheme', maxLength: 8 }),
        (ascii, any) => {
          for (const text of [ascii, ascii + any, `${ascii}\r\n${ascii}`]) {
            const expected = new Uint8Array(text.length + 1);
            for (const { index } of segmenter.segment(text)) expected[index] = 1;
            expected[text.length] = 1;
            expect(graphemeBoundaries(text)).toEqual(expected);
          }
        },
      ),
    );
  });
});

describe('latinWords', () => {
  const words = (t: string) => latinWords(t).map((w) => [w.text, w.start]);

  it('finds Latin words with offsets and skips digits, other scripts and combining marks', () => {
    expect(words("I can't pay 20 EUR, abc123 or x_y")).toEqual([
      ['I', 0],
      ['can', 2],
      ['t', 6],
      ['pay', 8],
      ['EUR', 15],
      ['or', 27],
    ]);
    expect(words('café naïve Москва 東京 cafe\u0301 ok')).toEqual([
      ['café', 0],
      ['naïve', 5],
      ['ok', 27],
    ]);
  });

  it('leaves a letter glued to a joiner or variation selector alone', () => {
    expect(words('a\u200db xy\ufe0f zz')).toEqual([['zz', 8]]);
  });

  it('never returns a word whose ends are not grapheme boundaries', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 20 }), (text) => {
        const bounds = new Set([text.length, ...[...segmenter.segment(text)].map((s) => s.index)]);
        for (const w of latinWords(text)) {
          for (let i = w.start; i <= w.end; i++) expect(bounds.has(i)).toBe(true);
        }
      }),
    );
  });
});

describe('case helpers', () => {
  it('detects case shapes', () => {
    expect(['card', 'Card', 'CARD', 'iPhone', 'I', 'a'].map(caseShape)).toEqual([
      'lower',
      'title',
      'upper',
      'mixed',
      'title',
      'lower',
    ]);
  });

  it('matchCase copies the template shape', () => {
    expect(matchCase('Receive', 'recieve')).toBe('Recieve');
    expect(matchCase('RECEIVE', 'recieve')).toBe('RECIEVE');
    expect(matchCase('receive', 'Recieve')).toBe('recieve');
    expect(matchCase('iPhone', 'iphon')).toBe('iphon');
  });
});

describe('misc', () => {
  it('minimalDiff trims the common prefix and suffix', () => {
    expect(minimalDiff('receive', 'recieve')).toEqual({ start: 3, end: 5, replacement: 'ie' });
    expect(minimalDiff('money', 'monney')).toEqual({ start: 3, end: 3, replacement: 'n' });
    expect(minimalDiff('same', 'same')).toBeNull();
  });

  it('detects ASCII and the dominant script', () => {
    expect(isAscii('plain text')).toBe(true);
    expect(isAscii('café')).toBe(false);
    expect(dominantScript('hello there')).toBe('latin');
    expect(dominantScript('東京でカードをなくしました ok')).toBe('cjk');
    expect(dominantScript('שלום עולם')).toBe('rtl');
    expect(dominantScript('123 !!')).toBe('none');
  });

  it('wordSegments returns word-like segments only', () => {
    expect(wordSegments("Hi, it's 5 o'clock!").map((s) => s.text)).toEqual(['Hi', "it's", '5', "o'clock"]);
  });
});
