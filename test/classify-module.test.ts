import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveLabels } from '../src/classify/backends/common.ts';
import { createModuleClassifier } from '../src/classify/backends/module.ts';
import { loadClassifier } from '../src/classify/load.ts';
import { InputError, ModelError } from '../src/errors.ts';
import { LABELS, predict } from './fixtures/backends/_model.mjs';

const backends = fileURLToPath(new URL('./fixtures/backends/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tailcheck-module-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;
function file(name: string, content: string): string {
  const path = join(dir, `${fileNo++}-${name}`);
  writeFileSync(path, content);
  return path;
}

describe('module backend', () => {
  it('loads a .ts module exporting labels and classify, batching the calls', async () => {
    const path = join(backends, 'module-model.ts');
    const clf = await loadClassifier(path, { batchSize: 2 });
    const mod = (await import(path)) as { calls: number };
    const before = mod.calls;
    expect(clf.labels).toEqual(LABELS);
    const input = ['great', 'awful', 'hmm', 'ok then', 'love'];
    expect(await clf.classify(input)).toEqual(input.map(predict));
    expect(mod.calls - before).toBe(3);
  });

  it('accepts a default export and label-only answers', async () => {
    const path = file(
      'default.mjs',
      'export default { labels: ["no", "yes"], classify: async (t) => t.map((x) => ({ label: x.includes("y") ? "yes" : "no" })) };',
    );
    const clf = await createModuleClassifier(path);
    expect(await clf.classify(['yes', 'nope'])).toEqual([
      { label: 'yes', scores: [0, 1] },
      { label: 'no', scores: [1, 0] },
    ]);
  });

  it('changes its fingerprint when the module file changes', async () => {
    const a = file(
      'v.mjs',
      'export const labels = ["a", "b"]; export const classify = async (t) => t.map(() => "a");',
    );
    const first = await createModuleClassifier(a);
    writeFileSync(
      a,
      'export const labels = ["a", "b"]; export const classify = async (t) => t.map(() => "b");',
    );
    const second = await createModuleClassifier(a);
    expect(first.fingerprint).not.toBe(second.fingerprint);
  });

  it('rejects modules without classify or labels', async () => {
    await expect(createModuleClassifier(file('nofn.mjs', 'export const labels = ["a"];'))).rejects.toThrow(
      /must export `classify/,
    );
    const noLabels = file('nolabels.mjs', 'export const classify = async (t) => t.map(() => "a");');
    await expect(createModuleClassifier(noLabels)).rejects.toThrow(/or pass --labels/);
    const clf = await createModuleClassifier(noLabels, { labels: ['a'] });
    expect(await clf.classify(['x'])).toEqual([{ label: 'a', scores: [1] }]);
  });

  it('wraps failures of classify() into ModelErrors', async () => {
    const throws = await createModuleClassifier(
      file(
        'throws.mjs',
        'export const labels = ["a"]; export async function classify() { throw new Error("GPU on fire"); }',
      ),
    );
    await expect(throws.classify(['x'])).rejects.toThrow(/classify\(\) threw: GPU on fire/);
    const short = await createModuleClassifier(
      file('short.mjs', 'export const labels = ["a"]; export async function classify() { return []; }'),
    );
    await expect(short.classify(['x'])).rejects.toThrow(ModelError);
    const badScores = await createModuleClassifier(
      file(
        'scores.mjs',
        'export const labels = ["a", "b"]; export const classify = async (t) => t.map(() => ({ scores: [1] }));',
      ),
    );
    await expect(badScores.classify(['x'])).rejects.toThrow(/"scores" must be an array of 2 numbers/);
  });

  it('reports a module that fails to load', async () => {
    await expect(createModuleClassifier(file('syntax.mjs', 'export const = ;'))).rejects.toThrow(
      /cannot load the model module/,
    );
  });
});

describe('loadClassifier dispatch and options', () => {
  it.each([
    ['a missing folder', './no/such/model', /model folder not found/],
    ['a missing module', join(dir, 'missing.ts'), /model module not found/],
    [
      'a non-model file',
      fileURLToPath(new URL('../package.json', import.meta.url)),
      /must be a transformers.js folder/,
    ],
  ])('rejects %s with an InputError', async (_what, spec, pattern) => {
    const error = await loadClassifier(spec).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(pattern);
  });

  it('checks a local model folder before loading it', async () => {
    const empty = join(dir, 'empty-model');
    mkdirSync(empty);
    await expect(loadClassifier(empty)).rejects.toThrow(/no config.json/);
    const partial = join(dir, 'partial-model');
    mkdirSync(join(partial, 'onnx'), { recursive: true });
    writeFileSync(join(partial, 'config.json'), '{}');
    writeFileSync(join(partial, 'onnx', 'model_quantized.onnx'), '');
    await expect(loadClassifier(partial)).rejects.toThrow(
      /dtype fp32 needs onnx\/model.onnx, which is missing \(present: model_quantized.onnx\)/,
    );
  });

  it('rejects an invalid --http-map', async () => {
    await expect(loadClassifier('http://127.0.0.1:9/x', { httpMap: '{"requestField": ' })).rejects.toThrow(
      /--http-map must be a JSON object/,
    );
  });

  it('reads --labels as a list, a comma list, a JSON file or a text file', () => {
    expect(resolveLabels(['a', 'b'])).toEqual(['a', 'b']);
    expect(resolveLabels(' a, b ,c ')).toEqual(['a', 'b', 'c']);
    expect(resolveLabels(file('labels.json', '["x", "y z"]'))).toEqual(['x', 'y z']);
    expect(resolveLabels(file('labels.txt', 'x\r\ny z\n\n'))).toEqual(['x', 'y z']);
    expect(() => resolveLabels(file('bad.json', '{"a": 1}'))).toThrow(/JSON array of strings/);
    expect(resolveLabels(undefined)).toBeUndefined();
  });

  it('copies of the fixture module load from anywhere (tsx/vitest transform)', async () => {
    const copy = join(dir, 'copy');
    mkdirSync(copy);
    copyFileSync(join(backends, 'module-model.ts'), join(copy, 'model.ts'));
    copyFileSync(join(backends, '_model.mjs'), join(copy, '_model.mjs'));
    const clf = await loadClassifier(join(copy, 'model.ts'));
    expect(await clf.classify(['love'])).toEqual([predict('love')]);
  });
});
