/**
 * A single-value option given twice is a usage error before any work, on every command (issue 10,
 * item 12): before, `--json a --json b` crashed with a TypeError after the whole run.
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repeatedOption } from '../src/cli/define-command.ts';
import { auditArgs, hasStackTrace, runCli, scratch, writeFixtures } from './cli-helpers.ts';

const dir = scratch('cli-repeated-flags');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fx = writeFixtures(dir);
const calls = join(dir, 'calls.txt');

function expectGivenTwice(args: string[], flag: string): void {
  const r = runCli(dir, args, { T10_CALLS: calls });
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toContain(`--${flag} given twice`);
  expect(hasStackTrace(r.stderr)).toBe(false);
  expect(existsSync(calls)).toBe(false);
}

describe('repeated single-value flags', { timeout: 120_000 }, () => {
  it('audit: --json, --model, --train, --examples-out, --limit', () => {
    expectGivenTwice([...auditArgs(fx), '--json', 'a.json', '--json', 'b.json'], 'json');
    expectGivenTwice([...auditArgs(fx), '--model', fx.model], 'model');
    expectGivenTwice([...auditArgs(fx), '--train', fx.data, '--train', fx.data], 'train');
    expectGivenTwice([...auditArgs(fx), '--examples-out', 'a', '--examples-out', 'b'], 'examples-out');
    expectGivenTwice([...auditArgs(fx), '--limit', '3', '--limit', '4'], 'limit');
    expect(existsSync(join(dir, 'a.json'))).toBe(false);
  });

  it('perturb --out, merge --json, suite --junit', () => {
    expectGivenTwice(['perturb', '--data', fx.data, '--out', 'a.jsonl', '--out', 'b.jsonl'], 'out');
    expect(existsSync(join(dir, 'a.jsonl')) || existsSync(join(dir, 'b.jsonl'))).toBe(false);
    expectGivenTwice(['merge', 'x.json', '--json', 'a.json', '--json', 'b.json'], 'json');
    expectGivenTwice(['suite', 'suite.yaml', '--junit', 'a.xml', '--junit', 'b.xml'], 'junit');
  });

  it('repeatable options still repeat', () => {
    const r = runCli(dir, [
      'perturb',
      '--data',
      fx.data,
      '--perturb',
      'typo.keyboard',
      '--protect',
      'good',
      '--protect',
      'bad',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n').length).toBeGreaterThan(0);
  });

  it('unit: names the flag, its values and how often', () => {
    expect(repeatedOption({ json: ['a', 'b'] }, ['json'], new Set())).toBe(
      '--json given twice ("a", "b"); it takes one value',
    );
    expect(repeatedOption({ train: ['a', 'b', 'c'] }, ['train'], new Set())).toMatch(
      /^--train given 3 times/,
    );
    expect(repeatedOption({ protect: ['a', 'b'] }, ['protect'], new Set(['protect']))).toBeUndefined();
    expect(repeatedOption({ json: 'a' }, ['json'], new Set())).toBeUndefined();
  });
});
