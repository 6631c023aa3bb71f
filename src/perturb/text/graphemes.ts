/**
 * Graphemes of the text kit: user-perceived characters and their boundaries, on UTF-16
 * offsets into the original text. Edits must start and end on a boundary so they never split
 * an emoji or a letter with its accent. ASCII texts (the common case) take a fast path that
 * never builds an Intl.Segmenter result: in ASCII only CR LF forms a multi-unit grapheme.
 */

const ASCII_ONLY = /^[\x00-\x7f]*$/;

let lastAsciiText: string | undefined;
let lastAscii = false;

/** True when every unit is ASCII (memoised for the last text: the hot path asks repeatedly). */
export function isAscii(text: string): boolean {
  if (text !== lastAsciiText) {
    lastAscii = ASCII_ONLY.test(text);
    lastAsciiText = text;
  }
  return lastAscii;
}

let graphemeSegmenter: Intl.Segmenter | undefined;

function graphemeSeg(): Intl.Segmenter {
  graphemeSegmenter ??= new Intl.Segmenter('en', { granularity: 'grapheme' });
  return graphemeSegmenter;
}

/** A piece of a text with its offsets. */
export interface Segment {
  text: string;
  start: number;
  end: number;
}

/** User-perceived characters with their offsets. */
export function graphemes(text: string): Segment[] {
  const out: Segment[] = [];
  for (const { segment, index } of graphemeSeg().segment(text)) {
    out.push({ text: segment, start: index, end: index + segment.length });
  }
  return out;
}

/**
 * Grapheme boundaries of `text` as a bitmap over offsets 0..length (1 = boundary).
 * The last result is memoised: the engine and a perturbation usually ask about the same text.
 */
let lastBoundaryText: string | undefined;
let lastBoundaries: Uint8Array | undefined;

export function graphemeBoundaries(text: string): Uint8Array {
  if (text === lastBoundaryText && lastBoundaries) return lastBoundaries;
  const marks = new Uint8Array(text.length + 1);
  if (isAscii(text)) {
    marks.fill(1);
    for (let i = text.indexOf('\r\n'); i !== -1; i = text.indexOf('\r\n', i + 1)) marks[i + 1] = 0;
  } else {
    for (const { index } of graphemeSeg().segment(text)) marks[index] = 1;
    marks[text.length] = 1;
  }
  lastBoundaryText = text;
  lastBoundaries = marks;
  return marks;
}

export function isGraphemeBoundary(text: string, offset: number): boolean {
  if (!(offset >= 0 && offset <= text.length) || !Number.isInteger(offset)) return false;
  if (isAscii(text)) return !(text.charCodeAt(offset - 1) === 13 && text.charCodeAt(offset) === 10);
  return graphemeBoundaries(text)[offset] === 1;
}
