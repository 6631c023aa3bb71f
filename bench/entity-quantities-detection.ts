/**
 * Detection of amounts, dates and numbers (src/perturb/entity/quantities.ts) against the gold entity
 * sets: precision, recall and F1 per kind by exact span match (bench/lib/entity-gold.ts), and the
 * detector's speed in sentences/s.
 *
 *   npx tsx bench/entity-quantities-detection.ts                 development set (tune on this one only)
 *   npx tsx bench/entity-quantities-detection.ts --errors        … and every missed or spurious span
 *   npx tsx bench/entity-quantities-detection.ts --set dev2      second development set (quantities in chat,
 *                                                                support, travel, shopping; tune on it too)
 *   npx tsx bench/entity-quantities-detection.ts --set fresh     held-out set: measure once, never tune
 *   npx tsx bench/entity-quantities-detection.ts --finder wink   wink-nlp's entities instead (the baseline)
 */
import { fileURLToPath } from 'node:url';
import model from 'wink-eng-lite-web-model';
import winkNLP, { type ItemEntity, type ItemToken } from 'wink-nlp';
import { detectQuantities, findQuantities } from '../src/perturb/entity/quantities.ts';
import type { EntityKind, EntitySpan } from '../src/perturb/entity/spans.ts';
import { readGold, scoreDetection } from './lib/entity-gold.ts';

const KINDS: readonly EntityKind[] = ['number', 'amount', 'date'];
const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const set = option('--set', 'dev');
const finderName = option('--finder', 'rules');
if (!['dev', 'dev2', 'fresh', 'fresh2'].includes(set) || !['rules', 'wink'].includes(finderName)) {
  console.error(
    'usage: entity-quantities-detection.ts [--set dev|dev2|fresh|fresh2] [--finder rules|wink] [--errors]',
  );
  process.exit(2);
}

/** wink-nlp's entity types mapped onto ours; DURATION and the rest are no kind of ours. */
function winkFinder(): (text: string) => EntitySpan[] {
  const nlp = winkNLP(model);
  const its = nlp.its;
  const kindOf: Record<string, EntityKind> = {
    MONEY: 'amount',
    DATE: 'date',
    TIME: 'date',
    CARDINAL: 'number',
    ORDINAL: 'number',
  };
  return (text) => {
    const doc = nlp.readDoc(text);
    // character offsets of the tokens: wink keeps each token's preceding spaces
    const starts: number[] = [];
    const ends: number[] = [];
    let offset = 0;
    doc.tokens().each((t: ItemToken) => {
      offset += (t.out(its.precedingSpaces) as string).length;
      starts.push(offset);
      offset += (t.out() as string).length;
      ends.push(offset);
    });
    const out: EntitySpan[] = [];
    doc.entities().each((e: ItemEntity) => {
      const kind = kindOf[e.out(its.type) as string];
      if (!kind) return;
      const [first, last] = e.out(its.span) as unknown as [number, number];
      const start = starts[first]!;
      const end = ends[last]!;
      out.push({ kind, start, end, text: text.slice(start, end) });
    });
    return out;
  };
}

const finder = finderName === 'wink' ? winkFinder() : findQuantities;
// the speed loop measures detection itself, not the memo
const uncached = finderName === 'wink' ? finder : detectQuantities;
const path = fileURLToPath(new URL(`../test/fixtures/entities/gold-${set}.txt`, import.meta.url));
const gold = readGold(path);
const { scores, errors } = scoreDetection(gold, finder, KINDS);

console.log(`${finderName} on gold-${set}.txt (${gold.length} sentences), exact span match`);
console.log('kind      gold  found    tp   precision  recall   F1');
for (const s of scores) {
  console.log(
    `${s.kind.padEnd(8)} ${String(s.tp + s.fn).padStart(5)} ${String(s.tp + s.fp).padStart(6)} ${String(s.tp).padStart(5)}` +
      `   ${s.precision.toFixed(3).padStart(9)} ${s.recall.toFixed(3).padStart(7)} ${s.f1.toFixed(3).padStart(6)}`,
  );
}

if (args.includes('--errors')) {
  console.log(`\n${errors.length} errors:`);
  for (const e of errors) console.log(`  line ${e.line} ${e.error} ${e.kind} "${e.span}"  | ${e.text}`);
}

// Speed: whole passes over the set's texts for at least a second, detection without the memo.
const texts = gold.map((s) => s.text);
const t0 = performance.now();
let n = 0;
while (performance.now() - t0 < 1000) {
  for (const t of texts) {
    uncached(t);
    n++;
  }
}
console.log(`\nspeed: ${Math.round(n / ((performance.now() - t0) / 1000)).toLocaleString('en')} sentences/s`);
