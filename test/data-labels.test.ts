import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  applyLabelMap,
  checkLabels,
  countLabels,
  readClassCounts,
  readLabelMap,
  validateLabelMap,
} from '../src/data/index.ts';
import { InputError } from '../src/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'tailcheck-labels-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;
function file(name: string, content: string): string {
  const path = join(dir, `${fileNo++}-${name}`);
  writeFileSync(path, content);
  return path;
}

const MODEL_LABELS = ['card_arrival', 'card_linking', 'lost_or_stolen_card', 'top_up_failed'];

describe('label maps', () => {
  it('reads a map and applies it, leaving unmapped labels alone', async () => {
    const map = await readLabelMap(
      file('map.json', '{"lost card": "lost_or_stolen_card", "__proto__": "top_up_failed"}'),
    );
    expect(applyLabelMap('lost card', map)).toBe('lost_or_stolen_card');
    expect(applyLabelMap('__proto__', map)).toBe('top_up_failed');
    expect(applyLabelMap('card_arrival', map)).toBe('card_arrival');
    expect(applyLabelMap('toString', map)).toBe('toString');
    expect(applyLabelMap('x', undefined)).toBe('x');
  });

  it('rejects maps that are not objects of non-empty strings', async () => {
    await expect(readLabelMap(file('arr.json', '["a"]'))).rejects.toThrow(/must be a JSON object/);
    await expect(readLabelMap(file('num.json', '{"a": 3}'))).rejects.toThrow(
      /\(field "a"\).*non-empty string/,
    );
    await expect(readLabelMap(file('bad.json', '{"a": '))).rejects.toThrow(/malformed JSON/);
    await expect(readLabelMap(join(dir, 'missing.json'))).rejects.toThrow(/file not found/);
    expect(() => validateLabelMap({ a: '' }, 'suite.yaml')).toThrow(/suite.yaml \(field "a"\)/);
  });
});

describe('checkLabels', () => {
  it('accepts labels the model knows, directly or through the map', () => {
    expect(() =>
      checkLabels(['card_arrival', 'lost card'], MODEL_LABELS, { 'lost card': 'lost_or_stolen_card' }),
    ).not.toThrow();
  });

  it('lists every unknown label once, with near matches and the --label-map hint', () => {
    let error: unknown;
    try {
      checkLabels(['Card Arrival', 'refund', 'refund', 'top-up failed', 'card_linking'], MODEL_LABELS);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InputError);
    const message = (error as Error).message;
    expect(message).toMatch(/^3 data label\(s\)/);
    expect(message).toContain('"Card Arrival" — did you mean "card_arrival"?');
    expect(message).toContain('"top-up failed" — did you mean "top_up_failed"?');
    expect(message).toMatch(/"refund"\n/);
    expect(message.match(/"refund"/g)).toHaveLength(1);
    expect(message).toContain('--label-map file.json');
  });

  it('names the file, the first line of an unknown label and the field when given where labels are', () => {
    let error: unknown;
    try {
      const firstLines = new Map([
        ['card_arrival', 1],
        ['refund', 7],
        ['Card Arrival', 3],
      ]);
      checkLabels(firstLines, MODEL_LABELS, undefined, { file: 'eval.jsonl', field: 'intent' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InputError);
    const e = error as InputError;
    expect([e.file, e.line, e.field]).toEqual(['eval.jsonl', 3, 'intent']);
    expect(e.message).toMatch(/^eval\.jsonl:line 3 \(field "intent"\): 2 data label\(s\)/);
    // listed in file order, each with the line it first appears on
    expect(e.message).toMatch(
      /"Card Arrival" \(line 3\) — did you mean "card_arrival"\?\n {2}"refund" \(line 7\)\n/,
    );
  });

  it('says when a mapped label is the unknown one', () => {
    expect(() => checkLabels(['lost'], MODEL_LABELS, { lost: 'lost_card' })).toThrow(
      /"lost" \(mapped to "lost_card" by the label map\)/,
    );
  });
});

describe('countLabels', () => {
  it('counts labels in JSONL and CSV training files without needing a text field', async () => {
    const jsonl = file(
      'train.jsonl',
      '{"label": "a"}\n{"label": "b"}\n\n{"label": "a", "text": "x"}\n{"label": 3}\n',
    );
    expect({ ...(await countLabels(jsonl)) }).toEqual({ a: 2, b: 1, '3': 1 });
    const csv = file('train.csv', 'utterance,intent\nx,refund\ny,refund\n');
    expect({ ...(await countLabels(csv, 'intent')) }).toEqual({ refund: 2 });
  });

  it('rejects rows without a label, naming the line', async () => {
    const path = file('nolabel.jsonl', '{"label": "a"}\n{"intent": "b"}\n');
    await expect(countLabels(path)).rejects.toThrow(
      new RegExp(`${path}:line 2 \\(field "label"\\): missing label`),
    );
  });

  it('rejects an empty training file', async () => {
    await expect(countLabels(file('empty.jsonl', ''))).rejects.toThrow(/no rows/);
  });
});

describe('readClassCounts', () => {
  it('reads an object of non-negative integers', async () => {
    const counts = await readClassCounts(file('counts.json', '\uFEFF{"card_arrival": 120, "refund": 0}'));
    expect({ ...counts }).toEqual({ card_arrival: 120, refund: 0 });
  });

  it.each([
    ['an array', '[1, 2]', /must be a JSON object/],
    ['null', 'null', /got null/],
    ['an empty object', '{}', /empty/],
    ['a negative count', '{"a": -1}', /\(field "a"\): count must be a non-negative integer, got -1/],
    ['a fractional count', '{"a": 1.5}', /got 1.5/],
    ['a string count', '{"a": "12"}', /got "12"/],
    ['malformed JSON', '{"a": 1', /malformed JSON/],
  ])('rejects %s', async (_what, content, pattern) => {
    const path = file('counts.json', content);
    const error = await readClassCounts(path).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toMatch(pattern);
  });
});
