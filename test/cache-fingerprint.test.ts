import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelFilesDigest } from '../src/classify/backends/common.ts';
import { createTransformersClassifier } from '../src/classify/backends/transformers.ts';
import { type ClassifierOptions, loadClassifier, modelOptionsSchema } from '../src/classify/load.ts';
import { InputError } from '../src/errors.ts';
import { BUNDLED_MODEL_DIR } from '../src/paths.ts';
import { LABELS } from './fixtures/backends/_model.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const backends = join(ROOT, 'test', 'fixtures', 'backends');
const dir = mkdtempSync(join(tmpdir(), 'tailcheck-fingerprint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let server: Server;
let url: string;
beforeAll(async () => {
  // A minimal HTTP model: labels endpoint and one answer per text.
  server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.method === 'GET') return void res.end(JSON.stringify(LABELS));
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      const { inputs } = JSON.parse(body) as { inputs: string[] };
      res.end(JSON.stringify(inputs.map(() => ({ label: LABELS[0] }))));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/predict`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function fingerprint(spec: string, opts: ClassifierOptions = {}): Promise<string> {
  const classifier = await loadClassifier(spec, opts);
  try {
    return classifier.fingerprint;
  } finally {
    await classifier.close?.();
  }
}

describe('--model-files digest', () => {
  it('covers the contents of files and of every file in a folder, not where they are', async () => {
    const a = join(dir, 'digest-a');
    mkdirSync(join(a, 'sub'), { recursive: true });
    writeFileSync(join(a, 'weights.bin'), 'w1');
    writeFileSync(join(a, 'sub', 'vocab.txt'), 'v1');
    const b = join(dir, 'digest-b');
    cpSync(a, b, { recursive: true });
    const single = join(dir, 'single.bin');
    writeFileSync(single, 'w1');

    const base = await modelFilesDigest([a]);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(await modelFilesDigest([b])).toBe(base); // moved: same content, same digest
    expect(await modelFilesDigest([a, single])).toBe(await modelFilesDigest([single, a]));
    expect(await modelFilesDigest([a, single])).not.toBe(base);
    expect(await modelFilesDigest(undefined)).toBeUndefined();
    expect(await modelFilesDigest([])).toBeUndefined();

    writeFileSync(join(b, 'sub', 'vocab.txt'), 'v2'); // a file deep inside changes
    expect(await modelFilesDigest([b])).not.toBe(base);
    cpSync(a, b, { recursive: true, force: true });
    expect(await modelFilesDigest([b])).toBe(base);
    writeFileSync(join(b, 'extra.json'), '{}'); // a file is added
    expect(await modelFilesDigest([b])).not.toBe(base);
  });

  it('refuses a path that does not exist, naming it', async () => {
    await expect(modelFilesDigest([join(dir, 'nope.bin')])).rejects.toThrow(InputError);
    await expect(modelFilesDigest([join(dir, 'nope.bin')])).rejects.toThrow(/nope\.bin.*--model-files/);
  });
});

describe('--model-files in the fingerprint of module, cmd: and http models', () => {
  const weights = join(dir, 'weights.bin');
  const specs = () => [join(backends, 'module-model.ts'), `cmd:node ${join(backends, 'good.mjs')}`, url];

  it('changes the fingerprint when the named files change, and only then', async () => {
    for (const spec of specs()) {
      writeFileSync(weights, 'weights v1');
      const without = await fingerprint(spec);
      const v1 = await fingerprint(spec, { modelFiles: [weights] });
      expect(v1, spec).not.toBe(without);
      expect(await fingerprint(spec, { modelFiles: [weights] }), spec).toBe(v1);
      writeFileSync(weights, 'weights v2');
      expect(await fingerprint(spec, { modelFiles: [weights] }), spec).not.toBe(v1);
      // Without --model-files the fingerprint is what it always was: the weights are not seen.
      expect(await fingerprint(spec), spec).toBe(without);
    }
  });

  it('is a CLI flag of audit and a suite modelOption', () => {
    const help = spawnSync(process.execPath, [join(ROOT, 'bin', 'tailcheck.js'), 'audit', '--help'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(help.stdout).toMatch(/--model-files\s+Files or folders the model loads/);
    expect(modelOptionsSchema.parse({ modelFiles: ['weights/', 'tok.json'] })).toEqual({
      modelFiles: ['weights/', 'tok.json'],
    });
  });
});

describe('transformers.js folder fingerprint', { timeout: 60_000 }, () => {
  it('covers every file the pipeline may read, by content — not docs or tailcheck files', async () => {
    const folder = join(dir, 'model');
    cpSync(BUNDLED_MODEL_DIR, folder, { recursive: true });
    const load = async () => {
      const classifier = await createTransformersClassifier(folder);
      await classifier.close?.();
      return classifier.fingerprint;
    };
    const base = await load();
    // Not read by the pipeline: the same fingerprint.
    writeFileSync(join(folder, 'README.md'), 'edited notes');
    writeFileSync(join(folder, 'label_counts.json'), '{}');
    writeFileSync(join(folder, 'onnx', 'model_quantized.onnx'), 'other dtype');
    expect(await load()).toBe(base);
    // Tokenizer files beyond tokenizer.json, and the weights' external data, count.
    writeFileSync(join(folder, 'special_tokens_map.json'), '{"unk_token": "[UNK]"}');
    const tokens = await load();
    expect(tokens).not.toBe(base);
    writeFileSync(join(folder, 'onnx', 'model.onnx_data'), 'external weights');
    expect(await load()).not.toBe(tokens);
  });
});
