/**
 * A development set for synonym.wordnet's sense and naturalness filter, from our own texts only
 * (test/fixtures/own-texts/): every candidate replacement of every eligible word, with the features
 * the filter may use — its `restored` score in context, the best score at its word, the WordNet sense
 * it comes from, its SemCor uses in that sense, and the SemCor frequency of the word and of the
 * replacement — sampled (seeded) for blind judging.
 *
 *   npx tsx scripts/judged-set/synonym-candidates.ts [--n 480] [--out test/fixtures/synonym-candidates/items.jsonl]
 *                                                    [--sheets DIR --judges 3]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { analyse, restoredScores } from '../../perturbations/synonym/wordnet.ts';
import { openSentenceEncoder } from '../../src/perturb/meaning/encoder.ts';
import { getWordNet } from '../../src/perturb/wordnet/index.ts';
import { createRng } from '../../src/util/rng.ts';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '480' },
    out: { type: 'string', default: 'test/fixtures/synonym-candidates/items.jsonl' },
    sheets: { type: 'string' },
    judges: { type: 'string', default: '3' },
  },
});
const wn = getWordNet();
const encoder = await openSentenceEncoder();
const all: {
  sentence: string;
  word: string;
  replacement: string;
  variant: string;
  restored: number;
  [k: string]: unknown;
}[] = [];
for (const source of ['questions', 'banking', 'feelings']) {
  const lines = readFileSync(`test/fixtures/own-texts/${source}.jsonl`, 'utf8').trim().split('\n');
  for (const line of lines) {
    const { id, text } = JSON.parse(line) as { id: string; text: string };
    for (const site of analyse(text)) {
      const scored = await restoredScores(text, site, encoder);
      const best = Math.max(...scored.map((c) => c.restored));
      for (const c of scored) {
        const lemma = wn.baseForms(c.form.toLowerCase().split(' ')[0]!, site.pos)[0] ?? c.form.toLowerCase();
        all.push({
          textId: id,
          source,
          sentence: text,
          word: site.word,
          replacement: c.form,
          variant: text.slice(0, site.start) + c.form + text.slice(site.end),
          pos: site.pos,
          restored: Math.round(c.restored * 1e4) / 1e4,
          best: Math.round(best * 1e4) / 1e4,
          sense: c.sense,
          uses: c.uses,
          wordFreq: wn.totalTagCount(site.lemma, site.pos),
          replacementFreq: wn.totalTagCount(lemma, site.pos),
        });
      }
    }
  }
}
await encoder.close();
// candidates that restore less than nothing are never used: judge the range a filter could choose in
const usable = all.filter((c) => c.restored >= 0);
const sample = createRng('synonym-candidates\0 7')
  .shuffle(usable)
  .slice(0, Number(values.n))
  .map((c, i) => ({ id: `c${String(i + 1).padStart(4, '0')}`, ...c }));
mkdirSync(join(values.out, '..'), { recursive: true });
writeFileSync(values.out, sample.map((s) => JSON.stringify(s)).join('\n') + '\n');
process.stderr.write(
  `${all.length} candidates, ${usable.length} with restored ≥ 0; ${sample.length} → ${values.out}\n`,
);
if (values.sheets) {
  const judges = Number(values.judges);
  mkdirSync(values.sheets, { recursive: true });
  for (let j = 0; j < judges; j++) {
    const sheet = sample
      .filter((_, i) => i % judges === j)
      .map((s) => ({
        id: s.id,
        sentence: s.sentence,
        word: s.word,
        replacement: s.replacement,
        variant: s.variant,
      }));
    writeFileSync(
      join(values.sheets, `sheet-${j + 1}.jsonl`),
      sheet.map((s) => JSON.stringify(s)).join('\n') + '\n',
    );
  }
}
