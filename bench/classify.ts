/**
 * Throughput of data loading, model backends and the prediction cache.
 *   npx tsx bench/classify.ts [model-folder]     (default: the bundled model)
 * Texts: ../shared/data/banking77/test.jsonl when present (3,080 real queries), else data/bank-queries.jsonl.
 */
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCommandClassifier } from '../src/classify/backends/command.ts';
import { createHttpClassifier } from '../src/classify/backends/http.ts';
import {
  createTransformersClassifier,
  type TransformersDtype,
} from '../src/classify/backends/transformers.ts';
import { createPredictionRunner } from '../src/classify/runner.ts';
import { readExamples } from '../src/data/load.ts';
import { BUNDLED_EVAL_DATA, BUNDLED_MODEL_DIR } from '../src/paths.ts';
import { LABELS, scores } from '../test/fixtures/backends/_model.mjs';

const modelDir = process.argv[2] ?? BUNDLED_MODEL_DIR;
const scratch = mkdtempSync(join(tmpdir(), 'tailcheck-bench-classify-'));
const ms = (t0: number): number => performance.now() - t0;
const rate = (n: number, t: number): string => `${Math.round((n / t) * 1000).toLocaleString('en')}/s`;
/** Wall-clock and CPU rate of `task` over n texts: on a shared box the CPU figure is the steadier one. */
async function timed(n: number, task: () => Promise<unknown>): Promise<string> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await task();
  const wall = ms(t0);
  const cpu = process.cpuUsage(cpu0);
  return `${rate(n, wall)} wall, ${rate(n, (cpu.user + cpu.system) / 1000)} per CPU-second`;
}

async function loadTexts(): Promise<string[]> {
  const shared = fileURLToPath(new URL('../../shared/data/banking77/test.jsonl', import.meta.url));
  const source = existsSync(shared) ? shared : BUNDLED_EVAL_DATA;
  const texts: string[] = [];
  for await (const ex of readExamples(source, { requireLabel: false })) texts.push(ex.text);
  console.log(`texts: ${texts.length} from ${source}`);
  return texts;
}

async function benchLoader(): Promise<void> {
  const n = 200_000;
  const jsonl = join(scratch, 'big.jsonl');
  const csv = join(scratch, 'big.csv');
  const rows = Array.from({ length: n }, (_, i) => ({
    id: `r${i}`,
    text: `I was charged twice for my card payment of £${i % 500}, can you refund it?`,
    label: `label_${i % 77}`,
  }));
  writeFileSync(jsonl, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
  writeFileSync(csv, `id,text,label\n${rows.map((r) => `${r.id},"${r.text}",${r.label}`).join('\n')}\n`);
  for (const path of [jsonl, csv]) {
    global.gc?.();
    const rss0 = process.memoryUsage().rss;
    let peak = rss0;
    const t0 = performance.now();
    let count = 0;
    for await (const _ of readExamples(path)) {
      if (++count % 20_000 === 0) peak = Math.max(peak, process.memoryUsage().rss);
    }
    const t = ms(t0);
    const mb = (statSync(path).size / 1e6).toFixed(1);
    console.log(
      `loader ${path.endsWith('csv') ? 'csv  ' : 'jsonl'} ${count} rows (${mb} MB): ${t.toFixed(0)} ms, ${rate(count, t)}, RSS +${((peak - rss0) / 1e6).toFixed(0)} MB`,
    );
  }
}

async function benchModel(texts: string[], dtype: TransformersDtype): Promise<void> {
  const t0 = performance.now();
  const clf = await createTransformersClassifier(modelDir, { dtype, batchSize: 1024 });
  console.log(`model ${dtype}: load ${ms(t0).toFixed(0)} ms (first load includes the library import)`);
  await clf.classify(texts.slice(0, 32)); // warm-up
  for (const batchSize of [1, 8, 32]) {
    const result = await timed(texts.length, async () => {
      for (let i = 0; i < texts.length; i += batchSize) await clf.classify(texts.slice(i, i + batchSize));
    });
    console.log(`  ${dtype} bs=${batchSize} file order: ${result}`);
  }
  for (const concurrency of [1, 2]) {
    const runner = createPredictionRunner(clf, { cacheDir: null, batchSize: 32, concurrency });
    const result = await timed(texts.length, () => runner.predict(texts));
    console.log(`  ${dtype} bs=32 runner (length-sorted, concurrency ${concurrency}): ${result}`);
  }
  await clf.close?.();
}

async function benchCache(texts: string[]): Promise<void> {
  const clf = await createTransformersClassifier(modelDir, { dtype: 'fp32' });
  const cacheDir = join(scratch, 'cache');
  const many = Array.from({ length: 5 }, (_, k) => texts.map((t) => `${t} ${k}`)).flat();
  const first = createPredictionRunner(clf, { cacheDir });
  const t0 = performance.now();
  await first.predict(many);
  await first.close();
  const tWrite = ms(t0);
  const size = statSync(first.cacheFile!).size;
  const second = createPredictionRunner(clf, { cacheDir });
  const t1 = performance.now();
  await second.predict(many);
  const tRead = ms(t1);
  await second.close();
  console.log(
    `cache: ${many.length} texts classified+appended in ${tWrite.toFixed(0)} ms; second run all hits in ${tRead.toFixed(0)} ms (${rate(many.length, tRead)}), ` +
      `${Math.round(size / many.length)} bytes/entry for ${clf.labels.length} labels (backendCalls ${second.stats.backendCalls})`,
  );
  await clf.close?.();
}

async function benchHttp(texts: string[]): Promise<void> {
  const server = createServer(async (req, res) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    if (req.method === 'GET') {
      res.end(JSON.stringify(LABELS));
      return;
    }
    const { inputs } = JSON.parse(raw) as { inputs: string[] };
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(inputs.map((t) => scores(t).map((score, i) => ({ label: LABELS[i], score })))));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/predict`;
  for (const concurrency of [1, 4]) {
    const clf = await createHttpClassifier(url, { concurrency, batchSize: 32 });
    const t0 = performance.now();
    await clf.classify(texts);
    console.log(`http (local echo model) bs=32 concurrency ${concurrency}: ${rate(texts.length, ms(t0))}`);
  }
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

async function benchCommand(texts: string[]): Promise<void> {
  const script = fileURLToPath(new URL('../test/fixtures/backends/good.mjs', import.meta.url));
  const clf = await createCommandClassifier(`"${process.execPath}" "${script}"`, { batchSize: 32 });
  const t0 = performance.now();
  await clf.classify(texts);
  console.log(`cmd (node JSONL echo model) bs=32: ${rate(texts.length, ms(t0))}`);
  await clf.close?.();
}

try {
  await benchLoader();
  const texts = await loadTexts();
  if (existsSync(join(modelDir, 'config.json'))) {
    await benchModel(texts, 'fp32');
    await benchModel(texts, 'q8');
    await benchCache(texts);
  } else {
    console.log(`no model at ${modelDir}: model benchmarks skipped`);
  }
  await benchHttp(texts);
  await benchCommand(texts);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
