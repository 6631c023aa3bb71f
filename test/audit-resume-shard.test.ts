/**
 * Reliability of long runs (issue 6): an audit killed with SIGKILL and re-run gives the report of an
 * uninterrupted run without classifying anything twice, and shard reports merge into exactly the
 * unsharded report.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUNDLED_EVAL_DATA, PACKAGE_ROOT } from '../src/paths.ts';
import type { Report } from '../src/types.ts';

const work = mkdtempSync(join(tmpdir(), 'tailcheck-resume-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const bin = join(PACKAGE_ROOT, 'bin/tailcheck.js');
const env = { ...process.env, CI: '1', NO_COLOR: '1' };

function cli(args: string[], extraEnv: Record<string, string> = {}) {
  return spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    cwd: work,
    env: { ...env, ...extraEnv },
  });
}

function readJson(path: string): Report {
  return JSON.parse(readFileSync(path, 'utf8')) as Report;
}

const lines = (path: string): string[] =>
  existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : [];

/** 60 bundled queries: enough for several batches. */
const data = join(work, 'data.jsonl');
writeFileSync(
  data,
  `${readFileSync(BUNDLED_EVAL_DATA, 'utf8').split('\n').filter(Boolean).slice(0, 60).join('\n')}\n`,
);

describe('interrupted audits lose nothing', () => {
  it('kill -9 mid-run, then a re-run: identical report, no text classified twice', async () => {
    const backend = `cmd:"${process.execPath}" "${join(PACKAGE_ROOT, 'test/fixtures/audit/logging-bundled.mjs')}"`;
    const common = [
      'audit',
      '--data',
      data,
      '--model',
      backend,
      '--perturb',
      'typo.keyboard,typo.delete',
      '--variants',
      '2',
    ];
    common.push('--batch-size', '16', '--quiet');

    // Reference: an uninterrupted run with its own cache.
    const refLogs = join(work, 'ref-logs');
    mkdirSync(refLogs);
    const ref = cli([...common, '--cache-dir', join(work, 'ref-cache'), '--json', join(work, 'ref.json')], {
      LOG_DIR: refLogs,
    });
    expect(ref.status, ref.stderr).toBe(0);

    // Interrupted run: kill -9 while the backend holds a batch (received > answered).
    const logs = join(work, 'logs');
    mkdirSync(logs);
    const cache = join(work, 'cache');
    const child: ChildProcess = spawn(
      process.execPath,
      [bin, ...common, '--cache-dir', cache, '--json', join(work, 'a.json')],
      {
        cwd: work,
        env: { ...env, LOG_DIR: logs, DELAY_MS: '400' },
        stdio: 'ignore',
      },
    );
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const deadline = Date.now() + 60_000;
    let killedAt = -1;
    while (Date.now() < deadline) {
      const answered = lines(join(logs, 'answered.log')).length;
      const received = lines(join(logs, 'received.log')).length;
      if (answered >= 48 && received > answered) {
        child.kill('SIGKILL');
        killedAt = answered;
        break;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    await exited;
    expect(killedAt, 'the run was killed in the middle').toBeGreaterThan(0);
    expect(existsSync(join(work, 'a.json')), 'no report from the killed run').toBe(false);
    await new Promise((r) => setTimeout(r, 600)); // let the orphaned backend notice EOF and exit

    const answeredBefore = lines(join(logs, 'answered.log'));
    const resumed = cli([...common, '--cache-dir', cache, '--json', join(work, 'b.json')], { LOG_DIR: logs });
    expect(resumed.status, resumed.stderr).toBe(0);

    // Same report as the uninterrupted run (model fingerprint and paths are the same).
    expect(readJson(join(work, 'b.json'))).toEqual(readJson(join(work, 'ref.json')));
    // No text answered twice across the killed run and the re-run, and all texts were answered once.
    const answered = lines(join(logs, 'answered.log'));
    expect(answered.length).toBeGreaterThan(answeredBefore.length);
    expect(new Set(answered).size).toBe(answered.length);
    expect(new Set(answered)).toEqual(new Set(lines(join(refLogs, 'answered.log'))));
  });
});

describe('sharding', () => {
  it('merged shard reports equal the unsharded report, with inline and separate example records', () => {
    const common = ['audit', '--data', data, '--perturb', 'typo,paraphrase.contraction', '--variants', '2'];
    common.push('--cache-dir', join(work, 'shard-cache'), '--quiet');
    expect(cli([...common, '--json', join(work, 'full.json')]).status).toBe(0);
    // 1-based like vitest, Jest and Playwright; `--shard=i/n` is the same flag.
    const shards = [1, 2, 3].map((i) => {
      const out = join(work, `s${i}.json`);
      const r = cli([
        ...common,
        ...(i === 3 ? [`--shard=${i}/3`] : ['--shard', `${i}/3`]),
        '--json',
        out,
        ...(i === 2 ? ['--examples-out', join(work, 's2.jsonl')] : []),
      ]);
      expect(r.status, r.stderr).toBe(0);
      return out;
    });
    const sizes = shards.map((s) => readJson(s).config.data.n);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(60);
    expect(Math.min(...sizes)).toBeGreaterThan(0);
    expect(readJson(shards[1] as string).examples).toBeUndefined();
    // The JSON numbers shards as the flag does.
    expect(shards.map((s) => readJson(s).config.shard)).toEqual(
      [1, 2, 3].map((index) => ({ index, count: 3 })),
    );

    const merged = cli(['merge', ...shards, '--json', join(work, 'merged.json'), '--quiet']);
    expect(merged.status, merged.stderr).toBe(0);
    expect(readJson(join(work, 'merged.json'))).toEqual(readJson(join(work, 'full.json')));

    // A missing shard is an error, not a silently partial report; it is named as the flag names it.
    const partial = cli(['merge', shards[0] as string, shards[2] as string, '--json', join(work, 'p.json')]);
    expect(partial.status).toBe(2);
    expect(partial.stderr).toContain('missing shard(s) 2/3:');
    const allowed = cli([
      'merge',
      shards[0] as string,
      shards[2] as string,
      '--allow-partial',
      '--json',
      join(work, 'p.json'),
      '--quiet',
    ]);
    expect(allowed.status, allowed.stderr).toBe(0);
    expect(readJson(join(work, 'p.json')).warnings).toContain('partial merge: shard(s) 2/3 missing');

    // A shard report from the 0-based days is refused by name, never read as another shard.
    const zeroBased = readJson(shards[0] as string);
    zeroBased.config.shard = { index: 0, count: 3 };
    writeFileSync(join(work, 'old0.json'), JSON.stringify(zeroBased));
    const old = cli(['merge', join(work, 'old0.json'), shards[1] as string, shards[2] as string]);
    expect(old.status).toBe(2);
    expect(old.stderr).toContain('says it is shard 0/3, but shards are 1-based (1/3 … 3/3)');
  });

  it('--limit N with --shard: the shards of a --limit run merge into exactly the unsharded --limit run', {
    timeout: 300_000,
  }, () => {
    // --limit N takes the first N examples of the data, then each shard its share of them.
    const common = ['audit', '--data', data, '--perturb', 'typo,paraphrase.contraction', '--variants', '2'];
    common.push('--cache-dir', join(work, 'shard-cache'), '--quiet');
    const limited = [...common, '--limit', '25'];
    expect(cli([...limited, '--json', join(work, 'full25.json')]).status).toBe(0);
    const full25 = readJson(join(work, 'full25.json'));
    expect(full25.config.data.n).toBe(25);
    expect(full25.examples?.map((e) => e.row)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    const limitedShards = [1, 2, 3].map((i) => {
      const out = join(work, `l${i}.json`);
      const r = cli([...limited, '--shard', `${i}/3`, '--json', out]);
      expect(r.status, r.stderr).toBe(0);
      return out;
    });
    const mergedLimited = cli(['merge', ...limitedShards, '--json', join(work, 'merged25.json'), '--quiet']);
    expect(mergedLimited.status, mergedLimited.stderr).toBe(0);
    expect(readJson(join(work, 'merged25.json'))).toEqual(full25);
  });
});
