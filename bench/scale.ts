/**
 * Scale benchmark (issue 6): peak RSS of `tailcheck audit` on a generated 10k- and 100k-row file with a
 * fast module backend, with the per-example records written to a JSONL stream (--examples-out) and, for
 * context, kept inside the JSON report. Peak RSS should stay flat from 10k to 100k rows when the records
 * stream out. Each audit runs in its own process under `/usr/bin/time -f %M`.
 *
 *   npx tsx bench/scale.ts [--sizes 10000,100000] [--modes stream,in-json] [--root /path/to/checkout]
 *                          [--work /tmp/tailcheck-scale] [--perturb typo] [--keep]
 *
 * --root runs another checkout's bin/tailcheck.js on the same data (e.g. a copy with a patched audit).
 * The data is synthetic: template sentences over 77 made-up intents with a long-tailed label
 * distribution, drawn with the seeded rng; nothing is read from ../shared.
 */
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng } from '../src/util/rng.ts';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] as string) : fallback;
};
const sizes = flag('sizes', '10000,100000').split(',').map(Number);
const modes = flag('modes', 'stream,in-json').split(',') as ('stream' | 'in-json')[];
const root = resolve(flag('root', repo));
const work = resolve(flag('work', '/tmp/tailcheck-scale'));
const perturb = flag('perturb', 'typo');
const keep = args.includes('--keep');

const N_LABELS = 77;

// ───────────────────────────── synthetic data ─────────────────────────────

interface Vocabulary {
  labels: string[];
  /** per label: two made-up keywords that mark it */
  keywords: string[][];
  /** training counts, Zipf-like 1,000 → 4 (many / medium / few-shot buckets) */
  counts: number[];
}

function vocabulary(): Vocabulary {
  const rng = createRng('bench-scale-vocabulary');
  const onsets = [
    'b',
    'd',
    'f',
    'g',
    'k',
    'l',
    'm',
    'n',
    'p',
    'r',
    's',
    't',
    'v',
    'z',
    'br',
    'tr',
    'pl',
    'st',
  ];
  const vowels = ['a', 'e', 'i', 'o', 'u'];
  const used = new Set<string>();
  const word = (): string => {
    for (;;) {
      let w = '';
      for (let s = 0; s < 3; s++) w += rng.pick(onsets) + rng.pick(vowels);
      if (!used.has(w)) {
        used.add(w);
        return w;
      }
    }
  };
  const labels = Array.from({ length: N_LABELS }, (_, i) => `intent_${String(i).padStart(2, '0')}`);
  return {
    labels,
    keywords: labels.map(() => [word(), word()]),
    counts: labels.map((_, i) => Math.max(4, Math.round(1000 / (i + 1) ** 1.3))),
  };
}

const TEMPLATES = [
  'how do i {verb} the {kw} on my account',
  'my {kw} has not {state} yet, what should i do',
  'can you {verb} my {kw} please',
  'i want to {verb} a {kw} {time}',
  'is it possible to {verb} the {kw} from the app',
  'why was my {kw} {state} {time}',
  'please tell me how the {kw} {kw2} works',
  'there is a problem with the {kw} i tried to {verb} {time}',
  'where can i see whether the {kw} has {state}',
  'the {kw} {kw2} did not {verb} properly {time}',
  'help, i need to {verb} my {kw} urgently',
  'what happens if i {verb} the {kw} twice',
];
const VERBS = [
  'check',
  'change',
  'cancel',
  'update',
  'track',
  'confirm',
  'order',
  'reset',
  'close',
  'activate',
];
const STATES = ['arrived', 'updated', 'worked', 'been approved', 'shown up', 'gone through', 'expired'];
const TIMES = ['today', 'yesterday', 'last week', 'this morning', 'again', 'on friday', 'an hour ago'];

function writeData(path: string, rows: number, vocab: Vocabulary): void {
  const rng = createRng(`bench-scale-data-${rows}`);
  // Eval labels follow a flattened training distribution so tail classes still have examples.
  const weights = vocab.counts.map((c) => c ** 0.6);
  const total = weights.reduce((s, w) => s + w, 0);
  const cumulative: number[] = [];
  let acc = 0;
  for (const w of weights) {
    acc += w / total;
    cumulative.push(acc);
  }
  const lines: string[] = [];
  writeFileSync(path, '');
  for (let r = 0; r < rows; r++) {
    const u = rng.next();
    let label = cumulative.findIndex((c) => u < c);
    if (label < 0) label = N_LABELS - 1;
    const [kw, kw2] = vocab.keywords[label] as string[];
    const text = rng
      .pick(TEMPLATES)
      .replace('{kw}', kw as string)
      .replace('{kw2}', kw2 as string)
      .replace('{verb}', rng.pick(VERBS))
      .replace('{state}', rng.pick(STATES))
      .replace('{time}', rng.pick(TIMES));
    lines.push(JSON.stringify({ id: `r${String(r).padStart(6, '0')}`, text, label: vocab.labels[label] }));
    if (lines.length === 5000) {
      writeFileSync(path, `${lines.join('\n')}\n`, { flag: 'a' });
      lines.length = 0;
    }
  }
  if (lines.length > 0) writeFileSync(path, `${lines.join('\n')}\n`, { flag: 'a' });
}

/**
 * A deterministic keyword classifier: each label's keywords add to its logit, a class prior favours the
 * head, and a per-(text, label) hash adds noise, so typos that hit a keyword push predictions to the head.
 */
function writeModel(path: string, vocab: Vocabulary): void {
  const keywordOf: Record<string, number> = {};
  vocab.keywords.forEach((ws, i) => {
    for (const w of ws) keywordOf[w] = i;
  });
  const total = vocab.counts.reduce((s, c) => s + c, 0);
  const logPrior = vocab.counts.map((c) => Math.log(c / total));
  writeFileSync(
    path,
    `// Generated by bench/scale.ts: a fast deterministic stand-in classifier (no model).
export const labels = ${JSON.stringify(vocab.labels)};
const keywordOf = new Map(Object.entries(${JSON.stringify(keywordOf)}));
const logPrior = ${JSON.stringify(logPrior.map((x) => Number(x.toFixed(6))))};
function fnv1a(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
function noise(h, j) {
  let x = Math.imul(h ^ Math.imul(j + 1, 0x9e3779b1), 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return (x >>> 0) / 4294967296;
}
export async function classify(texts) {
  return texts.map((text) => {
    const h = fnv1a(text);
    const logits = new Array(labels.length);
    for (let j = 0; j < labels.length; j++) logits[j] = 0.35 * logPrior[j] + 2.2 * noise(h, j);
    for (const token of text.toLowerCase().split(/[^a-z]+/)) {
      const j = keywordOf.get(token);
      if (j !== undefined) logits[j] += 3;
    }
    let max = -Infinity;
    for (const l of logits) if (l > max) max = l;
    let sum = 0;
    const scores = logits.map((l) => {
      const e = Math.exp(l - max);
      sum += e;
      return e;
    });
    for (let j = 0; j < scores.length; j++) scores[j] /= sum;
    return { label: labels[scores.indexOf(Math.max(...scores))], scores };
  });
}
`,
  );
}

// ───────────────────────────── runs ─────────────────────────────

interface Run {
  rows: number;
  mode: 'stream' | 'in-json';
  perturbations: number;
  textsClassified: number;
  wallSeconds: number;
  peakRssMb: number;
  jsonMb: number;
  examplesMb: number | null;
}

/** The report's perturbation names, read from the head of the (possibly huge) JSON file. */
function reportPerturbations(jsonPath: string): string[] {
  const fd = openSync(jsonPath, 'r');
  const head = Buffer.alloc(256 * 1024);
  const n = readSync(fd, head, 0, head.length, 0);
  closeSync(fd);
  const match = /"perturbations": \[([^\]]*)\]/.exec(head.subarray(0, n).toString('utf8'));
  if (!match) throw new Error(`no config.perturbations in the head of ${jsonPath}`);
  return JSON.parse(`[${match[1]}]`) as string[];
}

function runAudit(
  rows: number,
  mode: 'stream' | 'in-json',
  dataPath: string,
  model: string,
  counts: string,
): Run {
  const json = join(work, `report-${rows}-${mode}.json`);
  const examples = join(work, `examples-${rows}.jsonl`);
  rmSync(json, { force: true });
  rmSync(examples, { force: true });
  const cli = [
    join(root, 'bin/tailcheck.js'),
    'audit',
    '--data',
    dataPath,
    '--model',
    model,
    '--class-counts',
    counts,
    '--perturb',
    perturb,
    '--variants',
    '1',
    ...(mode === 'stream' ? ['--examples-out', examples] : []),
    '--json',
    json,
    '--no-cache',
    '--quiet',
  ];
  const t0 = performance.now();
  const child = spawnSync('/usr/bin/time', ['-f', 'PEAK_RSS_KB=%M', process.execPath, ...cli], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const wallSeconds = (performance.now() - t0) / 1000;
  const rss = /PEAK_RSS_KB=(\d+)/.exec(child.stderr ?? '');
  if (child.status !== 0 || !rss) {
    throw new Error(`audit failed (${child.status}) for ${rows} rows, ${mode}:\n${child.stderr}`);
  }
  const perturbations = reportPerturbations(json).length;
  const run: Run = {
    rows,
    mode,
    perturbations,
    // Every original and every variant (changed or not) goes through the classifier once (no cache).
    textsClassified: rows * (1 + perturbations),
    wallSeconds,
    peakRssMb: Number(rss[1]) / 1024,
    jsonMb: statSync(json).size / 2 ** 20,
    examplesMb: mode === 'stream' ? statSync(examples).size / 2 ** 20 : null,
  };
  if (!keep) {
    rmSync(json, { force: true });
    rmSync(examples, { force: true });
  }
  return run;
}

if (!existsSync('/usr/bin/time')) {
  console.log('skip: /usr/bin/time is not installed (it measures the peak RSS)');
} else {
  mkdirSync(work, { recursive: true });
  const vocab = vocabulary();
  const model = join(work, 'keyword-model.mjs');
  writeModel(model, vocab);
  const counts = join(work, 'class-counts.json');
  writeFileSync(counts, JSON.stringify(Object.fromEntries(vocab.labels.map((l, i) => [l, vocab.counts[i]]))));
  console.log(`checkout: ${root}\nwork dir: ${work}\nperturb: ${perturb}, severity 2, 1 variant, no cache\n`);
  console.log(
    '| rows | records | perturbations | texts classified | wall s | peak RSS MB | JSON MB | examples JSONL MB |',
  );
  console.log('|---:|---|---:|---:|---:|---:|---:|---:|');
  const runs: Run[] = [];
  for (const rows of sizes) {
    const dataPath = join(work, `data-${rows}.jsonl`);
    if (!existsSync(dataPath)) writeData(dataPath, rows, vocab);
    for (const mode of modes) {
      const r = runAudit(rows, mode, dataPath, model, counts);
      runs.push(r);
      console.log(
        `| ${r.rows.toLocaleString('en-US')} | ${r.mode === 'stream' ? '--examples-out' : 'in the JSON'} | ` +
          `${r.perturbations} | ${r.textsClassified.toLocaleString('en-US')} | ${r.wallSeconds.toFixed(1)} | ` +
          `${r.peakRssMb.toFixed(0)} | ${r.jsonMb.toFixed(1)} | ${r.examplesMb === null ? '–' : r.examplesMb.toFixed(1)} |`,
      );
    }
  }
  writeFileSync(join(work, 'results.json'), `${JSON.stringify({ root, perturb, runs }, null, 2)}\n`);
  for (const mode of modes) {
    const own = runs.filter((r) => r.mode === mode).sort((a, b) => a.rows - b.rows);
    if (own.length >= 2) {
      const [small, large] = [own[0] as Run, own[own.length - 1] as Run];
      console.log(
        `\n${mode}: peak RSS ${small.peakRssMb.toFixed(0)} MB at ${small.rows} rows → ${large.peakRssMb.toFixed(0)} MB at ` +
          `${large.rows} rows (×${(large.peakRssMb / small.peakRssMb).toFixed(2)} for ×${large.rows / small.rows} rows)`,
      );
    }
  }
}
