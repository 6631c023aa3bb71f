/**
 * Data that can be read only once (issue 10, item 13): `--data -` (stdin), a FIFO and `<(…)` are
 * audited like the file they stream (the audit reads its data twice, so such a source is spooled to a
 * temp file that is removed afterwards); `.ndjson` and `.json` are read; `perturb` reads stdin. And
 * the messages of item 17: an unknown label names its line and field; a file of blank lines says so.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../src/paths.ts';
import type { Report } from '../src/types.ts';

const work = mkdtempSync(join(tmpdir(), 'tailcheck-input-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const bin = join(PACKAGE_ROOT, 'bin/tailcheck.js');
/** The CLI's own temp folder, so the test can see that a spooled copy is removed. */
const cliTmp = join(work, 'tmp');
mkdirSync(cliTmp);
const env = { ...process.env, CI: '1', NO_COLOR: '1', TMPDIR: cliTmp };
const model = join(PACKAGE_ROOT, 'test/fixtures/backends/module-model.ts');
/** Spooled copies left in the CLI's temp folder (tsx keeps its own cache there too). */
const spooled = () => readdirSync(cliTmp).filter((name) => name.startsWith('tailcheck-data-'));

const ROWS = [
  { id: 'r1', text: 'I love this, great service', label: 'positive' },
  { id: 'r2', text: 'awful, I hate waiting', label: 'negative' },
  { id: 'r3', text: 'the parcel came on tuesday', label: 'neutral' },
  { id: 'r4', text: 'good app but bad support', label: 'positive' },
  { id: 'r5', text: 'it is a card', label: 'neutral' },
];
const jsonl = `${ROWS.map((r) => JSON.stringify(r)).join('\n')}\n`;
const dataFile = join(work, 'data.jsonl');
writeFileSync(dataFile, jsonl);

const auditArgs = (data: string, ...more: string[]) => [
  'audit',
  '--model',
  model,
  '--data',
  data,
  '--perturb',
  'typo.keyboard,typo.swap',
  '--no-cache',
  '--quiet',
  '--json',
  '-',
  ...more,
];

function cli(args: string[], input?: string) {
  return spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    cwd: work,
    env,
    input,
    timeout: 60_000,
  });
}

/** The report, with the data path (which names the source) set aside. */
function report(stdout: string): { path: string; rest: Report } {
  const r = JSON.parse(stdout) as Report;
  const path = r.config.data.path;
  r.config.data.path = '';
  return { path, rest: r };
}

let referenceReport: Report | undefined;
/** The audit of the plain .jsonl file (run once). */
const reference = (): Report => {
  if (referenceReport === undefined) {
    const r = cli(auditArgs(dataFile));
    expect(r.status, r.stderr).toBe(0);
    referenceReport = report(r.stdout).rest;
  }
  return structuredClone(referenceReport);
};

describe('audit reads data that can be read only once', { timeout: 120_000 }, () => {
  it('--data - reads standard input, spooled and removed', () => {
    const r = cli(auditArgs('-'), jsonl);
    expect(r.status, r.stderr).toBe(0);
    const { path, rest } = report(r.stdout);
    expect(path).toBe('<stdin>');
    expect(rest).toEqual(reference());
    expect(spooled()).toEqual([]);
  });

  it('a FIFO is read once and audited like the file (bounded: the test fails, never hangs)', async () => {
    const fifo = join(work, 'fifo.jsonl');
    const made = spawnSync('mkfifo', [fifo]);
    expect(made.status, 'mkfifo').toBe(0);
    const child = spawn(process.execPath, [bin, ...auditArgs(fifo)], { cwd: work, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    // The writer opens the FIFO only once: a second read by the audit would block forever.
    const writer = spawn('sh', ['-c', 'cat "$1" > "$2"', 'sh', dataFile, fifo]);
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        writer.kill('SIGKILL');
        resolve(-1);
      }, 60_000);
      child.on('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    expect(code, stderr).toBe(0);
    const { path, rest } = report(stdout);
    expect(path).toBe(fifo);
    expect(rest).toEqual(reference());
    expect(spooled()).toEqual([]);
  });

  it('a bad row read from stdin is named by <stdin> and its line; the spooled copy is removed', () => {
    const r = cli(auditArgs('-'), `${jsonl}{"text": "x", "label": }\n`);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('<stdin>:line 6');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(spooled()).toEqual([]);
  });

  it('.ndjson and .json (an array of objects) give the report of the .jsonl file', () => {
    const ref = reference();
    const nd = join(work, 'data.ndjson');
    writeFileSync(nd, jsonl);
    // One element per line: the rows (the lines where examples start) match the JSONL file's.
    const arr = join(work, 'data.json');
    writeFileSync(arr, `[${ROWS.map((r) => JSON.stringify(r)).join(',\n')}]\n`);
    for (const file of [nd, arr]) {
      const r = cli(auditArgs(file));
      expect(r.status, r.stderr).toBe(0);
      expect(report(r.stdout).rest).toEqual(ref);
    }
    // --format overrides the extension; stdin with --format csv
    const csv = `id,text,label\n${ROWS.map((r) => `${r.id},"${r.text}",${r.label}`).join('\n')}\n`;
    const viaCsv = cli(auditArgs('-', '--format', 'csv'), csv);
    expect(viaCsv.status, viaCsv.stderr).toBe(0);
    // A CSV record's row is its line, the header being line 1.
    const fromCsv = report(viaCsv.stdout).rest;
    for (const e of fromCsv.examples ?? []) if (e.row !== undefined) e.row -= 1;
    expect(fromCsv).toEqual(ref);
  });

  it('--help names the formats and the jsonl default', () => {
    const help = cli(['audit', '--help']).stdout;
    expect(help).toMatch(/--format/);
    expect(help).toMatch(/jsonl when it\s+names none/);
    expect(help).toMatch(/- for stdin/);
  });
});

describe('perturb reads standard input', { timeout: 120_000 }, () => {
  it('--data - gives the output of the file', () => {
    const args = (data: string) => [
      'perturb',
      '--data',
      data,
      '--perturb',
      'typo.keyboard',
      '--variants',
      '2',
    ];
    const fromFile = cli(args(dataFile));
    expect(fromFile.status, fromFile.stderr).toBe(0);
    const fromStdin = cli(args('-'), jsonl);
    expect(fromStdin.status, fromStdin.stderr).toBe(0);
    expect(fromStdin.stdout).toBe(fromFile.stdout);
    expect(fromStdin.stdout.split('\n').filter(Boolean)).toHaveLength(ROWS.length * 2);
  });
});

describe('messages', { timeout: 120_000 }, () => {
  it('an unknown label names the file, the line it first appears on and the label field', () => {
    const odd = join(work, 'odd.jsonl');
    const rows = [...ROWS.slice(0, 2), { id: 'x', text: 'so so', label: 'Neutral' }, ...ROWS.slice(2)];
    writeFileSync(odd, rows.map((r) => JSON.stringify(r)).join('\n'));
    const r = cli(auditArgs(odd));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${odd}:line 3 (field "label"): 1 data label(s)`);
    expect(r.stderr).toContain('"Neutral" (line 3) — did you mean "neutral"?');
  });

  it('a file of blank lines says "only blank lines", not "empty"', () => {
    const blank = join(work, 'blank.jsonl');
    writeFileSync(blank, '\n   \n\n');
    for (const args of [auditArgs(blank), ['perturb', '--data', blank]]) {
      const r = cli(args);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('no examples (the file has only blank lines: 3)');
      expect(r.stderr).not.toMatch(/empty/);
    }
  });

  it('--variants above the maximum is a usage error (exit 2) before anything runs; --help says the range', () => {
    for (const args of [
      auditArgs(dataFile, '--variants', '1000000000'),
      ['perturb', '--data', dataFile, '--variants', '101'],
    ]) {
      const r = cli(args);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/--variants must be at most 100/);
      expect(r.stdout).toBe('');
    }
    expect(cli(['perturb', '--help']).stdout).toMatch(/--variants.*\(1–100\)/);
  });

  it('`--data` without a value is a usage error, not a stack trace', () => {
    const r = cli(['perturb', '--data']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/Not enough arguments following: data/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

// The data file itself is untouched by all of the above.
afterAll(() => {
  expect(readFileSync(dataFile, 'utf8')).toBe(jsonl);
});
