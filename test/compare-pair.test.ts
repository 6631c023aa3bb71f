import { describe, expect, it } from 'vitest';
import { compareReports } from '../src/compare/index.ts';
import { comparabilityProblems, overlapOf, type PairedExample, pairRecords } from '../src/compare/pair.ts';
import type { ExampleRecord } from '../src/types.ts';
import { example, pairReport } from './fixtures/compare/make-pair.ts';

async function pairAll(base: ExampleRecord[], head: ExampleRecord[]) {
  const pairs: PairedExample[] = [];
  const counts = await pairRecords(base, head, (p) => pairs.push(p));
  return { pairs, counts };
}

describe('comparabilityProblems', () => {
  const base = pairReport([example('e1', 'A', 'A', [['typo.swap', 1, 0, 'x', 'A']])]).config;

  it('accepts a different model, shard and bootstrap, and the same data file in another folder', () => {
    const head = {
      ...base,
      data: { ...base.data, path: '/checkout/pr/data/set.jsonl' },
      model: { id: 'other', fingerprint: 'fp-other', labels: ['A', 'B'] },
      shard: { index: 0, count: 2 },
      bootstrap: { resamples: 2000, confidence: 0.9 },
    };
    expect(comparabilityProblems(base, head)).toEqual([]);
  });

  it('names every difference of data, fields, seed, perturbations, severities and variants', () => {
    const head = {
      ...base,
      data: { ...base.data, path: '/data/other.jsonl', textField: 'body', labelField: 'intent' },
      seed: 8,
      perturbations: ['typo.ocr'],
      severities: [1, 2] as (1 | 2 | 3)[],
      variants: 3,
    };
    const problems = comparabilityProblems(base, head);
    expect(problems).toEqual([
      'data file differs (BASE "set.jsonl", HEAD "other.jsonl")',
      'text field differs (BASE "text", HEAD "body")',
      'label field differs (BASE "label", HEAD "intent")',
      'seed differs (BASE 7, HEAD 8)',
      'perturbations differ (only BASE has typo.swap; only HEAD has typo.ocr)',
      'severities differ (BASE [1], HEAD [1,2])',
      'variants per text differs (BASE 2, HEAD 3)',
    ]);
  });

  it('treats perturbation and severity lists as sets', () => {
    const two = { ...base, perturbations: ['typo.swap', 'typo.ocr'], severities: [2, 1] as (1 | 2 | 3)[] };
    const swapped = {
      ...base,
      perturbations: ['typo.ocr', 'typo.swap'],
      severities: [1, 2] as (1 | 2 | 3)[],
    };
    expect(comparabilityProblems(two, swapped)).toEqual([]);
  });
});

describe('pairRecords', () => {
  it('pairs per (id, perturbation, severity, variant) whatever the order, only when counted in both', async () => {
    const base = [
      example('e1', 'A', 'A', [
        ['typo.swap', 1, 0, 'v0', 'A'],
        ['typo.swap', 1, 1, 'v1', 'B'],
        ['typo.ocr', 1, 0, 'o0', 'A'],
        ['typo.ocr', 1, 1, 'o1', 'A', { dropped: 'duplicate' }],
      ]),
    ];
    const head = [
      example('e1', 'A', 'B', [
        ['typo.ocr', 1, 1, 'o1', 'A'],
        ['typo.ocr', 1, 0, 'o0', 'B'],
        ['typo.swap', 1, 1, 'v1', 'A'],
        ['typo.swap', 1, 0, 'v0', 'A'],
      ]),
    ];
    const { pairs, counts } = await pairAll(base, head);
    expect(counts).toMatchObject({
      sharedExamples: 1,
      pairedVariants: 3,
      countedInOneOnly: 1,
      textMismatches: 0,
    });
    expect(pairs).toHaveLength(1);
    expect(pairs[0].base.prediction).toBe('A');
    expect(pairs[0].head.prediction).toBe('B');
    expect(
      pairs[0].variants.map((v) => [v.perturbation, v.variant, v.base.prediction, v.head.prediction]),
    ).toEqual([
      ['typo.ocr', 0, 'A', 'B'],
      ['typo.swap', 0, 'A', 'A'],
      ['typo.swap', 1, 'B', 'A'],
    ]);
  });

  it('does not pair a key whose variant texts differ, and counts and samples it', async () => {
    const base = [
      example('e1', 'A', 'A', [
        ['typo.swap', 1, 0, 'same', 'A'],
        ['typo.swap', 1, 1, 'old text', 'A'],
      ]),
    ];
    const head = [
      example('e1', 'A', 'A', [
        ['typo.swap', 1, 0, 'same', 'B'],
        ['typo.swap', 1, 1, 'new text', 'B'],
      ]),
    ];
    const { pairs, counts } = await pairAll(base, head);
    expect(counts.pairedVariants).toBe(1);
    expect(counts.textMismatches).toBe(1);
    expect(counts.mismatchSamples).toEqual([
      { id: 'e1', perturbation: 'typo.swap', severity: 1, variant: 1, base: 'old text', head: 'new text' },
    ]);
    expect(pairs[0].variants.map((v) => v.text)).toEqual(['same']);
  });

  it('ignores unchanged variants and counts keys missing from one side', async () => {
    const base = [
      example('e1', 'A', 'A', [
        ['typo.swap', 1, 0, 'text of e1', 'A'],
        ['typo.swap', 1, 1, 'v1', 'A'],
      ]),
    ];
    const head = [
      example('e1', 'A', 'A', [
        ['typo.swap', 1, 0, 'text of e1', 'A'],
        ['typo.swap', 2, 0, 'w0', 'A'],
      ]),
    ];
    const { counts } = await pairAll(base, head);
    expect(counts).toMatchObject({ pairedVariants: 0, countedInOneOnly: 0, unmatchedVariants: 2 });
  });

  it('pairs only the examples present in both and counts the rest', async () => {
    const rec = (id: string) => example(id, 'A', 'A', [['typo.swap', 1, 0, `v-${id}`, 'A']]);
    const { pairs, counts } = await pairAll(
      [rec('a'), rec('b'), rec('c')],
      [rec('b'), rec('c'), rec('d'), rec('e')],
    );
    expect(pairs.map((p) => p.id).sort()).toEqual(['b', 'c']);
    expect(counts).toMatchObject({ baseExamples: 3, headExamples: 4, sharedExamples: 2 });
    expect(overlapOf(counts)).toBe(0.5);
  });

  it('refuses a shared id whose label or text differs, and duplicate ids', async () => {
    const v: [string, 1, number, string, string][] = [['typo.swap', 1, 0, 'v', 'A']];
    await expect(pairAll([example('e1', 'A', 'A', v)], [example('e1', 'B', 'A', v)])).rejects.toThrow(
      /example "e1" has a different gold label in HEAD than in BASE/,
    );
    await expect(
      pairAll([example('e1', 'A', 'A', v)], [example('e1', 'A', 'A', v, 'another text')]),
    ).rejects.toThrow(/different text/);
    await expect(pairAll([example('e1', 'A', 'A', v), example('e1', 'A', 'A', v)], [])).rejects.toThrow(
      /BASE: example id "e1" appears twice/,
    );
  });
});

describe('compareReports: refusals and overlap', () => {
  const records = (ids: readonly string[]) =>
    ids
      .map((id) => Number(id.slice(1)))
      .map((i) =>
        example(`e${i}`, i % 2 ? 'B' : 'A', i % 2 ? 'B' : 'A', [
          ['typo.swap', 1, 0, `e${i} v0`, i % 3 ? 'A' : 'B'],
          ['typo.swap', 1, 1, `e${i} v1`, 'A'],
        ]),
      );
  const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `e${from + i}`);

  it('refuses reports of another seed, naming the difference (exit 2)', async () => {
    const base = pairReport(records(ids(0, 10)));
    const head = pairReport(records(ids(0, 10)), { model: 'model-b', config: { seed: 1 } });
    const err = await compareReports(base, head, { names: { base: 'main.json', head: 'pr.json' } }).catch(
      (e: unknown) => e as Error & { exitCode?: number },
    );
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ exitCode: 2 });
    expect((err as Error).message).toContain(
      'main.json (BASE) and pr.json (HEAD) cannot be compared: seed differs (BASE 7, HEAD 1)',
    );
  });

  it('pairs the shared examples at 50 % overlap and says how many, refuses below', async () => {
    const base = pairReport(records(ids(0, 10)));
    const half = pairReport(records(ids(5, 15)), { model: 'model-b' });
    const c = await compareReports(base, half);
    expect(c.pairing).toMatchObject({
      sharedExamples: 5,
      baseOnlyExamples: 5,
      headOnlyExamples: 5,
      overlap: 0.5,
    });
    expect(c.warnings).toContain(
      'paired on the 5 examples present in both reports (BASE has 10, HEAD 10); the others are left out',
    );
    expect(c.summary[0].overall.nExamples).toBe(5);

    const less = pairReport(records(ids(6, 16)), { model: 'model-b' });
    await expect(compareReports(base, less)).rejects.toThrow(
      /only 4 examples are in both reports \(BASE has 10, HEAD 10\): 40\.0 % of the larger, below the 50 % compare needs/,
    );
    // A subset (HEAD audited with --limit) counts against the larger report.
    const subset = pairReport(records(ids(0, 4)), { model: 'model-b' });
    await expect(compareReports(base, subset)).rejects.toThrow(/40\.0 % of the larger/);
  });

  it('refuses a report without per-example records, and one whose records are cut short', async () => {
    const base = pairReport(records(ids(0, 4)));
    const bare = { ...pairReport(records(ids(0, 4)), { model: 'model-b' }), examples: undefined };
    await expect(compareReports(base, bare)).rejects.toThrow(/HEAD holds no per-example records/);
    const short = pairReport(records(ids(0, 4)), {
      model: 'model-b',
      config: { data: { ...base.config.data, n: 5 } },
    });
    await expect(compareReports(base, short)).rejects.toThrow(/HEAD declares 5 examples .* holds 4 records/);
  });
});
