/**
 * The judged sample of entity variants (issue 14): variants from every `entity` perturbation (and
 * `distractor.context`) of texts written for this project — the own texts (test/fixtures/own-texts/,
 * labelled) and the development gold sentences (test/fixtures/entities/gold-dev.txt, unlabelled) — drawn
 * as an audit draws them (severity 2, 3 variants, meaning check ON, only counted variants), `--per`
 * sampled per perturbation (seeded), one variant per text. Written without judgments; the judges add
 * `sameLabel` and `natural`. development.jsonl (seed 14, --per 25) was judged first and the rules fixed
 * where it found faults; heldout.jsonl (seed 15, --per 30, texts of the development sample excluded) was
 * drawn after those fixes and judged for the final figure.
 *
 *   npx tsx scripts/judged-set/entity-sample.ts --seed 15 --per 30 --exclude test/fixtures/judged-entities/development.jsonl
 *   npx tsx scripts/judged-set/entity-sample.ts --summary     share judged label-keeping and natural, per perturbation
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { readGold } from '../../bench/lib/entity-gold.ts';
import { wilson } from '../../src/measure/judged.ts';
import { initPerturbations, perturbExamples } from '../../src/perturb/engine.ts';
import { openMeaningCheck } from '../../src/perturb/meaning/check.ts';
import { loadRegistry } from '../../src/perturb/registry.ts';
import { isCounted } from '../../src/types.ts';
import { createRng } from '../../src/util/rng.ts';

const { values } = parseArgs({
  options: {
    per: { type: 'string', default: '30' },
    seed: { type: 'string', default: '14' },
    out: { type: 'string', default: 'test/fixtures/judged-entities/heldout.jsonl' },
    summary: { type: 'boolean', default: false },
    exclude: { type: 'string' },
  },
});

interface Source {
  id: string;
  text: string;
  label: string | null;
}

interface Item {
  id: string;
  textId: string;
  label: string | null;
  original: string;
  variant: string;
  perturbation: string;
  severity: number;
  similarity: number | null;
  sameLabel?: boolean;
  natural?: boolean;
  note?: string;
}

if (values.summary) {
  const items = readFileSync(values.out, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Item);
  const judged = items.filter((i) => i.sameLabel !== undefined && i.natural !== undefined);
  const row = (name: string, xs: Item[]): string => {
    const ok = xs.filter((i) => i.sameLabel && i.natural).length;
    const [lo, hi] = wilson(ok, xs.length);
    const label = xs.filter((i) => i.sameLabel).length;
    const natural = xs.filter((i) => i.natural).length;
    return `${name.padEnd(22)} ${String(xs.length).padStart(4)}  both ${((100 * ok) / xs.length).toFixed(1)} % [${(100 * lo).toFixed(1)}, ${(100 * hi).toFixed(1)}]  label ${label}/${xs.length}  natural ${natural}/${xs.length}`;
  };
  const names = [...new Set(judged.map((i) => i.perturbation))].sort();
  for (const name of names)
    console.log(
      row(
        name,
        judged.filter((i) => i.perturbation === name),
      ),
    );
  console.log(
    row(
      'all entity',
      judged.filter((i) => i.perturbation.startsWith('entity.')),
    ),
  );
  if (judged.length < items.length) console.log(`${items.length - judged.length} items not judged yet`);
  process.exit(0);
}

const per = Number(values.per);
const seed = Number(values.seed);
const sources: Source[] = [];
for (const name of ['banking', 'feelings', 'questions']) {
  for (const line of readFileSync(`test/fixtures/own-texts/${name}.jsonl`, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const r = JSON.parse(line) as { id: string; text: string; label: string };
    sources.push({ id: r.id, text: r.text, label: r.label });
  }
}
for (const s of readGold('test/fixtures/entities/gold-dev.txt')) {
  sources.push({ id: `gold-dev-${s.line}`, text: s.text, label: null });
}

if (values.exclude) {
  const used = new Set(
    readFileSync(values.exclude, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as Item).textId),
  );
  sources.splice(0, sources.length, ...sources.filter((s) => !used.has(s.id)));
}

const registry = await loadRegistry();
const defs = registry.list().filter((d) => d.family === 'entity' || d.name === 'distractor.context');
await initPerturbations(defs);
const meaning = await openMeaningCheck();
const items: Item[] = [];
for (const def of defs) {
  const variants = await perturbExamples(
    sources.map((s) => s.text),
    [def],
    { seed, severities: [2], variants: 3, meaning },
  );
  const pool = sources.flatMap((s, i) => variants[i]!.filter(isCounted).map((v) => ({ s, v })));
  // one variant per text at most, so the sample spreads over texts
  const seen = new Set<string>();
  const picked = createRng(`entity-judged ${seed} ${def.name}`)
    .shuffle(pool)
    .filter(({ s }) => !seen.has(s.id) && seen.add(s.id) !== undefined)
    .slice(0, per);
  for (const { s, v } of picked) {
    items.push({
      id: '',
      textId: s.id,
      label: s.label,
      original: s.text,
      variant: v.text,
      perturbation: def.name,
      severity: v.severity,
      similarity: v.similarity ?? null,
    });
  }
  console.log(`${def.name}: ${pool.length} counted variants, ${Math.min(per, seen.size)} sampled`);
}
await meaning.close();
items.forEach((item, i) => {
  item.id = `e${String(i + 1).padStart(4, '0')}`;
});
const dir = values.out.replace(/\/[^/]+$/, '');
if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
writeFileSync(values.out, `${items.map((i) => JSON.stringify(i)).join('\n')}\n`);
console.log(`${items.length} items → ${values.out}`);
