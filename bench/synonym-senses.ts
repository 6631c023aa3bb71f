/**
 * Context-aware synonym.wordnet on the BANKING77 and emotion test sets (../shared/data; their text is
 * read here, never written into the repo):
 *   npx tsx bench/synonym-senses.ts [--old <worktree at 798581b>] [--out /work/judging/senses] [--limit N]
 * The new engine runs as an audit runs it (the fan-out with the meaning check); the old one as it ran
 * before the check existed. Prints, per set, the share of texts with a counted severity-1 variant (coverage), substitutions per
 * changed text at severities 1–3, and throughput (texts/s, embeddings per text). With --old it also
 * runs the sense-blind engine of that checkout and writes a blind judging file: 200 random severity-1
 * substitutions (tokens, seeded) per set from each engine, shuffled, without the engine
 * (`items.jsonl`), and the key (`key.json`, id → engine) beside it.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import wordnetSynonym from '../perturbations/synonym/wordnet.ts';
import { initPerturbations, perturbExamples } from '../src/perturb/engine.ts';
import { type MeaningCheck, meaningCheckFrom } from '../src/perturb/meaning/check.ts';
import { openSentenceEncoder } from '../src/perturb/meaning/encoder.ts';
import { severitiesOf } from '../src/perturb/registry.ts';
import { isCounted, type PerturbationDefinition, type Severity } from '../src/types.ts';
import { createRng } from '../src/util/rng.ts';

const { values } = parseArgs({
  options: {
    old: { type: 'string' },
    out: { type: 'string', default: '/work/judging/senses' },
    limit: { type: 'string' },
    seed: { type: 'string', default: '0' },
  },
});
const SETS = ['banking77', 'emotion'] as const;
const SAMPLE = 200;
const seed = Number(values.seed);

function readTexts(set: string): string[] {
  const path = join(import.meta.dirname, '../../shared/data', set, 'test.jsonl');
  const rows = readFileSync(path, 'utf8').trim().split('\n');
  const texts = rows.map((l) => (JSON.parse(l) as { text: string }).text);
  return values.limit ? texts.slice(0, Number(values.limit)) : texts;
}

interface Substitution {
  set: string;
  sentence: string;
  word: string;
  replacement: string;
  variant: string;
}

/**
 * The perturbation as an audit runs it — the one fan-out, with the meaning check when `meaning` is
 * given (re-draws below the threshold, rejected variants not counted) — at every level it declares.
 */
async function run(
  def: PerturbationDefinition,
  texts: string[],
  set: string,
  options: Record<string, unknown>,
  meaning: MeaningCheck | null,
) {
  const subs: Substitution[] = [];
  let changed1 = 0;
  const editsPerChanged: Record<Severity, number[]> = { 1: [], 2: [], 3: [] };
  const severities = severitiesOf(def);
  const t0 = performance.now();
  const out = await perturbExamples(texts, [def], { seed, severities, variants: 1, options, meaning });
  for (const [i, text] of texts.entries()) {
    for (const v of out[i]!) {
      const severity = v.severity;
      if (!isCounted(v)) continue;
      editsPerChanged[severity].push(v.edits.length);
      if (severity !== 1) continue;
      changed1++;
      for (const e of v.edits)
        subs.push({ set, sentence: text, word: e.before, replacement: e.after, variant: v.text });
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  return {
    subs,
    coverage: changed1 / texts.length,
    editsPerChanged: [1, 2, 3].map((s) => mean(editsPerChanged[s as Severity]).toFixed(2)),
    textsPerSecond: texts.length / seconds,
  };
}

const encoder = await openSentenceEncoder();
await initPerturbations([wordnetSynonym], { sentenceEncoder: encoder });
let oldDef: PerturbationDefinition | undefined;
if (values.old) {
  oldDef = (await import(join(values.old, 'perturbations/synonym/wordnet.ts')))
    .default as PerturbationDefinition;
  await initPerturbations([oldDef]);
}

const items: (Substitution & { engine: string })[] = [];
for (const set of SETS) {
  const texts = readTexts(set);
  const before = encoder.computed;
  const fresh = await run(
    wordnetSynonym,
    texts,
    set,
    { sentenceEncoder: encoder },
    meaningCheckFrom(encoder),
  );
  const embeds = (encoder.computed - before) / texts.length;
  console.log(
    `${set} (${texts.length} texts) new: coverage@1 ${(100 * fresh.coverage).toFixed(1)} %, edits per changed variant s1/s2/s3 ${fresh.editsPerChanged.join(' / ')}, ${fresh.textsPerSecond.toFixed(1)} texts/s (3 severities, cold), ${embeds.toFixed(1)} embeddings/text`,
  );
  const rng = createRng(`synonym-senses\u241f${seed}\u241f${set}`);
  for (const s of rng.sample(fresh.subs, Math.min(SAMPLE, fresh.subs.length)))
    items.push({ ...s, engine: 'new' });
  if (oldDef) {
    const old = await run(oldDef, texts, set, {}, null);
    console.log(
      `${set} old: coverage@1 ${(100 * old.coverage).toFixed(1)} %, edits per changed variant ${old.editsPerChanged.join(' / ')}, ${old.textsPerSecond.toFixed(1)} texts/s`,
    );
    for (const s of rng.sample(old.subs, Math.min(SAMPLE, old.subs.length)))
      items.push({ ...s, engine: 'old' });
  }
}

if (oldDef) {
  const shuffled = createRng(`synonym-senses-shuffle\u241f${seed}`).shuffle(items);
  const key: Record<string, string> = {};
  const lines = shuffled.map((item, i) => {
    const id = `s${String(i + 1).padStart(3, '0')}`;
    key[id] = item.engine;
    const { set, sentence, word, replacement, variant } = item;
    return JSON.stringify({ id, set, sentence, word, replacement, variant });
  });
  if (!existsSync(values.out!)) mkdirSync(values.out!, { recursive: true });
  writeFileSync(join(values.out!, 'items.jsonl'), `${lines.join('\n')}\n`);
  writeFileSync(join(values.out!, 'key.json'), `${JSON.stringify(key, null, 1)}\n`);
  console.log(`${lines.length} items → ${join(values.out!, 'items.jsonl')} (key: key.json)`);
}
await encoder.close();
