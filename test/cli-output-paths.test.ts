/**
 * Output paths (issue 10, items 9, 10, 17): every output is checked before any work (exit 2 naming
 * the flags, no stack trace, the model never called), no output may replace an input or another
 * output, outputs appear whole (temp file + rename), and `--md -` writes Markdown to stdout.
 */
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkOutputPaths } from '../src/cli/io-paths.ts';
import { writeFilesAtomic } from '../src/util/atomic-write.ts';
import { openJsonlWriter } from '../src/util/jsonl.ts';
import { auditArgs, hasStackTrace, leftoverTemps, runCli, scratch, writeFixtures } from './cli-helpers.ts';

const dir = scratch('cli-output-paths');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fx = writeFixtures(dir);
const calls = join(dir, 'calls.txt');
const dataBefore = readFileSync(fx.data, 'utf8');

/** A usage error found before the model ran: exit 2, one message, no trace, no model call. */
function expectRefusedUpFront(args: string[], message: string | RegExp): void {
  rmSync(calls, { force: true });
  const r = runCli(dir, args, { T10_CALLS: calls });
  expect(r.code, r.stderr).toBe(2);
  if (typeof message === 'string') expect(r.stderr).toContain(message);
  else expect(r.stderr).toMatch(message);
  expect(hasStackTrace(r.stderr)).toBe(false);
  expect(existsSync(calls)).toBe(false);
  expect(readFileSync(fx.data, 'utf8')).toBe(dataBefore);
}

describe('outputs that would replace an input or each other (item 9)', { timeout: 120_000 }, () => {
  it('refuses --examples-out naming the --data file, leaving the data intact', () => {
    expectRefusedUpFront(
      [...auditArgs(fx), '--examples-out', fx.data],
      `--examples-out ${fx.data} is the same file as --data ${fx.data}`,
    );
  });

  it('sees through hard links and symlinks', () => {
    const hard = join(dir, 'hard.jsonl');
    linkSync(fx.data, hard);
    expectRefusedUpFront(
      [...auditArgs(fx), '--json', hard],
      /--json .*hard\.jsonl is the same file as --data/,
    );
    const link = join(dir, 'link.jsonl');
    symlinkSync(fx.data, link);
    expectRefusedUpFront(
      ['audit', '--model', fx.model, '--data', link, '--no-cache', '--md', fx.data],
      /--md .*data\.jsonl is the same file as --data .*link\.jsonl/,
    );
  });

  it('refuses two report formats writing one file', () => {
    const out = join(dir, 'X');
    expectRefusedUpFront(
      [...auditArgs(fx), '--json', out, '--html', out],
      `--json ${out} and --html ${out} name the same file`,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a report over the model module and over the --train file', () => {
    expectRefusedUpFront([...auditArgs(fx), '--junit', fx.model], `is the same file as --model ${fx.model}`);
    expectRefusedUpFront(
      [...auditArgs(fx), '--train', fx.data, '--json', join(dir, '.', 'data.jsonl')],
      /--json .* is the same file as --data/,
    );
  });

  it('perturb --out naming its --data is refused before reading it', () => {
    expectRefusedUpFront(
      ['perturb', '--data', fx.data, '--out', fx.data],
      `--out ${fx.data} is the same file as --data ${fx.data}`,
    );
  });

  it('unit: an output relative to a different spelling of the same folder is the same file', () => {
    expect(() =>
      checkOutputPaths(
        [{ name: '--data', path: fx.data }],
        [{ name: '--json', path: `${dir}/../${dir.split('/').pop()}/data.jsonl` }],
      ),
    ).toThrow(/--json .* is the same file as --data/);
    expect(() =>
      checkOutputPaths(
        [],
        [
          { name: '--json', path: '-', stdout: true },
          { name: '--md', path: '-', stdout: true },
        ],
      ),
    ).toThrow('--json - and --md - both ask for stdout');
    expect(() => checkOutputPaths([], [{ name: '--examples-out', path: '-' }])).toThrow(
      '--examples-out cannot write to stdout; name a file',
    );
    // A missing input is its reader's business, not an overlap.
    expect(() =>
      checkOutputPaths(
        [{ name: '--train', path: join(dir, 'nope') }],
        [{ name: '--json', path: join(dir, 'r.json') }],
      ),
    ).not.toThrow();
  });
});

describe('output paths are checked before the run (item 10)', { timeout: 120_000 }, () => {
  it('a folder given as a report file: exit 2 "is a directory", no trace, model never called', () => {
    expectRefusedUpFront([...auditArgs(fx), '--json', dir], `--json ${dir}: is a directory`);
  });

  it('a report in a missing folder: exit 2 "folder does not exist"', () => {
    const out = join(dir, 'no-such-folder', 'r.html');
    expectRefusedUpFront([...auditArgs(fx), '--html', out], `--html ${out}: folder does not exist`);
    expectRefusedUpFront(
      [...auditArgs(fx), '--examples-out', join(dir, 'missing', 'ex.jsonl')],
      'folder does not exist',
    );
  });

  it('suite --junit into a folder is refused before the suite runs', () => {
    const suite = join(dir, 'suite.yaml');
    writeFileSync(
      suite,
      `name: s\nmodel: ./model.mjs\ntests:\n  - type: expect\n    texts: ['good']\n    label: pos\n`,
    );
    expectRefusedUpFront(['suite', suite, '--no-cache', '--junit', dir], `--junit ${dir}: is a directory`);
    expectRefusedUpFront(
      ['suite', suite, '--no-cache', '--json', suite],
      'is the same file as the suite file',
    );
  });

  it.skipIf(process.getuid?.() === 0)('a read-only folder: exit 2 "not writable"', () => {
    const ro = join(dir, 'ro');
    mkdirSync(ro, { mode: 0o555 });
    expectRefusedUpFront([...auditArgs(fx), '--json', join(ro, 'r.json')], 'not writable');
  });

  it('an interrupted re-run leaves the previous report and examples file as they were', () => {
    const report = join(dir, 'run.json');
    const examples = join(dir, 'run.examples.jsonl');
    const args = [
      ...auditArgs(fx),
      '--json',
      report,
      '--examples-out',
      examples,
      '--quiet',
      '--batch-size',
      '4',
    ];
    const first = runCli(dir, args);
    expect(first.code, first.stderr).toBe(0);
    const before = { report: readFileSync(report, 'utf8'), examples: readFileSync(examples, 'utf8') };
    expect(before.examples.trim().split('\n')).toHaveLength(30);

    // The model fails part-way: the old code had already truncated the examples file.
    const failed = runCli(dir, args, { T10_FAIL_AFTER: '2' });
    expect(failed.code).toBe(2);
    expect(hasStackTrace(failed.stderr)).toBe(false);
    expect(readFileSync(examples, 'utf8')).toBe(before.examples);
    expect(readFileSync(report, 'utf8')).toBe(before.report);
    expect(leftoverTemps(dir)).toEqual([]);

    const merged = runCli(dir, ['merge', report, '--quiet']);
    expect(merged.code, merged.stderr).toBe(0);
  });

  it('unit: writeFilesAtomic replaces nothing until every file is written', () => {
    const a = join(dir, 'a.txt');
    writeFileSync(a, 'old a');
    const badTarget = join(dir, 'missing-folder', 'b.txt');
    expect(() =>
      writeFilesAtomic([
        { path: a, text: 'new a' },
        { path: badTarget, text: 'new b' },
      ]),
    ).toThrow(/cannot write .*b\.txt/);
    expect(readFileSync(a, 'utf8')).toBe('old a');
    expect(leftoverTemps(dir)).toEqual([]);
  });

  it('unit: a JSONL file appears only on close, and abort keeps the previous one', async () => {
    const path = join(dir, 'w.jsonl');
    writeFileSync(path, '{"old":true}\n');
    const w = openJsonlWriter(path);
    await w.write({ n: 1 });
    await w.abort();
    expect(readFileSync(path, 'utf8')).toBe('{"old":true}\n');
    const w2 = openJsonlWriter(path);
    await w2.write({ n: 2 });
    expect(readFileSync(path, 'utf8')).toBe('{"old":true}\n');
    await w2.close();
    expect(readFileSync(path, 'utf8')).toBe('{"n":2}\n');
    expect(leftoverTemps(dir)).toEqual([]);
  });
});

describe('--md - (item 17)', { timeout: 120_000 }, () => {
  it('writes Markdown to stdout and the terminal summary to stderr', () => {
    const r = runCli(dir, [...auditArgs(fx), '--md', '-']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.startsWith('# tailcheck robustness report')).toBe(true);
    expect(r.stderr).toContain('verdict:');
    expect(existsSync(join(dir, '-'))).toBe(false);
  });

  it('two formats asking for stdout: exit 2 before the run', () => {
    expectRefusedUpFront(
      [...auditArgs(fx), '--json', '-', '--md', '-'],
      '--json - and --md - both ask for stdout',
    );
    expectRefusedUpFront([...auditArgs(fx), '--html', '-'], '--html cannot write to stdout');
  });
});
