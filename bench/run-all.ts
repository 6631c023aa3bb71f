/**
 * `npm run bench`: runs every benchmark script in this folder, one after another, each in its own
 * process (so one's peak RSS and JIT state cannot colour the next). Benchmarks are discovered, not
 * listed: adding `bench/<name>.ts` is enough.
 *
 *   npm run bench                      all of them, in name order
 *   npm run bench -- perturb measure   only these (names without .ts)
 *
 * Each script's own defaults apply; most read ../shared/data (absent on a fresh clone: the script then
 * says so and exits non-zero, and the run goes on with the next one). Figures go in bench/README.md.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const self = 'run-all';
const available = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && !f.startsWith('_'))
  .map((f) => f.slice(0, -3))
  .filter((name) => name !== self)
  .sort();

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !available.includes(name));
if (unknown.length > 0) {
  process.stderr.write(`unknown benchmark(s): ${unknown.join(', ')}; available: ${available.join(', ')}\n`);
  process.exit(2);
}

const failed: string[] = [];
for (const name of wanted.length > 0 ? wanted : available) {
  process.stdout.write(`\n=== bench/${name}.ts ===\n`);
  const t0 = performance.now();
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL(`${name}.ts`, import.meta.url))],
    {
      stdio: 'inherit',
    },
  );
  const seconds = ((performance.now() - t0) / 1000).toFixed(1);
  const status = run.status ?? `signal ${run.signal}`;
  process.stdout.write(`=== bench/${name}.ts: exit ${status} after ${seconds} s ===\n`);
  if (run.status !== 0) failed.push(name);
}
if (failed.length > 0) {
  process.stderr.write(`\n${failed.length} benchmark(s) failed: ${failed.join(', ')}\n`);
  process.exit(1);
}
