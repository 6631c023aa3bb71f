/**
 * Audit throughput benchmark (issue 4): on BANKING77 test.jsonl with the bundled model,
 *   (c) `tailcheck audit` end to end (fresh cache), in its own process;
 *   (a) raw batched transformers.js inference on exactly the unique texts (c) classified;
 *   (b) a naive loop calling the pipeline once per text, on the same texts.
 * Each runs in a fresh child process so peak RSS is its own.
 *
 *   npx tsx bench/audit.ts [data.jsonl] [--perturb typo,synonym,paraphrase] [--naive-limit N]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] as string) : fallback;
};

if (args[0] === '--child') {
  await runChild(args[1] as string, args[2] as string, Number(args[3]));
} else {
  await runParent();
}

async function runParent(): Promise<void> {
  const data =
    args[0] && !args[0].startsWith('--') ? args[0] : join(root, '../shared/data/banking77/test.jsonl');
  if (!existsSync(data)) {
    console.log(`skip: ${data} not found (benchmarks read ../shared)`);
    return;
  }
  const perturb = flag('perturb', 'typo,synonym,paraphrase');
  const naiveLimit = Number(flag('naive-limit', '0'));
  const work = mkdtempSync(join(tmpdir(), 'tailcheck-bench-'));
  try {
    const examplesOut = join(work, 'examples.jsonl');
    const t0 = performance.now();
    // GNU time reports the child's peak RSS (KB) without any hook in tailcheck itself.
    const rssFile = join(work, 'audit-rss.txt');
    const audit = spawnSync(
      '/usr/bin/time',
      [
        '-f',
        '%M',
        '-o',
        rssFile,
        process.execPath,
        join(root, 'bin/tailcheck.js'),
        'audit',
        '--data',
        data,
        '--perturb',
        perturb,
        '--cache-dir',
        join(work, 'cache'),
        '--examples-out',
        examplesOut,
        '--json',
        join(work, 'report.json'),
        '--quiet',
      ],
      { encoding: 'utf8' },
    );
    const auditSeconds = (performance.now() - t0) / 1000;
    if (audit.status !== 0) throw new Error(`audit failed (${audit.status}): ${audit.stderr}`);
    const auditRss = { maxRssMB: Math.round(Number(readFileSync(rssFile, 'utf8').trim()) / 1024) };

    const texts = new Set<string>();
    let requested = 0; // originals + every variant, duplicates and unchanged ones included
    for (const line of readFileSync(examplesOut, 'utf8').split('\n')) {
      if (!line) continue;
      const rec = JSON.parse(line) as { text: string; variants: { text: string }[] };
      texts.add(rec.text);
      for (const v of rec.variants) texts.add(v.text);
      requested += 1 + rec.variants.length;
    }
    const textsFile = join(work, 'texts.json');
    writeFileSync(textsFile, JSON.stringify([...texts]));

    const child = (mode: string, limit: number) => {
      const r = spawnSync(
        process.execPath,
        ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', mode, textsFile, String(limit)],
        {
          encoding: 'utf8',
          cwd: root,
        },
      );
      if (r.status !== 0) throw new Error(`${mode} failed: ${r.stderr}`);
      return JSON.parse(r.stdout.trim().split('\n').pop() as string) as {
        seconds: number;
        n: number;
        maxRssMB: number;
      };
    };
    const raw = child('batched', 0);
    const naive = child('naive', naiveLimit);
    const naiveFull = naive.seconds * (texts.size / naive.n);
    // What a tool without deduplication does: one pipeline call per original and per variant.
    const naiveRequested = naive.seconds * (requested / naive.n);
    const report = JSON.parse(readFileSync(join(work, 'report.json'), 'utf8')) as {
      config: { data: { n: number } };
    };
    const rows = [
      ['examples', String(report.config.data.n)],
      ['texts requested (originals + variants)', String(requested)],
      ['unique texts classified', String(texts.size)],
      [
        '(a) raw batched inference (bs 32)',
        `${raw.seconds.toFixed(1)} s (${Math.round(raw.n / raw.seconds)} texts/s), peak RSS ${raw.maxRssMB} MB`,
      ],
      [
        '(b) naive loop, one call per text',
        `${naiveFull.toFixed(1)} s${naive.n < texts.size ? ` (extrapolated from ${naive.n} texts)` : ''} (${Math.round(naive.n / naive.seconds)} texts/s), peak RSS ${naive.maxRssMB} MB`,
      ],
      [
        '(c) tailcheck audit (fresh cache)',
        `${auditSeconds.toFixed(1)} s wall incl. start-up, peak RSS ${auditRss.maxRssMB} MB`,
      ],
      [
        "(b') naive loop over every original and variant (duplicates included)",
        `${naiveRequested.toFixed(1)} s (${requested} calls, extrapolated at the same rate)`,
      ],
      ['(c) / (a)', (auditSeconds / raw.seconds).toFixed(2)],
      ['(b) / (c)', (naiveFull / auditSeconds).toFixed(2)],
      ["(b') / (c)", (naiveRequested / auditSeconds).toFixed(2)],
    ];
    console.log(`perturbations: ${perturb}; data: ${data}\n`);
    console.log('| measure | value |\n|---|---|');
    for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function runChild(mode: string, textsFile: string, limit: number): Promise<void> {
  const { env, pipeline } = await import('@huggingface/transformers');
  env.allowRemoteModels = false;
  env.localModelPath = `${join(root, 'models')}/`;
  let texts = JSON.parse(readFileSync(textsFile, 'utf8')) as string[];
  if (limit > 0) texts = texts.slice(0, limit);
  const clf = await pipeline('text-classification', 'banking77-lt', { dtype: 'fp32', device: 'cpu' });
  const t0 = performance.now();
  if (mode === 'batched') {
    for (let i = 0; i < texts.length; i += 32) await clf(texts.slice(i, i + 32), { top_k: null });
  } else {
    for (const t of texts) await clf(t, { top_k: null });
  }
  const seconds = (performance.now() - t0) / 1000;
  const maxRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
  console.log(JSON.stringify({ seconds, n: texts.length, maxRssMB }));
}
