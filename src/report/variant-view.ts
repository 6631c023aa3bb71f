/**
 * The human view of `tailcheck perturb --view table`: each variant beside its original, the edits
 * marked on both sides, wrapped to the terminal width.
 *
 * Edits come from the variant's own `edits` (exact spans in both texts), not from a diff. With colour,
 * replaced or removed text is red and new text green; without, edits are set in ⟦…⟧ (an insertion
 * shows as ⟦⟧ in the original). A change a reader could not see — an invisible character (zero-width,
 * format, control, non-breaking or other odd space, a lone combining mark) or a look-alike (a letter of
 * another script than the text's, such as Cyrillic а in English; a compatibility character such as a
 * fullwidth or mathematical letter) — is written as its code point, `U+0430`, instead of its glyph.
 *
 * Outside text is sanitised as everywhere (`stripControls`): an input line cannot move the cursor or
 * recolour the terminal; only this module adds colour codes, and only when asked.
 */
import type { Edit, Variant } from '../types.ts';
import { stripControls } from '../util/strings.ts';
import { displayWidth } from './terminal.ts';

export interface VariantViewOptions {
  /** ANSI colours (the CLI passes `stdout.isTTY && !NO_COLOR`) */
  color?: boolean;
  /** line width in columns (default 100, at least 40) */
  width?: number;
}

/** What the view shows of a variant: its text, where it came from, and whether it counts. */
export type ViewedVariant = Pick<
  Variant,
  'text' | 'perturbation' | 'severity' | 'variant' | 'changed' | 'edits' | 'similarity' | 'dropped'
>;

type Style = 'plain' | 'removed' | 'added' | 'code' | 'marker' | 'dim' | 'bold';

const ANSI: Record<Exclude<Style, 'plain'>, string> = {
  removed: '\u001b[31m',
  added: '\u001b[32m',
  code: '\u001b[1;33m',
  marker: '\u001b[2m',
  dim: '\u001b[2m',
  bold: '\u001b[1m',
};
const RESET = '\u001b[0m';

export const EDIT_OPEN = '⟦';
export const EDIT_CLOSE = '⟧';
/** Where an insertion happens in the original, with colour (without, the empty ⟦⟧ says it). */
const INSERTION_CARET = '‸';

const DEFAULT_WIDTH = 100;
const MIN_WIDTH = 40;
const SEPARATOR = ' │ ';
/** The texts sit under their title line, indented, so each variant reads as one block. */
const INDENT = '  ';

/** A piece of a rendered text: plain, or part of an edit on the original (removed) or variant (added) side. */
export interface Piece {
  text: string;
  style: Style;
}

// ───────────────────────────── code points ─────────────────────────────

/** `U+0430`: the code point of one character, at least four hex digits. */
export function codePointLabel(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

// Characters that render as nothing or as a blank although they are letters or symbols.
const BLANK_LOOKING = new Set([0x115f, 0x1160, 0x2800, 0x3164, 0xffa0]);
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{M}]/u;
const ODD_SPACE = /\p{Zs}/u;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

// Scripts told apart for look-alikes; Han, Hiragana and Katakana are one group (Japanese mixes them).
const SCRIPT_TESTS: [string, RegExp][] = [
  ['Latin', /\p{Script=Latin}/u],
  ['Cyrillic', /\p{Script=Cyrillic}/u],
  ['Greek', /\p{Script=Greek}/u],
  ['Armenian', /\p{Script=Armenian}/u],
  ['Georgian', /\p{Script=Georgian}/u],
  ['Cherokee', /\p{Script=Cherokee}/u],
  ['Arabic', /\p{Script=Arabic}/u],
  ['Hebrew', /\p{Script=Hebrew}/u],
  ['Devanagari', /\p{Script=Devanagari}/u],
  ['Thai', /\p{Script=Thai}/u],
  ['Hangul', /\p{Script=Hangul}/u],
  ['CJK', /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u],
  ['Common', /[\p{Script=Common}\p{Script=Inherited}]/u],
];

/** The script group of one letter or digit ('Other' for scripts not told apart). */
function scriptGroup(char: string): string {
  for (const [name, test] of SCRIPT_TESTS) if (test.test(char)) return name;
  return 'Other';
}

/** The script most letters of `text` are in, or undefined when it has none. */
export function mainScript(text: string): string | undefined {
  const counts = new Map<string, number>();
  for (const char of text) {
    if (!/\p{L}/u.test(char)) continue;
    const group = scriptGroup(char);
    if (group !== 'Common') counts.set(group, (counts.get(group) ?? 0) + 1);
  }
  let best: string | undefined;
  for (const [group, n] of counts) if (best === undefined || n > (counts.get(best) ?? 0)) best = group;
  return best;
}

/**
 * Is `char` (one code point) a change a reader could not see? Invisible characters, spaces other than
 * U+0020, compatibility look-alikes (NFKC changes them: fullwidth Ａ, 𝐚, ﬁ, U+037E ;) and letters or
 * digits of another script than `script`, the text's main one.
 */
export function needsCodePoint(char: string, script: string | undefined): boolean {
  const code = char.codePointAt(0) ?? 0;
  if (code < 0x80) return code < 0x20 || code === 0x7f;
  if (INVISIBLE.test(char) || ODD_SPACE.test(char) || BLANK_LOOKING.has(code)) return true;
  if (char.normalize('NFKC') !== char) return true;
  if (script === undefined || !LETTER_OR_DIGIT.test(char)) return false;
  const group = scriptGroup(char);
  return group !== 'Common' && group !== script;
}

// Parts of a visible grapheme that are drawn with its base: marks, ZWJ, variation selectors, emoji
// modifiers and tag characters (flag sequences).
const JOINED_PART = /^(?:\p{M}|\u200d|[\ufe00-\ufe0f]|[\u{1f3fb}-\u{1f3ff}]|[\u{e0020}-\u{e007f}])$/u;

/**
 * Does this grapheme (one user-perceived character) need its code points shown? A single code point
 * when `needsCodePoint` says so; a cluster when its base does, when a later part other than a mark,
 * joiner or selector does, or when it is not in NFKC form (e + U+0301 looks like é, U+00E9).
 */
export function graphemeNeedsCodePoints(grapheme: string, script: string | undefined): boolean {
  const parts = [...grapheme];
  if (parts.length === 1) return needsCodePoint(grapheme, script);
  if (needsCodePoint(parts[0]!, script) || grapheme.normalize('NFKC') !== grapheme) return true;
  return parts.slice(1).some((p) => !JOINED_PART.test(p) && needsCodePoint(p, script));
}

let segmenter: Intl.Segmenter | undefined;

function graphemesOf(text: string): string[] {
  segmenter ??= new Intl.Segmenter('en', { granularity: 'grapheme' });
  return Array.from(segmenter.segment(text), (s) => s.segment);
}

/**
 * How an edited stretch is shown: as it is, unless it holds a grapheme that needs its code points;
 * then as space-separated tokens (runs of ordinary characters, code points), where a space of the
 * text is U+0020 too, so the tokens cannot be misread.
 */
function editPieces(text: string, script: string | undefined, style: 'removed' | 'added'): Piece[] {
  const graphemes = graphemesOf(text);
  const flagged = graphemes.map((g) => graphemeNeedsCodePoints(g, script));
  if (!flagged.includes(true)) return [{ text: stripControls(text), style }];
  const pieces: Piece[] = [];
  let run = '';
  const push = (piece: Piece) => {
    if (pieces.length > 0) pieces.push({ text: ' ', style });
    pieces.push(piece);
  };
  for (const [i, grapheme] of graphemes.entries()) {
    if (flagged[i] || grapheme === ' ') {
      if (run) push({ text: stripControls(run), style });
      run = '';
      for (const char of grapheme) push({ text: codePointLabel(char), style: 'code' });
    } else {
      run += grapheme;
    }
  }
  if (run) push({ text: stripControls(run), style });
  return pieces;
}

/**
 * `text` with the spans of `edits` marked: `side` 'from' marks the original's spans (removed text),
 * 'to' the variant's (added text). Edits are sorted and do not overlap (the engine checks both).
 */
export function markEdits(
  text: string,
  edits: readonly Edit[],
  side: 'from' | 'to',
  opts: { color?: boolean; script?: string } = {},
): Piece[] {
  const style = side === 'from' ? 'removed' : 'added';
  const pieces: Piece[] = [];
  let cursor = 0;
  for (const edit of edits) {
    const [start, end] = edit[side];
    if (start > cursor) pieces.push({ text: stripControls(text.slice(cursor, start)), style: 'plain' });
    if (opts.color) {
      if (start === end) pieces.push({ text: INSERTION_CARET, style: 'marker' });
      else pieces.push(...editPieces(text.slice(start, end), opts.script, style));
    } else {
      pieces.push({ text: EDIT_OPEN, style: 'marker' });
      if (start < end) pieces.push(...editPieces(text.slice(start, end), opts.script, style));
      pieces.push({ text: EDIT_CLOSE, style: 'marker' });
    }
    cursor = end;
  }
  if (cursor < text.length) pieces.push({ text: stripControls(text.slice(cursor)), style: 'plain' });
  return pieces;
}

// ───────────────────────────── layout ─────────────────────────────

/** The smallest unit a line can break around: a grapheme, or a whole code-point label. */
interface Atom {
  text: string;
  style: Style;
  width: number;
  space: boolean;
}

function atomsOf(pieces: readonly Piece[]): Atom[] {
  const atoms: Atom[] = [];
  for (const { text, style } of pieces) {
    if (style === 'code') {
      atoms.push({ text, style, width: text.length, space: false });
      continue;
    }
    for (const grapheme of graphemesOf(text)) {
      atoms.push({ text: grapheme, style, width: displayWidth(grapheme), space: /^\s+$/u.test(grapheme) });
    }
  }
  return atoms;
}

/** A space a line may drop where it wraps: not one that is (part of) an edit. */
function droppable(atom: Atom): boolean {
  return atom.space && atom.style !== 'removed' && atom.style !== 'added';
}

/**
 * Greedy wrap to `width` columns, breaking after a space where one is on the line, else anywhere
 * (a long word or URL is cut). Spaces at the ends of wrapped lines are dropped, but not in edits.
 */
export function wrapPieces(pieces: readonly Piece[], width: number): Piece[][] {
  const lines: Atom[][] = [];
  let line: Atom[] = [];
  let used = 0;
  for (const atom of atomsOf(pieces)) {
    // Break after the line's last space; when what follows it still does not leave room, before the atom.
    let spaceOnLine = true;
    while (used + atom.width > width && line.length > 0) {
      let cut = line.length;
      for (let i = line.length - 1; spaceOnLine && i > 0; i--) {
        if (line[i]!.space) {
          cut = i + 1;
          break;
        }
      }
      spaceOnLine = false;
      lines.push(line.slice(0, cut));
      line = line.slice(cut);
      while (line.length > 0 && droppable(line[0]!)) line.shift();
      used = line.reduce((n, a) => n + a.width, 0);
    }
    if (line.length === 0 && lines.length > 0 && droppable(atom)) continue;
    line.push(atom);
    used += atom.width;
  }
  lines.push(line);
  return lines.map((atoms) => {
    let end = atoms.length;
    while (end > 0 && droppable(atoms[end - 1]!)) end--;
    const merged: Piece[] = [];
    for (const atom of atoms.slice(0, end)) {
      const last = merged[merged.length - 1];
      if (last && last.style === atom.style) last.text += atom.text;
      else merged.push({ text: atom.text, style: atom.style });
    }
    return merged;
  });
}

function paintLine(pieces: readonly Piece[], color: boolean): string {
  return pieces
    .map(({ text, style }) => (color && style !== 'plain' ? `${ANSI[style]}${text}${RESET}` : text))
    .join('');
}

function lineWidth(pieces: readonly Piece[]): number {
  return pieces.reduce((n, p) => n + displayWidth(p.text), 0);
}

interface Columns {
  total: number;
  left: number;
  right: number;
}

function columnsFor(opts: VariantViewOptions): Columns {
  const total = Math.max(MIN_WIDTH, Math.floor(opts.width ?? DEFAULT_WIDTH));
  const left = Math.floor((total - INDENT.length - SEPARATOR.length) / 2);
  return { total, left, right: total - INDENT.length - SEPARATOR.length - left };
}

/** Two wrapped columns side by side; the right one is not padded (no trailing spaces). */
function sideBySide(
  left: readonly Piece[],
  right: readonly Piece[],
  cols: Columns,
  color: boolean,
): string[] {
  const a = wrapPieces(left, cols.left);
  const b = wrapPieces(right, cols.right);
  const sep = color ? `${ANSI.dim}${SEPARATOR}${RESET}` : SEPARATOR;
  const out: string[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const l = a[i] ?? [];
    const r = b[i] ?? [];
    const pad = ' '.repeat(Math.max(0, cols.left - lineWidth(l)));
    out.push(`${INDENT}${paintLine(l, color)}${pad}${sep}${paintLine(r, color)}`.trimEnd());
  }
  return out;
}

// ───────────────────────────── blocks ─────────────────────────────

/** The legend and column heads, printed once before the first example. */
export function variantTableHeader(opts: VariantViewOptions = {}): string {
  const color = opts.color === true;
  const cols = columnsFor(opts);
  const legend = color
    ? 'Edits: red in the original (‸ where text was inserted), green in the variant. U+XXXX: an invisible or look-alike character, shown by its code point.'
    : `Edits in ${EDIT_OPEN}…${EDIT_CLOSE} (${EDIT_OPEN}${EDIT_CLOSE} in the original: an insertion). U+XXXX: an invisible or look-alike character, shown by its code point.`;
  const lines = wrapPieces([{ text: legend, style: 'dim' }], cols.total).map((l) => paintLine(l, color));
  lines.push(
    ...sideBySide([{ text: 'original', style: 'bold' }], [{ text: 'variant', style: 'bold' }], cols, color),
  );
  const rule = `${'─'.repeat(INDENT.length + cols.left)}─┼─${'─'.repeat(cols.right)}`;
  lines.push(color ? `${ANSI.dim}${rule}${RESET}` : rule);
  return `${lines.join('\n')}\n`;
}

/** What a variant is and whether it counts: `id 7 · typo.homoglyph · severity 2 · variant 0 …`. */
function variantTitle(id: string, v: ViewedVariant): string {
  const parts = [
    `id ${stripControls(id)}`,
    stripControls(v.perturbation),
    `severity ${v.severity}`,
    `variant ${v.variant}`,
  ];
  if (!v.changed) parts.push('unchanged (nothing to change)');
  if (v.similarity !== undefined) parts.push(`similarity ${v.similarity.toFixed(2)}`);
  if (v.dropped === 'duplicate') parts.push('not counted: repeats an earlier variant');
  if (v.dropped === 'rejected') parts.push('not counted: meaning check rejected it');
  return parts.join(' · ');
}

/**
 * One example: for each of its variants a title line, then the original and the variant side by side
 * with their edits marked. Ends with a blank line.
 */
export function renderVariantBlock(
  example: { id: string; text: string },
  variants: readonly ViewedVariant[],
  opts: VariantViewOptions = {},
): string {
  const color = opts.color === true;
  const cols = columnsFor(opts);
  const script = mainScript(example.text);
  const lines: string[] = [];
  for (const v of variants) {
    const title = wrapPieces([{ text: variantTitle(example.id, v), style: 'dim' }], cols.total);
    lines.push(...title.map((l) => paintLine(l, color)));
    const left = markEdits(example.text, v.edits, 'from', { color, script });
    const right = markEdits(v.text, v.edits, 'to', { color, script });
    lines.push(...sideBySide(left, right, cols, color));
  }
  lines.push('');
  return `${lines.join('\n')}\n`;
}
