/**
 * Entity detection against the gold sets (test/fixtures/entities/): precision, recall and F1 per kind,
 * exact span match (bench/lib/entity-gold.ts), and the speed of the detectors on the same sentences.
 * Only the kinds some finder below reports are scored.
 *
 *   npx tsx bench/entity-detection.ts                 development set (gold-dev.txt: tune on this one)
 *   npx tsx bench/entity-detection.ts --set dev2      second development set (gold-dev2.txt, quantities)
 *   npx tsx bench/entity-detection.ts --set fresh     held-out set (gold-fresh.txt: measure only, never tune)
 *   npx tsx bench/entity-detection.ts --set fresh2    second held-out set (gold-fresh2.txt, written after
 *                                                     the first was scored once: the final figures)
 *   npx tsx bench/entity-detection.ts --errors        also list every missed and spurious span
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findNames } from '../src/perturb/entity/names.ts';
import { findQuantities } from '../src/perturb/entity/quantities.ts';
import type { EntityKind, EntitySpan } from '../src/perturb/entity/spans.ts';
import { readGold, scoreDetection } from './lib/entity-gold.ts';

/** Each finder with the kinds it reports; a new finder joins by one line here. */
const FINDERS: readonly { find: (text: string) => EntitySpan[]; kinds: readonly EntityKind[] }[] = [
  { find: findNames, kinds: ['person', 'location', 'organization'] },
  { find: findQuantities, kinds: ['number', 'amount', 'date'] },
];

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const setName = args.includes('--set') ? args[args.indexOf('--set') + 1] : 'dev';
if (!['dev', 'dev2', 'fresh', 'fresh2'].includes(setName ?? '')) {
  console.error('--set dev | dev2 | fresh | fresh2');
  process.exit(2);
}
const gold = readGold(join(ROOT, 'test', 'fixtures', 'entities', `gold-${setName}.txt`));
const kinds = FINDERS.flatMap((f) => f.kinds);
const detect = (text: string): EntitySpan[] => FINDERS.flatMap((f) => f.find(text));

const t0 = performance.now();
for (const s of gold) detect(s.text);
const ms = performance.now() - t0;
const { scores, errors } = scoreDetection(gold, detect, kinds);

console.log(
  `gold-${setName}.txt: ${gold.length} sentences; first pass ${ms.toFixed(0)} ms (${((1000 * gold.length) / ms).toFixed(0)} sentences/s, memoised after)`,
);
console.log('| kind | gold | found | tp | precision | recall | F1 |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const s of scores) {
  console.log(
    `| ${s.kind} | ${s.tp + s.fn} | ${s.tp + s.fp} | ${s.tp} | ${s.precision.toFixed(3)} | ${s.recall.toFixed(3)} | ${s.f1.toFixed(3)} |`,
  );
}
if (args.includes('--errors')) {
  for (const e of errors)
    console.log(
      `${e.error.padEnd(8)} ${e.kind.padEnd(12)} ${JSON.stringify(e.span).padEnd(22)} line ${e.line}: ${e.text}`,
    );
}
