import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  caseShape,
  dominantScript,
  graphemeBoundaries,
  graphemes,
  isAscii,
  isSentenceStart,
  latinWords,
  matchCase,
  minimalDiff,
  standalone,
  tokenize,
} from '../src/perturb/text/index.ts';

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
});

describe('tokenize', () => {
  it('keeps inner apostrophes and combining marks in words; options add numbers, punctuation and hyphens', () => {
    const texts = (t: string, opts?: Parameters<typeof tokenize>[1]) => tokenize(t, opts).map((x) => x.text);
    expect(texts('I don’t see the e-mail for 3.5 cafe\u0301s')).toEqual([
      'I',
      'don’t',
      'see',
      'the',
      'e',
      'mail',
      'for',
      'cafe\u0301s',
    ]);
    expect(texts('e-mail 3.5, cafe\u0301', { all: true, hyphens: true, splitMarks: true })).toEqual([
      'e-mail',
      '3.5',
      ',',
      'cafe',
      '\u0301',
    ]);
    expect(tokenize('Don’t')[0]).toMatchObject({ lower: "don't", word: true });
    expect(tokenize('a 1', { all: true }).map((t) => t.word)).toEqual([true, false]);
  });
});

describe('isSentenceStart', () => {
  const at = (text: string, word: string, opts?: Parameters<typeof isSentenceStart>[2]) =>
    isSentenceStart(text, text.indexOf(word), opts);
  it('is true at the text start and after . ! ?, and on request after line breaks or at clause starts', () => {
    expect(at('  Card lost', 'Card')).toBe(true);
    expect(at('Lost it. Card gone', 'Card')).toBe(true);
    expect(at('lost it\nCard gone', 'Card')).toBe(false);
    expect(at('lost it\nCard gone', 'Card', { lineBreaks: true })).toBe(true);
    expect(at('Hi, I need help', 'I')).toBe(false);
    expect(at('Hi, I need help', 'I', { clauses: true })).toBe(true);
    expect(at('Hello there I need help', 'I', { clauses: true })).toBe(true);
    expect(at('it broke and I need help', 'I', { clauses: true })).toBe(true);
    expect(at('the code I need', 'I', { clauses: true })).toBe(false);
  });

  it('on request treats a colon as a sentence end and skips opening quotes and brackets', () => {
    expect(at('Note: Colour', 'Colour')).toBe(false);
    expect(at('Note: Colour', 'Colour', { colon: true })).toBe(true);
    expect(at('It broke. "Colour', 'Colour')).toBe(false);
    expect(at('It broke. "Colour', 'Colour', { skipOpeners: '"(' })).toBe(true);
    expect(at('it broke\n ("Colour', 'Colour', { skipOpeners: '"(', lineBreaks: true })).toBe(true);
    expect(at('it broke "Colour', 'Colour', { skipOpeners: '"(' })).toBe(false);
  });
});

describe('standalone', () => {
  const isAlone = (text: string, word: string, opts?: Parameters<typeof standalone>[3]) =>
    standalone(text, text.indexOf(word), text.indexOf(word) + word.length, opts);
  it('rejects words inside paths, handles, identifiers and dotted names', () => {
    expect(isAlone('the colour is red', 'colour')).toBe(true);
    expect(isAlone('see colour.png', 'colour')).toBe(false);
    expect(isAlone('a/colour', 'colour')).toBe(false);
    expect(isAlone('#colour', 'colour')).toBe(false);
    expect(isAlone('U.S. ok', 'S')).toBe(false);
    expect(isAlone('the end. colour', 'colour')).toBe(true);
  });

  it('with `glued` also rejects letters, digits, apostrophes and hyphens next to the word', () => {
    expect(isAlone('in-app', 'app')).toBe(true);
    expect(isAlone('in-app', 'app', { glued: true })).toBe(false);
    expect(isAlone("u'd", 'u', { glued: true })).toBe(false);
    expect(isAlone('u2', 'u', { glued: true })).toBe(false);
    expect(isAlone('thank u!', 'u', { glued: true })).toBe(true);
  });
});

describe('matchCase for phrases', () => {
  it('follows only the first letter, unless the template is all caps', () => {
    expect(matchCase('Do not', "don't", { initialOnly: true })).toBe("Don't");
    expect(matchCase('do not', 'Can I', { initialOnly: true })).toBe('can I');
    expect(matchCase('DO NOT', "don't", { initialOnly: true })).toBe("DON'T");
    expect(matchCase('I', 'i am', { initialOnly: true })).toBe('I am');
  });
});
