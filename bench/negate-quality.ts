/**
 * directional.negate quality (issue 14, item 4): each sentence of test/fixtures/negation/sentences.jsonl
 * (written for this, with the grammatical negations a reader accepts) negated by the transform (through
 * the engine, as suites run it) and by compromise's sentence-level toNegative/toPositive (the
 * alternative measured against it). Prints the share of outputs in the accepted list and each miss.
 *
 *   npx tsx bench/negate-quality.ts [--fresh] [--misses]
 *
 * sentences.jsonl is the development set (the rules were written against it); fresh.jsonl was written
 * after them and not tuned against: its figure is the one to quote.
 */
import { readFileSync } from 'node:fs';
import nlp from 'compromise';
import { perturbText } from '../src/perturb/engine.ts';
import { findNegations } from '../src/perturb/protect/patterns.ts';
import { loadRegistry } from '../src/perturb/registry.ts';

interface Case {
  text: string;
  ok: string[];
}

const set = process.argv.includes('--fresh') ? 'fresh' : 'sentences';
const cases = readFileSync(new URL(`../test/fixtures/negation/${set}.jsonl`, import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as Case);

const def = (await loadRegistry()).get('directional.negate')!;
const ours = async (text: string): Promise<string> =>
  (await perturbText(text, def, { seed: 0, severity: 1, variant: 0 })).text;
/** compromise: un-negate a negated sentence, negate the others (its own choice of verb). */
const compromise = async (text: string): Promise<string> => {
  const doc = nlp(text);
  return findNegations(text).length > 0
    ? doc.sentences().toPositive().text()
    : doc.sentences().toNegative().text();
};

const showMisses = process.argv.includes('--misses');
for (const [name, negate] of [
  ['directional.negate', ours],
  ['compromise toNegative/toPositive', compromise],
] as const) {
  const t0 = performance.now();
  const misses: string[] = [];
  for (const c of cases) {
    const out = await negate(c.text);
    if (!c.ok.includes(out)) misses.push(`${JSON.stringify(c.text)} → ${JSON.stringify(out)}`);
  }
  const ms = performance.now() - t0;
  const hit = cases.length - misses.length;
  console.log(
    `${name}: ${hit} of ${cases.length} in the accepted list (${((100 * hit) / cases.length).toFixed(1)} %), ${ms.toFixed(0)} ms`,
  );
  if (showMisses) for (const m of misses) console.log(`  ${m}`);
}
