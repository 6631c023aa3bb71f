/**
 * Sharded attacks (issue 15): the shards of `tailcheck attack` / `audit --attack` merge exactly like
 * audits — the merged `attack` section, recomputed from the union of the shards' records, equals the
 * unsharded run's — and `merge` refuses shards that are not parts of one attack. Also the verdict an
 * attack gets, read against the section it summarises.
 */
import { describe, expect, it } from 'vitest';
import { type AuditOptions, audit } from '../src/audit.ts';
import { UsageError } from '../src/errors.ts';
import { mergeReports } from '../src/merge.ts';
import { reportSchemaProblem } from '../src/report/schema.ts';
import type { Report } from '../src/types.ts';
import { keywordClassifier } from './fixtures/suite-classifier.ts';

/** Banking queries written for this test; several mention two intents, so one typo can tip them. */
const TEXTS: [string, string][] = [
  ['When will my new card arrive?', 'card_arrival'],
  ['The card I ordered has not come yet', 'card_arrival'],
  ['Is my card delivered by post or by courier?', 'card_arrival'],
  ['My card was lost in the post and never arrived', 'card_arrival'],
  ['How long until the replacement arrives at my door?', 'card_arrival'],
  ['I want to change the pin, but first my card has to arrive', 'card_arrival'],
  ['Still waiting, nothing came in the mail today', 'card_arrival'],
  ['Has the card been sent out for delivery?', 'card_arrival'],
  ['Someone stole my wallet with all my cards', 'lost_or_stolen_card'],
  ['I lost my card on the train this morning', 'lost_or_stolen_card'],
  ['My card is missing, please block it now', 'lost_or_stolen_card'],
  ['The card was stolen before it could arrive', 'lost_or_stolen_card'],
  ['I think I lost it, or maybe it was stolen', 'lost_or_stolen_card'],
  ['Freeze my account, my purse is missing', 'lost_or_stolen_card'],
  ['Block the card I lost and send a new one', 'lost_or_stolen_card'],
  ['How do I change my pin number?', 'change_pin'],
  ['I forgot my pin and want to change it', 'change_pin'],
  ['Where can I change the pin of my new card?', 'change_pin'],
  ['Can the pin be changed at a cash machine?', 'change_pin'],
  ['Please help me change the pin, it came with a default one', 'change_pin'],
  ['What do I need to reset my pin?', 'change_pin'],
  ['I would like a new pin for my debit card', 'change_pin'],
  ['My card arrived but the pin letter is lost', 'change_pin'],
  ['Change pin', 'change_pin'],
];
const ROWS = TEXTS.map(([text, label], i) => ({ id: `t${String(i + 1).padStart(2, '0')}`, text, label }));
const COUNTS = { card_arrival: 150, lost_or_stolen_card: 40, change_pin: 8 };

/** An attack alone (or, with `perturb`, an audit with an attack) of the rows, with the keyword model. */
function attackRun(extra: Partial<AuditOptions> = {}): Promise<Report> {
  return audit({
    model: keywordClassifier(),
    data: ROWS,
    classCounts: COUNTS,
    perturb: [],
    attack: { perturb: 'typo.keyboard,typo.delete' },
    cacheDir: null,
    ...extra,
  });
}

const shards = (count: number, extra: Partial<AuditOptions> = {}): Promise<Report[]> =>
  Promise.all(
    Array.from({ length: count }, (_, i) => attackRun({ ...extra, shard: { index: i + 1, count } })),
  );

describe('merging the shards of an attack', { timeout: 60_000 }, () => {
  it('the merged attack section equals the unsharded one, for 2 and 3 shards in any order', async () => {
    const whole = await attackRun();
    const attack = whole.attack!;
    // a test that can fail: some examples flip, some resist, some are wrong to begin with
    expect(attack.overall.flipped).toBeGreaterThan(0);
    expect(attack.overall.flipped).toBeLessThan(attack.overall.correct);
    expect(attack.overall.correct).toBeLessThan(ROWS.length);
    expect(attack.records).toHaveLength(ROWS.length);
    expect(attack.buckets).toHaveProperty('few');
    for (const count of [2, 3]) {
      const parts = await shards(count);
      for (const part of parts) {
        expect(part.attack!.records.length).toBeGreaterThan(0);
        expect(part.attack!.records.length).toBeLessThan(ROWS.length);
        expect(part.attack).not.toEqual(attack);
      }
      const merged = await mergeReports(parts);
      expect(merged.attack).toEqual(attack);
      expect(merged.verdict).toBe(whole.verdict);
      expect(reportSchemaProblem(JSON.parse(JSON.stringify(merged)))).toBeNull();
      expect((await mergeReports([...parts].reverse())).attack).toEqual(attack);
    }
  });

  it('audit --attack: the merged report has the unsharded attack section and results', async () => {
    const extra = { perturb: 'typo.keyboard', variants: 1 };
    const whole = await attackRun(extra);
    expect(whole.results.length).toBeGreaterThan(0);
    const merged = await mergeReports(await shards(2, extra));
    expect(merged.attack).toEqual(whole.attack);
    expect(merged.results).toEqual(whole.results);
    expect(merged.verdict).toBe(whole.verdict);
  });

  it('refuses shards of which one has an attack section and one has none', async () => {
    const [one] = await shards(2);
    const { attack: _, ...plain } = (await shards(2))[1]!;
    const merging = mergeReports([one!, plain as Report], { names: ['a.json', 'b.json'] });
    await expect(merging).rejects.toThrow(UsageError);
    await expect(mergeReports([one!, plain as Report], { names: ['a.json', 'b.json'] })).rejects.toThrow(
      'a.json has an attack section and b.json has none',
    );
  });

  it('refuses shards whose attack settings differ', async () => {
    const [one] = await shards(2);
    const [, other] = await shards(2, { attack: { perturb: 'typo.keyboard,typo.delete', maxQueries: 7 } });
    await expect(mergeReports([one!, other!])).rejects.toThrow(/different run .*attack settings/);
  });

  it('refuses an attack section cut short or holding another shard’s records', async () => {
    const [one, two] = await shards(2);
    const cut = structuredClone(two!);
    cut.attack!.records.pop();
    await expect(mergeReports([one!, cut], { names: ['a.json', 'b.json'] })).rejects.toThrow(
      `b.json has ${two!.attack!.records.length} examples but its attack section holds ${two!.attack!.records.length - 1} records`,
    );
    const foreign = structuredClone(two!);
    foreign.attack!.records[0] = one!.attack!.records[0]!;
    await expect(mergeReports([one!, foreign], { names: ['a.json', 'b.json'] })).rejects.toThrow(
      `b.json: its attack section has a record for example "${one!.attack!.records[0]!.id}", which is not one of its examples`,
    );
  });
});

describe('the verdict of a report with an attack', { timeout: 60_000 }, () => {
  const pct = (x: number) => (Math.round(x * 1000) / 10).toFixed(1);

  it('an attack alone: its success rate, edits to flip and the head–tail comparison, read off the section', async () => {
    const { attack, verdict } = await attackRun();
    const o = attack!.overall;
    expect(verdict).not.toContain('No perturbed variants');
    expect(verdict).toContain(
      `Worst-case attack (greedy search, ≤ 20% of the words, ≤ 200 queries): ${o.flipped} of ${o.correct} correctly classified examples flipped (${pct(o.attackSuccessRate.value!)} %`,
    );
    expect(verdict).toContain(`after ${o.editsToFlip.mean.value!.toFixed(2)} words changed on average`);
    expect(verdict).toContain(`% → ${pct(o.accuracyUnderAttack.value!)} % under attack`);
    const gap = attack!.headTailGaps.editsToFlip!;
    expect(gap.tail).toBe('few');
    const mean = (b: string) => attack!.buckets[b]!.editsToFlip.mean.value!.toFixed(2);
    expect(verdict).toContain(`${mean('few')} vs ${mean(gap.head)} words changed on average`);
  });

  it('a budget in words reads as such, and a model nothing can flip says so', async () => {
    const { verdict } = await attackRun({
      attack: { perturb: 'typo.delete', maxEdits: 1, search: 'random' },
    });
    expect(verdict).toMatch(/^Worst-case attack \(random search, ≤ 1 word, ≤ 200 queries\): \d+ of \d+ /);
    const { attack, verdict: none } = await attackRun({
      model: {
        ...keywordClassifier(),
        fingerprint: 'never right',
        classify: async (texts) => texts.map(() => ({ label: 'change_pin', scores: [0, 0, 1] })),
      },
      data: ROWS.filter((r) => r.label !== 'change_pin'),
    });
    expect(attack!.overall.correct).toBe(0);
    expect(none).toMatch(/no example was classified correctly, so none was attacked\.$/);
  });

  it('audit --attack: the audit’s verdict, unchanged, then one sentence on the attack', async () => {
    const extra = { perturb: 'typo.keyboard', variants: 1 };
    const withAttack = await attackRun(extra);
    const plain = await attackRun({ ...extra, attack: undefined });
    expect(plain.attack).toBeUndefined();
    expect(withAttack.verdict.startsWith(`${plain.verdict} Worst-case attack (greedy search`)).toBe(true);
    expect(withAttack.verdict.slice(plain.verdict.length + 1).split('. ').length).toBe(1);
  });
});
