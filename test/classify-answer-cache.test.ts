import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AnswerCache } from '../src/classify/answer-cache.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('AnswerCache', () => {
  it('starts a fresh line after a torn last line, so the next answer survives a re-read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tailcheck-answers-'));
    dirs.push(dir);
    const file = join(dir, 'answers.jsonl');
    // An interrupted run: one whole answer, then a line cut short.
    writeFileSync(file, `${JSON.stringify({ key: 'a', output: 'A' })}\n{"key":"b","outp`);
    const first = new AnswerCache(file, 'test');
    expect(await first.answer('a', async () => ({ key: 'a', output: 'never asked' }))).toBe('A');
    expect(await first.answer('c', async () => ({ key: 'c', output: 'C' }))).toBe('C');

    let asked = 0;
    const again = new AnswerCache(file, 'test');
    const c = await again.answer('c', async () => {
      asked++;
      return { key: 'c', output: 'asked again' };
    });
    expect(c).toBe('C');
    expect(asked).toBe(0);
    expect(readFileSync(file, 'utf8').split('\n').at(-2)).toBe(JSON.stringify({ key: 'c', output: 'C' }));
  });
});
