/**
 * Declared severities end to end: a perturbation with fewer levels is only run at the levels it has
 * (the pipeline, `tailcheck perturb`), a level nobody has is a usage error, and the measures and every
 * report format cope with a (perturbation, severity) pair that is missing.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../src/audit/pipeline.ts';
import { DEFAULT_ANSWER_POLICY } from '../src/classify/predictions.ts';
import type { PredictionRunner } from '../src/classify/runner.ts';
import { computeResults, createMeasures } from '../src/measure/results.ts';
import { assembleReport } from '../src/report/assemble.ts';
import { renderHtml } from '../src/report/html.ts';
import { renderMarkdown } from '../src/report/markdown.ts';
import { renderTerminal } from '../src/report/terminal.ts';
import type { Example, ExampleRecord, PerturbationDefinition, Report } from '../src/types.ts';
import { runCli, scratch } from './cli-helpers.ts';
import { makeReport } from './fixtures/make-report.ts';
import { record } from './measure-helpers.ts';

const dir = scratch('severity-declared');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Appends "!" per level: one edit whatever the level, but declared only where it means something. */
function bang(name: string, severities: PerturbationDefinition['severities']): PerturbationDefinition {
  return {
    name,
    family: 'typo',
    tag: 'natural',
    description: 'appends marks',
    severities,
    apply: (text, ctx) => [{ start: text.length, end: text.length, replacement: '!'.repeat(ctx.severity) }],
  };
}

const runner: PredictionRunner = {
  async predict(texts) {
    return texts.map(() => ({ label: 'a', scores: [0.75, 0.25] }));
  },
  stats: { requested: 0, unique: 0, cacheHits: 0, fromDisk: 0, badLines: 0, classified: 0, backendCalls: 0 },
  cacheFile: null,
  cacheUse: () => null,
  answers: DEFAULT_ANSWER_POLICY,
  close: async () => undefined,
};

async function* examples(n: number): AsyncGenerator<Example> {
  for (let i = 0; i < n; i++) yield { id: String(i), text: `text ${i}`, label: 'a', line: i + 1, extra: {} };
}

describe('the audit pipeline', () => {
  it('measures a perturbation only at the levels it declares', async () => {
    const records: ExampleRecord[] = [];
    await runPipeline(
      examples(3),
      runner,
      {
        perturbations: [bang('typo.full', { 1: 'a', 2: 'b', 3: 'c' }), bang('typo.one', { 1: 'a' })],
        severities: [1, 3],
        variantsPerText: 1,
        seed: 0,
        protect: undefined,
        options: {},
      },
      { labels: ['a', 'b'], goldLabel: () => 'a', logitAdjust: null },
      async (batch) => {
        records.push(...batch);
      },
    );
    expect(records).toHaveLength(3);
    for (const r of records) {
      expect(r.variants.map((v) => `${v.perturbation}@${v.severity}`)).toEqual([
        'typo.full@1',
        'typo.full@3',
        'typo.one@1',
      ]);
    }
  });
});

describe('measures and reports with a missing (perturbation, severity) pair', () => {
  const base = makeReport();
  const [kept, partial] = ['typo.keyboard', 'synonym.wordnet'];
  const [low, high] = [1, 3] as const;
  // `partial` declares no level 3: its variants there are never made. Every third variant is wrong.
  const examplesWithout: ExampleRecord[] = base.classes.flatMap((c, ci) =>
    [0, 1, 2].map((i) => {
      const wrong = (ci + i) % 3 === 0 ? base.classes[(ci + 1) % base.classes.length]!.label : c.label;
      return record(`${c.label}-${i}`, c.label, c.label, 0.9, [
        [kept, low, c.label, 0.8],
        [kept, high, wrong, wrong === c.label ? 0.7 : 0.2],
        [partial, low, c.label, 0.8],
      ]);
    }),
  );
  const measured = computeResults(examplesWithout, base.classes, base.buckets, {
    seed: base.config.seed,
    ...base.config.bootstrap,
  });
  const report: Report = {
    ...base,
    config: { ...base.config, perturbations: [kept, partial], severities: [low, high] },
    summary: measured.summary,
    results: measured.results,
    logitAdjusted: null,
    examples: examplesWithout,
  };

  it('has a result for every pair present and none for the missing one', () => {
    expect(measured.results.map((r) => `${r.perturbation}@${r.severity}`).sort()).toEqual(
      [`${kept}@${low}`, `${kept}@${high}`, `${partial}@${low}`].sort(),
    );
    // the pooled summary at that level is the remaining perturbation's own numbers
    const pooledHigh = measured.summary.find((r) => r.severity === high)!;
    const keptHigh = measured.results.find((r) => r.perturbation === kept && r.severity === high)!;
    expect(pooledHigh.overall.n).toBe(keptHigh.overall.n);
    expect(pooledHigh.overall.drop).toBeCloseTo(keptHigh.overall.drop, 12);
  });

  it('tags each per-perturbation result, not the pooled summaries', () => {
    const measures = createMeasures(base.classes, base.buckets, { ...base.config, logitAdjust: null });
    for (const r of examplesWithout) measures.add(r);
    const assembled = assembleReport({
      config: report.config,
      classes: base.classes,
      buckets: base.buckets,
      measures,
      examples: { records: examplesWithout },
      baseWarnings: [],
      tags: { [kept]: 'synthetic', [partial]: 'natural' },
    });
    expect(assembled.results.map((r) => `${r.perturbation}@${r.severity}:${r.tag}`)).toEqual([
      `${partial}@${low}:natural`,
      `${kept}@${low}:synthetic`,
      `${kept}@${high}:synthetic`,
    ]);
    expect(assembled.summary.every((r) => r.tag === undefined)).toBe(true);
  });

  it('renders in every format without the missing pair', () => {
    const terminal = renderTerminal(report, { width: 160 });
    const sections = terminal.split(/\nSeverity /);
    // the level's table: up to the first blank line
    const highSection = sections.find((s) => s.startsWith(String(high)))!.split('\n\n')[0]!;
    const lowSection = sections.find((s) => s.startsWith(String(low)))!;
    expect(lowSection).toContain(partial);
    expect(highSection).toContain(kept);
    expect(highSection).not.toContain(partial);
    expect(renderMarkdown(report)).toContain(kept);
    expect(renderHtml(report)).toContain(kept);
  });
});

describe('tailcheck perturb', () => {
  const data = join(dir, 'in.jsonl');
  writeFileSync(
    data,
    `${JSON.stringify({ id: 'q1', text: 'I want to cancel my card because it was stolen yesterday' })}\n`,
  );
  const lines = (stdout: string) =>
    stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { perturbation: string; severity: number });

  it('a level no selected perturbation has is a usage error naming them', () => {
    const r = runCli(dir, ['perturb', '--data', data, '--perturb', 'paraphrase.reorder', '--severity', '3']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /no selected perturbation has severity 3; their levels: paraphrase\.reorder \(1\)/,
    );
  });

  it('runs the others at that level and warns once about the skipped pairs', () => {
    const r = runCli(dir, [
      'perturb',
      '--data',
      data,
      '--perturb',
      'paraphrase.reorder,typo.keyboard',
      '--severity',
      '1,3',
      '--variants',
      '1',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr.match(/warning/g)).toHaveLength(1);
    expect(r.stderr).toContain(
      'not run, the perturbation has no such level: paraphrase.reorder at severity 3 (--severity all runs every level each perturbation has)',
    );
    expect(lines(r.stdout).map((l) => `${l.perturbation}@${l.severity}`)).toEqual([
      'paraphrase.reorder@1',
      'typo.keyboard@1',
      'typo.keyboard@3',
    ]);
  });

  it('--severity all runs every declared level and nothing else, without a warning', () => {
    const r = runCli(dir, [
      'perturb',
      '--data',
      data,
      '--perturb',
      'paraphrase.reorder,paraphrase.contraction,typo.keyboard',
      '--severity',
      'all',
      '--variants',
      '1',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(lines(r.stdout).map((l) => `${l.perturbation}@${l.severity}`)).toEqual([
      'paraphrase.contraction@1',
      'paraphrase.contraction@2',
      'paraphrase.reorder@1',
      'typo.keyboard@1',
      'typo.keyboard@2',
      'typo.keyboard@3',
    ]);
  });
});
