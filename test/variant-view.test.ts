import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { perturbExamples } from '../src/perturb/engine.ts';
import { loadRegistry } from '../src/perturb/registry.ts';
import { displayWidth } from '../src/report/terminal.ts';
import {
  codePointLabel,
  EDIT_CLOSE,
  EDIT_OPEN,
  graphemeNeedsCodePoints,
  mainScript,
  markEdits,
  needsCodePoint,
  type Piece,
  renderVariantBlock,
  type ViewedVariant,
  variantTableHeader,
  wrapPieces,
} from '../src/report/variant-view.ts';
import type { Edit } from '../src/types.ts';

const ESC = '\u001b';
const plainText = (pieces: readonly Piece[]) => pieces.map((p) => p.text).join('');

/** A variant of `text` with `replacements` ([start, end, replacement], sorted, disjoint) applied. */
function variantOf(text: string, replacements: readonly [number, number, string][]): ViewedVariant {
  const edits: Edit[] = [];
  let out = '';
  let cursor = 0;
  for (const [start, end, after] of replacements) {
    out += text.slice(cursor, start);
    edits.push({
      from: [start, end],
      to: [out.length, out.length + after.length],
      before: text.slice(start, end),
      after,
    });
    out += after;
    cursor = end;
  }
  out += text.slice(cursor);
  return { text: out, perturbation: 'test.edit', severity: 1, variant: 0, changed: out !== text, edits };
}

describe('which changes are shown as code points', () => {
  it('labels code points with at least four hex digits', () => {
    expect(codePointLabel('а')).toBe('U+0430');
    expect(codePointLabel('\t')).toBe('U+0009');
    expect(codePointLabel('𝐚')).toBe('U+1D41A');
  });

  it.each([
    ['Cyrillic а in English', '\u0430', 'Latin', true],
    ['Greek Ν in English', '\u039d', 'Latin', true],
    ['Latin a in Russian', 'a', 'Cyrillic', false], // ASCII is always shown as itself
    ['Latin é in Russian', 'é', 'Cyrillic', true],
    ['Cyrillic а in Russian', '\u0430', 'Cyrillic', false],
    ['é in French', 'é', 'Latin', false],
    ['a zero-width space', '\u200b', 'Latin', true],
    ['a zero-width joiner', '\u200d', 'Latin', true],
    ['a no-break space', '\u00a0', 'Latin', true],
    ['a soft hyphen', '\u00ad', 'Latin', true],
    ['a right-to-left override', '\u202e', 'Latin', true],
    ['a tab', '\t', 'Latin', true],
    ['a fullwidth A', '\uff21', 'Latin', true],
    ['a mathematical bold a', '𝐚', 'Latin', true],
    ['a Greek question mark (looks like ;)', '\u037e', 'Latin', true],
    ['a Hangul filler', '\u3164', 'Latin', true],
    ['an ordinary space', ' ', 'Latin', false],
    ['a curly apostrophe', '’', 'Latin', false],
    ['an Arabic-Indic digit in English', '\u0663', 'Latin', true],
    ['a CJK letter in Japanese text', '猫', 'CJK', false],
  ])('%s', (_what, char, script, expected) => {
    expect(needsCodePoint(char, script)).toBe(expected);
  });

  it('keeps emoji sequences and accented letters whole, but not a decomposed accent', () => {
    expect(graphemeNeedsCodePoints('👩\u200d💻', 'Latin')).toBe(false);
    expect(graphemeNeedsCodePoints('👍🏽', 'Latin')).toBe(false);
    expect(graphemeNeedsCodePoints('é', 'Latin')).toBe(false);
    // e + U+0301 looks like é (U+00E9): the difference is invisible
    expect(graphemeNeedsCodePoints('e\u0301', 'Latin')).toBe(true);
    // a lone combining mark
    expect(graphemeNeedsCodePoints('\u0301', 'Latin')).toBe(true);
  });

  it('finds the main script by letters, ignoring digits and punctuation', () => {
    expect(mainScript('Where is my card? 42')).toBe('Latin');
    expect(mainScript('Где моя карта? card')).toBe('Cyrillic');
    expect(mainScript('42 !?')).toBeUndefined();
  });
});

describe('marking edits', () => {
  it('brackets both sides without colour; an insertion is ⟦⟧ in the original', () => {
    const original = 'Where is my card?';
    const v = variantOf(original, [
      [9, 11, 'your'],
      [13, 13, 'x'],
    ]);
    expect(v.text).toBe('Where is your cxard?');
    expect(plainText(markEdits(original, v.edits, 'from'))).toBe('Where is ⟦my⟧ c⟦⟧ard?');
    expect(plainText(markEdits(v.text, v.edits, 'to'))).toBe('Where is ⟦your⟧ c⟦x⟧ard?');
  });

  it('writes homoglyphs and invisible characters as code points, spaces inside them as U+0020', () => {
    const original = 'my card';
    const v = variantOf(original, [
      [1, 2, '\u0443'],
      [4, 4, '\u200b'],
      [5, 7, 'r\u00a0d'],
    ]);
    const script = mainScript(original);
    expect(plainText(markEdits(v.text, v.edits, 'to', { script }))).toBe('m⟦U+0443⟧ c⟦U+200B⟧a⟦r U+00A0 d⟧');
    expect(plainText(markEdits(original, v.edits, 'from', { script }))).toBe('m⟦y⟧ c⟦⟧a⟦rd⟧');
    const mixed = variantOf('ab', [[0, 2, 'x \u0430']]);
    expect(plainText(markEdits(mixed.text, mixed.edits, 'to', { script: 'Latin' }))).toBe(
      '⟦x U+0020 U+0430⟧',
    );
  });

  it('with colour, marks by style instead of brackets (an insertion is a caret)', () => {
    const v = variantOf('my card', [
      [1, 2, '\u0443'],
      [4, 4, 'x'],
    ]);
    const from = markEdits('my card', v.edits, 'from', { color: true, script: 'Latin' });
    const to = markEdits(v.text, v.edits, 'to', { color: true, script: 'Latin' });
    expect(plainText(from)).toBe('my c‸ard');
    expect(from.filter((p) => p.style === 'removed').map((p) => p.text)).toEqual(['y']);
    expect(to.filter((p) => p.style !== 'plain').map((p) => [p.text, p.style])).toEqual([
      ['U+0443', 'code'],
      ['x', 'added'],
    ]);
  });

  it('strips terminal escapes and line breaks from the texts', () => {
    const original = 'evil \u001b[2J text\nhere';
    const v = variantOf(original, [[0, 4, 'good']]);
    const shown =
      plainText(markEdits(original, v.edits, 'from')) + plainText(markEdits(v.text, v.edits, 'to'));
    expect(shown).not.toContain(ESC);
    expect(shown).not.toContain('\n');
  });
});

describe('wrapping', () => {
  it('breaks after spaces, cuts a word longer than the line, and drops spaces at the breaks', () => {
    const lines = wrapPieces(
      [{ text: 'one two three https://example.com/a/very/long/path', style: 'plain' }],
      12,
    );
    expect(lines.map(plainText)).toEqual([
      'one two',
      'three',
      'https://exam',
      'ple.com/a/ve',
      'ry/long/path',
    ]);
  });

  it('never exceeds the width and loses no character, markers included', () => {
    const word = fc.stringMatching(/^[a-zA-Z]{1,12}$/);
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 1, maxLength: 30 }),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom('x', '\u0430', '\u200b', '', 'yz w')), { maxLength: 6 }),
        fc.integer({ min: 10, max: 60 }),
        (words, picks, width) => {
          const text = words.join(' ');
          // disjoint one-character edits at distinct positions
          const positions = [...new Set(picks.map(([n]) => n % text.length))].sort((a, b) => a - b);
          const replacements = positions.map(
            (at, i) => [at, at + 1, picks[i]![1]] as [number, number, string],
          );
          const v = variantOf(text, replacements);
          for (const [side, shown] of [
            ['from', text],
            ['to', v.text],
          ] as const) {
            const pieces = markEdits(shown, v.edits, side, { script: 'Latin' });
            const lines = wrapPieces(pieces, width);
            for (const line of lines) expect(displayWidth(plainText(line))).toBeLessThanOrEqual(width);
            const squash = (s: string) => s.replace(/\s+/g, '');
            expect(squash(lines.map(plainText).join(''))).toBe(squash(plainText(pieces)));
            const opens = lines.map(plainText).join('').split(EDIT_OPEN).length - 1;
            const closes = lines.map(plainText).join('').split(EDIT_CLOSE).length - 1;
            expect([opens, closes]).toEqual([v.edits.length, v.edits.length]);
          }
        },
      ),
    );
  });
});

describe('the table', () => {
  it('shows a real homoglyph variant: the original letters bracketed, the variant by code point', async () => {
    const defs = (await loadRegistry()).resolve('typo.homoglyph');
    const text = 'Where is my card? I have waited for two weeks.';
    const [variants] = await perturbExamples([text], defs, { seed: 3, severities: [3], variants: 2 });
    const out = renderVariantBlock({ id: 'q1', text }, variants!, { width: 72 });
    expect(out).not.toContain(ESC);
    const lines = out.trimEnd().split('\n');
    for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(72);
    // a title per variant, then the two columns
    expect(lines.filter((l) => l.startsWith('id q1 · typo.homoglyph · severity 3 · variant '))).toHaveLength(
      2,
    );
    const right = lines
      .filter((l) => l.includes(' │ '))
      .map((l) => l.split(' │ ')[1]!)
      .join(' ');
    const left = lines
      .filter((l) => l.includes(' │ '))
      .map((l) => l.split(' │ ')[0]!)
      .join(' ');
    const edits = variants!.flatMap((v) => v.edits);
    expect(edits.length).toBeGreaterThan(0);
    for (const edit of edits) {
      expect(right).toContain(`${EDIT_OPEN}${codePointLabel(edit.after)}${EDIT_CLOSE}`);
      expect(left).toContain(`${EDIT_OPEN}${edit.before}${EDIT_CLOSE}`);
    }
    // the look-alike glyphs themselves are not printed: a reader could not tell them apart
    for (const edit of edits) expect(out).not.toContain(edit.after);
  });

  it('says when a variant is unchanged or not counted', () => {
    const unchanged: ViewedVariant = {
      text: 'ok',
      perturbation: 'typo.swap',
      severity: 2,
      variant: 0,
      changed: false,
      edits: [],
    };
    const rejected: ViewedVariant = {
      ...variantOf('ok', [[0, 2, 'fine']]),
      similarity: 0.81,
      dropped: 'rejected',
    };
    const out = renderVariantBlock({ id: '7', text: 'ok' }, [unchanged, rejected]);
    expect(out).toMatch(
      /id 7 · typo\.swap · severity 2 · variant 0 · unchanged \(nothing to change\)\n {2}ok +│ ok\n/,
    );
    expect(out).toMatch(/similarity 0\.81 · not counted: meaning check rejected it\n {2}⟦ok⟧ +│ ⟦fine⟧\n/);
  });

  it('colours only when asked, and the header explains the marks', () => {
    const v = variantOf('my card', [[1, 2, '\u0443']]);
    const plain =
      variantTableHeader({ width: 60 }) +
      renderVariantBlock({ id: '0', text: 'my card' }, [v], { width: 60 });
    const coloured = renderVariantBlock({ id: '0', text: 'my card' }, [v], { width: 60, color: true });
    expect(plain).not.toContain(ESC);
    expect(plain).toMatch(/Edits in ⟦…⟧/);
    expect(plain).toMatch(/original +│ variant\n─+┼─+\n/);
    expect(coloured).toContain(`${ESC}[31my${ESC}[0m`);
    expect(coloured).toContain(`${ESC}[1;33mU+0443${ESC}[0m`);
    expect(coloured).not.toContain(EDIT_OPEN);
  });
});
