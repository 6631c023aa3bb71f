/**
 * Builds the items of the meaning check's judged set (test/fixtures/judged-variants/): variants of our
 * own texts (test/fixtures/own-texts/, never dataset text) from every synonym and paraphrase
 * perturbation that runs without a model, at every severity it declares, drawn with the meaning
 * check OFF (so the set holds the variants the check must learn to reject too), each with the
 * similarity the bundled encoder gives it.
 *
 *   npx tsx scripts/judged-set/generate.ts [--per 150] [--out test/fixtures/judged-variants/items.jsonl]
 *                                          [--sheets /work/judging/meaning --judges 6]
 *
 * Per perturbation, `--per` (default 150) items are sampled (seeded) from all its counted variants, spread evenly over
 * its severities and the three text files. Each item's split — `calibration` (40 %) or `heldout` (60 %) — is decided
 * by a hash of its source text id, so every variant of one text lands in the same part. With `--sheets`,
 * blind judging sheets are written too: the items shuffled, without perturbation, severity or
 * similarity, cut into `--judges` files.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readExamples } from '../../src/data/load.ts';
import { initPerturbations, perturbExamples } from '../../src/perturb/engine.ts';
import { openMeaningCheck } from '../../src/perturb/meaning/check.ts';
import { loadRegistry, severitiesOf } from '../../src/perturb/registry.ts';
import { type Example, isCounted } from '../../src/types.ts';
import { createRng } from '../../src/util/rng.ts';
import type { JudgedItem } from './calibration.ts';

const { values } = parseArgs({
  options: {
    per: { type: 'string', default: '150' },
    out: { type: 'string', default: 'test/fixtures/judged-variants/items.jsonl' },
    sheets: { type: 'string' },
    judges: { type: 'string', default: '6' },
    seed: { type: 'string', default: '11' },
  },
});
const per = Number(values.per);
const seed = Number(values.seed);
const SOURCES = ['questions', 'banking', 'feelings'] as const;

/** An item before it is judged. */
type GeneratedItem = Omit<JudgedItem, 'sameLabel' | 'natural'>;

function splitOf(textId: string): GeneratedItem['split'] {
  const h = createHash('sha256').update(`judged-set\0${textId}`).digest();
  // 40 % calibration, 60 % held out: the held-out part must keep ≥ 50 variants per perturbation
  return h[0]! % 5 < 2 ? 'calibration' : 'heldout';
}

const registry = await loadRegistry();
const defs = registry
  .list()
  .filter((d) => (d.family === 'synonym' || d.family === 'paraphrase') && !d.needsModel);
await initPerturbations(defs, {});
const meaning = await openMeaningCheck();

const texts: Record<string, Example[]> = {};
for (const source of SOURCES) {
  texts[source] = [];
  for await (const ex of readExamples(`test/fixtures/own-texts/${source}.jsonl`)) texts[source].push(ex);
}

const items: GeneratedItem[] = [];
for (const def of defs) {
  const severities = severitiesOf(def);
  // candidates per (severity, source), then an even round-robin sample
  const pools = new Map<string, Omit<GeneratedItem, 'id' | 'similarity'>[]>();
  for (const source of SOURCES) {
    const exs = texts[source]!;
    const variants = await perturbExamples(
      exs.map((e) => e.text),
      [def],
      { seed, severities, variants: 3 },
    );
    for (const [i, ex] of exs.entries()) {
      for (const v of variants[i]!) {
        if (!isCounted(v)) continue;
        const key = `${v.severity}/${source}`;
        const pool = pools.get(key) ?? [];
        pool.push({
          source,
          textId: ex.id,
          label: ex.label!,
          original: ex.text,
          variant: v.text,
          perturbation: def.name,
          severity: v.severity,
          split: splitOf(ex.id),
        });
        pools.set(key, pool);
      }
    }
  }
  const rng = createRng(`judged-set\0${seed}\0${def.name}`);
  const shuffled = [...pools.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([, pool]) => rng.shuffle(pool));
  const picked: Omit<GeneratedItem, 'id' | 'similarity'>[] = [];
  // First one variant per source text and severity, so no text dominates a perturbation's sample; a
  // perturbation that fires on few texts then takes their other (distinct) variants too.
  for (const perText of [1, 3]) {
    const usedTexts = new Map<string, number>();
    for (const item of picked) {
      const key = `${item.textId}/${item.severity}`;
      usedTexts.set(key, (usedTexts.get(key) ?? 0) + 1);
    }
    const left = shuffled.map((pool) => pool.filter((i) => !picked.includes(i)));
    while (picked.length < per && left.some((p) => p.length > 0)) {
      for (const pool of left) {
        while (pool.length > 0 && picked.length < per) {
          const item = pool.shift()!;
          const key = `${item.textId}/${item.severity}`;
          if ((usedTexts.get(key) ?? 0) >= perText) continue;
          usedTexts.set(key, (usedTexts.get(key) ?? 0) + 1);
          picked.push(item);
          break;
        }
      }
    }
  }
  for (const item of picked) {
    const similarity = await meaning.similarity(item.original, item.variant);
    items.push({ id: '', ...item, similarity });
  }
  process.stderr.write(`${def.name}: ${picked.length} items (severities ${severities.join(',')})\n`);
}
await meaning.close();

items.forEach((item, i) => {
  item.id = `j${String(i + 1).padStart(4, '0')}`;
});
mkdirSync(join(values.out, '..'), { recursive: true });
writeFileSync(values.out, items.map((i) => JSON.stringify(i)).join('\n') + '\n');
process.stderr.write(`${items.length} items → ${values.out}\n`);

if (values.sheets) {
  const judges = Number(values.judges);
  mkdirSync(values.sheets, { recursive: true });
  const blind = createRng(`judged-set-sheets\0${seed}`).shuffle(items);
  for (let j = 0; j < judges; j++) {
    const sheet = blind
      .filter((_, i) => i % judges === j)
      .map((i) => ({ id: i.id, task: i.source, label: i.label, original: i.original, variant: i.variant }));
    writeFileSync(
      join(values.sheets, `sheet-${j + 1}.jsonl`),
      sheet.map((s) => JSON.stringify(s)).join('\n') + '\n',
    );
  }
  process.stderr.write(`${judges} blind sheets → ${values.sheets}\n`);
}
