import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModuleClassifier } from '../src/classify/backends/module.ts';
import { createPredictionRunner, textHash } from '../src/classify/runner.ts';
import { ModelError } from '../src/errors.ts';
import type { Classifier, Prediction } from '../src/types.ts';
import { predict } from './fixtures/backends/_model.mjs';

const backends = fileURLToPath(new URL('./fixtures/backends/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tailcheck-runner-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let dirNo = 0;
const freshCacheDir = (): string => join(dir, `cache-${dirNo++}`);

let model: Classifier;
beforeAll(async () => {
  model = await createModuleClassifier(join(backends, 'module-model.ts'));
});

/** The real module classifier, with every batch it receives recorded. */
function recording(inner: Classifier, delayMs = 0) {
  const batches: string[][] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const classifier: Classifier = {
    labels: inner.labels,
    fingerprint: inner.fingerprint,
    id: inner.id,
    async classify(texts) {
      batches.push([...texts]);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
        return await inner.classify(texts);
      } finally {
        inFlight--;
      }
    },
  };
  return { classifier, batches, maxInFlight: () => maxInFlight };
}

const texts = (n: number, prefix = 'text'): string[] =>
  Array.from({ length: n }, (_, i) => `${prefix} ${'x'.repeat((i * 7) % 13)} ${i}`);

describe('prediction runner', () => {
  it('classifies each distinct text once and returns predictions in input order', async () => {
    const { classifier, batches } = recording(model);
    const runner = createPredictionRunner(classifier, { cacheDir: null, batchSize: 3 });
    const input = ['good day', 'bad day', 'good day', 'meh', 'bad day', 'good day', '👩‍👩‍👧 love it'];
    const out = await runner.predict(input);
    expect(out).toEqual(input.map(predict));
    expect(batches.flat().sort()).toEqual(['bad day', 'good day', 'meh', '👩‍👩‍👧 love it'].sort());
    expect(runner.stats).toEqual({
      requested: 7,
      unique: 4,
      cacheHits: 0,
      classified: 4,
      backendCalls: 2,
      fromDisk: 0,
      badLines: 0,
    });
    // A later call reuses what this run already knows.
    await runner.predict(['meh', 'new text']);
    expect(runner.stats).toMatchObject({
      requested: 9,
      unique: 6,
      cacheHits: 1,
      classified: 5,
      backendCalls: 3,
    });
    await runner.close();
  });

  it('keeps nothing between calls when asked to (flat memory without a disk cache)', async () => {
    const { classifier, batches } = recording(model);
    const runner = createPredictionRunner(classifier, {
      cacheDir: null,
      batchSize: 3,
      keepBetweenCalls: false,
    });
    const first = await runner.predict(['meh', 'meh', 'good day']);
    expect(batches.flat().sort()).toEqual(['good day', 'meh']);
    const second = await runner.predict(['meh']);
    expect(second).toEqual([first[0]]);
    expect(runner.stats).toMatchObject({ cacheHits: 0, classified: 3, backendCalls: 2 });
    await runner.close();
  });

  it('serves a second run entirely from the disk cache, bit-identical to no cache', async () => {
    const cacheDir = freshCacheDir();
    const input = texts(50);
    const uncached = await createPredictionRunner(model, { cacheDir: null }).predict(input);

    const first = createPredictionRunner(model, { cacheDir, batchSize: 8 });
    const firstOut = await first.predict(input);
    await first.close();

    const { classifier, batches } = recording(model);
    const second = createPredictionRunner(classifier, { cacheDir, batchSize: 8 });
    const secondOut = await second.predict(input);
    await second.close();

    expect(batches).toEqual([]);
    expect(second.stats).toMatchObject({
      requested: 50,
      unique: 50,
      cacheHits: 50,
      classified: 0,
      backendCalls: 0,
    });
    expect(firstOut).toStrictEqual(uncached);
    expect(secondOut).toStrictEqual(uncached);
  });

  it('stores float32 scores compactly and reads them back exactly', async () => {
    const float32: Classifier = {
      ...model,
      fingerprint: `${model.fingerprint}:f32`,
      async classify(batch) {
        return (await model.classify(batch)).map((p) => ({
          label: p.label,
          scores: p.scores.map(Math.fround),
        }));
      },
    };
    const cacheDir = freshCacheDir();
    const first = createPredictionRunner(float32, { cacheDir });
    const out = await first.predict(texts(10));
    await first.close();
    const lines = readFileSync(first.cacheFile!, 'utf8').trim().split('\n');
    expect(JSON.parse(lines[1]!)).toHaveProperty('f');
    const again = createPredictionRunner(float32, { cacheDir });
    expect(await again.predict(texts(10))).toStrictEqual(out);
    expect(again.stats.backendCalls).toBe(0);
    await again.close();
  });

  it('keys the cache by fingerprint', async () => {
    const cacheDir = freshCacheDir();
    const a = createPredictionRunner(model, { cacheDir });
    await a.predict(['same text']);
    await a.close();
    const other = recording({ ...model, fingerprint: 'another model' });
    const b = createPredictionRunner(other.classifier, { cacheDir });
    await b.predict(['same text']);
    await b.close();
    expect(other.batches).toEqual([['same text']]);
    expect(b.cacheFile).not.toBe(a.cacheFile);
  });

  it('ignores a torn last line, re-classifies only that text, and keeps appending cleanly', async () => {
    const cacheDir = freshCacheDir();
    const input = texts(12);
    const first = createPredictionRunner(model, { cacheDir, batchSize: 5 });
    const expected = await first.predict(input);
    await first.close();
    const file = first.cacheFile!;
    const content = readFileSync(file, 'utf8');
    // Cut the last entry in half, as a kill -9 in the middle of a write would.
    truncateSync(file, Buffer.byteLength(content) - 40);

    const { classifier, batches } = recording(model);
    const warnings: string[] = [];
    const second = createPredictionRunner(classifier, {
      cacheDir,
      batchSize: 5,
      onWarning: (m) => warnings.push(m),
    });
    expect(await second.predict([...input, 'brand new'])).toStrictEqual([...expected, predict('brand new')]);
    // An interrupted write is expected after a crash: no warning about a damaged file.
    expect(warnings).toEqual([]);
    expect(second.stats.classified).toBe(2);
    expect(batches.flat()).toContain('brand new');
    await second.close();

    // The torn fragment stayed on its own line: every later entry parses.
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines.at(-1)).toBe('');
    const unparsable = lines.slice(0, -1).filter((line) => {
      try {
        JSON.parse(line);
        return false;
      } catch {
        return true;
      }
    });
    expect(unparsable).toHaveLength(1);
    const third = createPredictionRunner(model, { cacheDir });
    await third.predict([...input, 'brand new']);
    expect(third.stats.backendCalls).toBe(0);
    await third.close();
  });

  it('skips garbage lines anywhere in the cache file, counting the complete ones as bad', async () => {
    const cacheDir = freshCacheDir();
    const first = createPredictionRunner(model, { cacheDir });
    const expected = await first.predict(['alpha', 'beta']);
    await first.close();
    // a torn write (no closing brace), then two complete lines that are not valid entries
    appendFileSync(first.cacheFile!, 'not json\n{"h":"x","l":99,"f":"AAAA"}\n{"h":1}\n');
    const warnings: string[] = [];
    const second = createPredictionRunner(model, { cacheDir, onWarning: (m) => warnings.push(m) });
    expect(await second.predict(['alpha', 'beta'])).toStrictEqual(expected);
    expect(second.stats).toMatchObject({ backendCalls: 0, fromDisk: 2, badLines: 2 });
    expect(warnings).toEqual([expect.stringMatching(/: 2 bad lines/)]);
    await second.close();
  });

  it('never trusts a line with a flipped bit: recomputes it, warns once, predictions equal a cold run', async () => {
    const cacheDir = freshCacheDir();
    const input = texts(40, 'flip');
    const cold = await createPredictionRunner(model, { cacheDir: null }).predict(input);
    const first = createPredictionRunner(model, { cacheDir, batchSize: 8 });
    expect(await first.predict(input)).toStrictEqual(cold);
    await first.close();
    const file = first.cacheFile!;

    // One bit flipped in 10 entries: 8 in the scores, one in the label index, one in the text hash.
    const lines = readFileSync(file, 'utf8').split('\n');
    const textOf = new Map(input.map((t) => [textHash(t), t]));
    const damaged: string[] = [];
    for (let n = 0; n < 10; n++) {
      const at = 1 + n * 4;
      const entry = JSON.parse(lines[at]!) as { h: string; l: number; f?: string; d?: string };
      damaged.push(textOf.get(entry.h)!);
      const line = lines[at]!;
      const field = n === 8 ? '"l":' : n === 9 ? '"h":"' : entry.f !== undefined ? '"f":"' : '"d":"';
      let i = line.indexOf(field) + field.length + (n === 8 ? 0 : 4 + n);
      // Flip the lowest bit of a character that stays a valid base64/base64url character, so the line
      // still parses and decodes: only a checksum can tell.
      while (!/[A-Za-z0-9]/.test(String.fromCharCode(line.charCodeAt(i) ^ 1))) i++;
      lines[at] = line.slice(0, i) + String.fromCharCode(line.charCodeAt(i) ^ 1) + line.slice(i + 1);
    }
    writeFileSync(file, lines.join('\n'));

    const { classifier, batches } = recording(model);
    const warnings: string[] = [];
    const second = createPredictionRunner(classifier, { cacheDir, onWarning: (m) => warnings.push(m) });
    expect(await second.predict(input)).toStrictEqual(cold);
    await second.close();
    expect(batches.flat().sort()).toEqual([...damaged].sort());
    expect(second.stats).toMatchObject({ badLines: 10, fromDisk: 30, classified: 10 });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(file);
    expect(warnings[0]).toMatch(/10 bad lines/);

    // The recomputed entries were appended: a third run classifies nothing (the bad lines stay).
    const third = createPredictionRunner(model, { cacheDir, onWarning: () => undefined });
    expect(await third.predict(input)).toStrictEqual(cold);
    expect(third.stats).toMatchObject({ backendCalls: 0, badLines: 10 });
    await third.close();
  });

  it('does not read a cache file of the previous format (lines without checksums)', async () => {
    const cacheDir = freshCacheDir();
    // What predictions@1 wrote for this model: same folder, name from the fingerprint alone. Its
    // entries say "positive" with certainty for every text, which the model never does.
    const oldName = createHash('sha256').update(model.fingerprint).digest('hex').slice(0, 32);
    const oldFile = join(cacheDir, 'predictions', `${oldName}.jsonl`);
    const input = texts(5, 'old');
    const certain = Buffer.alloc(12);
    certain.writeFloatLE(1, 8);
    const oldBody = [
      JSON.stringify({
        tailcheck: 'predictions@1',
        fingerprint: model.fingerprint,
        model: model.id,
        labels: 3,
      }),
      ...input.map((t) => JSON.stringify({ h: textHash(t), l: 2, f: certain.toString('base64') })),
      '',
    ].join('\n');
    mkdirSync(join(cacheDir, 'predictions'), { recursive: true });
    writeFileSync(oldFile, oldBody);

    const warnings: string[] = [];
    const runner = createPredictionRunner(model, { cacheDir, onWarning: (m) => warnings.push(m) });
    expect(await runner.predict(input)).toEqual(input.map(predict));
    await runner.close();
    expect(runner.stats).toMatchObject({ fromDisk: 0, classified: 5 });
    expect(runner.cacheFile).not.toBe(oldFile);
    expect(readFileSync(oldFile, 'utf8')).toBe(oldBody);
    expect(warnings).toEqual([]);
  });

  it('marks the cache file used (mtime) on every run, even one that appends nothing', async () => {
    const cacheDir = freshCacheDir();
    const first = createPredictionRunner(model, { cacheDir });
    await first.predict(['used']);
    await first.close();
    const longAgo = new Date(Date.now() - 40 * 24 * 3600 * 1000);
    utimesSync(first.cacheFile!, longAgo, longAgo);
    const warm = createPredictionRunner(model, { cacheDir });
    await warm.predict(['used']);
    await warm.close();
    expect(warm.stats.backendCalls).toBe(0);
    expect(Date.now() - statSync(first.cacheFile!).mtimeMs).toBeLessThan(60_000);
  });

  it('reports what a run took from the cache file', async () => {
    const cacheDir = freshCacheDir();
    const first = createPredictionRunner(model, { cacheDir });
    await first.predict(['a', 'b', 'c']);
    expect(first.cacheUse()).toEqual({ file: first.cacheFile, fromCache: 0, texts: 3, badLines: 0 });
    await first.close();
    const second = createPredictionRunner(model, { cacheDir });
    await second.predict(['a', 'b', 'x', 'a']);
    await second.predict(['a', 'x', 'y']); // repeats within the run count once
    expect(second.cacheUse()).toEqual({ file: first.cacheFile, fromCache: 2, texts: 4, badLines: 0 });
    await second.close();
    expect(createPredictionRunner(model, { cacheDir: null }).cacheUse()).toBeNull();
  });

  it('sends misses in batches sorted by length', async () => {
    const { classifier, batches } = recording(model);
    const runner = createPredictionRunner(classifier, { cacheDir: null, batchSize: 4 });
    const input = [
      'a much longer text than the others',
      'tiny',
      'medium sized text',
      'xx',
      'a',
      'some words here',
      'ok',
    ];
    await runner.predict(input);
    expect(batches.map((b) => b.length)).toEqual([4, 3]);
    const lengths = batches.flat().map((t) => t.length);
    expect(lengths).toEqual([...lengths].sort((x, y) => x - y));
  });

  it('runs up to `concurrency` batches at once and reports progress', async () => {
    const { classifier, maxInFlight } = recording(model, 20);
    const progress: [number, number][] = [];
    const runner = createPredictionRunner(classifier, {
      cacheDir: null,
      batchSize: 2,
      concurrency: 3,
      onProgress: (done, total) => progress.push([done, total]),
    });
    const input = texts(20);
    expect(await runner.predict(input)).toEqual(input.map(predict));
    expect(maxInFlight()).toBe(3);
    expect(progress[0]).toEqual([0, 20]);
    expect(progress.at(-1)).toEqual([20, 20]);
    expect(progress.map(([done]) => done)).toEqual([...progress.map(([done]) => done)].sort((a, b) => a - b));
  });

  it('keeps the batches that finished before a backend failure', async () => {
    const cacheDir = freshCacheDir();
    let calls = 0;
    const failing: Classifier = {
      ...model,
      async classify(batch) {
        if (++calls === 3) throw new ModelError('backend went away');
        return model.classify(batch);
      },
    };
    const runner = createPredictionRunner(failing, { cacheDir, batchSize: 2 });
    await expect(runner.predict(texts(10))).rejects.toThrow('backend went away');
    await runner.close();
    const again = createPredictionRunner(model, { cacheDir, batchSize: 2 });
    await again.predict(texts(10));
    expect(again.stats).toMatchObject({ cacheHits: 4, classified: 6 });
    await again.close();
  });

  it('rejects a classifier that returns the wrong number of predictions or foreign labels', async () => {
    const short: Classifier = { ...model, classify: async (batch) => (await model.classify(batch)).slice(1) };
    await expect(createPredictionRunner(short, { cacheDir: null }).predict(['a', 'b'])).rejects.toThrow(
      /returned 1 predictions for 2 texts/,
    );
    const foreign: Classifier = {
      ...model,
      classify: async (batch) => batch.map((): Prediction => ({ label: 'other', scores: [1, 0, 0] })),
    };
    await expect(createPredictionRunner(foreign, { cacheDir: null }).predict(['a'])).rejects.toThrow(
      ModelError,
    );
  });

  it('loses at most the in-flight batch when killed with SIGKILL, and never classifies a text twice', async () => {
    const cacheDir = freshCacheDir();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(backends, 'runner-child.ts'), cacheDir, '40'],
      {
        env: { ...process.env, TAILCHECK_TEST_DELAY_MS: '250' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let seen = 0;
    await new Promise<void>((resolve, reject) => {
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (data: string) => {
        for (const line of data.trim().split('\n')) seen = Math.max(seen, Number(line) || 0);
        if (seen >= 12 && !child.killed) child.kill('SIGKILL');
      });
      child.on('close', (_code, signal) =>
        signal === 'SIGKILL' ? resolve() : reject(new Error(`exited: ${signal}`)),
      );
    });
    expect(seen).toBeGreaterThanOrEqual(12);
    expect(seen).toBeLessThan(40);

    const slow = await createModuleClassifier(join(backends, 'slow-model.ts'));
    const { classifier, batches } = recording(slow);
    const runner = createPredictionRunner(classifier, { cacheDir, batchSize: 4 });
    const input = Array.from({ length: 40 }, (_, i) => `query number ${i}`);
    expect(await runner.predict(input)).toEqual(input.map(predict));
    await runner.close();
    // Everything the killed run reported done came from the cache.
    expect(runner.stats.cacheHits).toBeGreaterThanOrEqual(seen);
    expect(runner.stats.classified).toBe(40 - runner.stats.cacheHits);
    expect(new Set(batches.flat()).size).toBe(batches.flat().length);
  });

  it('explains a cache folder that cannot be used', async () => {
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, 'not a folder');
    const runner = createPredictionRunner(model, { cacheDir: join(blocker, 'cache') });
    await expect(runner.predict(['x'])).rejects.toThrow(
      /cannot use the prediction cache .*run without a cache/,
    );
    await runner.close();
  });

  it('writes a header line naming the model', async () => {
    const cacheDir = freshCacheDir();
    const runner = createPredictionRunner(model, { cacheDir });
    await runner.predict(['hello']);
    await runner.close();
    const header = JSON.parse(readFileSync(runner.cacheFile!, 'utf8').split('\n')[0]!);
    expect(header).toMatchObject({ tailcheck: 'predictions@2', fingerprint: model.fingerprint, labels: 3 });
  });
});
