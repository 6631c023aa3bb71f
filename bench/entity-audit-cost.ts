/**
 * What the entity family costs the no-argument audit (issue 14): wall and CPU time of `tailcheck audit`
 * on the bundled model and bundled queries, with the default perturbations (which include `entity`) and
 * with the same list minus `entity`, each in a fresh process with a fresh prediction cache, alternated,
 * median of `--runs` (default 5). Target: with ≤ 1.3 × without.
 *
 *   npm run build && npx tsx bench/entity-audit-cost.ts [--runs 5] [--without entity,distractor]
 *
 * `--without` names the families the baseline leaves out (default `entity`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_PERTURB } from '../src/defaults.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const flag = (name: string): string | undefined => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
};
const RUNS = Number(flag('--runs') ?? 5);
const WITHOUT = (flag('--without') ?? 'entity').split(',');
const MAIN = join(ROOT, 'dist', 'src', 'cli', 'main.js');
if (!existsSync(MAIN)) {
  console.error(`no ${MAIN}; run \`npm run build\` first`);
  process.exit(2);
}
const GNU_TIME = ['/usr/bin/time', '/bin/time'].find((p) => existsSync(p));

const baseline = DEFAULT_PERTURB.filter((f) => !WITHOUT.includes(f));
const cases = [
  { name: `default (${DEFAULT_PERTURB.join(',')})`, args: [] as string[] },
  { name: `without ${WITHOUT.join(',')} (${baseline.join(',')})`, args: ['--perturb', baseline.join(',')] },
];

function runOnce(args: readonly string[]): { wall: number; cpu: number | null } {
  const cache = mkdtempSync(join(tmpdir(), 'tailcheck-entity-cost-'));
  const argv = [MAIN, 'audit', '--quiet', '--cache-dir', cache, ...args];
  const start = performance.now();
  const r = GNU_TIME
    ? spawnSync(GNU_TIME, ['-f', '%U %S', process.execPath, ...argv], { encoding: 'utf8', cwd: cache })
    : spawnSync(process.execPath, argv, { encoding: 'utf8', cwd: cache });
  const wall = (performance.now() - start) / 1000;
  rmSync(cache, { recursive: true, force: true });
  if (r.status !== 0 && r.status !== 1) throw new Error(`audit failed (${r.status}): ${r.stderr}`);
  const times = GNU_TIME ? /([\d.]+) ([\d.]+)\s*$/.exec(r.stderr) : null;
  return { wall, cpu: times ? Number(times[1]) + Number(times[2]) : null };
}

const median = (xs: number[]): number => {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

const results = cases.map(() => ({ wall: [] as number[], cpu: [] as number[] }));
runOnce(cases[0]!.args); // warm the file cache
for (let i = 0; i < RUNS; i++) {
  for (const [k, c] of cases.entries()) {
    const t = runOnce(c.args);
    results[k]!.wall.push(t.wall);
    if (t.cpu !== null) results[k]!.cpu.push(t.cpu);
  }
}
console.log(
  `no-argument audit, bundled model and queries, median of ${RUNS}, load ${loadavg()[0]!.toFixed(1)}`,
);
for (const [k, c] of cases.entries()) {
  const r = results[k]!;
  console.log(
    `  ${c.name}: wall ${median(r.wall).toFixed(2)} s${r.cpu.length ? `, CPU ${median(r.cpu).toFixed(2)} s` : ''}`,
  );
}
const ratio = median(results[0]!.wall) / median(results[1]!.wall);
const cpuRatio = results[0]!.cpu.length ? median(results[0]!.cpu) / median(results[1]!.cpu) : null;
console.log(
  `  ratio with/without: wall ${ratio.toFixed(2)}×${cpuRatio === null ? '' : `, CPU ${cpuRatio.toFixed(2)}×`} (target ≤ 1.3×)`,
);
