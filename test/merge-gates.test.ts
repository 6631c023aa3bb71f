/**
 * `tailcheck merge` gates the merged report with the same engine and flags as `audit`: a sharded CI
 * run fails, passes and writes JUnit exactly as the unsharded audit would.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../src/paths.ts';
import { writeBundledQueries, writeFixtures } from './cli-helpers.ts';
import { findAll, parseXml } from './fixtures/suite-xml.ts';

const work = mkdtempSync(join(tmpdir(), 'tailcheck-merge-gates-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const bin = join(PACKAGE_ROOT, 'bin/tailcheck.js');

function cli(args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    cwd: work,
    env: { ...process.env, CI: '1', NO_COLOR: '1' },
  });
}

const gateLines = (out: string): string[] => out.split('\n').filter((l) => l.startsWith('GATE FAILED'));

const data = join(work, 'data.jsonl');
writeBundledQueries(data, 40);

describe('merge --max-drop / --max-tail-drop / --max-tail-break / --junit / --gap-metric', () => {
  it('gates the merged report exactly as audit gates the unsharded run', () => {
    const common = [
      'audit',
      '--data',
      data,
      '--perturb',
      'typo.keyboard,typo.split',
      '--cache-dir',
      join(work, 'cache'),
    ];
    const gates = ['--max-drop', '0.02', '--max-tail-drop', '0.05', '--max-tail-break', '0.05'];
    // --quiet, as in CI: the failed gates are printed all the same, to stderr (issue 13, item 5).
    const full = cli([...common, ...gates, '--junit', join(work, 'full.xml'), '--quiet']);
    expect(full.status, full.stderr).toBe(1);
    expect(full.stdout).toBe('');
    const fullLines = gateLines(full.stderr);
    // One line per failed check (each a failed JUnit case), each naming its own slice, value, CI and limit.
    expect(fullLines).toHaveLength(
      readFileSync(join(work, 'full.xml'), 'utf8').split('<failure ').length - 1,
    );
    expect(new Set(fullLines).size).toBe(fullLines.length);
    for (const line of fullLines) {
      expect(line).toMatch(
        /^GATE FAILED (maxDrop|maxTailDrop|maxTailBreak): (typo\.keyboard|typo\.split|all perturbations pooled), severity 2(, bucket "[^"]+")?: (drop [+-][\d.]+ pp (\[[+-]?[\d.]+, [+-]?[\d.]+\]|\(too few examples\)) > [\d.]+ pp|break rate [\d.]+% (\[[\d.]+, [\d.]+\]|\(too few examples\)) > [\d.]+%) \(--max-(drop 0\.02|tail-drop 0\.05|tail-break 0\.05)\)$/,
      );
    }
    const shards = [1, 2].map((i) => {
      const out = join(work, `s${i}.json`);
      const r = cli([...common, '--shard', `${i}/2`, '--json', out, '--quiet']);
      expect(r.status, r.stderr).toBe(0);
      return out;
    });

    // Without --quiet: the summary on stdout, the same failed gates on stderr, line for line.
    const merged = cli(['merge', ...shards, ...gates, '--junit', join(work, 'merged.xml')]);
    expect(merged.status, merged.stderr).toBe(1);
    expect(merged.stdout).toContain('verdict');
    expect(gateLines(merged.stdout)).toEqual([]);
    expect(gateLines(merged.stderr)).toEqual(fullLines);
    for (const gate of ['maxDrop', 'maxTailDrop', 'maxTailBreak']) {
      expect(fullLines.some((l) => l.startsWith(`GATE FAILED ${gate}: `))).toBe(true);
    }
    expect(readFileSync(join(work, 'merged.xml'), 'utf8')).toBe(readFileSync(join(work, 'full.xml'), 'utf8'));

    const lenient = cli(['merge', ...shards, '--max-drop', '1', '--max-tail-drop', '1', '--quiet']);
    expect(lenient.status, lenient.stderr).toBe(0);

    // The headline metric is a reading of the same records: merge may switch it, and says which.
    const asDrop = cli([
      'merge',
      ...shards,
      '--gap-metric',
      'drop',
      '--json',
      join(work, 'drop.json'),
      '--quiet',
    ]);
    expect(asDrop.status, asDrop.stderr).toBe(0);
    const byDrop = JSON.parse(readFileSync(join(work, 'drop.json'), 'utf8'));
    expect(byDrop.config.gapMetric).toBe('drop');
    for (const r of byDrop.summary) {
      expect(r.headTailGap).toEqual(r.headTailGaps.drop);
      expect(r.tailSlope).toEqual(r.tailSlopes.drop);
    }
    const badMetric = cli(['merge', ...shards, '--gap-metric', 'accuracy']);
    expect(badMetric.status).toBe(2);
    expect(badMetric.stderr).toMatch(/gap-metric/);

    const bad = cli(['merge', ...shards, '--max-drop', 'lots']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--max-drop must be a number');
    // 5 meant as 5 points would pass every drop: refused, with the fraction it meant.
    const points = cli(['merge', ...shards, '--max-tail-drop', '5']);
    expect(points.status).toBe(2);
    expect(points.stderr).toContain(
      '--max-tail-drop must be a fraction in [0, 1], e.g. 0.05 for 5 points; got 5 (for 5 points write --max-tail-drop 0.05)',
    );
  }, 180_000); // five CLI runs, three of them load the model
});

describe('--junit without a gate (audit and merge)', () => {
  it('writes one passing "audit completed" case with the key numbers and warns that nothing is gated', () => {
    const fx = writeFixtures(work);
    const audit = [
      'audit',
      '--model',
      fx.model,
      '--data',
      fx.data,
      '--perturb',
      'typo.keyboard',
      '--no-cache',
    ];
    const xmlOf = (file: string) => parseXml(readFileSync(join(work, file), 'utf8'));
    const warning =
      'tailcheck: warning: no gate set, so the JUnit file holds one passing "audit completed" case and fails nothing; gate with --max-drop, --max-tail-drop, --max-tail-break, --max-fairness-failure, --max-attack-success or --min-accuracy-under-attack (fractions, e.g. --max-drop 0.05)\n';

    // --quiet silences the summary, never this warning.
    const full = cli([
      ...audit,
      '--junit',
      join(work, 'ungated.xml'),
      '--json',
      join(work, 'ungated.json'),
      '--quiet',
    ]);
    expect(full.status, full.stderr).toBe(0);
    expect(full.stderr).toBe(warning);
    const xml = xmlOf('ungated.xml');
    expect(xml.attributes).toMatchObject({ tests: '1', failures: '0', errors: '0', skipped: '0' });
    const [testcase] = findAll(xml, 'testcase');
    expect(testcase!.attributes).toMatchObject({ name: 'audit completed', classname: 'tailcheck.audit' });
    const out = findAll(xml, 'system-out')[0]!.text;
    const report = JSON.parse(readFileSync(join(work, 'ungated.json'), 'utf8'));
    expect(out).toContain(`verdict: ${report.verdict}`);
    const drop = report.summary[0].overall.drop;
    expect(out).toMatch(
      new RegExp(
        `^severity 2, all perturbations pooled: accuracy [\\d.]+ % → [\\d.]+ %, drop \\+${(drop * 100).toFixed(1)} pp \\[`,
        'm',
      ),
    );

    // A gate: no warning, and the gate's cases instead of "audit completed".
    const gated = cli([...audit, '--junit', join(work, 'gated.xml'), '--max-drop', '1', '--quiet']);
    expect(gated.status, gated.stderr).toBe(0);
    expect(gated.stderr).toBe('');
    expect(findAll(xmlOf('gated.xml'), 'testcase').map((c) => c.attributes.name)).not.toContain(
      'audit completed',
    );

    // merge: the same case, the same warning.
    const merged = cli([
      'merge',
      join(work, 'ungated.json'),
      '--junit',
      join(work, 'merged-ungated.xml'),
      '--quiet',
    ]);
    expect(merged.status, merged.stderr).toBe(0);
    expect(merged.stderr).toBe(warning);
    expect(findAll(xmlOf('merged-ungated.xml'), 'testcase').map((c) => c.attributes.name)).toEqual([
      'audit completed',
    ]);
    // no --junit, no warning
    expect(cli([...audit, '--quiet']).stderr).toBe('');
  }, 120_000);
});
