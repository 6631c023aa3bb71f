/**
 * Start-up of the compiled CLI (issue 13): wall time of whole `tailcheck …` processes, median of 5,
 * against the targets `perturbations` ≤ 0.25 s and `perturb --perturb typo` on one line ≤ 0.35 s.
 *
 *   npm run build && npx tsx bench/startup.ts            dist/ (what an installed package runs)
 *   npx tsx bench/startup.ts --dist .bench-dist          another build (tsc -p tsconfig.build.json --outDir DIR)
 *   npx tsx bench/startup.ts --runs 9
 *
 * Each command runs once to warm the file cache, then `--runs` times. The CLI is spawned as an
 * installed package runs it (`node <dist>/src/cli/main.js …`), and once more through `bin/tailcheck.js`,
 * which in this checkout first checks that dist/ is not older than the sources. CPU time (user + sys,
 * through GNU time when present) is printed beside wall time: on a shared machine wall time includes
 * the time other processes held the cores.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const flag = (name: string): string | undefined => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
};
const DIST = resolve(flag('--dist') ?? join(ROOT, 'dist'));
const RUNS = Number(flag('--runs') ?? 5);
const MAIN = join(DIST, 'src', 'cli', 'main.js');
if (!existsSync(MAIN)) {
  console.error(`no ${MAIN}; run \`npm run build\` first`);
  process.exit(2);
}
const GNU_TIME = ['/usr/bin/time', '/bin/time'].find((p) => existsSync(p));

const scratch = mkdtempSync(join(tmpdir(), 'tailcheck-startup-'));
const oneLine = join(scratch, 'one.jsonl');
writeFileSync(oneLine, `${JSON.stringify({ text: 'Where is my card?' })}\n`);

interface Case {
  name: string;
  /** the command line after `tailcheck` */
  args: string[];
  /** seconds, wall, median */
  target?: number;
}

const CASES: Case[] = [
  { name: 'tailcheck --version', args: ['--version'] },
  { name: 'tailcheck perturbations', args: ['perturbations'], target: 0.25 },
  {
    name: 'tailcheck perturb --perturb typo (1 line)',
    args: ['perturb', '--data', oneLine, '--perturb', 'typo'],
    target: 0.35,
  },
];

interface Timing {
  wall: number;
  cpu: number | undefined;
}

/** One process: wall seconds, and CPU seconds from GNU time's last stderr line. */
function timeOnce(argv: string[]): Timing {
  const [command, args] = GNU_TIME ? [GNU_TIME, ['-f', '%U %S', ...argv]] : [argv[0]!, argv.slice(1)];
  const t0 = performance.now();
  const run = spawnSync(command, args, { encoding: 'utf8', cwd: scratch, maxBuffer: 64 << 20 });
  const wall = (performance.now() - t0) / 1000;
  if (run.status !== 0) {
    throw new Error(`${argv.join(' ')} exited ${run.status ?? run.signal}:\n${run.stderr}`);
  }
  if (run.stdout.trim() === '') throw new Error(`${argv.join(' ')} printed nothing`);
  let cpu: number | undefined;
  if (GNU_TIME) {
    const last = run.stderr.trimEnd().split('\n').at(-1) ?? '';
    const [user, sys] = last.split(' ').map(Number);
    if (Number.isFinite(user) && Number.isFinite(sys)) cpu = user! + sys!;
  }
  return { wall, cpu };
}

const median = (xs: number[]): number => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const seconds = (x: number | undefined): string => (x === undefined ? '–' : x.toFixed(3));

function measure(argv: string[]): { wall: number; cpu: number | undefined; walls: number[] } {
  timeOnce(argv); // warm-up: file cache, not counted
  const timings = Array.from({ length: RUNS }, () => timeOnce(argv));
  const cpus = timings.map((t) => t.cpu).filter((c): c is number => c !== undefined);
  const walls = timings.map((t) => t.wall);
  return { wall: median(walls), cpu: cpus.length === RUNS ? median(cpus) : undefined, walls };
}

try {
  console.log(
    `Node ${process.version}, ${DIST}, median of ${RUNS} runs; load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  const node = measure([process.execPath, '-e', 'console.log(1)']);
  console.log('\n| command | launcher | wall s (median) | CPU s (median) | target | wall s, every run |');
  console.log('|---|---|---:|---:|---:|---|');
  console.log(`| node -e (Node's own start-up) | – | ${seconds(node.wall)} | ${seconds(node.cpu)} | | |`);
  let missed = 0;
  for (const c of CASES) {
    for (const [launcher, entry] of [
      ['dist/src/cli/main.js', MAIN],
      ['bin/tailcheck.js', join(ROOT, 'bin', 'tailcheck.js')],
    ] as const) {
      // bin/ runs ROOT's dist/ only; with --dist elsewhere it would time something else
      if (launcher === 'bin/tailcheck.js' && DIST !== join(ROOT, 'dist')) continue;
      const m = measure([process.execPath, entry, ...c.args]);
      const verdict =
        c.target === undefined ? '' : `${c.target.toFixed(2)} ${m.wall <= c.target ? 'met' : 'MISSED'}`;
      if (c.target !== undefined && launcher !== 'bin/tailcheck.js' && m.wall > c.target) missed++;
      console.log(
        `| ${c.name} | ${launcher} | ${seconds(m.wall)} | ${seconds(m.cpu)} | ${verdict} | ${m.walls.map(seconds).join(', ')} |`,
      );
    }
  }
  console.log(
    `\nload average at the end: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  process.exitCode = missed > 0 ? 1 : 0;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
