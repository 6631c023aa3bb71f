/**
 * Prints the meaning thresholds calibrated on the judged set's calibration part and the held-out
 * evaluation (README, "Meaning check"): per perturbation, the share of kept variants judged same-label
 * and natural, with Wilson 95 % intervals, before and after the check, the share rejected, and the
 * pooled ROC AUC of similarity for "same label".
 *
 *   npx tsx scripts/judged-set/calibrate.ts [--items test/fixtures/judged-variants/items.jsonl]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadRegistry } from '../../src/perturb/registry.ts';
import { calibrate, evaluate, heldOutAuc, type JudgedItem, type Share } from './calibration.ts';

const { values } = parseArgs({
  options: { items: { type: 'string', default: 'test/fixtures/judged-variants/items.jsonl' } },
});
const items = readFileSync(values.items, 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as JudgedItem);
const registry = await loadRegistry();
const exempt = new Set(
  registry
    .list()
    .filter((d) => d.meaning && 'exempt' in d.meaning)
    .map((d) => d.name),
);

const calibrated = calibrate(items);
console.log('## Calibrated thresholds (calibration part)\n');
console.log('| perturbation | threshold | quality target reached | current |');
console.log('|---|---:|---|---:|');
for (const t of calibrated) {
  const def = registry.get(t.perturbation);
  const current = def?.meaning && 'threshold' in def.meaning ? def.meaning.threshold.toFixed(2) : 'exempt';
  console.log(
    `| ${t.perturbation} | ${exempt.has(t.perturbation) ? 'exempt' : t.threshold.toFixed(2)} | ${t.reached ? 'yes' : 'no (rejection cap)'} | ${current} |`,
  );
}

// the evaluation uses the thresholds the perturbations declare (they should equal the calibrated ones)
const declared = new Map<string, number | null>(
  calibrated.map((t) => {
    const m = registry.get(t.perturbation)?.meaning;
    return [t.perturbation, m && 'threshold' in m ? m.threshold : null];
  }),
);
const pct = (s: Share) =>
  `${(s.share * 100).toFixed(1)} % [${(s.ci[0] * 100).toFixed(1)}, ${(s.ci[1] * 100).toFixed(1)}] (${s.k}/${s.n})`;
console.log('\n## Held-out part, with the declared thresholds\n');
console.log(
  '| perturbation | threshold | same label & natural, before | after | same label, after | natural, after | rejected |',
);
console.log('|---|---:|---|---|---|---|---:|');
for (const r of evaluate(items, declared)) {
  console.log(
    `| ${r.perturbation} | ${r.threshold === null ? 'exempt' : r.threshold.toFixed(2)} | ${pct(r.before.good)} | ${pct(r.after.good)} | ${pct(r.after.sameLabel)} | ${pct(r.after.natural)} | ${(r.rejected.share * 100).toFixed(1)} % |`,
  );
}
const auc = heldOutAuc(items, exempt);
console.log(
  `\nHeld-out ROC AUC of similarity for "same label" (checked perturbations pooled): ${auc?.toFixed(3)}`,
);
