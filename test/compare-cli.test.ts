/**
 * `tailcheck compare` through the real CLI, on two bundled-size models: the bundled banking77-lt model
 * (BASE) and the same network with post-hoc logit adjustment τ = 1, a "class-balanced" variant
 * (test/fixtures/compare/balanced-model.mjs, HEAD), both audited on the bundled queries.
 */
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Comparison } from '../src/compare/types.ts';
import type { Report } from '../src/types.ts';
import { type CliResult, runCli, scratch } from './cli-helpers.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BALANCED = join(ROOT, 'test/fixtures/compare/balanced-model.mjs');
const COUNTS = join(ROOT, 'models/banking77-lt/label_counts.json');
const PERTURBATIONS = 'typo.ocr,typo.delete';

let dir: string;
const at = (file: string) => join(dir, file);

function audit(out: string, args: readonly string[], perturb = PERTURBATIONS): void {
  const r = runCli(dir, [
    'audit',
    ...['--perturb', perturb, '--severity', '2', '--cache-dir', 'cache', '--quiet', '--json', out],
    ...args,
  ]);
  if (r.code !== 0) throw new Error(`audit ${out} failed (${r.code}): ${r.stderr}`);
}
const balanced = ['--model', BALANCED, '--class-counts', COUNTS];

function compare(args: readonly string[]): CliResult {
  return runCli(dir, ['compare', ...args]);
}
const readJson = <T>(file: string): T => JSON.parse(readFileSync(at(file), 'utf8')) as T;

beforeAll(() => {
  dir = scratch('compare');
  audit('base.json', []);
  audit('head.json', balanced);
  audit('head-150.json', [...balanced, '--limit', '150']);
  audit('head-200.json', [...balanced, '--limit', '200', '--examples-out', 'head-200.jsonl']);
  // Refusal cases: audits that differ from BASE in one setting each (the model does not matter).
  audit('seed-1.json', ['--limit', '20', '--seed', '1']);
  audit('ocr-only.json', ['--limit', '20'], 'typo.ocr');
  copyFileSync(join(ROOT, 'data/bank-queries.jsonl'), at('queries.jsonl'));
  audit('other-data.json', ['--limit', '20', '--data', 'queries.jsonl']);
}, 400_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tailcheck compare (bundled model vs its logit-adjusted variant)', () => {
  it('pairs every variant of the two audits and writes JSON, Markdown and HTML', () => {
    const r = compare([
      'base.json',
      'head.json',
      '--json',
      'cmp.json',
      '--md',
      'cmp.md',
      '--html',
      'cmp.html',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const c = readJson<Comparison>('cmp.json');
    const base = readJson<Report>('base.json');
    expect(c.schema).toBe('tailcheck/compare@1');
    expect(c.pairing).toMatchObject({
      sharedExamples: base.config.data.n,
      overlap: 1,
      textMismatches: 0,
      countedInOneOnly: 0,
      unmatchedVariants: 0,
    });
    const counted = base.examples!.reduce(
      (n, e) => n + e.variants.filter((v) => v.changed && v.dropped === undefined).length,
      0,
    );
    expect(c.pairing.pairedVariants).toBe(counted);
    // Paired on all of BASE's variants, BASE's own numbers are the audit's.
    const pooled = c.summary.find((s) => s.severity === 2)!;
    const audited = base.summary.find((s) => s.severity === 2)!;
    expect(pooled.overall.drop.base).toBeCloseTo(audited.overall.drop, 12);
    expect(pooled.overall.flipRate.base).toBeCloseTo(audited.overall.flipRate, 12);
    expect(pooled.overall.breakRate?.base).toBeCloseTo(audited.overall.breakRate, 12);
    // Logit adjustment moves predictions: some variants newly break, some newly pass.
    expect(c.newlyBreaking.total).toBeGreaterThan(0);
    expect(c.newlyPassing.total).toBeGreaterThan(0);
    expect(c.newlyBreaking.top).toHaveLength(10);
    expect(Object.keys(pooled.buckets)).toEqual(base.buckets.map((b) => b.name));

    expect(r.stdout).toContain('Severity 2');
    expect(r.stdout).toContain('Newly breaking (right in BASE, wrong in HEAD)');
    expect(r.stdout).toContain(`verdict: ${c.verdict.slice(0, 30)}`);
    expect(readFileSync(at('cmp.md'), 'utf8')).toContain('### tailcheck compare: HEAD vs BASE');
    const html = readFileSync(at('cmp.html'), 'utf8');
    expect(html).toContain('Content-Security-Policy');
    expect(html).not.toMatch(/<script/i);
  });

  it('gates with --max-regression: exit 1 exactly when a slice rose above X with its CI above 0', () => {
    const c = readJson<Comparison>('cmp.json');
    const slices = [...c.summary, ...c.results].map((s) => s.overall.drop);
    const codes = new Set<number | null>();
    for (const x of [0, 0.025, 0.5]) {
      const r = compare([
        'base.json',
        'head.json',
        '--max-regression',
        String(x),
        '--json',
        `gate-${x}.json`,
      ]);
      const failing = slices.filter((d) => d.diff > x && d.ci !== null && d.ci[0] > 0).length;
      expect(r.code, `--max-regression ${x}`).toBe(failing > 0 ? 1 : 0);
      const failures = r.stderr.split('\n').filter((l) => l.startsWith('GATE FAILED maxRegression: '));
      expect(failures).toHaveLength(failing);
      expect(readJson<Comparison>(`gate-${x}.json`).gate).toMatchObject({
        maxRegression: x,
        passed: failing === 0,
      });
      codes.add(r.code);
    }
    // The logit-adjusted model is measurably less robust: both outcomes are exercised.
    expect([...codes].sort()).toEqual([0, 1]);
  });

  it('--quiet prints nothing but the failed gates', () => {
    const r = compare(['base.json', 'head.json', '--max-regression', '0', '--quiet']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^GATE FAILED maxRegression: .+ × severity 2: Δ drop \+\d+\.\d pp \[.+\] > 0\.0 pp \(--max-regression 0\)$/m,
    );
  });

  it('sends the terminal view to stderr when the JSON goes to stdout', () => {
    const r = compare(['base.json', 'head.json', '--json', '-']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as Comparison).schema).toBe('tailcheck/compare@1');
    expect(r.stderr).toContain('verdict:');
  });

  it('is deterministic and independent of record and variant order', () => {
    const head = readJson<Report>('head.json');
    head.examples = head
      .examples!.slice()
      .reverse()
      .map((e) => ({ ...e, variants: e.variants.slice().reverse() }));
    writeFileSync(at('head-reordered.json'), JSON.stringify(head));
    compare(['base.json', 'head.json', '--json', 'again.json', '--quiet']);
    compare(['base.json', 'head-reordered.json', '--json', 'reordered.json', '--quiet']);
    const first = readFileSync(at('cmp.json'), 'utf8');
    expect(readFileSync(at('again.json'), 'utf8')).toBe(first);
    const reordered = readJson<Comparison>('reordered.json');
    reordered.head.file = 'head.json';
    expect(`${JSON.stringify(reordered, null, 2)}\n`).toBe(first);
  });

  it('pairs on the shared examples of a --limit run (examples file) and says how many', () => {
    const r = compare(['base.json', 'head-200.json', '--json', 'cmp-200.json']);
    expect(r.code).toBe(0);
    const c = readJson<Comparison>('cmp-200.json');
    expect(c.pairing).toMatchObject({ sharedExamples: 200, baseOnlyExamples: 185, headOnlyExamples: 0 });
    expect(r.stdout).toContain('200 shared examples (51.9 % of the larger report)');
    expect(r.stdout).toContain('paired on the 200 examples present in both reports');
  });

  it('refuses under 50 % shared examples (exit 2)', () => {
    const r = compare(['base.json', 'head-150.json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('only 150 examples are in both reports');
    expect(r.stderr).toContain('39.0 % of the larger, below the 50 % compare needs');
  });

  it.each([
    ['seed-1.json', 'seed differs (BASE 0, HEAD 1)'],
    ['ocr-only.json', 'perturbations differ (only BASE has typo.delete)'],
    ['other-data.json', 'data file differs'],
  ])('refuses %s, naming the difference (exit 2)', (head, difference) => {
    const r = compare(['base.json', head, '--json', 'refused.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`base.json (BASE) and ${head} (HEAD) cannot be compared: `);
    expect(r.stderr).toContain(difference);
  });

  it('refuses --max-regression outside [0, 1] before reading anything (exit 2)', () => {
    const r = compare(['missing-base.json', 'missing-head.json', '--max-regression', '5']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--max-regression must be a fraction in [0, 1]');
  });

  it('refuses an output that is one of the reports (exit 2), leaving it intact', () => {
    const before = readFileSync(at('base.json'), 'utf8');
    const r = compare(['base.json', 'head.json', '--html', 'base.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('refusing to overwrite an input');
    expect(readFileSync(at('base.json'), 'utf8')).toBe(before);
  });
});
