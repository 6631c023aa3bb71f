// Runs the bundled model through transformers.js v4 (offline) on a {text,label} JSONL file and prints
// accuracy, macro-F1 and many/medium/few-shot accuracy as one JSON line; with --ref (build_model.py's
// ref.json for the same rows) also the argmax agreement and max |prob diff| against PyTorch.
// usage: node verify_node.mjs --model DIR --data FILE.jsonl [--dtype fp32|q8] [--ref ref.json]
//                             [--label-counts label_counts.json] [--batch 32] [--errors]
// --errors lists the misclassified rows on stderr.
import { readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { env, pipeline } from '@huggingface/transformers';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string' },
    data: { type: 'string' },
    dtype: { type: 'string', default: 'fp32' },
    ref: { type: 'string' },
    'label-counts': { type: 'string' },
    batch: { type: 'string', default: '32' },
    errors: { type: 'boolean', default: false },
  },
});
if (!args.model || !args.data) throw new Error('--model and --data are required');

const modelDir = resolve(args.model);
env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = `${dirname(modelDir)}/`;
const classify = await pipeline('text-classification', basename(modelDir), { dtype: args.dtype, device: 'cpu' });

const config = JSON.parse(readFileSync(`${modelDir}/config.json`, 'utf8'));
const labels = Object.keys(config.id2label)
  .sort((a, b) => Number(a) - Number(b))
  .map((k) => config.id2label[k]);
const rows = readFileSync(args.data, 'utf8')
  .split('\n')
  .filter((line) => line.trim())
  .map((line) => JSON.parse(line));
const ref = args.ref ? JSON.parse(readFileSync(args.ref, 'utf8')) : null;
const counts = args['label-counts'] ? JSON.parse(readFileSync(args['label-counts'], 'utf8')) : null;

const batch = Number(args.batch);
const predicted = [];
let sameArgmax = 0;
let maxDiff = 0;
const t0 = process.hrtime.bigint();
for (let start = 0; start < rows.length; start += batch) {
  const chunk = rows.slice(start, start + batch);
  const outputs = await classify(
    chunk.map((r) => r.text),
    { top_k: null },
  );
  outputs.forEach((scores, j) => {
    predicted.push(scores[0].label);
    if (ref) {
      const refProbs = ref.rows[start + j].probs;
      const refTop = refProbs.indexOf(Math.max(...refProbs));
      if (labels[refTop] === scores[0].label) sameArgmax++;
      for (const { label, score } of scores) {
        maxDiff = Math.max(maxDiff, Math.abs(score - refProbs[labels.indexOf(label)]));
      }
    }
  });
}
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;

const gold = rows.map((r) => r.label);
const accuracy = gold.filter((g, i) => g === predicted[i]).length / gold.length;
const f1s = labels
  .filter((l) => gold.includes(l))
  .map((l) => {
    const tp = gold.filter((g, i) => g === l && predicted[i] === l).length;
    const fp = gold.filter((g, i) => g !== l && predicted[i] === l).length;
    const fn = gold.filter((g, i) => g === l && predicted[i] !== l).length;
    return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  });
const result = {
  data: args.data,
  dtype: args.dtype,
  rows: rows.length,
  accuracy,
  macro_f1: f1s.reduce((a, b) => a + b, 0) / f1s.length,
  texts_per_second: Math.round(rows.length / seconds),
};
if (counts) {
  const group = (n) => (n > 100 ? 'many' : n < 20 ? 'few' : 'medium');
  result.groups = {};
  for (const g of ['many', 'medium', 'few']) {
    const idx = gold.map((l, i) => (group(counts[l]) === g ? i : -1)).filter((i) => i >= 0);
    result.groups[g] = {
      rows: idx.length,
      accuracy: idx.filter((i) => gold[i] === predicted[i]).length / idx.length,
    };
  }
}
if (args.errors) {
  rows.forEach((r, i) => {
    if (r.label !== predicted[i]) console.error(`${r.label}\t-> ${predicted[i]}\t${r.text}`);
  });
}
if (ref) Object.assign(result, { same_argmax_as_pytorch: sameArgmax, max_abs_prob_diff: maxDiff });
console.log(JSON.stringify(result));
