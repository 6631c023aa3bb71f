/**
 * What the meaning check costs (issue 11's cost targets): wall time of the no-argument audit with
 * `--no-cache` with and without the check, the same with a warm cache (prediction and embedding
 * caches filled by a first run), and a typo-only audit (which never loads the encoder). Median of
 * `--runs` (default 3) runs each, interleaved so a change in machine load hits every configuration alike.
 * Runs the CLI as users do (bin/tailcheck.js); needs no ../shared data.
 *
 *   npx tsx bench/meaning-cost.ts [--runs 3]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const runs = Number(values.runs);
const bin = fileURLToPath(new URL('../bin/tailcheck.js', import.meta.url));
const cacheRoot = mkdtempSync(join(tmpdir(), 'tailcheck-meaning-cost-'));

interface Config {
  name: string;
  args: (run: number) => string[];
  /** runs once, untimed, before each timed run (fills a cache) */
  prepare?: (run: number) => string[];
}
const warmDir = (meaning: boolean, run: number) => join(cacheRoot, `${meaning ? 'on' : 'off'}-${run}`);
const configs: Config[] = [
  { name: 'no-arg audit, --no-cache, meaning check on', args: () => ['audit', '--no-cache', '--quiet'] },
  {
    name: 'no-arg audit, --no-cache, --no-meaning-check',
    args: () => ['audit', '--no-cache', '--quiet', '--no-meaning-check'],
  },
  {
    name: 'no-arg audit, warm cache, meaning check on',
    prepare: (r) => ['audit', '--quiet', '--cache-dir', warmDir(true, r)],
    args: (r) => ['audit', '--quiet', '--cache-dir', warmDir(true, r)],
  },
  {
    name: 'no-arg audit, warm cache, --no-meaning-check',
    prepare: (r) => ['audit', '--quiet', '--no-meaning-check', '--cache-dir', warmDir(false, r)],
    args: (r) => ['audit', '--quiet', '--no-meaning-check', '--cache-dir', warmDir(false, r)],
  },
  {
    name: 'typo-only audit, --no-cache',
    args: () => ['audit', '--no-cache', '--quiet', '--perturb', 'typo'],
  },
  {
    name: 'typo-only audit, --no-cache, --no-meaning-check',
    args: () => ['audit', '--no-cache', '--quiet', '--perturb', 'typo', '--no-meaning-check'],
  },
];

function run(args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [bin, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - t0;
  // exit 1 is a failed gate (none here); anything else is a broken run
  if (r.status !== 0) throw new Error(`tailcheck ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const times = new Map<string, number[]>(configs.map((c) => [c.name, []]));
try {
  for (let r = 0; r < runs; r++) {
    for (const c of configs) {
      if (c.prepare) run(c.prepare(r));
      times.get(c.name)!.push(run(c.args(r)));
    }
  }
} finally {
  rmSync(cacheRoot, { recursive: true, force: true });
}
const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const m = new Map([...times].map(([k, v]) => [k, median(v)]));
console.log(`| configuration | median of ${runs} (s) | runs (s) |`);
console.log('|---|---:|---|');
for (const [name, v] of times) {
  console.log(
    `| ${name} | ${(m.get(name)! / 1000).toFixed(1)} | ${v.map((x) => (x / 1000).toFixed(1)).join(', ')} |`,
  );
}
const ratio = (a: string, b: string) => (m.get(a)! / m.get(b)!).toFixed(2);
console.log(
  `\ncold: ${ratio(configs[0]!.name, configs[1]!.name)}× (target ≤ 3), warm: ${ratio(configs[2]!.name, configs[3]!.name)}× (target ≤ 1.1), typo-only: ${ratio(configs[4]!.name, configs[5]!.name)}×`,
);
