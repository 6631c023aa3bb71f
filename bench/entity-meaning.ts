/**
 * What the meaning check sees of the entity perturbations (how their thresholds were chosen): the cosine
 * similarity (bundled all-MiniLM-L6-v2) of each text and its changed variants (first draw, variants 0–2,
 * every declared severity) for every registered `entity` perturbation, over data/bank-queries.jsonl and
 * the sentences written for this project that name many entities (the development gold set's plain
 * text, test/fixtures/entities/gold-dev.txt, and test/fixtures/severity-texts.jsonl). A threshold sits
 * below what correct swaps score, so it only drops a variant the encoder reads as another meaning.
 *
 *   npx tsx bench/entity-meaning.ts
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { initPerturbations, perturbText } from '../src/perturb/engine.ts';
import { openMeaningCheck } from '../src/perturb/meaning/check.ts';
import { loadRegistry, severitiesOf } from '../src/perturb/registry.ts';
import { readGold } from './lib/entity-gold.ts';

const VARIANTS = 3;
const path = (p: string) => fileURLToPath(new URL(`../${p}`, import.meta.url));
const jsonlTexts = (p: string) =>
  readFileSync(path(p), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => (JSON.parse(l) as { text: string }).text);
const SETS = [
  { name: 'bank-queries', texts: jsonlTexts('data/bank-queries.jsonl') },
  {
    name: 'own entity texts',
    texts: [
      ...readGold(path('test/fixtures/entities/gold-dev.txt')).map((s) => s.text),
      ...jsonlTexts('test/fixtures/severity-texts.jsonl'),
    ],
  },
];

const defs = (await loadRegistry()).list().filter((d) => d.family === 'entity');
await initPerturbations(defs);
const meaning = await openMeaningCheck();
const quantile = (sorted: readonly number[], q: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : Number.NaN;

console.log(
  '| perturbation | threshold | texts | changed variants | min | 1 % | 5 % | median | below threshold |',
);
console.log('|---|---:|---|---:|---:|---:|---:|---:|---:|');
for (const def of defs) {
  const threshold = def.meaning && 'threshold' in def.meaning ? def.meaning.threshold : undefined;
  for (const set of SETS) {
    const sims: number[] = [];
    let lowest = { sim: 2, text: '', variant: '' };
    for (const text of set.texts) {
      for (const severity of severitiesOf(def)) {
        for (let variant = 0; variant < VARIANTS; variant++) {
          const v = await perturbText(text, def, { seed: 0, severity, variant });
          if (!v.changed) continue;
          const sim = await meaning.similarity(text, v.text);
          sims.push(sim);
          if (sim < lowest.sim) lowest = { sim, text, variant: v.text };
        }
      }
    }
    sims.sort((a, b) => a - b);
    const below = threshold === undefined ? '–' : String(sims.filter((s) => s < threshold).length);
    const f = (x: number) => (Number.isNaN(x) ? '–' : x.toFixed(3));
    console.log(
      `| ${def.name} | ${threshold ?? '–'} | ${set.name} | ${sims.length} | ${f(sims[0] ?? Number.NaN)} | ${f(quantile(sims, 0.01))} | ${f(quantile(sims, 0.05))} | ${f(quantile(sims, 0.5))} | ${below} |`,
    );
    if (process.argv.includes('--lowest') && sims.length) {
      console.log(`  lowest ${lowest.sim}: ${lowest.text}\n    → ${lowest.variant}`);
    }
  }
}
await meaning.close();
