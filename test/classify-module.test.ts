import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveLabels } from '../src/classify/backends/common.ts';
import { createModuleClassifier, typeScriptLoader } from '../src/classify/backends/module.ts';
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
  it('loads a .ts module exporting labels and classify', async () => {
    const path = join(backends, 'module-model.ts');
    const clf = await loadClassifier(path, { batchSize: 2 });
    expect(clf.labels).toEqual(LABELS);
    const input = ['great', 'awful', 'hmm', 'ok then', 'love'];
    expect(await clf.classify(input)).toEqual(input.map(predict));
    await clf.close?.();
  });

  it('calls classify() in batches of batchSize', async () => {
    // The module runs in a worker thread: it tells the batch sizes it saw through its answers.
    const path = file(
      'batches.mjs',
      'export const labels = ["1", "2"]; export const classify = async (t) => t.map(() => String(t.length));',
    );
    const clf = await createModuleClassifier(path, { batchSize: 2 });
    const out = await clf.classify(['a', 'b', 'c', 'd', 'e']);
    expect(out.map((p) => p.label)).toEqual(['2', '2', '2', '2', '1']);
    await clf.close?.();
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

  // Issue 10 (14): process.exit(0) in the model ended tailcheck with exit 0 and no report; a classify()
  // that never settled let Node exit 13 with no message, or hung forever.
  it.each([
    [
      'calls process.exit(0)',
      'process.exit(0)',
      /model module .*: the model module called process\.exit\(0\)/,
    ],
    [
      'never settles',
      'return new Promise(() => {})',
      /classify\(\) did not settle within 300 ms \(--timeout\)/,
    ],
    ['spins synchronously', 'for (;;) {}', /classify\(\) did not settle within 300 ms \(--timeout\)/],
    [
      'crashes outside the call',
      'setTimeout(() => { throw new Error("boom"); }); return new Promise(() => {})',
      /the model module crashed: boom/,
    ],
  ])('fails with a ModelError when classify() %s', async (_what, body, pattern) => {
    const clf = await createModuleClassifier(
      file('exit.mjs', `export const labels = ["a", "b"]; export async function classify() { ${body}; }`),
      { timeoutMs: 300 },
    );
    const started = Date.now();
    const error = await clf.classify(['x']).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(error).toBeInstanceOf(ModelError);
    expect((error as Error).message).toMatch(pattern);
    // the model is gone: later calls fail at once, and close() does not hang
    await expect(clf.classify(['y'])).rejects.toThrow(ModelError);
    await clf.close?.();
  });

  it('fails with a ModelError when the module exits while loading', async () => {
    await expect(
      createModuleClassifier(file('load-exit.mjs', 'process.exit(0); export const labels = ["a"];')),
    ).rejects.toThrow(/cannot load the model module .*called process\.exit\(0\)/);
  });

  it("runs the module's close() when closed", async () => {
    const marker = join(dir, 'closed.txt');
    const clf = await createModuleClassifier(
      file(
        'close.mjs',
        `import { writeFileSync } from "node:fs"; export const labels = ["a"]; export const classify = async (t) => t.map(() => "a"); export async function close() { writeFileSync(${JSON.stringify(marker)}, "closed"); }`,
      ),
    );
    await clf.close?.();
    expect(readFileSync(marker, 'utf8')).toBe('closed');
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

// Issue 13 (3): tsx is a devDependency, not installed with tailcheck; `--model ./model.ts` in an installed
// package failed inside the worker with Node's "Unknown file extension .ts".
describe('the TypeScript loader of a .ts model module', () => {
  const model = '/project/models/model.ts';

  it("prefers the project's own tsx, then tailcheck's", () => {
    const both = (from: string) => (from === model ? 'project-tsx' : 'tailcheck-tsx');
    expect(typeScriptLoader(model, 'm', { resolveTsx: both })).toEqual({ tsx: 'project-tsx' });
    const ownOnly = (from: string) => (from === model ? undefined : 'tailcheck-tsx');
    expect(typeScriptLoader(model, 'm', { resolveTsx: ownOnly })).toEqual({ tsx: 'tailcheck-tsx' });
  });

  it('imports the module as it is when there is no tsx but Node strips types', () => {
    expect(typeScriptLoader(model, 'm', { resolveTsx: () => undefined, nodeStripsTypes: true })).toEqual({
      tsx: null,
    });
  });

  it('says what to install when there is neither (exit 2, before any worker starts)', () => {
    const load = () =>
      typeScriptLoader(model, 'model module ./model.ts', {
        resolveTsx: () => undefined,
        nodeStripsTypes: false,
      });
    expect(load).toThrow(InputError);
    expect(load).toThrow(
      /model module \.\/model\.ts: a TypeScript model needs tsx \(`npm install --save-dev tsx`/,
    );
    expect(load).toThrow(/or give a compiled \.js\/\.mjs module/);
  });

  it("finds tsx's ES module API from a folder outside any project through tailcheck's own", () => {
    const { tsx } = typeScriptLoader(join(dir, 'model.ts'), 'm');
    expect(tsx).toMatch(/^file:.*\/tsx\/.*\.mjs$/);
  });
});
