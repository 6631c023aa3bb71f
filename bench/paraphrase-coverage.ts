/**
 * Paraphrase family coverage (issue 11): the share of texts for which at least one paraphrase
 * perturbation other than casing, punctuation and filler (and the model-backed one) produces a
 * changed variant that counts — distinct and kept by the meaning check, as an audit runs it — at severity 2
 * (seed 0, 3 variants; a perturbation without level 2 does not fire there), plus each perturbation's own fire rate and
 * mean edited words per changed variant at severities 1 / 2 / 3.
 *
 *   npx tsx bench/paraphrase-coverage.ts            banking77 + emotion test (../shared/data) and own questions
 *   npx tsx bench/paraphrase-coverage.ts --show paraphrase.reframe [--n 30]   print sample outputs (terminal only)
 *
 * Edited words per edit = the larger of the word counts before and after the edit, so a
 * one-edit rewrite of a whole framing counts all of its words.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initPerturbations, perturbExamples } from '../src/perturb/engine.ts';
import { meaningCheckFrom } from '../src/perturb/meaning/check.ts';
import { openSentenceEncoder } from '../src/perturb/meaning/encoder.ts';
import { loadRegistry } from '../src/perturb/registry.ts';
import { isCounted, type Severity, type Variant } from '../src/types.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SHARED = join(ROOT, '..', 'shared', 'data');
const OWN = 'test/fixtures/own-texts/questions.jsonl';
const ownPath = [join(ROOT, OWN), join(ROOT, '..', 'wt-texts', OWN)].find((p) => existsSync(p));
const DATASETS = [
  { name: 'banking77 test', path: join(SHARED, 'banking77', 'test.jsonl') },
  { name: 'emotion test', path: join(SHARED, 'emotion', 'test.jsonl') },
  ...(ownPath ? [{ name: 'own questions', path: ownPath }] : []),
];
/** Perturbations that change form, not phrasing: they do not count towards coverage. */
const EXCLUDED = new Set(['paraphrase.casing', 'paraphrase.punctuation', 'paraphrase.filler']);

function readTexts(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => (JSON.parse(l) as { text: string }).text);
}

const words = (s: string) => (s.match(/[\p{L}\p{N}'’]+/gu) ?? []).length;
const editedWords = (v: Variant) =>
  v.edits.reduce((n, e) => n + Math.max(1, words(e.before), words(e.after)), 0);

const registry = await loadRegistry();
const defs = registry.list().filter((d) => d.family === 'paraphrase' && !d.needsModel);
await initPerturbations(defs);
const encoder = await openSentenceEncoder();
const meaning = meaningCheckFrom(encoder);
const args = process.argv.slice(2);
const show = args.indexOf('--show');

if (show >= 0) {
  // sanity reading: sample outputs of one perturbation on the dataset texts (never committed)
  const name = args[show + 1];
  const n = Number(args[args.indexOf('--n') + 1] || 30);
  const sev = Number(args[args.indexOf('--sev') + 1] || 2) as Severity;
  const def = defs.find((d) => d.name === name)!;
  for (const ds of DATASETS) {
    const texts = readTexts(ds.path);
    const vs = await perturbExamples(texts, [def], { seed: 0, severities: [sev], variants: 1 });
    const changed = vs.map((v, i) => [texts[i], v[0]!] as const).filter(([, v]) => v.changed);
    const step = Math.max(1, Math.floor(changed.length / n));
    console.log(`## ${ds.name}: ${changed.length}/${texts.length} changed`);
    for (let i = 0; i < changed.length && i / step < n; i += step)
      console.log(`- ${changed[i]![0]}\n  ${changed[i]![1].text}`);
  }
} else {
  for (const ds of DATASETS) {
    const texts = readTexts(ds.path);
    const covered = new Uint8Array(texts.length);
    console.log(`\n## ${ds.name} (${texts.length} texts)`);
    console.log(
      '| perturbation | fires at sev 2 | edited words / changed variant, sev 1 / 2 / 3 | sev 3 ≠ sev 1 |',
    );
    console.log('|---|---:|---|---:|');
    for (const def of defs) {
      const perSev = new Map<Severity, Variant[][]>();
      for (const severity of [1, 2, 3] as Severity[]) {
        perSev.set(
          severity,
          await perturbExamples(texts, [def], { seed: 0, severities: [severity], variants: 3, meaning }),
        );
      }
      const sev2 = perSev.get(2)!;
      let fires = 0;
      sev2.forEach((vs, i) => {
        if (vs.some(isCounted)) {
          fires++;
          if (!EXCLUDED.has(def.name)) covered[i] = 1;
        }
      });
      const means = ([1, 2, 3] as Severity[]).map((s) => {
        const changed = perSev.get(s)!.flat().filter(isCounted);
        return changed.length ? changed.reduce((n, v) => n + editedWords(v), 0) / changed.length : 0;
      });
      let both = 0;
      let differ = 0;
      texts.forEach((_, i) => {
        const a = perSev.get(1)![i]![0];
        const c = perSev.get(3)![i]![0];
        if (a && c && isCounted(a) && isCounted(c)) {
          both++;
          if (a.text !== c.text) differ++;
        }
      });
      const pct = (x: number, n: number) => (n ? `${((100 * x) / n).toFixed(1)} %` : '–');
      console.log(
        `| ${def.name}${EXCLUDED.has(def.name) ? ' (not counted)' : ''} | ${pct(fires, texts.length)} | ${means
          .map((m) => m.toFixed(2))
          .join(' / ')} | ${pct(differ, both)} |`,
      );
    }
    const n = covered.reduce((a, b) => a + b, 0);
    console.log(
      `\n**coverage** (≥ 1 counted paraphrase changes the text at sev 2): ${((100 * n) / texts.length).toFixed(1)} % (${n}/${texts.length})`,
    );
  }
}
await encoder.close();
