/**
 * The attack core (src/attack/*, the attack path of audit): hand-made models whose answers are known,
 * so the searches' choices, budgets, constraints, determinism, batching and caching can be checked
 * exactly. The metrics are checked in attack-measure.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attackWords, resolveAttackPerturbations, textCandidates } from '../src/attack/candidates.ts';
import {
  type AttackPlan,
  type AttackTarget,
  attackExamples,
  checkMaxQueries,
  editBudget,
  maxEditsLabel,
  parseMaxEdits,
} from '../src/attack/run.ts';
import { CANDIDATE_ROUND } from '../src/attack/search.ts';
import { audit } from '../src/audit.ts';
import { createPredictionRunner } from '../src/classify/runner.ts';
import { UsageError } from '../src/errors.ts';
import { initPerturbations } from '../src/perturb/engine.ts';
import type { MeaningCheck } from '../src/perturb/meaning/check.ts';
import { loadRegistry, type PerturbationRegistry } from '../src/perturb/registry.ts';
import type { AttackRecord, AttackSearch, AttackSection, PerturbationDefinition } from '../src/types.ts';
import { createRng } from '../src/util/rng.ts';
import {
  type CountingClassifier,
  countingClassifier,
  countWord,
  lettersOf,
  METRIC_CLASS_COUNTS,
  METRIC_ROWS,
  metricsModel,
  unflippableClassifier,
  vocabularyOf,
  withEdits,
} from './attack-helpers.ts';

let registry: PerturbationRegistry;
/** the natural typo kinds, initialised: the transformations of every test here */
let typos: PerturbationDefinition[];
beforeAll(async () => {
  registry = await loadRegistry();
  typos = resolveAttackPerturbations(registry, 'typo', {});
  await initPerturbations(typos, {});
});

const CORRECT_UNFLIPPED = ['exhausted', 'max-edits', 'max-queries'];

/** The attack section of an attack-only audit (typo transformations, no cache). */
async function attackOnly(
  model: CountingClassifier,
  rows: readonly { id: string; text: string; label: string }[],
  attack: { search?: AttackSearch; maxEdits?: string | number; maxQueries?: number },
  extra: Parameters<typeof audit>[0] = {},
): Promise<AttackSection> {
  const report = await audit({
    model,
    data: rows,
    perturb: [],
    attack: { perturb: 'typo', ...attack },
    cacheDir: null,
    ...extra,
  });
  return report.attack!;
}

describe('greedy search on a model decided by one word', () => {
  // logit(card) − logit(other): ±2 from the exact word "card", plus small per-word weights of the
  // other words (−0.1 … 0.1; at most 0.8 over these texts), so every deletion moves the probability a
  // little and only "card" decides the label
  const weight = (w: string): number => (((w.length * 7 + w.charCodeAt(0)) % 5) - 2) * 0.05;
  const model = (): CountingClassifier =>
    countingClassifier('attack-test:one-word', ['card', 'other'], (text) => [
      (countWord(text, 'card') > 0 ? 2 : -2) +
        lettersOf(text)
          .filter((w) => w !== 'card')
          .reduce((s, w) => s + weight(w), 0),
      0,
    ]);
  const rows = [
    { id: 'w1', text: 'please send the new card to my office today', label: 'card' },
    { id: 'w2', text: 'my replacement card never arrived at home', label: 'card' },
    { id: 'w3', text: 'why was the card declined at the petrol station', label: 'card' },
  ];

  it('ranks the deciding word first, edits it first and flips with one edit', async () => {
    const m = model();
    const seed = 11;
    const section = await attackOnly(m, rows, {}, { seed, batchSize: 10_000 });
    let probes = 0;
    let tried = 0;
    for (const row of rows) {
      // the ranking is not trivial: the other words weigh differently
      expect(new Set(lettersOf(row.text).map(weight)).size).toBeGreaterThanOrEqual(3);
      const rec = section.records.find((r) => r.id === row.id)!;
      const cands = await textCandidates(row.text, typos, { seed, options: {}, meaning: null });
      const card = attackWords(row.text).find((w) => w.text === 'card')!;
      const editable = cands.candidates.filter((c) => c.length > 0).length;
      const onCard = cands.candidates[card.index]!.length;
      expect(onCard).toBeGreaterThan(0);
      expect(rec.outcome).toBe('flipped');
      expect(rec.success).toBe(true);
      expect(rec.edits).toHaveLength(1);
      expect(rec.edits[0]).toMatchObject({
        word: card.index,
        before: 'card',
        from: [card.start, card.end],
        prediction: 'other',
      });
      // one probe per editable word, then the first round of candidates of the first word in the
      // ranking only: every edit of "card" flips, so the search stops after that round
      const firstRound = Math.min(onCard, CANDIDATE_ROUND);
      expect(rec.queries).toBe(editable + firstRound);
      probes += editable;
      tried += firstRound;
    }
    // lockstep: the originals, every deletion probe together, the first candidates of "card" together
    expect(m.batches.map((b) => b.length)).toEqual([rows.length, probes, tried]);
  });
});

describe('a model no budget can flip', () => {
  const rows = [
    { id: 'a1', text: 'I would like to order a second card for my partner', label: 'a' },
    { id: 'a2', text: 'the app keeps logging me out after the update', label: 'a' },
    { id: 'a3', text: 'how can I see my pending payments', label: 'a' },
    { id: 'a4', text: 'please close the savings account I opened last spring', label: 'a' },
    { id: 'a5', text: 'my salary arrived late this month', label: 'a' },
    { id: 'a6', text: 'can I change the currency of my main account', label: 'a' },
    { id: 'b1', text: 'someone else used my card online', label: 'b' },
    { id: 'b2', text: 'what fees apply to cash withdrawals', label: 'b' },
  ];
  const vocabulary = vocabularyOf(rows.map((r) => r.text));
  const cases = (['greedy', 'random'] as const).flatMap((search) =>
    [5, 30].flatMap((maxQueries) => ['1', '50%'].map((maxEdits) => ({ search, maxQueries, maxEdits }))),
  );

  it.each(cases)(
    '$search search, maxQueries $maxQueries, maxEdits $maxEdits: success 0, budgets kept',
    async ({ search, maxQueries, maxEdits }) => {
      const m = unflippableClassifier(`attack-test:constant:${search}`, ['a', 'b'], vocabulary);
      const section = await attackOnly(m, rows, { search, maxQueries, maxEdits });
      expect(section.overall.flipped).toBe(0);
      expect(section.overall.attackSuccessRate.value).toBe(0);
      expect(section.records).toHaveLength(rows.length);
      let queries = 0;
      for (const rec of section.records) {
        const words = lettersOf(rec.text).length;
        expect(rec.maxEdits).toBe(maxEdits === '1' ? 1 : Math.ceil(words / 2));
        expect(rec.edits.length).toBeLessThanOrEqual(rec.maxEdits);
        expect(rec.queries).toBeLessThanOrEqual(maxQueries);
        if (rec.label === 'a') {
          expect(CORRECT_UNFLIPPED).toContain(rec.outcome);
          if (rec.outcome === 'max-queries') expect(rec.queries).toBe(maxQueries);
          // a random walk spends the edit budget; the greedy search holds its last edit for a flip
          if (rec.outcome === 'max-edits')
            expect(rec.edits).toHaveLength(search === 'random' ? rec.maxEdits : rec.maxEdits - 1);
        } else {
          expect(rec).toMatchObject({ outcome: 'misclassified', queries: 0, edits: [] });
        }
        expect(rec.success).toBe(false);
        queries += rec.queries;
      }
      // every search spent model calls (not vacuous) …
      expect(queries).toBeGreaterThan(0);
      // … and the classifier saw at most the originals plus each example's queries
      expect(m.texts).toBeLessThanOrEqual(rows.length + queries);
      expect(m.texts).toBeLessThanOrEqual(rows.length * maxQueries + rows.length);
    },
  );

  it('the greedy ranking takes at most half the query budget: a long text keeps queries for its edits', async () => {
    const m = unflippableClassifier('attack-test:constant:ranking', ['a', 'b'], vocabulary);
    const section = await attackOnly(m, rows, { maxQueries: 6 }, { batchSize: 10_000 });
    const attacked = section.records.filter((r) => r.label === 'a');
    // batch 0: the originals; batch 1: every example's deletion probes, at most 3 each
    expect(m.batches[1]!.length).toBe(attacked.length * 3);
    for (const rec of attacked) expect(rec.queries).toBe(6);
  });

  it('when every edit helps, greedy keeps edits up to the last one of the budget, held back for a flip', async () => {
    const m = unflippableClassifier('attack-test:constant:edits', ['a', 'b'], vocabulary);
    const section = await attackOnly(m, rows, { maxEdits: '50%', maxQueries: 500 });
    for (const rec of section.records.filter((r) => r.label === 'a')) {
      expect(rec.outcome).toBe('max-edits');
      expect(rec.edits).toHaveLength(rec.maxEdits - 1);
      // each kept edit lowered the gold probability
      const probs = [rec.goldProb, ...rec.edits.map((e) => e.goldProb)];
      for (let i = 1; i < probs.length; i++) expect(probs[i]!).toBeLessThan(probs[i - 1]!);
    }
  });
});

describe('greedy search: the last edit of the budget is held for a flip', () => {
  // logit(a) − logit(b): 3 with "alpha" and "delta" as written; losing "alpha" (deleted or misspelt)
  // costs 2 (no flip), a misspelt "delta" costs 4 (a flip), a deleted one nothing — so "alpha" ranks
  // first and only an edit of "delta" flips
  const misspelt = (text: string, word: string): boolean =>
    lettersOf(text).some((w) => w !== word && w.length >= 3 && w.slice(0, 2) === word.slice(0, 2));
  const model = (): CountingClassifier =>
    countingClassifier('attack-test:last-edit', ['a', 'b'], (text) => [
      3 - (countWord(text, 'alpha') > 0 ? 0 : 2) - (misspelt(text, 'delta') ? 4 : 0),
      0,
    ]);
  const rows = [{ id: 'l1', text: 'alpha bravo charlie delta', label: 'a' }];

  it('with one edit allowed, the word that only lowers the gold probability is passed over for one that flips', async () => {
    const rec = (await attackOnly(model(), rows, { maxEdits: 1 })).records[0]!;
    expect(rec.maxEdits).toBe(1);
    expect(rec.outcome).toBe('flipped');
    expect(rec.edits).toHaveLength(1);
    expect(rec.edits[0]!.before).toBe('delta');
  });

  it('with two, the first edit lowers it and the second flips', async () => {
    const rec = (await attackOnly(model(), rows, { maxEdits: 2 })).records[0]!;
    expect(rec.outcome).toBe('flipped');
    expect(rec.edits.map((e) => e.before)).toEqual(['alpha', 'delta']);
  });
});

/** A record without its row number (which follows the input order). */
const rowless = ({ row: _row, ...rest }: AttackRecord): Omit<AttackRecord, 'row'> => rest;
/** A section without its records (which follow the input order). */
const withoutRecords = ({ records: _records, ...rest }: AttackSection): Omit<AttackSection, 'records'> =>
  rest;

describe('determinism and order independence', () => {
  const options = {
    classCounts: { ...METRIC_CLASS_COUNTS },
    buckets: 'thresholds:20,101',
  };
  const shuffled = createRng('attack-test:shuffle').shuffle(METRIC_ROWS);

  it.each(['greedy', 'random'] as const)(
    '%s: same seed, same records; shuffled rows, same record per id and same section',
    async (search) => {
      const attack = { search, maxEdits: 2, maxQueries: 40 };
      const first = await attackOnly(metricsModel(), METRIC_ROWS, attack, { ...options, seed: 5 });
      const again = await attackOnly(metricsModel(), METRIC_ROWS, attack, { ...options, seed: 5 });
      expect(again).toEqual(first);
      expect(shuffled.map((r) => r.id)).not.toEqual(METRIC_ROWS.map((r) => r.id));
      const moved = await attackOnly(metricsModel(), shuffled, attack, { ...options, seed: 5 });
      expect(moved.records.map((r) => r.id)).toEqual(shuffled.map((r) => r.id));
      const byId = new Map(first.records.map((r) => [r.id, rowless(r)]));
      for (const rec of moved.records) expect(rowless(rec)).toEqual(byId.get(rec.id));
      expect(withoutRecords(moved)).toEqual(withoutRecords(first));
    },
  );

  it('random search with another seed takes other paths', async () => {
    const attack = { search: 'random' as const, maxEdits: 2, maxQueries: 40 };
    const one = await attackOnly(metricsModel(), METRIC_ROWS, attack, { ...options, seed: 1 });
    const two = await attackOnly(metricsModel(), METRIC_ROWS, attack, { ...options, seed: 2 });
    const paths = (s: AttackSection) => s.records.map((r) => r.edits.map((e) => [e.word, e.after]));
    expect(paths(two)).not.toEqual(paths(one));
  });
});

describe('constraints', () => {
  const rows = [
    { id: 'p1', text: 'I paid 250 pounds for the card on 3 May', label: 'a' },
    { id: 'p2', text: 'see https://example.com/card/terms for the card rules', label: 'a' },
    { id: 'p3', text: "I did not get the card and I don't know why", label: 'a' },
    { id: 'p4', text: 'the PIN for account ZX-4471 was reset twice', label: 'a' },
  ];
  const protect = [/\bZX-\d+/, /\bcard\b/];
  /** what must stay whole, found independently: numbers, links, negations and the --protect regexes */
  const mustKeep = (text: string): [number, number][] =>
    [/\d+/g, /https?:\/\/\S+/g, /\bnot\b/g, /\b\w+n't\b/g, ...protect.map((re) => new RegExp(re.source, 'g'))]
      .flatMap((re) => [...text.matchAll(re)])
      .map((m) => [m.index!, m.index! + m[0].length]);

  it.each(['greedy', 'random'] as const)(
    '%s: no edit touches a number, link, negation or protected match',
    async (search) => {
      const m = unflippableClassifier(
        `attack-test:protect:${search}`,
        ['a', 'b'],
        vocabularyOf(rows.map((r) => r.text)),
      );
      const section = await attackOnly(m, rows, { search, maxEdits: '100%', maxQueries: 200 }, { protect });
      for (const rec of section.records) {
        // the search did edit (most of) the free words, so the check is not vacuous
        expect(rec.edits.length).toBeGreaterThanOrEqual(2);
        for (const e of rec.edits) {
          expect(rec.text.slice(e.from[0], e.from[1])).toBe(e.before);
          for (const [start, end] of mustKeep(rec.text)) {
            expect(e.from[1] <= start || e.from[0] >= end, `${e.before} → ${e.after} in "${rec.text}"`).toBe(
              true,
            );
          }
        }
        for (const [start, end] of mustKeep(rec.text)) {
          expect(rec.adversarial).toContain(rec.text.slice(start, end));
        }
      }
    },
  );

  it('offers no candidate inside a protected span', async () => {
    for (const { text } of rows) {
      const cands = await textCandidates(text, typos, { seed: 0, protect, options: {}, meaning: null });
      const free = cands.words.filter((w) => cands.candidates[w.index]!.length > 0);
      expect(free.length).toBeGreaterThan(0);
      for (const w of free) {
        for (const [start, end] of mustKeep(text)) expect(w.end <= start || w.start >= end).toBe(true);
      }
    }
  });

  it('does not query a text with nothing to edit (no-candidates)', async () => {
    const m = unflippableClassifier('attack-test:nothing', ['a', 'b'], new Set());
    const targets: AttackTarget[] = ['4471 2290', 'https://example.com/card-terms'].map((text, i) => ({
      id: `n${i}`,
      text,
      label: 'a',
      prediction: 'a',
      goldProb: 0.6,
    }));
    for (const search of ['greedy', 'random'] as const) {
      const records = await attackExamples(targets, createPredictionRunner(m, { cacheDir: null }), {
        search,
        perturbations: typos,
        maxEdits: parseMaxEdits('20%'),
        maxQueries: 50,
        seed: 0,
        options: {},
        meaning: null,
        labels: m.labels,
      });
      for (const rec of records) {
        expect(rec).toMatchObject({
          outcome: 'no-candidates',
          success: false,
          queries: 0,
          edits: [],
          maxEdits: 1,
        });
        expect(rec.adversarial).toBe(rec.text);
      }
      expect(records.map((r) => r.words)).toEqual([0, 5]);
    }
    expect(m.calls).toBe(0);
  });

  it('keeps the meaning check on synonym candidates and on paths of several synonym edits', async () => {
    const spelling = resolveAttackPerturbations(registry, 'synonym.spelling', {});
    await initPerturbations(spelling, {});
    const text = 'my favourite colour is the one my neighbour painted';
    const m = unflippableClassifier('attack-test:meaning', ['a', 'b'], vocabularyOf([text]));
    const p = m.answer(text);
    const target: AttackTarget = { id: 'm1', text, label: 'a', prediction: p.label!, goldProb: p.scores[0]! };
    // similarity falls 0.3 per respelt word; respelling "neighbour" alone already loses the meaning
    const meaning: MeaningCheck = {
      encoder: { id: 'fake', fingerprint: 'fake' },
      async similarity(original, variant) {
        const before = lettersOf(original);
        const changed = lettersOf(variant).filter((w, i) => w !== before[i]);
        return changed.includes('neighbor') ? 0.2 : 1 - 0.3 * changed.length;
      },
      async close() {},
    };
    const run = async (search: AttackSearch, check: MeaningCheck | null) => {
      const [rec] = await attackExamples([target], createPredictionRunner(m, { cacheDir: null }), {
        search,
        perturbations: spelling,
        maxEdits: parseMaxEdits('100%'),
        maxQueries: 50,
        seed: 4,
        options: {},
        meaning: check,
        labels: m.labels,
      });
      return rec!;
    };
    // without the check every respellable word is respelt …
    expect((await run('greedy', null)).edits.map((e) => e.before)).toEqual([
      'favourite',
      'colour',
      'neighbour',
    ]);
    // … with it, one respelling at most (two fall below the 0.5 threshold), never "neighbour"
    for (const search of ['greedy', 'random'] as const) {
      const rec = await run(search, meaning);
      expect(rec.edits.length, search).toBe(1);
      expect(rec.edits[0]!.perturbation).toBe('synonym.spelling');
      expect(rec.edits[0]!.before).not.toBe('neighbour');
    }
  });

  it('rejects paraphrase and entity perturbations in the attack spec', async () => {
    for (const spec of [
      'paraphrase.contraction',
      'entity.person',
      'typo.keyboard,paraphrase.casing',
      'paraphrase',
    ]) {
      expect(() => resolveAttackPerturbations(registry, spec, {})).toThrow(UsageError);
    }
    const m = unflippableClassifier('attack-test:usage', ['a', 'b'], new Set());
    await expect(
      audit({ model: m, data: rows, perturb: [], attack: { perturb: 'entity.person' }, cacheDir: null }),
    ).rejects.toThrow(UsageError);
    expect(m.calls).toBe(0);
  });

  it('selects synthetic typos only by exact name, and by default natural typos and synonyms only', () => {
    const names = (spec?: string) => resolveAttackPerturbations(registry, spec, {}).map((d) => d.name);
    const synthetic = registry.list().filter((d) => d.family === 'typo' && d.tag === 'synthetic');
    expect(synthetic.map((d) => d.name)).toContain('typo.homoglyph');
    const family = names('typo');
    for (const d of synthetic) expect(family).not.toContain(d.name);
    expect(names('typo.homoglyph')).toEqual(['typo.homoglyph']);
    expect(names('typo,typo.homoglyph')).toEqual([...family, 'typo.homoglyph'].sort());

    const defaults = resolveAttackPerturbations(registry, undefined, {});
    for (const d of defaults) {
      expect(['typo', 'synonym']).toContain(d.family);
      expect(d.tag).toBe('natural');
    }
    // every natural typo kind, and synonyms (those that need a model only when one is configured)
    const naturalTypos = registry.list().filter((d) => d.family === 'typo' && d.tag === 'natural');
    expect(defaults.filter((d) => d.family === 'typo')).toEqual(naturalTypos);
    expect(defaults.some((d) => d.family === 'synonym')).toBe(true);
    expect(defaults.map((d) => d.name)).toEqual(names('typo,synonym'));
  });

  it('parses budgets and rounds the edit budget up, at least 1', async () => {
    expect(parseMaxEdits('3')).toEqual({ count: 3 });
    expect(parseMaxEdits(3)).toEqual({ count: 3 });
    expect(parseMaxEdits('20%')).toEqual({ share: 0.2 });
    expect(parseMaxEdits(' 100% ')).toEqual({ share: 1 });
    for (const bad of ['0', '-1', '120%', 'abc', '0%', '2.5', '', '%']) {
      expect(() => parseMaxEdits(bad), bad).toThrow(UsageError);
    }
    expect(maxEditsLabel(parseMaxEdits('20%'))).toBe('20%');
    expect(maxEditsLabel(parseMaxEdits('12.5%'))).toBe('12.5%');
    expect(maxEditsLabel(parseMaxEdits('3'))).toBe('3');

    const fifth = parseMaxEdits('20%');
    expect(editBudget(fifth, 10)).toBe(2); // exactly 2: not pushed to 3 by rounding error
    expect(editBudget(fifth, 11)).toBe(3);
    expect(editBudget(fifth, 7)).toBe(2);
    expect(editBudget(fifth, 3)).toBe(1);
    expect(editBudget(fifth, 0)).toBe(1);
    expect(editBudget(parseMaxEdits('30%'), 10)).toBe(3);
    expect(editBudget(parseMaxEdits('7%'), 100)).toBe(7); // 0.07 × 100 = 7.000000000000001
    expect(editBudget(parseMaxEdits('14%'), 50)).toBe(7);
    expect(editBudget(parseMaxEdits('3'), 1)).toBe(3);

    expect(checkMaxQueries(1)).toBe(1);
    for (const bad of [0, -5, 2.5, Number.NaN]) expect(() => checkMaxQueries(bad)).toThrow(UsageError);
    // a bad budget is refused before the model is called
    const m = unflippableClassifier('attack-test:budget', ['a', 'b'], new Set());
    for (const attack of [{ maxEdits: '0' }, { maxQueries: 0 }]) {
      await expect(
        audit({ model: m, data: rows, perturb: [], attack, cacheDir: null, meaningCheck: false }),
      ).rejects.toThrow(UsageError);
    }
    expect(m.calls).toBe(0);
  });
});

describe('lockstep batching', () => {
  /** The attack targets of the metric rows under `model` (their clean answers). */
  const targets = (model: CountingClassifier): AttackTarget[] =>
    METRIC_ROWS.map((r) => {
      const p = model.answer(r.text);
      return {
        id: r.id,
        text: r.text,
        label: r.label,
        prediction: p.label!,
        goldProb: p.scores[model.labels.indexOf(r.label)]!,
      };
    });
  const plan = (search: AttackSearch, labels: readonly string[]): AttackPlan => ({
    search,
    perturbations: typos,
    maxEdits: parseMaxEdits('50%'),
    maxQueries: 60,
    seed: 9,
    options: {},
    meaning: null,
    labels,
  });

  it.each(['greedy', 'random'] as const)(
    '%s: few large classify calls, the same records as one example at a time',
    async (search) => {
      const together = metricsModel();
      const runner = createPredictionRunner(together, { cacheDir: null, batchSize: 100_000 });
      const records = await attackExamples(targets(together), runner, plan(search, together.labels));
      const queries = records.reduce((s, r) => s + r.queries, 0);

      const aloneCalls: number[] = [];
      for (const [i, t] of targets(together).entries()) {
        const alone = metricsModel();
        const [rec] = await attackExamples(
          [t],
          createPredictionRunner(alone, { cacheDir: null, batchSize: 100_000 }),
          plan(search, alone.labels),
        );
        expect(rec).toEqual(records[i]);
        aloneCalls.push(alone.calls);
      }
      // one call per round: no more than the longest single search needs
      expect(together.calls).toBeLessThanOrEqual(Math.max(...aloneCalls));
      expect(together.calls * 5).toBeLessThan(queries);
      expect(together.texts).toBeLessThanOrEqual(queries);
    },
  );

  it('records, in order, one per example, consistent with the model', async () => {
    const m = metricsModel();
    const records = await attackExamples(
      targets(m),
      createPredictionRunner(m, { cacheDir: null }),
      plan('greedy', m.labels),
    );
    expect(records.map((r) => r.id)).toEqual(METRIC_ROWS.map((r) => r.id));
    for (const rec of records) {
      const gold = m.labels.indexOf(rec.label);
      for (let k = 0; k < rec.edits.length; k++) {
        const answer = m.answer(withEdits(rec.text, rec.edits.slice(0, k + 1)));
        expect(rec.edits[k]!.goldProb).toBe(answer.scores[gold]);
        expect(rec.edits[k]!.prediction).toBe(answer.label);
      }
      expect(rec.adversarial).toBe(withEdits(rec.text, rec.edits));
      const final = m.answer(rec.adversarial);
      expect(rec.finalPrediction).toBe(final.label);
      expect(rec.finalGoldProb).toBe(final.scores[gold]);
      expect(rec.success).toBe(rec.prediction === rec.label && final.label !== rec.label);
    }
  });
});

describe('prediction cache', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tailcheck-attack-cache-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a second identical attack run sends no text to the classifier and gives the same report', async () => {
    const run = async (model: CountingClassifier) =>
      audit({
        model,
        data: METRIC_ROWS,
        perturb: [],
        attack: { perturb: 'typo', maxEdits: 2 },
        cacheDir: dir,
        classCounts: { ...METRIC_CLASS_COUNTS },
        buckets: 'thresholds:20,101',
      });
    const cold = metricsModel('attack-test:cache');
    const first = await run(cold);
    expect(cold.texts).toBeGreaterThan(METRIC_ROWS.length);
    const warm = metricsModel('attack-test:cache');
    const second = await run(warm);
    expect(warm.texts).toBe(0);
    expect(warm.calls).toBe(0);
    expect(second).toEqual(first);
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
  });
});
