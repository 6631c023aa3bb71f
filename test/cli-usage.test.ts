/**
 * The CLI's conventions (issue 13, items 4, 5 and 7): 1-based shards, gate limits as fractions, a
 * "did you mean" for unknown options and commands, `audit --help` in groups and `tailcheck
 * perturbations` wrapped to the terminal. Every CLI run here is a usage error or a listing: no model
 * is loaded (the counting model proves it where it matters).
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inShard, runSettings } from '../src/audit/options.ts';
import { AUDIT_OPTION_GROUPS, auditCliOptions } from '../src/cli/commands/audit.ts';
import { renderCatalogue } from '../src/cli/commands/perturbations.ts';
import { parseShard } from '../src/cli/parse.ts';
import { closestNames, explainUnknown, kebab } from '../src/cli/suggest.ts';
import { outputWidth, wrapText } from '../src/cli/wrap.ts';
import { UsageError } from '../src/errors.ts';
import { loadRegistry } from '../src/perturb/registry.ts';
import { renderHtml } from '../src/report/html.ts';
import { renderMarkdown } from '../src/report/markdown.ts';
import { renderTerminal } from '../src/report/terminal.ts';
import { auditArgs, runCli, scratch, writeFixtures } from './cli-helpers.ts';
import { makeReport } from './fixtures/make-report.ts';

const dir = scratch('cli-usage');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fx = writeFixtures(dir);
const calls = join(dir, 'calls.log');
const COUNTED = { T10_CALLS: calls };

/** A usage error: exit 2, the model never called. */
function usageError(args: readonly string[]): string {
  const r = runCli(dir, args, COUNTED);
  expect(r.code, r.stderr).toBe(2);
  expect(existsSync(calls) ? readFileSync(calls, 'utf8') : '').toBe('');
  return r.stderr;
}

describe('--shard is 1-based (item 4)', { timeout: 120_000 }, () => {
  it('parses i/n with 1 ≤ i ≤ n, and refuses 0 pointing at the convention', () => {
    expect(parseShard('1/4')).toEqual({ index: 1, count: 4 });
    expect(parseShard(' 4/4 ')).toEqual({ index: 4, count: 4 });
    expect(() => parseShard('0/4')).toThrow(
      '--shard is 1-based (as in vitest, Jest and Playwright): 1/4 … 4/4; got "0/4"',
    );
    expect(() => parseShard('5/4')).toThrow('--shard i/n needs 1 ≤ i ≤ n; got "5/4"');
    expect(() => parseShard('1/0')).toThrow(UsageError);
    expect(() => parseShard('2')).toThrow('--shard takes i/n, 1-based: 1/4 … 4/4 for four shards; got "2"');
    expect(() => runSettings({ shard: { index: 0, count: 2 } })).toThrow(/1-based/);
  });

  it('shards 1/n … n/n split the examples: each in exactly one', () => {
    const ids = Array.from({ length: 500 }, (_, i) => `example-${i}`);
    for (const count of [1, 2, 3, 7]) {
      const shards = Array.from({ length: count }, (_, i) =>
        ids.filter((id) => inShard(id, { index: i + 1, count })),
      );
      expect(shards.flat().sort()).toEqual([...ids].sort());
      if (count > 1) for (const s of shards) expect(s.length).toBeGreaterThan(0);
    }
  });

  it('the reports name shard 2/4 as the flag does', () => {
    const report = makeReport({ examples: false });
    report.config.shard = { index: 2, count: 4 };
    expect(renderTerminal(report)).toMatch(/shard\s+2 of 4/);
    expect(renderMarkdown(report)).toContain('| Shard | 2 of 4 |');
    expect(renderHtml(report)).toContain('2 of 4');
  });

  it('the CLI: --shard 0/4 and --shard=0/4 exit 2 before any work', () => {
    expect(usageError([...auditArgs(fx), '--shard', '0/4'])).toContain('--shard is 1-based');
    expect(usageError([...auditArgs(fx), '--shard=0/4'])).toContain('1/4 … 4/4; got "0/4"');
  });
});

describe('gate limits are fractions (item 5)', { timeout: 120_000 }, () => {
  it('--max-drop 5 exits 2 before any work, naming the fraction meant', () => {
    expect(usageError([...auditArgs(fx), '--max-drop', '5'])).toContain(
      'tailcheck: --max-drop must be a fraction in [0, 1], e.g. 0.05 for 5 points; got 5 (for 5 points write --max-drop 0.05)',
    );
    expect(usageError([...auditArgs(fx), '--max-tail-break', '-1'])).toContain(
      '--max-tail-break must be a fraction in [0, 1]',
    );
  });

  it('--help states the unit rule', () => {
    for (const command of ['audit', 'merge']) {
      const help = runCli(dir, [command, '--help']).stdout.replace(/\s+/g, ' ');
      expect(help).toContain(
        'Units: gate limits and the numbers of the JSON report are fractions (--max-drop 0.05 = 5 points)',
      );
      expect(help).toContain('shows percentage points (pp) for drops and gaps, percentages for rates');
      expect(help).toContain(
        'A failed gate is always printed to stderr, one line per failed check, --quiet or not',
      );
    }
  });
});

describe('did you mean (item 7)', { timeout: 120_000 }, () => {
  it('unit: near names by edit distance, case, _ and camelCase ignored, prefixes included', () => {
    const known = ['max-drop', 'max-tail-drop', 'max-tail-break', 'json', 'md', 'data', 'quiet'];
    expect(kebab('maxTailDrop')).toBe('max-tail-drop');
    expect(closestNames('mx-drop', known)).toEqual(['max-drop']);
    expect(closestNames('max_drop', known)).toEqual(['max-drop']);
    expect(closestNames('MaxDrop', known)).toEqual(['max-drop']);
    expect(closestNames('max-tail', known)).toEqual(['max-tail-drop', 'max-tail-break']);
    expect(closestNames('jsn', known)).toEqual(['json']);
    expect(closestNames('z', known)).toEqual([]);
    expect(closestNames('frobnicate', known)).toEqual([]);
  });

  it("unit: yargs' messages rewritten, the camelCase twin dropped", () => {
    const context = {
      argv: ['audit', '--mx-drop', '1', 'extra', '--no-cach'],
      path: ['audit'],
      commands: [],
      options: ['max-drop', 'cache', 'cache-dir', 'help'],
      booleans: ['cache', 'help'],
    };
    expect(explainUnknown('Unknown arguments: mx-drop, mxDrop, extra, cach', context)).toBe(
      [
        'unknown option --mx-drop for tailcheck audit (did you mean --max-drop?)',
        'unexpected argument "extra"',
        'unknown option --no-cach for tailcheck audit (did you mean --no-cache?)',
      ].join('\n'),
    );
    expect(explainUnknown('Missing required argument: reports', context)).toBeUndefined();
  });

  it('the CLI: unknown options and commands, with and without a near name', () => {
    expect(usageError([...auditArgs(fx), '--max-dorp', '0.1'])).toContain(
      'tailcheck: unknown option --max-dorp for tailcheck audit (did you mean --max-drop?)\nRun with --help for usage.\n',
    );
    const twice = usageError([...auditArgs(fx), '--mx-drop=0.1', '--jsn', 'r.json']);
    expect(twice).toContain('unknown option --mx-drop for tailcheck audit (did you mean --max-drop?)');
    expect(twice).toContain('unknown option --jsn for tailcheck audit (did you mean --json?)');
    expect(twice).not.toContain('mxDrop');
    expect(usageError(['audti'])).toContain(
      'tailcheck: unknown command "audti" (did you mean tailcheck audit?)',
    );
    expect(usageError(['perturbation'])).toContain(
      'unknown command "perturbation" (did you mean tailcheck perturbations?)',
    );
    expect(usageError(['frobnicate'])).toContain(
      'unknown command "frobnicate"; the commands are attack, audit, augment, cache, compare, merge, perturb, perturbations, suite',
    );
    expect(usageError(['cache', 'inf'])).toContain(
      'unknown command "cache inf" (did you mean tailcheck cache info?)',
    );
    expect(usageError(['perturbations', '--jsno'])).toContain(
      'unknown option --jsno for tailcheck perturbations (did you mean --json?)',
    );
  });
});

describe('audit --help in groups (item 7)', { timeout: 120_000 }, () => {
  const GROUPS = [
    'Model',
    'Data',
    'Perturbations',
    'Attack',
    'Frequencies',
    'Statistics',
    'Output',
    'Gates',
    'Performance',
  ];

  it('every option in exactly one group, the groups in the order of the issue', () => {
    expect(AUDIT_OPTION_GROUPS.map(([name]) => name)).toEqual(GROUPS.map((g) => `${g}:`));
    const grouped = AUDIT_OPTION_GROUPS.flatMap(([, keys]) => keys);
    expect(new Set(grouped).size).toBe(grouped.length);
    expect([...grouped].sort()).toEqual(Object.keys(auditCliOptions).sort());
  });

  it('the help shows them, each option under its group', () => {
    const help = runCli(dir, ['audit', '--help']).stdout;
    const headings = help.split('\n').filter((l) => /^[A-Z][a-z]+:$/.test(l));
    expect(headings).toEqual([...GROUPS.map((g) => `${g}:`), 'Options:', 'Examples:']);
    const section = (name: string) => help.split(`\n${name}:\n`)[1]!.split('\n\n')[0]!;
    expect(section('Gates')).toMatch(/^ {2}--max-drop /m);
    expect(section('Gates')).toMatch(/^ {2}--max-tail-break /m);
    expect(section('Performance')).toMatch(/^ {2}--shard /m);
    expect(section('Model')).toMatch(/^ {2}--labels /m);
    expect(section('Options')).not.toMatch(/--max-drop|--model /);
  });
});

describe('tailcheck perturbations wraps (item 7)', { timeout: 120_000 }, () => {
  it('unit: a hanging indent, no line over the width, no word lost', () => {
    const text = 'one two three four five six seven eight nine ten eleven twelve';
    const lines = wrapText(text, 20, '  name  ', '        ');
    expect(lines[0]!.startsWith('  name  one')).toBe(true);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(20);
    for (const l of lines.slice(1)) expect(l.startsWith('        ')).toBe(true);
    expect(lines.join(' ').replace(/\s+/g, ' ').trim()).toBe(`name ${text}`);
    expect(wrapText('abcdefghijkl', 5)).toEqual(['abcde', 'fghij', 'kl']);
    expect(outputWidth({ isTTY: true, columns: 132 })).toBe(132);
    expect(outputWidth({ isTTY: false, columns: undefined })).toBe(80);
  });

  it('the catalogue at 60, 100 and 40 columns: every line fits, every description whole', async () => {
    const defs = (await loadRegistry()).list();
    for (const width of [60, 100, 40]) {
      const text = renderCatalogue(defs, width);
      for (const line of text.split('\n')) expect([...line].length, line).toBeLessThanOrEqual(width);
      const flat = text.replace(/\s+/g, ' ');
      for (const d of defs) expect(flat).toContain(d.description.replace(/\s+/g, ' '));
    }
    // 40 columns leave too little beside the names: descriptions go under them
    expect(renderCatalogue(defs, 40)).toMatch(/^ {2}typo\.keyboard\n {4}\S/m);
    expect(renderCatalogue(defs, 100)).toMatch(/^ {2}typo\.keyboard +\S/m);
  });

  it('the CLI: 80 columns when stdout is no terminal; --json unchanged (one line per description)', async () => {
    const r = runCli(dir, ['perturbations']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(Math.max(...lines.map((l) => [...l].length))).toBeLessThanOrEqual(80);
    expect(lines.some((l) => [...l].length > 70)).toBe(true); // wrapped to 80, not narrower
    const json = runCli(dir, ['perturbations', '--json']);
    const rows = JSON.parse(json.stdout) as { name: string; description: string }[];
    const defs = (await loadRegistry()).list();
    expect(rows.map((row) => [row.name, row.description])).toEqual(defs.map((d) => [d.name, d.description]));
  });
});
