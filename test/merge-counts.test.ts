/**
 * `merge` checks every report's declared example count (config.data.n) against the records it
 * streams (issue 10, item 11): a report beside a truncated or foreign examples file is refused
 * (exit 2, naming the report and both counts) instead of merging into wrong numbers.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { auditArgs, runCli, scratch, writeFixtures } from './cli-helpers.ts';

const dir = scratch('merge-counts');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fx = writeFixtures(dir, 40);

describe('merge: declared counts against the records', { timeout: 180_000 }, () => {
  const shard = (i: number, examples: boolean) => {
    const report = join(dir, `s${i}${examples ? 'f' : ''}.json`);
    const args = [...auditArgs(fx), '--shard', `${i}/2`, '--json', report, '--quiet'];
    if (examples) args.push('--examples-out', join(dir, `s${i}.examples.jsonl`));
    const r = runCli(dir, args);
    expect(r.code, r.stderr).toBe(0);
    return report;
  };

  it('refuses a report whose examples file was cut short', () => {
    const [a, b] = [shard(1, true), shard(2, true)];
    expect(runCli(dir, ['merge', a, b, '--quiet']).code).toBe(0);
    const examples = join(dir, 's2.examples.jsonl');
    const lines = readFileSync(examples, 'utf8').trim().split('\n');
    const n = (JSON.parse(readFileSync(b, 'utf8')) as { config: { data: { n: number } } }).config.data.n;
    expect(lines).toHaveLength(n);
    writeFileSync(examples, `${lines.slice(0, 3).join('\n')}\n`);
    const r = runCli(dir, ['merge', a, b, '--json', join(dir, 'merged.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${b} declares ${n} examples (config.data.n) but its examples file`);
    expect(r.stderr).toContain('holds 3 records');
  });

  it('refuses a report whose examples[] does not match its count', () => {
    const [a, b] = [shard(1, false), shard(2, false)];
    const report = JSON.parse(readFileSync(a, 'utf8')) as { config: { data: { n: number } } };
    const n = report.config.data.n;
    report.config.data.n = n + 5;
    writeFileSync(a, JSON.stringify(report));
    const r = runCli(dir, ['merge', a, b]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `${a} declares ${n + 5} examples (config.data.n) but its examples[] holds ${n} records`,
    );
  });

  it('refuses an examples file of the right length written by another run (digest differs)', () => {
    const [a, b] = [shard(1, true), shard(2, true)];
    const examples = join(dir, 's2.examples.jsonl');
    // Same records, one prediction changed: what a re-run with another model leaves beside the old report.
    const lines = readFileSync(examples, 'utf8').trim().split('\n');
    const first = JSON.parse(lines[0]!) as { prediction: string };
    first.prediction = `${first.prediction}_other`;
    lines[0] = JSON.stringify(first);
    writeFileSync(examples, `${lines.join('\n')}\n`);
    const r = runCli(dir, ['merge', a, b, '--json', join(dir, 'merged2.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${b}: its examples file`);
    expect(r.stderr).toContain('sha256 differs');
  });
});
