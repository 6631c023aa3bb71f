/**
 * Fairness slices: the pure derivation from results[], every report format's section, the gate
 * (engine, CLI line, JUnit, annotations), the vitest matcher and the suite `fairness` test type. The
 * end-to-end audit, its independent recomputation from the records, `merge` and the CLI exit codes
 * are in audit.test.ts ("fairness slices of an audit").
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import '../src/vitest/index.ts';
import { fairnessResults } from '../src/measure/fairness.ts';
import { evaluateGate, evaluateGates, maxFairnessFailureGate } from '../src/measure/gates.ts';
import { failRateWithCI, fairnessLine, pct, pctCI } from '../src/report/common.ts';
import { describeFailedCheck, gateFailureLines } from '../src/report/explain.ts';
import { githubAnnotations } from '../src/report/github.ts';
import { renderHtml } from '../src/report/html.ts';
import { renderJunit } from '../src/report/junit.ts';
import { escapeMarkdown, renderMarkdown } from '../src/report/markdown.ts';
import { renderMarkdownSummary } from '../src/report/markdown-summary.ts';
import { renderTerminal } from '../src/report/terminal.ts';
import { formatPath, parseSuite, SuiteError } from '../src/suite/load.ts';
import { runSuite } from '../src/suite/run.ts';
import { fairnessGates } from '../src/suite/tests/fairness.ts';
import { stripControls } from '../src/util/strings.ts';
import { FAIRNESS_PERTURBATION, HOSTILE, makeReport } from './fixtures/make-report.ts';
import { keywordClassifier } from './fixtures/suite-classifier.ts';

const report = makeReport({ fairness: true });
const plain = makeReport();
const DEFINITION =
  'invariance failure rate (share of changed variants whose prediction changed when only the gender changed)';

/** The fairness entry at one severity. */
const entryAt = (severity: number) => report.fairness.find((f) => f.severity === severity)!;
/** Its result: the numbers the entry must carry. */
const resultAt = (severity: number) =>
  report.results.find((r) => r.perturbation === FAIRNESS_PERTURBATION && r.severity === severity)!;

describe('fairnessResults (derived from results[])', () => {
  it('is each declaring result’s flip rate and CI, overall and per bucket, with the flip-rate tail gap', () => {
    expect(report.fairness.map((f) => [f.slice, f.perturbation, f.severity])).toEqual([
      ['gender', FAIRNESS_PERTURBATION, 1],
      ['gender', FAIRNESS_PERTURBATION, 2],
    ]);
    for (const entry of report.fairness) {
      const r = resultAt(entry.severity);
      expect(entry.overall).toEqual({
        n: r.overall.n,
        nExamples: r.overall.nExamples,
        failRate: r.overall.flipRate,
        failRateCI: r.overall.flipRateCI,
      });
      expect(Object.keys(entry.buckets)).toEqual(report.buckets.map((b) => b.name));
      for (const b of report.buckets) {
        expect(entry.buckets[b.name]!.failRate).toBe(r.buckets[b.name]!.flipRate);
        expect(entry.buckets[b.name]!.failRateCI).toEqual(r.buckets[b.name]!.flipRateCI);
      }
      expect(entry.tailGap).toBe(r.headTailGaps.flip);
    }
  });

  it('takes only the declaring perturbations, sorted by slice, perturbation and severity', () => {
    const entries = fairnessResults(report.results, {
      'typo.keyboard': 'typing',
      [FAIRNESS_PERTURBATION]: 'gender',
    });
    expect(entries.map((f) => `${f.slice}/${f.perturbation}@${f.severity}`)).toEqual([
      `gender/${FAIRNESS_PERTURBATION}@1`,
      `gender/${FAIRNESS_PERTURBATION}@2`,
      'typing/typo.keyboard@1',
      'typing/typo.keyboard@2',
    ]);
    expect(fairnessResults(report.results, {})).toEqual([]);
    expect(fairnessResults([], { [FAIRNESS_PERTURBATION]: 'gender' })).toEqual([]);
    expect(plain.fairness).toEqual([]);
  });
});

describe('every report format shows the fairness slices, and only when one ran', () => {
  const entry = entryAt(2);
  const overall = `overall ${pct(entry.overall.failRate)} ${pctCI(entry.overall.failRateCI)}`;
  const few = `few ${failRateWithCI(entry.buckets.few)}`;

  it('the shared line: definition, perturbation, severity, overall and per bucket, tail − head gap', () => {
    const line = fairnessLine(report, entry, stripControls);
    expect(line).toContain(
      `Fairness — ${DEFINITION}, ${FAIRNESS_PERTURBATION} at severity 2: ${overall} · many `,
    );
    expect(line).toContain(` · ${few}; tail − head `);
    expect(line).toContain('(few − many)');
    // a bucket without changed variants is missing, not 0 %
    const empty = structuredClone(entry);
    empty.buckets.few!.n = 0;
    expect(fairnessLine(report, empty, stripControls)).toContain('few —');
  });

  it('terminal', () => {
    const text = renderTerminal(report, { width: 100 });
    expect(text).toContain('\nFairness slices\n');
    // wrapped to the width, indented under the title
    const unwrapped = text.replace(/\n {2}(?=\S)/g, ' ');
    for (const e of report.fairness) expect(unwrapped).toContain(fairnessLine(report, e, stripControls));
    expect(text).toContain('\nFairness slices\n  Fairness — invariance failure rate');
    expect(renderTerminal(plain)).not.toContain('Fairness');
  });

  it('Markdown', () => {
    const md = renderMarkdown(report);
    expect(md).toContain('## Fairness slices');
    for (const e of report.fairness) expect(md).toContain(`- ${fairnessLine(report, e, escapeMarkdown)}`);
    expect(renderMarkdown(plain)).not.toContain('Fairness');
  });

  it('the PR summary: one line per slice, at its highest severity', () => {
    const md = renderMarkdownSummary(report);
    const lines = md.split('\n').filter((l) => l.includes('Fairness —'));
    expect(lines).toEqual([`- ${fairnessLine(report, entry, escapeMarkdown)}`]);
    expect(md).toContain('`--max-fairness-failure`');
    expect(renderMarkdownSummary(plain)).not.toContain('Fairness —');
  });

  it('HTML: a table of each slice × severity and per-bucket bars with CI error bars', () => {
    const html = renderHtml(report);
    const section = html.slice(html.indexOf('<h2>Fairness slices</h2>'));
    expect(section).toContain(`Fairness — ${DEFINITION}`);
    const table = section.slice(0, section.indexOf('</table>'));
    expect(table.match(/<tr><td class="text name">gender<\/td>/g)).toHaveLength(2);
    expect(table).toContain(
      `${pct(entry.overall.failRate)} <span class="ci">${pctCI(entry.overall.failRateCI)}</span>`,
    );
    const charts = section.slice(section.indexOf('<div class="charts">'), section.indexOf('</section>'));
    // one chart per entry, one bar per bucket, each with an error bar (three lines), no clean-accuracy bar
    expect(charts.match(/<svg /g)).toHaveLength(2);
    expect(charts.match(/class="bar"/g)).toHaveLength(2 * report.buckets.length);
    expect(charts.match(/class="errorbar"/g)).toHaveLength(2 * report.buckets.length * 3);
    expect(charts).not.toContain('class="clean"');
    expect(charts).toContain('invariance failure rate (%)');
    expect(renderHtml(plain)).not.toContain('Fairness');
  });

  it('escapes a hostile slice name in every format', () => {
    const hostile = makeReport({ hostile: true, fairness: true });
    expect(renderHtml(hostile)).not.toContain(HOSTILE.script);
    expect(renderHtml(hostile)).toContain('gender&lt;script&gt;');
    expect(renderMarkdown(hostile)).toContain('gender&lt;script&gt;');
    expect(renderMarkdownSummary(hostile)).not.toContain(HOSTILE.script);
  });
});

describe('the maxFairnessFailure gate', () => {
  const overall2 = entryAt(2).overall.failRate;

  it('checks each declaring perturbation × severity, overall or per bucket, and nothing else', () => {
    const outcome = evaluateGate(report, maxFairnessFailureGate(1));
    expect(outcome.passed).toBe(true);
    expect(outcome.checks.map((c) => [c.perturbation, c.severity, c.fairness, c.value])).toEqual(
      report.fairness.map((f) => [f.perturbation, f.severity, 'gender', f.overall.failRate]),
    );
    const tight = evaluateGate(report, maxFairnessFailureGate(overall2 - 0.001, { slice: 'gender' }));
    expect(tight.passed).toBe(false);
    expect(tight.checks.filter((c) => !c.passed).map((c) => c.severity)).toEqual([2]);
    const few = evaluateGate(
      report,
      maxFairnessFailureGate(0.06, { slice: 'gender', bucket: 'few', severity: 2 }),
    );
    expect(few.checks.map((c) => [c.bucket, c.value])).toEqual([['few', entryAt(2).buckets.few!.failRate]]);
    expect(few.passed).toBe(entryAt(2).buckets.few!.failRate <= 0.06);
  });

  it('fails as not evaluated when no perturbation declares the slice, saying why', () => {
    const none = evaluateGates(plain, { maxFairnessFailure: 0.5 });
    expect(none.passed).toBe(false);
    expect(gateFailureLines(none, plain)).toBe(
      'GATE FAILED maxFairnessFailure: not evaluated — no audited perturbation declares a fairness slice (a perturbation declares one with `fairness`; `tailcheck perturbations` lists them); a gate that checks nothing fails\n',
    );
    const other = evaluateGate(report, maxFairnessFailureGate(0.5, { slice: 'location' }));
    expect(other.passed).toBe(false);
    expect(other.unevaluated).toHaveLength(1);
  });

  it('reads as the other gates do: GATE FAILED line, JUnit case, GitHub annotation', () => {
    const outcome = evaluateGates(report, { maxFairnessFailure: 0.03 });
    const failed = outcome.checks.find((c) => !c.passed && c.severity === 2)!;
    const m = resultAt(2).overall;
    const line = `maxFairnessFailure: fairness slice gender (${FAIRNESS_PERTURBATION}), severity 2: invariance failure rate ${(m.flipRate * 100).toFixed(1)}% ${pctCI(m.flipRateCI)} > 3.0% (--max-fairness-failure 0.03)`;
    expect(describeFailedCheck(failed)).toBe(line);
    expect(gateFailureLines(outcome, report)).toContain(`GATE FAILED ${line}`);
    const xml = renderJunit(report, outcome);
    expect(xml).toContain(`invariance failure rate ${FAIRNESS_PERTURBATION} s2 ≤ 0.03`);
    expect(xml).toContain('changed variants changed the prediction');
    expect(githubAnnotations(report, outcome).join('\n')).toContain(
      '::error title=tailcheck gate maxFairnessFailure::fairness slice gender (entity.gender)',
    );
    expect(renderMarkdownSummary(report, { gates: outcome })).toContain(
      '**maxFairnessFailure** fairness slice gender',
    );
  });
});

describe('toHaveMaxFairnessFailure', () => {
  const worst = Math.max(...report.fairness.map((f) => f.overall.failRate));

  it('passes within the bound and fails above it, naming the slice and the worst rate', () => {
    expect(report).toHaveMaxFairnessFailure('gender', worst);
    let message = '';
    try {
      expect(report).toHaveMaxFairnessFailure('gender', worst / 2);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('expected invariance failure rate ≤');
    expect(message).toContain(
      `worst: fairness slice gender (${FAIRNESS_PERTURBATION}), severity 2: invariance failure rate`,
    );
    expect(report).not.toHaveMaxFairnessFailure('gender', worst / 2);
  });

  it('takes a bucket and a severity', () => {
    const few1 = entryAt(1).buckets.few!.failRate;
    expect(report).toHaveMaxFairnessFailure('gender', few1, { bucket: 'few', severity: 1 });
    expect(report).not.toHaveMaxFairnessFailure('gender', few1, { bucket: 'few' });
  });

  it('throws (never passes) when the report has no such slice', () => {
    expect(() => expect(report).toHaveMaxFairnessFailure('location', 1)).toThrow(
      'toHaveMaxFairnessFailure: no audited perturbation declares the fairness slice "location" (a perturbation declares one with `fairness`; `tailcheck perturbations` lists them); its slices: gender',
    );
    expect(() => expect(plain).toHaveMaxFairnessFailure('gender', 1)).toThrow(
      /declares the fairness slice "gender"/,
    );
    expect(() => expect(report).toHaveMaxFairnessFailure('gender', Number.NaN)).toThrow(TypeError);
  });
});

describe('suite test type fairness', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tailcheck-fairness-suite-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const noProblem = (path: readonly (string | number)[], message: string) =>
    new Error(`unexpected problem at ${path.join('.')}: ${message}`);
  const gender = { slice: 'gender' };
  const e2 = entryAt(2);

  it('passes and fails on maxFailRate, perBucket and maxTailGap', () => {
    const worst = Math.max(...report.fairness.map((f) => f.overall.failRate));
    const worstFew = Math.max(...report.fairness.map((f) => f.buckets.few!.failRate));
    const worstGap = Math.max(...report.fairness.map((f) => f.tailGap!.value));
    const within = fairnessGates(
      report,
      { maxFailRate: worst, perBucket: { few: worstFew }, maxTailGap: worstGap },
      gender,
      noProblem,
    );
    expect(within.map((g) => [g.gate, g.scope, g.pass])).toEqual([
      ['maxFairnessFailure', 'fairness slice gender, overall', true],
      ['maxFairnessFailure', 'fairness slice gender, bucket few', true],
      ['maxTailGap', 'fairness slice gender, tail − head gap in invariance failure rate', true],
    ]);
    const over = fairnessGates(
      report,
      { maxFailRate: worst - 0.001, perBucket: { few: worstFew - 0.001 }, maxTailGap: worstGap - 0.001 },
      gender,
      noProblem,
    );
    expect(over.map((g) => g.pass)).toEqual([false, false, false]);
    expect(over[0]!.value).toBe(e2.overall.failRate);
    expect(over[2]!.value).toBe(e2.tailGap!.value);
    expect(over[0]!.line).toContain(`worst ${e2.overall.failRate.toFixed(3)} — fairness slice gender`);
    expect(over[2]!.line).toContain('(few − many flip rate)');
  });

  it('by perturbation name, too; an unknown bucket is a suite problem', () => {
    const byName = fairnessGates(
      report,
      { maxFailRate: 1 },
      { perturbation: [FAIRNESS_PERTURBATION] },
      noProblem,
    );
    expect(byName.map((g) => [g.scope, g.pass])).toEqual([[`${FAIRNESS_PERTURBATION}, overall`, true]]);
    expect(() => fairnessGates(report, { perBucket: { rare: 0.1 } }, gender, noProblem)).toThrow(
      /perBucket\.rare: unknown bucket "rare"/,
    );
  });

  it('needs a slice or a perturbation (not both) and a threshold, when loaded', () => {
    const load = (test: string) => () => parseSuite(`name: f\ntests:\n  - ${test}\n`, join(dir, 'f.yaml'));
    expect(load('{ type: fairness, slice: gender }')).toThrow('a fairness test needs a threshold');
    expect(load('{ type: fairness, maxFailRate: 0.1 }')).toThrow(
      'names a slice (slice: gender) or a perturbation',
    );
    expect(load('{ type: fairness, slice: gender, perturbation: entity.gender, maxFailRate: 0.1 }')).toThrow(
      'not both',
    );
    expect(
      load('{ type: fairness, slice: gender, maxFailRate: 0.1, perBucket: { few: 0.2 }, maxTailGap: 0.1 }'),
    ).not.toThrow();
  });

  it('pre-flight: a slice no perturbation declares, or a perturbation declaring none, is a suite problem', async () => {
    const yaml = [
      'name: fairness',
      'tests:',
      '  - type: fairness',
      '    slice: hairstyle',
      '    maxFailRate: 0.05',
      '  - type: fairness',
      '    perturbation: typo.keyboard',
      '    maxFailRate: 0.05',
      '',
    ].join('\n');
    const file = join(dir, 'fairness.yaml');
    writeFileSync(file, yaml);
    const started: string[] = [];
    const err = await runSuite(parseSuite(yaml, file), {
      model: keywordClassifier(),
      cacheDir: null,
      onTestStart: (name) => started.push(name),
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SuiteError);
    const problems = (err as SuiteError).problems;
    expect(problems.map((p) => [formatPath(p.path), p.line])).toEqual([
      ['tests[0].slice', 4],
      ['tests[1].perturbation', 7],
    ]);
    // the message goes on with the slices the bundled perturbations declare (or that none does yet)
    expect(problems[0]!.message).toMatch(/^no perturbation declares the fairness slice "hairstyle"; /);
    expect(problems[1]!.message).toMatch(/^typo\.keyboard declares no fairness slice/);
    expect(started).toEqual([]);
  });
});
