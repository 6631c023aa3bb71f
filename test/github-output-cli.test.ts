/**
 * `--github` and `--md-summary` through the real CLI, audit then merge as in the README's workflow:
 * annotations for the failed gates (escaped), the compact summary appended to $GITHUB_STEP_SUMMARY
 * (never replacing what is there), and the exit code of the gates.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluateGates } from '../src/measure/gates.ts';
import { PACKAGE_ROOT } from '../src/paths.ts';
import type { Report } from '../src/types.ts';
import { writeBundledQueries } from './cli-helpers.ts';

const work = mkdtempSync(join(tmpdir(), 'tailcheck-github-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const bin = join(PACKAGE_ROOT, 'bin/tailcheck.js');
const stepSummary = join(work, 'step-summary.md');

function cli(args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    cwd: work,
    env: { ...process.env, CI: '1', NO_COLOR: '1', GITHUB_STEP_SUMMARY: stepSummary },
  });
}

const commands = (out: string): string[] => out.split('\n').filter((l) => l.startsWith('::'));

const data = join(work, 'data.jsonl');
writeBundledQueries(data, 40);

describe('--github and --md-summary (audit, then merge)', () => {
  it('annotates failed gates, appends the summary to the job summary and exits 1', () => {
    const earlier = '## an earlier step\n';
    writeFileSync(stepSummary, earlier);
    const gates = ['--max-drop', '0.02', '--max-tail-break', '0.05'];
    const audit = cli([
      'audit',
      '--data',
      data,
      '--perturb',
      'typo.keyboard,typo.split',
      '--cache-dir',
      join(work, 'cache'),
      ...gates,
      '--json',
      join(work, 'report.json'),
      '--md-summary',
      join(work, 'summary.md'),
      '--github',
      '--quiet',
    ]);
    expect(audit.status, audit.stderr).toBe(1);

    const report = JSON.parse(readFileSync(join(work, 'report.json'), 'utf8')) as Report;
    const outcome = evaluateGates(report, { maxDrop: 0.02, maxTailBreak: 0.05 });
    const failed = outcome.checks.filter((c) => !c.passed);
    expect(failed.length).toBeGreaterThan(0);
    const annotations = commands(audit.stdout);
    const errors = annotations.filter((l) => l.startsWith('::error '));
    expect(errors).toHaveLength(Math.min(failed.length, 10));
    // the GATE FAILED sentence (explain.ts): a drop in signed pp, a rate in percent, each with its CI
    const ci = String.raw`(\[[-+]?\d+\.\d, [-+]?\d+\.\d\]|\(too few examples\))`;
    const maxDrop = String.raw`maxDrop::.+, severity \d: drop \+\d+\.\d+ pp ${ci} > 2\.0+ pp \(--max-drop 0\.02\)`;
    const tailBreak = String.raw`maxTailBreak::.+, severity \d, bucket "[^"]+": break rate \d+\.\d+%25 ${ci} > 5\.0+%25 \(--max-tail-break 0\.05\)`;
    for (const line of errors.slice(0, 9)) {
      expect(line).toMatch(new RegExp(`^::error title=tailcheck gate (${maxDrop}|${tailBreak})$`));
    }
    expect(errors.some((l) => l.startsWith('::error title=tailcheck gate maxTailBreak::'))).toBe(true);
    // every percent sign is escaped; nothing but the commands reaches stdout under --quiet
    for (const line of annotations) expect(line.replace(/%(25|0D|0A|3A|2C)/g, '')).not.toContain('%');
    expect(audit.stdout.trimEnd().split('\n')).toEqual(annotations);

    const summary = readFileSync(join(work, 'summary.md'), 'utf8');
    expect(summary.trimEnd().split('\n').length).toBeLessThanOrEqual(40);
    expect(summary).toMatch(/^### tailcheck: ❌ gates failed\n\*\*Verdict:\*\* /);
    expect(summary).toContain('| Severity | Clean | Perturbed | Drop [95% CI] | Break rate | Flip rate |');
    expect(summary).toContain(`${failed.length} of ${outcome.checks.length} checks over the limit`);
    expect(readFileSync(stepSummary, 'utf8')).toBe(`${earlier}\n${summary}`);

    // merge with the same gates: the summary on stdout, so the annotations go to stderr; appended again
    const merge = cli([
      'merge',
      join(work, 'report.json'),
      ...gates,
      '--md-summary',
      '-',
      '--github',
      '--quiet',
    ]);
    expect(merge.status, merge.stderr).toBe(1);
    expect(commands(merge.stderr)).toEqual(annotations);
    expect(commands(merge.stdout)).toEqual([]);
    expect(merge.stdout).toMatch(/^### tailcheck: ❌ gates failed\n/);
    expect(readFileSync(stepSummary, 'utf8')).toBe(`${earlier}\n${summary}\n${merge.stdout}`);
  }, 180_000);
});
