/**
 * synonym.wordnet micro-benchmark: WordNet index load, lookups/s, tagger speed,
 * synonym sentences/s (severity 2) and substitution quality, on the shared eval sets.
 *   npx tsx bench/wordnet.ts [file.jsonl …]   (default: ../shared/data/{banking77,emotion}/test.jsonl)
 * Rates are given per second of wall time and per second of this process's CPU time:
 * the machine is shared, and CPU time is the steadier figure under load.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import wordnetSynonym from '../perturbations/synonym/wordnet.ts';
import { perturbText } from '../src/perturb/engine.ts';
import { inflect } from '../src/perturb/inflect.ts';
import { PosTagger, tagTokens, wordnetPos } from '../src/perturb/pos.ts';
import { WN_POS, type WnPos, WordNetIndex, wordnetDbPath } from '../src/perturb/wordnet/index.ts';
import type { Variant } from '../src/types.ts';

const WARM_PASSES = 5;

interface Timing {
  wallMs: number;
  cpuMs: number;
}

function time(fn: () => void): Timing {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  fn();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

async function timeAsync(fn: () => Promise<void>): Promise<Timing> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** The least disturbed of several timings (shortest wall and shortest CPU time, separately). */
function best(times: readonly Timing[]): Timing {
  return { wallMs: Math.min(...times.map((t) => t.wallMs)), cpuMs: Math.min(...times.map((t) => t.cpuMs)) };
}

function rate(n: number, t: Timing): string {
  const wall = (n / t.wallMs) * 1000;
  const cpu = (n / t.cpuMs) * 1000;
  return `${Math.round(wall).toLocaleString('en')}/s wall, ${Math.round(cpu).toLocaleString('en')}/s cpu`;
}

function readTexts(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => (JSON.parse(l) as { text: string }).text);
}

/** Lemmas to look up: every lemma of each index file, a fixed stride through it. */
function sampleLemmas(dir: string, perPos: number): { lemma: string; pos: WnPos }[] {
  const out: { lemma: string; pos: WnPos }[] = [];
  const files: Record<WnPos, string> = { n: 'noun', v: 'verb', a: 'adj', r: 'adv' };
  for (const pos of WN_POS) {
    const lines = readFileSync(join(dir, `index.${files[pos]}`), 'latin1')
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('  '));
    const stride = Math.max(1, Math.floor(lines.length / perPos));
    for (let i = 0; i < lines.length && out.length < perPos * (WN_POS.indexOf(pos) + 1); i += stride) {
      out.push({ lemma: lines[i]!.slice(0, lines[i]!.indexOf(' ')), pos });
    }
  }
  return out;
}

// Quality: an independent, conventional English stopword list (not the perturbation's own).
const CONVENTIONAL_STOPWORDS = new Set(
  `i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers
  herself it its itself they them their theirs themselves what which who whom this that these those am is are
  was were be been being have has had having do does did doing a an the and but if or because as until while
  of at by for with about against between into through during before after above below to from up down in out
  on off over under again further then once here there when where why how all any both each few more most other
  some such no nor not only own same so than too very s t can will just don should now d ll m o re ve y ain
  aren couldn didn doesn hadn hasn haven isn ma mightn mustn needn shan shouldn wasn weren won wouldn`.split(
    /\s+/,
  ),
);

interface Quality {
  substitutions: number;
  stopword: number;
  contraction: number;
  posKept: number;
  tagKept: number;
  inflectedOriginals: number;
  inflectionLost: number;
}

function assess(tagger: PosTagger, wn: WordNetIndex, original: string, variant: Variant, q: Quality): void {
  if (variant.edits.length === 0) return;
  const before = tagger.tagText(original);
  const after = tagger.tagText(variant.text);
  const contractionStarts = new Set(
    tagTokens(original)
      .filter((t) => t.contraction)
      .map((t) => t.start),
  );
  for (const edit of variant.edits) {
    q.substitutions++;
    const word = edit.before.toLowerCase();
    if (CONVENTIONAL_STOPWORDS.has(word)) q.stopword++;
    if (contractionStarts.has(edit.from[0]) || /['’]/.test(edit.before)) q.contraction++;
    const old = before.find((t) => t.start === edit.from[0]);
    // the replacement's head word: the first word of a verb phrase, the last of a noun phrase
    const inNew = after.filter((t) => t.start >= edit.to[0] && t.end <= edit.to[1]);
    const oldPos = old ? wordnetPos(old.tag) : null;
    const head = oldPos === 'v' ? inNew[0] : inNew[inNew.length - 1];
    if (old && head && wordnetPos(head.tag) === oldPos) q.posKept++;
    if (old && head && head.tag === old.tag) q.tagKept++;
    // inflection: an inflected original ("cards", "bought") must not become a bare lemma
    // ("card", "buy"): a head that no lemma inflects to for the original's tag
    const pos = oldPos ?? 'n';
    const base = wn.morphBase(word, pos);
    if (old && base && base !== word) {
      q.inflectedOriginals++;
      const words = edit.after.toLowerCase().split(' ');
      const graded = words[0] === 'more' || words[0] === 'most';
      const replacementHead = (pos === 'v' ? words[0] : words.at(-1))!;
      const bare = !wn.baseForms(replacementHead, pos).some((b) => inflect(b, old.tag) === replacementHead);
      if (!graded && bare) q.inflectionLost++;
    }
  }
}

function pct(n: number, d: number): string {
  return d === 0 ? 'n/a' : `${((100 * n) / d).toFixed(1)} %`;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const files =
    args.length > 0
      ? args
      : ['../shared/data/banking77/test.jsonl', '../shared/data/emotion/test.jsonl'].filter((f) =>
          existsSync(f),
        );

  let wn!: WordNetIndex;
  const load = time(() => {
    wn = new WordNetIndex(wordnetDbPath());
  });
  console.log(`WordNet index load: ${load.wallMs.toFixed(0)} ms wall (${load.cpuMs.toFixed(0)} ms cpu)`);

  const lemmas = sampleLemmas(wn.dir, 10_000);
  const cold = time(() => {
    for (const { lemma, pos } of lemmas) wn.lookupSynonyms(lemma, pos, { maxSenses: 2 });
  });
  console.log(`synonym lookups, uncached (${lemmas.length} distinct lemmas): ${rate(lemmas.length, cold)}`);
  const warm = time(() => {
    for (let r = 0; r < 5; r++)
      for (const { lemma, pos } of lemmas) wn.lookupSynonyms(lemma, pos, { maxSenses: 2 });
  });
  console.log(`synonym lookups, cached: ${rate(lemmas.length * 5, warm)}`);
  const morph = time(() => {
    for (const { lemma, pos } of lemmas) wn.morphBase(`${lemma}s`, pos);
  });
  console.log(`morphBase (inflected forms): ${rate(lemmas.length, morph)}`);

  let tagger!: PosTagger;
  const tagLoad = time(() => {
    tagger = new PosTagger();
  });
  console.log(`Brill tagger load: ${tagLoad.wallMs.toFixed(0)} ms wall`);

  const initT = performance.now();
  await wordnetSynonym.init!({});
  console.log(`synonym.wordnet init (shared index + tagger): ${(performance.now() - initT).toFixed(0)} ms`);

  for (const file of files) {
    const texts = readTexts(file);
    console.log(`\n${file}: ${texts.length} texts`);
    const tagTimes: Timing[] = [];
    for (let pass = 0; pass < WARM_PASSES + 1; pass++) {
      const t = time(() => {
        for (const text of texts) tagger.tagText(text);
      });
      if (pass > 0) tagTimes.push(t);
    }
    console.log(`  tagging, warm (best of ${WARM_PASSES}): ${rate(texts.length, best(tagTimes))}`);

    // pass 1 starts with cold WordNet and choice caches; the best of the later passes is the
    // steady state ("warm"). Each pass asks for a new variant index, so no variant is reused.
    let variants: Variant[] = [];
    const warm: Timing[] = [];
    for (let pass = 0; pass < WARM_PASSES + 1; pass++) {
      const out: Variant[] = [];
      // apply is async (it embeds the word's window with the sentence encoder)
      const t = await timeAsync(async () => {
        for (const text of texts) {
          out.push(await perturbText(text, wordnetSynonym, { seed: 1, severity: 2, variant: pass }));
        }
      });
      if (pass === 0) console.log(`  synonym.wordnet severity 2, cold: ${rate(texts.length, t)}`);
      else warm.push(t);
      variants = out;
    }
    console.log(
      `  synonym.wordnet severity 2, warm (best of ${WARM_PASSES}): ${rate(texts.length, best(warm))}`,
    );

    const q: Quality = {
      substitutions: 0,
      stopword: 0,
      contraction: 0,
      posKept: 0,
      tagKept: 0,
      inflectedOriginals: 0,
      inflectionLost: 0,
    };
    for (let i = 0; i < texts.length; i++) assess(tagger, wn, texts[i]!, variants[i]!, q);
    const changed = variants.filter((v) => v.changed).length;
    console.log(`  changed texts: ${pct(changed, texts.length)}; substitutions: ${q.substitutions}`);
    console.log(`  substitutions of stopwords: ${pct(q.stopword, q.substitutions)}`);
    console.log(`  substitutions inside contractions: ${pct(q.contraction, q.substitutions)}`);
    console.log(`  POS kept (n/v/a/r, re-tagged in context): ${pct(q.posKept, q.substitutions)}`);
    console.log(`  Penn tag kept (re-tagged in context): ${pct(q.tagKept, q.substitutions)}`);
    console.log(
      `  inflected originals replaced by a bare lemma: ${pct(q.inflectionLost, q.inflectedOriginals)} of ${q.inflectedOriginals}`,
    );
    const examples = variants.filter((v) => v.changed).slice(0, 5);
    for (const v of examples) console.log(`    ${v.edits.map((e) => `${e.before} → ${e.after}`).join(', ')}`);
  }
}

await main();
