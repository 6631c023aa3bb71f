/**
 * Entity family coverage and speed (issue 14): for every registered `entity` perturbation, the share of
 * texts for which it produces a changed variant that counts — distinct and kept by the meaning check, as
 * an audit runs it — at severity 2 (seed 0, 3 variants), the share changed at any declared level, the
 * mean edits per counted variant at severity 2, and its speed: sentences per second of one severity-2
 * pass (one variant, no meaning check) with the name detector's per-text memo emptied first, so the
 * detection is timed too (an audit shares it between the entity perturbations: later ones run faster).
 *
 *   npx tsx bench/entity-coverage.ts        data/bank-queries.jsonl, banking77 + emotion test (../shared/data),
 *                                           own questions (test/fixtures/own-texts/questions.jsonl)
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initPerturbations, perturbExamples } from '../src/perturb/engine.ts';
import { clearNameCache } from '../src/perturb/entity/names.ts';
import { meaningCheckFrom } from '../src/perturb/meaning/check.ts';
import { openSentenceEncoder } from '../src/perturb/meaning/encoder.ts';
import { loadRegistry, severitiesOf } from '../src/perturb/registry.ts';
import { isCounted, type Variant } from '../src/types.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SHARED = join(ROOT, '..', 'shared', 'data');
const DATASETS = [
  { name: 'bank-queries', path: join(ROOT, 'data', 'bank-queries.jsonl') },
  { name: 'banking77 test', path: join(SHARED, 'banking77', 'test.jsonl') },
  { name: 'emotion test', path: join(SHARED, 'emotion', 'test.jsonl') },
  { name: 'own questions', path: join(ROOT, 'test', 'fixtures', 'own-texts', 'questions.jsonl') },
].filter((d) => existsSync(d.path));

function readTexts(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => (JSON.parse(l) as { text: string }).text);
}

const registry = await loadRegistry();
const defs = registry.list().filter((d) => d.family === 'entity' && !d.needsModel);
await initPerturbations(defs);
const encoder = await openSentenceEncoder();
const meaning = meaningCheckFrom(encoder);
const pct = (x: number, n: number) => (n ? `${((100 * x) / n).toFixed(1)} %` : '–');

for (const ds of DATASETS) {
  const texts = readTexts(ds.path);
  const anyEntity = new Uint8Array(texts.length);
  console.log(`\n## ${ds.name} (${texts.length} texts)`);
  console.log(
    '| perturbation | changed at sev 2 | changed at any level | edits / counted variant, sev 2 | sentences/s (sev 2, cold) |',
  );
  console.log('|---|---:|---:|---:|---:|');
  for (const def of defs) {
    // warm-up pass (JIT, lazy lists), then the timed one with the detector's memo emptied again
    clearNameCache();
    await perturbExamples(texts, [def], { seed: 1, severities: [2], variants: 1 });
    clearNameCache();
    const t0 = performance.now();
    await perturbExamples(texts, [def], { seed: 0, severities: [2], variants: 1 });
    const speed = texts.length / ((performance.now() - t0) / 1000);
    const bySeverity = new Map<number, Variant[][]>();
    for (const severity of severitiesOf(def)) {
      bySeverity.set(
        severity,
        await perturbExamples(texts, [def], { seed: 0, severities: [severity], variants: 3, meaning }),
      );
    }
    const sev2 = bySeverity.get(2) ?? [];
    let fires = 0;
    let any = 0;
    sev2.forEach((vs, i) => {
      if (vs.some(isCounted)) {
        fires++;
        anyEntity[i] = 1;
      }
    });
    texts.forEach((_, i) => {
      if ([...bySeverity.values()].some((level) => level[i]!.some(isCounted))) any++;
    });
    const counted = sev2.flat().filter(isCounted);
    const edits = counted.length ? counted.reduce((n, v) => n + v.edits.length, 0) / counted.length : 0;
    console.log(
      `| ${def.name} | ${pct(fires, texts.length)} | ${pct(any, texts.length)} | ${edits.toFixed(2)} | ${Math.round(speed).toLocaleString('en')} |`,
    );
  }
  const n = anyEntity.reduce((a, b) => a + b, 0);
  console.log(
    `\n**coverage** (≥ 1 counted entity variant at sev 2): ${pct(n, texts.length)} (${n}/${texts.length})`,
  );
}
await encoder.close();
