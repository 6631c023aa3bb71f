/**
 * What the meaning check would see of `distractor.context` (how its `meaning` policy was chosen): the
 * cosine similarity (bundled all-MiniLM-L6-v2) of each text of data/bank-queries.jsonl and its
 * distractor variants (first draw, variants 0–2, each declared severity), against the same insertions
 * made with sentences that DO bear a label (banking intents, feelings — a lexicon item that drags the
 * text elsewhere), placed by the perturbation itself through a `distractor.sentence` lexicon override.
 * A threshold is only worth declaring if it separates the two.
 *
 *   npx tsx bench/distractor-meaning.ts
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { perturbText } from '../src/perturb/engine.ts';
import { LEXICON_OPTION } from '../src/perturb/lexicon.ts';
import { openMeaningCheck } from '../src/perturb/meaning/check.ts';
import { loadRegistry, severitiesOf } from '../src/perturb/registry.ts';
import type { Severity } from '../src/types.ts';

const DATA = fileURLToPath(new URL('../data/bank-queries.jsonl', import.meta.url));
const VARIANTS = 3;
/** Sentences that carry a label of their own (written for this benchmark): what the lexicon must never hold. */
const LABEL_BEARING = {
  'banking intents': [
    'My card was stolen this morning.',
    'I want to close my account.',
    'The transfer to my landlord has failed.',
    'I was charged twice for the same thing.',
    'My top up is still pending.',
    'The cash machine kept my card.',
  ],
  feelings: [
    'I am furious about this.',
    'I feel so happy today.',
    'I am scared of what comes next.',
    'I miss my family so much.',
    'Honestly I feel hopeless.',
    'What a wonderful surprise.',
  ],
};

const texts = readFileSync(DATA, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => (JSON.parse(l) as { text: string }).text);
const def = (await loadRegistry()).get('distractor.context')!;
const meaning = await openMeaningCheck();

async function similarities(severity: Severity, options: Record<string, unknown> = {}): Promise<number[]> {
  const out: number[] = [];
  for (const text of texts) {
    for (let variant = 0; variant < VARIANTS; variant++) {
      const v = await perturbText(text, def, { seed: 0, severity, variant, options });
      if (v.changed) out.push(await meaning.similarity(text, v.text));
    }
  }
  return out.sort((a, b) => a - b);
}

const quantile = (xs: readonly number[], q: number): number => xs[Math.floor(q * (xs.length - 1))]!;
const row = (name: string, xs: readonly number[]): string =>
  `| ${name} | ${xs.length} | ${xs[0]!.toFixed(3)} | ${quantile(xs, 0.05).toFixed(3)} | ` +
  `${quantile(xs, 0.5).toFixed(3)} | ${quantile(xs, 0.95).toFixed(3)} |`;

const rows: string[] = [];
const bundled: number[] = [];
let bundledAt2: number[] = [];
for (const severity of severitiesOf(def)) {
  const xs = await similarities(severity);
  bundled.push(...xs);
  if (severity === 2) bundledAt2 = xs;
  rows.push(row(`bundled lexicon, severity ${severity}`, xs));
}
const dragging: number[] = [];
for (const [kind, sentences] of Object.entries(LABEL_BEARING)) {
  const xs = await similarities(2, { [LEXICON_OPTION]: { 'distractor.sentence': sentences } });
  dragging.push(...xs);
  rows.push(row(`${kind} (label-bearing), severity 2`, xs));
}
await meaning.close();

bundled.sort((a, b) => a - b);
/** P(an irrelevant addition scores higher than a label-bearing one): 0.5 = the check cannot tell them apart. */
function auc(high: readonly number[], low: readonly number[]): number {
  let wins = 0;
  for (const h of high) for (const l of low) wins += h > l ? 1 : h === l ? 0.5 : 0;
  return wins / (high.length * low.length);
}
const below = (xs: readonly number[], t: number) => xs.filter((x) => x < t).length / xs.length;
const cuts = [0.5, 0.6, 0.7].map(
  (t) =>
    `${t.toFixed(2)}: rejects ${(100 * below(bundled, t)).toFixed(1)} % of bundled, ` +
    `${(100 * below(dragging, t)).toFixed(1)} % of label-bearing`,
);
console.log(
  [
    `data/bank-queries.jsonl (${texts.length} texts), seed 0, variants 0–${VARIANTS - 1}, first draw; cosine similarity of original and variant:`,
    '',
    '| additions | n | min | p5 | median | p95 |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    `Thresholds: ${cuts.join('; ')}.`,
    `ROC AUC of similarity, bundled vs label-bearing sentences at severity 2: ${auc(bundledAt2, dragging).toFixed(3)} ` +
      '(1 = the check would keep every irrelevant addition before any label-bearing one).',
  ].join('\n'),
);
