/**
 * Speed of entity.number, entity.amount and entity.date on data/bank-queries.jsonl (385 texts): sentences
 * per CPU-second (wall-clock in brackets), severity 2, one variant, no meaning check, median of 5 windows
 * of whole passes (each ≥ 300 ms of CPU) after a warm-up pass — bench/perturb.ts's method on the bundled
 * question set. Two figures each: `cold`, where every pass brings texts the detector has not memoised
 * (trailing spaces, up to 7, make 8 × 385 distinct texts, more than the memo's 2,048), and `warm`, where
 * the memo answers (what an audit sees when several perturbations, levels and variants ask for one text).
 * typo.keyboard is the yardstick.
 *
 *   npx tsx bench/entity-quantities-speed.ts
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { initPerturbations, perturbExamples } from '../src/perturb/engine.ts';
import { loadRegistry } from '../src/perturb/registry.ts';
import type { PerturbationDefinition } from '../src/types.ts';

const texts = readFileSync(fileURLToPath(new URL('../data/bank-queries.jsonl', import.meta.url)), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => (JSON.parse(l) as { text: string }).text);
const NAMES = ['entity.number', 'entity.amount', 'entity.date', 'typo.keyboard'];
const REPEATS = 5;
const WINDOW_MS = 300;
const median = (xs: number[]): number => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

async function speed(def: PerturbationDefinition, cold: boolean) {
  let pass = 0;
  const run = () => {
    const batch = cold ? texts.map((t, i) => t + ' '.repeat((pass + i) % 8)) : texts;
    pass++;
    return perturbExamples(batch, [def], { seed: 7, severities: [2], variants: 1 });
  };
  let variants = await run();
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let cpuMs = 0;
    let n = 0;
    while (cpuMs < WINDOW_MS) {
      variants = await run();
      n += texts.length;
      const c = process.cpuUsage(c0);
      cpuMs = (c.user + c.system) / 1000;
    }
    cpu.push(n / (cpuMs / 1000));
    wall.push(n / ((performance.now() - t0) / 1000));
  }
  const changed = variants.filter((vs) => vs[0]!.changed).length;
  return { cpu: median(cpu), wall: median(wall), changed };
}

const registry = await loadRegistry();
console.log(`data/bank-queries.jsonl (${texts.length} texts), severity 2, one variant`);
console.log('| perturbation | cold sent/CPU-s (wall) | warm sent/CPU-s (wall) | changed |');
console.log('|---|---:|---:|---:|');
for (const name of NAMES) {
  const def = registry.get(name)!;
  await initPerturbations([def]);
  const cold = await speed(def, true);
  const warm = await speed(def, false);
  const share = ((100 * warm.changed) / texts.length).toFixed(1);
  console.log(
    `| ${name} | ${fmt(cold.cpu)} (${fmt(cold.wall)}) | ${fmt(warm.cpu)} (${fmt(warm.wall)}) | ${share} % |`,
  );
}
