import { describe, expect, it } from 'vitest';
import { decodeScores, encodeScores } from '../src/classify/score-codec.ts';

describe('score codec (record `scores`)', () => {
  it('packs float32-exact vectors as f32 and reads them back bit-identical', () => {
    const scores = [0.5, 0.25, 0.125, Math.fround(0.1), 0, 1e-30].map(Math.fround);
    const field = encodeScores(scores);
    expect(field.startsWith('f32:')).toBe(true);
    expect(field.length).toBe(4 + Math.ceil((scores.length * 4) / 3) * 4);
    expect(decodeScores(field, scores.length)).toEqual(scores);
  });

  it('keeps doubles exact as f64 when one number is not float32-exact', () => {
    const scores = [0.1, 0.9];
    const field = encodeScores(scores);
    expect(field.startsWith('f64:')).toBe(true);
    expect(decodeScores(field)).toEqual(scores);
  });

  it('refuses a malformed field or the wrong number of labels, saying which', () => {
    expect(() => decodeScores('f16:AAAA')).toThrow(/start with "f32:" or "f64:"/);
    expect(() => decodeScores('f32:AAAA')).toThrow(/whole number of f32/);
    expect(() => decodeScores(encodeScores([0.5, 0.5]), 3)).toThrow(/2 values, but the model has 3 labels/);
  });
});
