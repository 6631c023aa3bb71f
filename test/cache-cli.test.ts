/**
 * The prediction cache as a user meets it through the CLI: reports byte-identical between a cold and a
 * warm run, the hit rate on stderr (never in a report), damaged lines warned about and recomputed, and
 * `tailcheck cache info` / `tailcheck cache prune` on real cache files.
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModuleClassifier } from '../src/classify/backends/module.ts';
import { cacheFileInfo, pruneCache } from '../src/classify/cache-store.ts';
import { createPredictionRunner } from '../src/classify/runner.ts';
import type { Classifier } from '../src/types.ts';
import { LABELS } from './fixtures/backends/_model.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'tailcheck.js');
const MODEL = join(ROOT, 'test', 'fixtures', 'backends', 'module-model.ts');
const dir = mkdtempSync(join(tmpdir(), 'tailcheck-cache-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tailcheck(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const DATA = join(dir, 'data.jsonl');
const WORDS = ['good', 'bad', 'great', 'awful', 'ok', 'fine', 'love', 'hate', 'meh', 'the'];
beforeAll(() => {
  const rows = Array.from({ length: 30 }, (_, i) => ({
    text: `this is ${WORDS[i % 10]} stuff number ${i} ${WORDS[(i * 3) % 10]}`,
    label: LABELS[i % 3],
  }));
  writeFileSync(DATA, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
});

const HIT_LINE = /^tailcheck: prediction cache: ([\d,]+) of ([\d,]+) texts \(([\d.]+) %\) from (.+\.jsonl)$/m;

describe('audit with the prediction cache', { timeout: 300_000 }, () => {
  const cacheDir = join(dir, 'audit-cache');
  const audit = (name: string, ...extra: string[]) =>
    tailcheck(
      'audit',
      '--model',
      MODEL,
      '--data',
      DATA,
      '--perturb',
      'typo',
      '--cache-dir',
      cacheDir,
      '--json',
      join(dir, `${name}.json`),
      '--md',
      join(dir, `${name}.md`),
      '--html',
      join(dir, `${name}.html`),
      ...extra,
    );
  const reports = (name: string) =>
    ['json', 'md', 'html'].map((ext) => readFileSync(join(dir, `${name}.${ext}`), 'utf8'));

  it('writes byte-identical reports cold and warm; the hit rate goes to stderr only', () => {
    const cold = audit('cold');
    expect(cold.code).toBe(0);
    const coldHit = HIT_LINE.exec(cold.stderr);
    expect(coldHit?.[1]).toBe('0');
    const texts = coldHit![2]!;
    expect(Number(texts.replace(/,/g, ''))).toBeGreaterThan(30);

    const warm = audit('warm');
    expect(warm.code).toBe(0);
    expect(HIT_LINE.exec(warm.stderr)?.slice(1, 4)).toEqual([texts, texts, '100.0']);
    expect(existsSync(HIT_LINE.exec(warm.stderr)![4]!)).toBe(true);

    expect(reports('warm')).toEqual(reports('cold'));
    expect(warm.stdout).toBe(cold.stdout); // the terminal report
    for (const body of [...reports('cold'), cold.stdout]) expect(body).not.toContain('prediction cache');
    // Every report names the model's fingerprint.
    const fingerprint = (JSON.parse(reports('cold')[0]!) as { config: { model: { fingerprint: string } } })
      .config.model.fingerprint;
    for (const body of [...reports('cold').slice(1), cold.stdout]) expect(body).toContain(fingerprint);
  });

  it('keeps stdout to the JSON report with --json -, and prints no hit rate with --quiet', () => {
    const piped = tailcheck(
      'audit',
      '--model',
      MODEL,
      '--data',
      DATA,
      '--perturb',
      'typo',
      '--cache-dir',
      cacheDir,
      '--json',
      '-',
    );
    expect(piped.code).toBe(0);
    expect(() => JSON.parse(piped.stdout)).not.toThrow();
    expect(piped.stderr).toMatch(HIT_LINE);
    const quiet = audit('quiet', '--quiet');
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
  });

  it('recomputes entries with a flipped bit, warns once on stderr, and still writes the cold reports', () => {
    const file = HIT_LINE.exec(audit('before-flip').stderr)![4]!;
    const lines = readFileSync(file, 'utf8').split('\n');
    for (let n = 1; n <= 10; n++) {
      const line = lines[n * 3]!;
      let i = line.search(/"[fd]":"/) + 9;
      while (!/[A-Za-z0-9]/.test(String.fromCharCode(line.charCodeAt(i) ^ 1))) i++;
      lines[n * 3] = line.slice(0, i) + String.fromCharCode(line.charCodeAt(i) ^ 1) + line.slice(i + 1);
    }
    writeFileSync(file, lines.join('\n'));

    const r = audit('flipped');
    expect(r.code).toBe(0);
    const warnings = r.stderr.split('\n').filter((l) => l.startsWith('tailcheck: warning:'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(file);
    expect(warnings[0]).toMatch(/10 bad lines/);
    expect(reports('flipped')).toEqual(reports('cold'));
    const [, fromCache, texts] = HIT_LINE.exec(r.stderr)!;
    expect(Number(texts!.replace(/,/g, '')) - Number(fromCache!.replace(/,/g, ''))).toBe(10);
  });
});

describe('tailcheck cache info / prune', { timeout: 120_000 }, () => {
  const cacheDir = join(dir, 'store');
  const DAY = 24 * 3600 * 1000;
  let model: Classifier;
  let recent: string;
  let stale: string;
  let old: string;
  const keep = join(cacheDir, 'paraphrase', 'answers.jsonl');

  beforeAll(async () => {
    model = await createModuleClassifier(MODEL);
    const fill = async (classifier: Classifier, texts: string[]) => {
      const runner = createPredictionRunner(classifier, { cacheDir });
      await runner.predict(texts);
      await runner.close();
      return runner.cacheFile!;
    };
    recent = await fill(model, ['a', 'b', 'c']);
    stale = await fill({ ...model, fingerprint: 'retired model', id: 'old-model.ts' }, ['x', 'y']);
    // one damaged line in the stale file
    const lines = readFileSync(stale, 'utf8').split('\n');
    lines[1] = lines[1]!.replace(/"l":(\d)/, (_, d) => `"l":${(Number(d) + 1) % 3}`);
    writeFileSync(stale, lines.join('\n'));
    // a file of the previous format, and something that is not a prediction cache
    old = join(cacheDir, 'predictions', '0123456789abcdef0123456789abcdef.jsonl');
    writeFileSync(
      old,
      '{"tailcheck":"predictions@1","fingerprint":"f1","model":"m1","labels":3}\n{"h":"q","l":0,"f":"AAAAAAAAAAAAAAAA"}\n',
    );
    mkdirSync(join(cacheDir, 'paraphrase'), { recursive: true });
    writeFileSync(keep, '{"key":"k","output":"o"}\n');
    const ago = (days: number) => new Date(Date.now() - days * DAY);
    utimesSync(stale, ago(40), ago(40));
    utimesSync(old, ago(100), ago(100));
    utimesSync(keep, ago(400), ago(400));
  });
  afterAll(() => model?.close?.());

  it('info lists each file: fingerprint, model, entries, bad lines, size, last use', async () => {
    const r = tailcheck('cache', 'info', '--cache-dir', cacheDir);
    expect(r.code).toBe(0);
    const blocks = r.stdout.split('\n\n');
    expect(blocks[0]).toContain(recent); // most recently used first
    expect(blocks[0]).toContain(`fingerprint  ${model.fingerprint}`);
    expect(blocks[0]).toContain(`model        ${MODEL}`);
    expect(blocks[0]).toMatch(/entries {6}3\n/);
    expect(blocks[0]).toMatch(/bad lines {4}0\n/);
    expect(blocks[0]).toMatch(/last used {4}\d{4}-\d\d-\d\d \d\d:\d\d UTC \(today\)/);
    expect(blocks[1]).toContain(stale);
    expect(blocks[1]).toContain('fingerprint  retired model');
    expect(blocks[1]).toMatch(/entries {6}1\n/);
    expect(blocks[1]).toMatch(/bad lines {4}1 \(checksum mismatch/);
    expect(blocks[1]).toMatch(/\(40 days ago\)/);
    expect(blocks[2]).toMatch(/format {7}predictions@1 — an older format, no longer read/);
    expect(r.stdout).toMatch(/3 files, [\d.]+ (B|kB)\n$/);
    expect(r.stdout).not.toContain('paraphrase');

    const json = tailcheck('cache', 'info', '--cache-dir', cacheDir, '--json');
    const rows = JSON.parse(json.stdout) as {
      file: string;
      entries: number;
      badLines: number;
      bytes: number;
    }[];
    expect(rows.map((x) => x.file)).toEqual([recent, stale, old]);
    expect(rows[1]).toMatchObject({ entries: 1, badLines: 1 });
    expect(rows[1]).toEqual(JSON.parse(JSON.stringify(await cacheFileInfo(stale))));
  });

  it('prune --older-than drops files unused for N days (--dry-run first), never other files', () => {
    const dry = tailcheck('cache', 'prune', '--older-than', '30', '--dry-run', '--cache-dir', cacheDir);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`would remove ${stale}`);
    expect(dry.stdout).toContain(`would remove ${old}`);
    expect(dry.stdout).toMatch(/would remove 2 files \([\d.]+ (B|kB)\), kept 1\n$/);
    expect([stale, old, recent].every(existsSync)).toBe(true);

    const real = tailcheck('cache', 'prune', '--older-than', '30', '--cache-dir', cacheDir);
    expect(real.code).toBe(0);
    expect(real.stdout).toMatch(/removed 2 files .*kept 1\n$/);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(recent)).toBe(true);
    expect(existsSync(keep)).toBe(true);
  });

  it('prune --all drops every prediction cache file', async () => {
    const r = tailcheck('cache', 'prune', '--all', '--cache-dir', cacheDir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`removed ${recent}`);
    expect(readdirSync(join(cacheDir, 'predictions'))).toEqual([]);
    expect(existsSync(keep)).toBe(true);
    expect(await pruneCache(join(dir, 'no-such-cache'), { all: true })).toEqual({ removed: [], kept: 0 });
  });

  it('explains wrong prune flags (exit 2)', () => {
    for (const args of [[], ['--all', '--older-than', '3'], ['--older-than', '-1']]) {
      const r = tailcheck('cache', 'prune', '--cache-dir', cacheDir, ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/^tailcheck: .*--older-than/);
    }
    const none = tailcheck('cache');
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/cache info, tailcheck cache prune/);
  });
});
