/**
 * `tailcheck attack` and `audit --attack` on the command line (issue 15): bad budgets, attack flags
 * without --attack and paraphrases in --attack-perturb are usage errors (exit 2) before the model is
 * called; --help explains the search and its budgets; a run writes a JSON report with an `attack`
 * section, which `merge` combines across shards.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ATTACK_OPTION_GROUPS } from '../src/cli/commands/attack.ts';
import { AUDIT_ONLY_OPTIONS, auditCliOptions, sharedRunCliOptions } from '../src/cli/commands/audit.ts';
import { reportSchemaProblem } from '../src/report/schema.ts';
import type { Report } from '../src/types.ts';
import { runCli, scratch, writeFixtures } from './cli-helpers.ts';

const dir = scratch('attack-cli');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fx = writeFixtures(dir);
const calls = join(dir, 'calls.log');

/** The fixture model and data, no cache: every prediction is a counted model call. */
const attackArgs = ['attack', '--model', fx.model, '--data', fx.data, '--no-cache'];
const auditArgs = [
  'audit',
  '--model',
  fx.model,
  '--data',
  fx.data,
  '--perturb',
  'typo.keyboard',
  '--no-cache',
];

/** A usage error: exit 2, one line naming the problem, no stack trace, the model never called. */
function usageError(args: readonly string[]): string {
  const r = runCli(dir, args, { T10_CALLS: calls });
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(existsSync(calls) ? readFileSync(calls, 'utf8') : '').toBe('');
  return r.stderr;
}

const readReport = (path: string): Report => JSON.parse(readFileSync(path, 'utf8')) as Report;

describe('tailcheck attack: usage errors before any work', { timeout: 120_000 }, () => {
  it('bad budgets exit 2 with what is accepted', () => {
    for (const value of ['0', '120%']) {
      expect(usageError([...attackArgs, '--max-edits', value])).toContain(
        `tailcheck: --max-edits must be a number of words ≥ 1 ("3") or a share of each text's words in (0, 100] % ("20%"), got "${value}"`,
      );
    }
    expect(usageError([...attackArgs, '--max-queries', '0'])).toContain(
      'tailcheck: --max-queries must be an integer ≥ 1, got 0',
    );
    expect(usageError([...attackArgs, '--search', 'beam'])).toContain('Choices: "greedy", "random"');
  });

  it('a paraphrase in --attack-perturb exits 2: the attack edits one word at a time', () => {
    expect(usageError([...attackArgs, '--attack-perturb', 'typo,paraphrase.reorder'])).toContain(
      'tailcheck: --attack-perturb: paraphrase.reorder is a paraphrase perturbation; the attack edits one word at a time',
    );
    // a family with nothing word-level is refused alone and beside others, never dropped in silence
    for (const spec of ['paraphrase', 'typo,paraphrase']) {
      expect(usageError([...attackArgs, '--attack-perturb', spec])).toContain(
        'tailcheck: --attack-perturb: paraphrase selects no typo or synonym perturbation',
      );
    }
  });

  it('the audit’s own options are not the attack’s', () => {
    expect(usageError([...attackArgs, '--perturb', 'typo'])).toContain(
      'unknown option --perturb for tailcheck attack',
    );
  });

  it('audit: an attack flag without --attack exits 2 saying to add it', () => {
    for (const flag of [
      ['--max-edits', '3'],
      ['--max-queries', '50'],
      ['--search', 'random'],
      ['--attack-perturb', 'typo'],
    ]) {
      expect(usageError([...auditArgs, ...flag])).toContain(
        `tailcheck: ${flag[0]} is an option of the worst-case attack: add --attack (or run tailcheck attack for the attack alone)`,
      );
    }
    expect(usageError([...auditArgs, '--attack', '--max-edits', '0%'])).toContain('--max-edits must be');
  });
});

describe('tailcheck attack --help', { timeout: 120_000 }, () => {
  it('takes every option of audit but the audit’s own, each in exactly one group', () => {
    expect(Object.keys(sharedRunCliOptions).sort()).toEqual(
      Object.keys(auditCliOptions)
        .filter((k) => !(AUDIT_ONLY_OPTIONS as readonly string[]).includes(k))
        .sort(),
    );
    const grouped = ATTACK_OPTION_GROUPS.flatMap(([, keys]) => keys);
    expect(new Set(grouped).size).toBe(grouped.length);
    expect([...grouped].sort()).toEqual(Object.keys(sharedRunCliOptions).sort());
    expect(ATTACK_OPTION_GROUPS.map(([name]) => name)).toEqual([
      'Model:',
      'Data:',
      'Attack:',
      'Frequencies:',
      'Statistics:',
      'Output:',
      'Gates:',
      'Performance:',
    ]);
  });

  it('explains the search, its budgets and what success means', () => {
    const r = runCli(dir, ['attack', '--help']);
    expect(r.code).toBe(0);
    const help = r.stdout.replace(/\s+/g, ' ');
    expect(help).toContain('greedy word-importance search');
    expect(help).toContain('--max-edits words changed (default 20 % of its words, at least 1)');
    expect(help).toContain('--max-queries texts scored (default 200)');
    expect(help).toContain('Success = a flip within both budgets');
    expect(help).toContain('random: the seeded baseline');
    expect(help).toMatch(/--max-edits .*\[default: 20%\]/);
    expect(help).toMatch(/--max-queries .*\[default: 200\]/);
    expect(r.stdout).not.toMatch(/^ {2}--(perturb|severity|variants|gap-metric) /m);
    // the shared options of audit, gates included
    for (const flag of [
      '--shard',
      '--limit',
      '--examples-out',
      '--json',
      '--seed',
      '--buckets',
      '--train',
      '--class-counts',
      '--protect',
      '--cache-dir',
      '--max-drop',
    ]) {
      expect(help).toContain(`${flag} `);
    }
  });

  it('audit --help has the attack in a group of its own', () => {
    const help = runCli(dir, ['audit', '--help']).stdout;
    const attack = help.split('\nAttack:\n')[1]!.split('\n\n')[0]!;
    for (const flag of ['--attack', '--attack-perturb', '--max-edits', '--max-queries', '--search']) {
      expect(attack).toMatch(new RegExp(`^ {2}${flag} `, 'm'));
    }
  });
});

describe('tailcheck attack: runs', { timeout: 180_000 }, () => {
  it('the bundled model on 20 bundled queries writes a JSON report with an attack section', () => {
    const out = join(dir, 'bundled.json');
    const r = runCli(dir, ['attack', '--limit', '20', '--cache-dir', join(dir, 'cache'), '--json', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('verdict: Worst-case attack (greedy search');
    const report = readReport(out);
    expect(reportSchemaProblem(report)).toBeNull();
    expect(report.config.perturbations).toEqual([]);
    expect(report.results).toEqual([]);
    expect(report.attack!.records).toHaveLength(20);
    expect(report.attack!.config).toMatchObject({ search: 'greedy', maxEdits: '20%', maxQueries: 200 });
    expect(report.attack!.config.perturbations.some((p) => p.startsWith('synonym.'))).toBe(true);
    expect(report.attack!.config.perturbations.some((p) => p.startsWith('typo.'))).toBe(true);
    expect(report.attack!.overall.examples).toBe(20);
    expect(report.verdict).toMatch(
      /^Worst-case attack \(greedy search, ≤ 20% of the words, ≤ 200 queries\): \d+ of \d+ correctly classified/,
    );
  });

  it('audit --attack adds the section to the audit report, with the budgets given', () => {
    const out = join(dir, 'audit-attack.json');
    const r = runCli(dir, [
      ...auditArgs,
      '--attack',
      '--attack-perturb',
      'typo.keyboard,typo.delete',
      '--max-edits',
      '2',
      '--max-queries',
      '30',
      '--search',
      'random',
      '--json',
      out,
      '--quiet',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const report = readReport(out);
    expect(report.results.map((x) => x.perturbation)).toEqual(['typo.keyboard']);
    expect(report.attack!.config).toEqual({
      search: 'random',
      perturbations: ['typo.delete', 'typo.keyboard'],
      maxEdits: '2',
      maxQueries: 30,
      candidatesPerWord: report.attack!.config.candidatesPerWord,
    });
    for (const rec of report.attack!.records) {
      expect(rec.queries).toBeLessThanOrEqual(30);
      expect(rec.edits.length).toBeLessThanOrEqual(2);
    }
  });

  it('tailcheck merge: shards of an attack merge into the unsharded section; with and without an attack, exit 2', () => {
    const file = (name: string) => join(dir, name);
    const run = (extra: string[], out: string) => {
      // typos only: no sentence encoder to load for the meaning check
      const typos = ['--attack-perturb', 'typo.keyboard,typo.delete'];
      const r = runCli(dir, [...attackArgs, ...typos, ...extra, '--json', file(out), '--quiet']);
      expect(r.code, r.stderr).toBe(0);
    };
    run([], 'whole.json');
    run(['--shard', '1/2'], 'a1.json');
    run(['--shard', '2/2'], 'a2.json');
    const merged = runCli(dir, [
      'merge',
      file('a2.json'),
      file('a1.json'),
      '--json',
      file('merged.json'),
      '--quiet',
    ]);
    expect(merged.code, merged.stderr).toBe(0);
    expect(readReport(file('merged.json')).attack).toEqual(readReport(file('whole.json')).attack);

    const plain = runCli(dir, [...auditArgs, '--shard', '2/2', '--json', file('p2.json'), '--quiet']);
    expect(plain.code, plain.stderr).toBe(0);
    const mixed = runCli(dir, ['merge', file('a1.json'), file('p2.json')]);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain(
      `${file('a1.json')} has an attack section and ${file('p2.json')} has none`,
    );
  });
});
