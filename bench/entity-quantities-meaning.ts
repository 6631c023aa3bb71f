/**
 * What the meaning check sees of entity.number, entity.amount and entity.date (how their thresholds were
 * set): the cosine similarity (bundled all-MiniLM-L6-v2) of each text and its variants (first draw,
 * variants 0–2, every severity), over data/bank-queries.jsonl, the project's own texts
 * (test/fixtures/own-texts) and the development gold set's sentences. Every such variant is a correct swap
 * by construction (same kind, same format): a threshold must sit below what they score, so it rejects
 * only what the encoder sees as a different text altogether.
 *
 *   npx tsx bench/entity-quantities-meaning.ts
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { perturbText } from '../src/perturb/engine.ts';
import { openMeaningCheck } from '../src/perturb/meaning/check.ts';
import { loadRegistry, severitiesOf } from '../src/perturb/registry.ts';
import { readGold } from './lib/entity-gold.ts';

const VARIANTS = 3;
const jsonl = (path: string): string[] =>
  readFileSync(fileURLToPath(new URL(path, import.meta.url)), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => (JSON.parse(l) as { text: string }).text);

const SETS: Record<string, string[]> = {
  'bank-queries': jsonl('../data/bank-queries.jsonl'),
  'own texts': ['banking', 'feelings', 'questions'].flatMap((f) =>
    jsonl(`../test/fixtures/own-texts/${f}.jsonl`),
  ),
  'gold-dev': readGold(fileURLToPath(new URL('../test/fixtures/entities/gold-dev.txt', import.meta.url))).map(
    (s) => s.text,
  ),
};

const registry = await loadRegistry();
const meaning = await openMeaningCheck();
const quantile = (xs: readonly number[], q: number): number => xs[Math.floor(q * (xs.length - 1))]!;

console.log('perturbation    set            variants   min    p1     p5     median  threshold  below');
for (const name of ['entity.number', 'entity.amount', 'entity.date']) {
  const def = registry.get(name)!;
  const threshold = def.meaning && 'threshold' in def.meaning ? def.meaning.threshold : Number.NaN;
  const lowest: { sim: number; text: string; variant: string }[] = [];
  for (const [set, texts] of Object.entries(SETS)) {
    const sims: number[] = [];
    for (const text of texts) {
      for (const severity of severitiesOf(def)) {
        for (let variant = 0; variant < VARIANTS; variant++) {
          const v = await perturbText(text, def, { seed: 0, severity, variant });
          if (!v.changed) continue;
          const sim = await meaning.similarity(text, v.text);
          sims.push(sim);
          lowest.push({ sim, text, variant: v.text });
        }
      }
    }
    sims.sort((a, b) => a - b);
    const below = sims.filter((s) => s < threshold).length;
    console.log(
      `${name.padEnd(15)} ${set.padEnd(14)} ${String(sims.length).padStart(8)}   ${sims[0]?.toFixed(3) ?? '-'}  ` +
        `${quantile(sims, 0.01).toFixed(3)}  ${quantile(sims, 0.05).toFixed(3)}  ${quantile(sims, 0.5).toFixed(3)}   ` +
        `${threshold.toFixed(2).padStart(9)}  ${below}`,
    );
  }
  lowest.sort((a, b) => a.sim - b.sim);
  for (const l of lowest.slice(0, Number(process.env.LOWEST ?? 4)))
    console.log(`    ${l.sim.toFixed(3)}  ${l.text}  →  ${l.variant}`);
}
await meaning.close();
