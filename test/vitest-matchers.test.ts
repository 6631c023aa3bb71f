import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import '../src/vitest/index.ts';
import { evaluateGate, maxDropGate } from '../src/measure/gates.ts';
import { selectSlices, tailBucket } from '../src/measure/slices.ts';
import { flippedExamples, NoSlicesError, nothingToCheck } from '../src/report/explain.ts';
import type { Classifier, Prediction, Report } from '../src/types.ts';
import { makeReport } from './fixtures/make-report.ts';

/** Runs a synchronous assertion and returns its failure message ('' when it passed). */
function failure(assertion: () => void): string {
  try {
    assertion();
  } catch (err) {
    return (err as Error).message;
  }
  return '';
}

async function asyncFailure(assertion: () => Promise<void>): Promise<string> {
  try {
    await assertion();
  } catch (err) {
    return (err as Error).message;
  }
  return '';
}

const report = makeReport();

describe('slice selection', () => {
  it('checks every result and the pooled summary by default', () => {
    const slices = selectSlices(report);
    expect(slices).toHaveLength(report.results.length + report.summary.length);
    expect(slices.filter((s) => s.pooled)).toHaveLength(report.summary.length);
  });

  it('narrows by family, severity, bucket and class', () => {
    expect(selectSlices(report, { perturbation: 'typo' }).map((s) => s.perturbation)).toEqual([
      'typo.keyboard',
      'typo.keyboard',
    ]);
    const few = selectSlices(report, { bucket: 'few', severity: 2 });
    expect(few.map((s) => [s.perturbation, s.bucket])).toEqual([
      ['typo.keyboard', 'few'],
      ['synonym.wordnet', 'few'],
      ['*', 'few'],
    ]);
    expect(selectSlices(report, { class: 'change_pin', perturbation: 'synonym.wordnet' })).toHaveLength(2);
  });

  it('skips slices without changed variants', () => {
    const r = structuredClone(report);
    r.results[0]!.overall.n = 0;
    expect(selectSlices(r)).toHaveLength(selectSlices(report).length - 1);
  });

  it('names the rarest bucket as the tail', () => {
    expect(tailBucket(report)).toBe('few');
  });

  it('finds right-to-wrong flips of the worst slice', () => {
    const worst = selectSlices(report, { perturbation: 'typo.keyboard', severity: 2 })[0]!;
    const flips = flippedExamples(report, worst);
    expect(flips.map((f) => f.gold)).toEqual(['card_arrival', 'top_up_failed']);
    expect(flips[0]).toMatchObject({
      original: 'my new card still has not arrived after two weeks',
      variant: 'my new cadr still has not arrived after two weeks',
      predicted: 'lost_or_stolen_card',
    });
  });

  it('a filter that matches nothing is an error, not a pass', () => {
    const gate = maxDropGate(0.5, { perturbation: 'typo.missing' });
    // The engine fails a gate with nothing to check; the matchers make it an error naming what exists.
    const outcome = evaluateGate(report, gate);
    expect(outcome).toMatchObject({ passed: false, checks: [], skipped: [] });
    expect(outcome.unevaluated).toHaveLength(1);
    expect(nothingToCheck('toHaveMaxDrop', report, gate)).toBeInstanceOf(NoSlicesError);
    expect(() => expect(report).toHaveMaxDrop(0.5, { perturbation: 'typo.missing' })).toThrow(NoSlicesError);
    expect(() => expect(report).toHaveMaxDrop(0.5, { perturbation: 'typo.missing' })).toThrow(
      /perturbations: typo\.keyboard, synonym\.wordnet/,
    );
  });
});

describe('toHaveMaxDrop', () => {
  const worstDrop = Math.max(...selectSlices(report).map((s) => s.metrics.drop));

  it('passes when every slice is within the bound', () => {
    expect(report).toHaveMaxDrop(worstDrop + 0.001);
    expect(report).toHaveMaxDrop(0.2, { bucket: 'many' });
  });

  it('fails naming the worst slice, its CI, n and flipped examples', () => {
    const message = failure(() => expect(report).toHaveMaxDrop(0.05));
    const typo2 = report.results.find((r) => r.perturbation === 'typo.keyboard' && r.severity === 2)!.overall;
    expect(message).toContain('expected accuracy drop ≤ 0.050');
    expect(message).toContain(
      `worst: typo.keyboard, severity 2: drop ${typo2.drop.toFixed(3)} [${typo2.dropCI![0].toFixed(3)}, ${typo2.dropCI![1].toFixed(3)}]`,
    );
    expect(message).toContain(`n=${typo2.n} changed variants of ${typo2.nExamples} examples`);
    expect(message).toContain(
      '"my new card still has not arrived after two weeks" → "my new cadr still has not arrived after two weeks"  gold card_arrival, predicted lost_or_stolen_card (0.620)',
    );
    expect(message).toMatch(/also out of bounds: .*all perturbations pooled, severity 2/);
  });

  it('fails on a bucket gate with that bucket in the message', () => {
    const message = failure(() => expect(report).toHaveMaxDrop(0.1, { bucket: 'few' }));
    expect(message).toMatch(/worst: typo\.keyboard, severity 2, bucket "few": drop 0\.\d{3} \[/);
    expect(message).toContain('gold top_up_failed, predicted exchange_rate');
  });

  it('.not passes when some slice exceeds the bound and fails when none does', () => {
    expect(report).not.toHaveMaxDrop(0.05);
    const message = failure(() => expect(report).not.toHaveMaxDrop(0.5));
    expect(message).toMatch(
      /expected some slice to drop more than 0\.500, but all 6 are within it; largest: typo\.keyboard/,
    );
  });

  it('says where the examples are when the report has none', () => {
    const bare: Report = { ...makeReport({ examples: false }), examplesFile: 'examples.jsonl' };
    expect(failure(() => expect(bare).toHaveMaxDrop(0.05))).toContain(
      '(no per-example records in the report; see examples.jsonl)',
    );
  });

  it('rejects things that are not reports', () => {
    expect(() => expect({ results: [] }).toHaveMaxDrop(0.1)).toThrow(/not a tailcheck JSON report/);
  });
});

describe('toHaveMinRobustAccuracy', () => {
  it('passes above the bound and fails below it with the lowest slice', () => {
    expect(report).toHaveMinRobustAccuracy(0.5, { bucket: 'many' });
    const few = report.results.find((r) => r.perturbation === 'typo.keyboard' && r.severity === 2)!.buckets
      .few!;
    const message = failure(() => expect(report).toHaveMinRobustAccuracy(0.6, { bucket: 'few' }));
    expect(message).toContain('expected robust accuracy ≥ 0.600');
    expect(message).toContain(
      `worst: typo.keyboard, severity 2, bucket "few": robust accuracy ${few.robustAccuracy.toFixed(3)}`,
    );
    expect(message).toContain('flipped examples (original → variant, gold, predicted)');
  });

  it('works per class', () => {
    const message = failure(() =>
      expect(report).toHaveMinRobustAccuracy(0.9, { class: 'card_arrival', perturbation: 'typo' }),
    );
    expect(message).toMatch(/worst: typo\.keyboard, severity 2, class "card_arrival"/);
    expect(message).toContain('gold card_arrival, predicted lost_or_stolen_card');
    expect(report).not.toHaveMinRobustAccuracy(0.9, { class: 'card_arrival' });
  });
});

describe('toHaveMaxTailGap', () => {
  const pooledGap = Math.max(...report.summary.map((r) => r.headTailGaps.break!.value));

  it('checks the pooled summary by default, on the break-rate gap', () => {
    expect(report).toHaveMaxTailGap(pooledGap + 0.001);
    const message = failure(() => expect(report).toHaveMaxTailGap(pooledGap - 0.001));
    expect(message).toContain(
      `worst: all perturbations pooled, severity 2: head–tail gap (few − many break rate) ${pooledGap.toFixed(3)} [`,
    );
    expect(message).toMatch(
      /break rate by bucket: many 0\.\d{3} \(clean 0\.\d\d\), medium 0\.\d{3} \(clean 0\.\d\d\), few 0\.\d{3} \(clean 0\.\d\d\)/,
    );
    expect(message).toContain('flipped tail examples');
    expect(message).toContain('gold top_up_failed');
  });

  it('takes the metric: the drop gap is checked on drops', () => {
    const dropGap = Math.max(...report.summary.map((r) => r.headTailGaps.drop!.value));
    expect(dropGap).not.toBeCloseTo(pooledGap, 6);
    expect(report).toHaveMaxTailGap(dropGap + 0.001, { metric: 'drop' });
    const message = failure(() => expect(report).toHaveMaxTailGap(dropGap - 0.001, { metric: 'drop' }));
    expect(message).toContain(`head–tail gap (few − many drop) ${dropGap.toFixed(3)} [`);
    expect(message).toMatch(/drop by bucket: many 0\.\d{3} \(clean/);
  });

  it('checks per-perturbation gaps when asked', () => {
    const typoGap = Math.max(
      ...report.results
        .filter((r) => r.perturbation === 'typo.keyboard')
        .map((r) => r.headTailGaps.break!.value),
    );
    expect(typoGap).toBeGreaterThan(pooledGap);
    expect(report).toHaveMaxTailGap(pooledGap + 0.001);
    expect(report).not.toHaveMaxTailGap(pooledGap + 0.001, { perturbation: 'typo' });
    expect(
      failure(() => expect(report).toHaveMaxTailGap(typoGap - 0.001, { perturbation: 'typo' })),
    ).toContain('worst: typo.keyboard, severity 2');
  });

  it('errors when no result has a gap', () => {
    const r = structuredClone(report);
    for (const s of r.summary) s.headTailGaps.break = null;
    expect(() => expect(r).toHaveMaxTailGap(0.1)).toThrow(/fewer than two buckets have data/);
  });

  it('names the buckets a gap compares when the tail bucket has no data, and shows flips of those', () => {
    const r = structuredClone(report);
    const p2 = r.summary.find((s) => s.severity === 2)!;
    p2.headTailGaps.break = { ...p2.headTailGaps.break!, head: 'many', tail: 'medium', value: 0.5 };
    const message = failure(() => expect(r).toHaveMaxTailGap(0.1));
    expect(message).toContain(
      'worst: all perturbations pooled, severity 2: head–tail gap (medium − many break rate) 0.500',
    );
    expect(message).toContain('gold exchange_rate'); // a medium class, not one of the few bucket
  });
});

describe('report schema', () => {
  it('refuses a tailcheck/report@1 report with a pointer to the migration notes', () => {
    const old = { ...structuredClone(report), schema: 'tailcheck/report@1' };
    expect(() => expect(old).toHaveMaxDrop(0.5)).toThrow(TypeError);
    expect(() => expect(old).toHaveMaxDrop(0.5)).toThrow(
      'toHaveMaxDrop: tailcheck/report@1 — re-run the audit with this version (see docs/report-schema.md)',
    );
    expect(() => expect({ results: [] }).toHaveMaxTailGap(0.5)).toThrow(/not a tailcheck JSON report/);
    expect(() => expect(null).toHaveMinRobustAccuracy(0.5)).toThrow(/not a tailcheck JSON report \(object;/);
  });
});

/** Test classifiers: a real model runs in examples/; these make the outcome certain. */
function keywordClassifier(keyword: RegExp, labels: [string, string]): Classifier {
  return {
    labels,
    fingerprint: `keyword:${keyword.source}`,
    id: `keyword ${keyword.source}`,
    async classify(texts: readonly string[]): Promise<Prediction[]> {
      return texts.map((t) =>
        keyword.test(t) ? { label: labels[0], scores: [0.9, 0.1] } : { label: labels[1], scores: [0.2, 0.8] },
      );
    },
  };
}

const texts = [
  'please send my replacement card to the new address',
  'my card payment was declined at the shop',
  'where can I see the card delivery status',
  'the card I ordered last week has not come',
];

describe('toBeInvariantTo', () => {
  it('passes for a classifier typos cannot reach', async () => {
    // Numbers are protected spans: keyboard typos never touch digits.
    const digits = keywordClassifier(/\d/, ['has_number', 'no_number']);
    await expect(digits).toBeInvariantTo('typo.keyboard', [...texts, 'I paid 40 pounds twice'], {
      variants: 2,
    });
  });

  it('fails with the flip rate and the flipped examples', async () => {
    const brittle = keywordClassifier(/\bcard\b/, ['card', 'other']);
    const message = await asyncFailure(() =>
      expect(brittle).toBeInvariantTo('typo.keyboard', texts, { severity: 3, variants: 3 }),
    );
    expect(message).toMatch(
      /expected flip rate ≤ 0\.000 under typo\.keyboard at severity 3, got 0\.\d{3} \(\d+ of \d+ changed variants of 4 texts changed prediction\)/,
    );
    expect(message).toMatch(/"[^"]+" → "[^"]+" {2}card → other \(0\.800\) \[typo\.keyboard\]/);
  });

  it('honours maxFlipRate and .not', async () => {
    const brittle = keywordClassifier(/\bcard\b/, ['card', 'other']);
    await expect(brittle).toBeInvariantTo('typo.keyboard', texts, {
      severity: 3,
      variants: 3,
      maxFlipRate: 1,
    });
    await expect(brittle).not.toBeInvariantTo('typo.keyboard', texts, { severity: 3, variants: 3 });
  });

  it('errors when the perturbation cannot change any text', async () => {
    const digits = keywordClassifier(/\d/, ['has_number', 'no_number']);
    await expect(expect(digits).toBeInvariantTo('typo.keyboard', ['1234', '56'])).rejects.toThrow(
      /could not change any of the 2 texts/,
    );
  });
});

describe('toPassSuite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tailcheck-pass-suite-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, yaml: string) => {
    const file = join(dir, name);
    writeFileSync(file, yaml);
    return file;
  };
  const options = { model: keywordClassifier(/\bcard\b/, ['card', 'other']), cacheDir: null };

  it('passes when every test of the suite file passes', async () => {
    const file = write(
      'ok.yaml',
      "name: ok\ntests:\n  - type: expect\n    texts: ['my card', 'card']\n    label: card\n",
    );
    await expect(file).toPassSuite(options);
  });

  it('fails listing each failing test with its evidence', async () => {
    const file = write(
      'bad.yaml',
      "name: bad\ntests:\n  - type: expect\n    name: cards\n    texts: ['my card', 'my wallet']\n    label: card\n",
    );
    const message = await asyncFailure(() => expect(file).toPassSuite(options));
    expect(message).toContain('expected suite "bad" to pass');
    expect(message).toMatch(/FAIL {2}expect: cards \(\d+\.\d s\)/);
    expect(message).toContain('accuracy 0.500 ≥ 1.000: 1 of 2 classified as card');
    expect(message).toContain('"my wallet" → other (0.800), p(card) 0.200');
    expect(message).toMatch(/FAILED: 0 passed, 1 failed of 1 tests/);
    await expect(file).not.toPassSuite(options);
  });
});
