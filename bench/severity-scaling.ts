/**
 * Do severities scale? Per registered perturbation (no model-backed ones) and declared level: mean
 * edits per changed variant (variant 0, seed 0; edited words for the perturbations in WORD_UNIT), and
 * the share of texts where the highest level gives a different text than level 1 (where both change).
 *
 *   npx tsx bench/severity-scaling.ts                        banking77 + emotion test sets (../shared/data)
 *   npx tsx bench/severity-scaling.ts --data a.jsonl,b.jsonl  other JSONL files with a `text` field
 *   npx tsx bench/severity-scaling.ts --only typo            a family, name or comma list
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initPerturbations } from '../src/perturb/engine.ts';
import { loadRegistry } from '../src/perturb/registry.ts';
import { measureScaling } from '../test/severity-scaling.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const arg = (flag: string): string | undefined => {
  const i = process.argv.indexOf(flag);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const files = (
  arg('--data') ?? `${ROOT}../shared/data/banking77/test.jsonl,${ROOT}../shared/data/emotion/test.jsonl`
).split(',');
const registry = await loadRegistry();
const defs = registry.resolve(arg('--only') ?? 'all').filter((d) => !d.needsModel);
await initPerturbations(defs);

const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;
for (const file of files) {
  if (!existsSync(file)) {
    console.error(`missing ${file}`);
    process.exit(2);
  }
  const texts = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => (JSON.parse(l) as { text: string }).text);
  console.log(`\n### ${basename(dirname(file))}/${basename(file)} (${texts.length} texts)\n`);
  console.log('| perturbation | unit | changed 1 / 2 / 3 | mean edits 1 / 2 / 3 | highest ≠ 1 | scales |');
  console.log('|---|---|---:|---:|---:|---|');
  for (const def of defs) {
    const m = await measureScaling(def, texts);
    const changed = [1, 2, 3].map((s) => {
      const l = m.levels.find((x) => x.severity === s);
      return l ? pct(l.changed / texts.length) : '—';
    });
    const means = [1, 2, 3].map((s) => {
      const l = m.levels.find((x) => x.severity === s);
      return l ? l.meanEdits.toFixed(2) : '—';
    });
    const rising = m.levels.every((l, i) => i === 0 || l.meanEdits > m.levels[i - 1]!.meanEdits);
    const differ = m.levels.length > 1 ? (m.bothChanged ? m.differ / m.bothChanged : 0) : null;
    const scales = m.levels.length === 1 ? 'one level' : rising && differ! >= 0.9 ? 'yes' : 'NO';
    console.log(
      `| ${def.name} | ${m.unit} | ${changed.join(' / ')} | ${means.join(' / ')} | ${differ === null ? '—' : pct(differ)} | ${scales} |`,
    );
  }
}
