/**
 * Probability vectors as compact text: base64 of little-endian float32 when every number is
 * float32-exact (what ONNX models produce), else float64 — so a vector reads back bit-identical.
 * Shared by the prediction cache (its `f`/`d` fields) and report records (`scores`, with the width as a
 * prefix: "f32:…" / "f64:…"), which stay ~4× smaller than JSON number arrays.
 */

export type ScoreWidth = 'f32' | 'f64';

/** The narrowest width that keeps every score exact. */
export function scoreWidth(scores: readonly number[]): ScoreWidth {
  return scores.every((x) => Math.fround(x) === x || Number.isNaN(x)) ? 'f32' : 'f64';
}

/** base64 of the scores at `width` (little-endian). */
export function packScores(scores: readonly number[], width: ScoreWidth): string {
  const size = width === 'f32' ? 4 : 8;
  const buf = Buffer.allocUnsafe(scores.length * size);
  for (let i = 0; i < scores.length; i++) {
    if (width === 'f32') buf.writeFloatLE(scores[i]!, i * 4);
    else buf.writeDoubleLE(scores[i]!, i * 8);
  }
  return buf.toString('base64');
}

/** The scores packed in base64 at `width`; undefined when the byte length is not a whole number of them. */
export function unpackScores(base64: string, width: ScoreWidth): number[] | undefined {
  const size = width === 'f32' ? 4 : 8;
  const buf = Buffer.from(base64, 'base64');
  if (buf.length % size !== 0) return undefined;
  const out = new Array<number>(buf.length / size);
  for (let i = 0; i < out.length; i++)
    out[i] = width === 'f32' ? buf.readFloatLE(i * 4) : buf.readDoubleLE(i * 8);
  return out;
}

/** A record's `scores` field: "f32:<base64>" or "f64:<base64>". */
export function encodeScores(scores: readonly number[]): string {
  const width = scoreWidth(scores);
  return `${width}:${packScores(scores, width)}`;
}

/**
 * Decodes a record's `scores` field. Throws a RangeError naming what is wrong, so a malformed report is
 * refused rather than measured; `labels` (when given) is the count the vector must have.
 */
export function decodeScores(field: string, labels?: number): number[] {
  const width = field.slice(0, 3);
  if ((width !== 'f32' && width !== 'f64') || field[3] !== ':') {
    throw new RangeError(`scores must start with "f32:" or "f64:", got "${field.slice(0, 8)}…"`);
  }
  const scores = unpackScores(field.slice(4), width);
  if (scores === undefined)
    throw new RangeError(`scores ("${width}") are not a whole number of ${width} values`);
  if (labels !== undefined && scores.length !== labels) {
    throw new RangeError(`scores hold ${scores.length} values, but the model has ${labels} labels`);
  }
  return scores;
}
