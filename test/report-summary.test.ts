/**
 * The compact Markdown summary (`--md-summary`, `--github`'s job summary) and the GitHub workflow
 * commands: the line budget on a realistic report, what the summary shows, and the annotations'
 * wording and escaping.
 */
import { describe, expect, it } from 'vitest';
import { githubSummaryPath } from '../src/cli/github-output.ts';
import { UsageError } from '../src/errors.ts';
import { evaluateGates, type GateLimits, type GateOutcome } from '../src/measure/gates.ts';
import { dropWithCI, metricCI, metricValue, pct, pp, ppCI } from '../src/report/common.ts';
import { describeFailedCheck, describeFailedSlice } from '../src/report/explain.ts';
import {
  ANNOTATIONS_PER_KIND,
  escapeCommandData,
  escapeCommandProperty,
  githubAnnotations,
  workflowCommand,
} from '../src/report/github.ts';
import { escapeMarkdown } from '../src/report/markdown.ts';
import { renderMarkdownSummary, worstSlices } from '../src/report/markdown-summary.ts';
import type { Report, Result } from '../src/types.ts';
import { attackOnlyReport, withAttack } from './fixtures/make-attack.ts';
import { HOSTILE, makeReport } from './fixtures/make-report.ts';

const NBSP = '\u00a0';
const FAILING: GateLimits = { maxDrop: 0.05, maxTailDrop: 0.1, maxTailBreak: 0.2 };
const PASSING: GateLimits = { maxDrop: 0.5, maxTailDrop: 0.5, maxTailBreak: 0.5 };

const lines = (text: string): string[] => text.trimEnd().split('\n');
/** The part a reader sees without unfolding anything. */
const visible = (text: string): string => text.slice(0, text.indexOf('<details>'));
const cells = (row: string): string[] =>
  row
    .split(/(?<!\\)\|/)
    .slice(1, -1)
    .map((c) => c.trim());
/** The rows (not header, not delimiter) of the table whose header starts with `head`. */
function tableRows(text: string, head: string): string[][] {
  const all = lines(text);
  const start = all.findIndex((l) => l.startsWith(head));
  expect(start, `no table starting with ${head}`).toBeGreaterThanOrEqual(0);
  const rows: string[][] = [];
  for (const l of all.slice(start + 2)) {
    if (!l.startsWith('|')) break;
    rows.push(cells(l));
  }
  return rows;
}

/** The fixture with each perturbation repeated under `copies` more names (a report of many perturbations). */
function withMorePerturbations(report: Report, copies: number): Report {
  const extra: Result[] = [];
  for (let i = 0; i < copies; i++) {
    for (const r of report.results) extra.push({ ...r, perturbation: `${r.perturbation}.copy${i}` });
  }
  return { ...report, results: [...report.results, ...extra] };
}

describe('renderMarkdownSummary', () => {
  const report = makeReport();
  const failing = evaluateGates(report, FAILING);
  const passing = evaluateGates(report, PASSING);
  const text = renderMarkdownSummary(report, { gates: failing });

  it('fits a PR comment: at most 40 lines with failing, passing or no gates', () => {
    for (const gates of [failing, passing, undefined]) {
      const summary = renderMarkdownSummary(report, { gates });
      expect(lines(summary).length).toBeLessThanOrEqual(40);
      expect(summary).toContain('<details>');
    }
    expect(failing.passed).toBe(false);
    expect(passing.passed).toBe(true);
  });

  it('keeps the visible part the same length however many perturbations the report has', () => {
    const many = withMorePerturbations(report, 10);
    const summary = renderMarkdownSummary(many, { gates: evaluateGates(many, FAILING) });
    expect(lines(visible(summary)).length).toBe(lines(visible(text)).length);
    // the folded table holds every perturbation × severity
    expect(tableRows(summary, '| Perturbation | Severity | Drop')).toHaveLength(many.results.length);
  });

  it('opens with the gate status and the verdict', () => {
    expect(lines(text).slice(0, 2)).toEqual([
      '### tailcheck: ❌ gates failed',
      `**Verdict:** ${report.verdict}`,
    ]);
    expect(lines(renderMarkdownSummary(report, { gates: passing }))[0]).toBe(
      '### tailcheck: ✅ gates passed',
    );
    const ungated = renderMarkdownSummary(report, { gates: evaluateGates(report, {}) });
    expect(lines(ungated)[0]).toBe('### tailcheck robustness summary');
    expect(ungated).toMatch(/\*\*Gates:\*\* none set .*cannot fail/);
  });

  it('tabulates the pooled result per severity: accuracies, drop with CI, rates, the headline metric by bucket, the gap', () => {
    const rows = tableRows(text, '| Severity |');
    expect(rows.map((r) => r[0])).toEqual(['1', '2']);
    for (const row of rows) {
      const pooled = report.summary.find((s) => String(s.severity) === row[0])!;
      const m = pooled.overall;
      const gap = pooled.headTailGap!;
      expect(row).toEqual([
        row[0],
        pct(m.cleanAccuracy),
        pct(m.perturbedAccuracy),
        dropWithCI(m).replace(/ /g, NBSP),
        pct(m.breakRate),
        pct(m.flipRate),
        ...report.buckets.map((b) => pct(pooled.buckets[b.name]!.breakRate)),
        `${pp(gap.value)} ${ppCI(gap.ci)}`.replace(/ /g, NBSP),
      ]);
    }
    expect(lines(text).find((l) => l.startsWith('| Severity |'))).toBe(
      '| Severity | Clean | Perturbed | Drop [95% CI] | Break rate | Flip rate | many | medium | few | Gap [95% CI] |',
    );
  });

  it('never lets an interval wrap: no breakable space in a cell that holds one', () => {
    const tableCells = lines(text)
      .filter((l) => l.startsWith('|') && !l.startsWith('|---'))
      .flatMap(cells)
      .filter((c) => /\[[-+]?\d+\.\d/.test(c));
    expect(tableCells.length).toBeGreaterThan(10);
    for (const cell of tableCells) {
      expect(cell, cell).not.toContain(' ');
      expect(cell.length, cell).toBeLessThanOrEqual(24);
    }
  });

  it('lists the worst perturbation × severity × bucket slices by the headline metric, largest first', () => {
    for (const gapMetric of ['break', 'drop'] as const) {
      const r = makeReport({ gapMetric });
      const all = r.results.flatMap((res) =>
        r.buckets.map((b) => ({ res, bucket: b.name, m: res.buckets[b.name]! })),
      );
      const largest = Math.max(...all.map((s) => metricValue(s.m, gapMetric)));
      const rows = tableRows(renderMarkdownSummary(r), '| Perturbation | Severity | Bucket |');
      expect(rows).toHaveLength(5);
      const top = worstSlices(r, 5);
      expect(top[0]!.value).toBe(largest);
      const values = top.map((s) => s.value);
      expect(values).toEqual([...values].sort((a, b) => b - a));
      expect(rows[0]!.slice(0, 3)).toEqual([
        top[0]!.result.perturbation,
        String(top[0]!.result.severity),
        'few',
      ]);
      expect(rows[0]![3]).toMatch(gapMetric === 'drop' ? /^\+\d+\.\d\u00a0\[/ : /^\d+\.\d%\u00a0\[/);
    }
  });

  it('leaves out slices too small for an interval, which would top the list at 100 %', () => {
    const r = makeReport();
    const tiny = r.results[0]!.buckets.few!;
    r.results[0]!.buckets.few = { ...tiny, breakRate: 1, breakRateCI: null, nExamples: 1 };
    const slices = worstSlices(r, 5);
    expect(slices.every((s) => s.value < 1)).toBe(true);
    expect(slices.map((s) => s.metrics)).not.toContain(r.results[0]!.buckets.few);
    for (const s of slices) expect(metricCI(s.metrics, 'break')).not.toBeNull();
  });

  it('names each failed check with its slice, value, CI and limit, at most five lines', () => {
    const failed = failing.checks.filter((c) => !c.passed);
    expect(failed.length).toBeGreaterThan(5);
    const bullets = lines(visible(text)).filter((l) => l.startsWith('- '));
    expect(bullets).toHaveLength(5);
    expect(bullets[0]).toBe(
      `- ❌ **maxDrop** all perturbations pooled, severity 2: drop ${pp(failed[0]!.value)} pp \\${ppCI(failed[0]!.ci).replace(']', '\\]')} &gt; 5.0 pp (--max-drop 0.05)`,
    );
    expect(bullets[4]).toBe(`- … ${failed.length - 4} more: see the job log or the JUnit file`);
    expect(text).toContain(
      `**Gates:** ❌ ${failed.length} of ${failing.checks.length} checks over the limit (maxDrop ≤ 0.05, maxTailDrop ≤ 0.1, maxTailBreak ≤ 0.2).`,
    );
    expect(renderMarkdownSummary(report, { gates: passing })).toContain(
      `**Gates:** ✅ all ${passing.checks.length} checks within the limits (maxDrop ≤ 0.5, maxTailDrop ≤ 0.5, maxTailBreak ≤ 0.5).`,
    );
  });

  it('says which gate could not be evaluated and which slices were not checked', () => {
    const r = makeReport();
    // The tail bucket has no changed variant anywhere: the tail gates check nothing and fail.
    for (const res of [...r.summary, ...r.results]) res.buckets.few = { ...res.buckets.few!, n: 0 };
    const gates = evaluateGates(r, { maxDrop: 0.5, maxTailDrop: 0.5 });
    expect(gates.unevaluated.map((u) => u.gate.name)).toEqual(['maxTailDrop']);
    const summary = renderMarkdownSummary(r, { gates });
    expect(summary).toContain('### tailcheck: ❌ gates failed');
    expect(summary).toMatch(
      /- ❌ \*\*maxTailDrop\*\* not evaluated: the tail bucket "few" .* has no changed variants in any result/,
    );
    expect(summary).toContain('**Gates:** ❌ 1 gate(s) not evaluated');
  });

  it('folds the settings, every perturbation × severity and the warnings into <details>', () => {
    const folded = text.slice(text.indexOf('<details>'));
    expect(folded).toMatch(
      /^<details><summary>Settings, 4 perturbation × severity results · 1 warning<\/summary>\n\n/,
    );
    expect(folded).toContain(
      'models/banking77-lt (sha256:3f1c9a0b) on data/bank-queries.jsonl: 117 examples',
    );
    const rows = tableRows(folded, '| Perturbation | Severity | Drop');
    expect(rows.map((r) => `${r[0]} s${r[1]}`)).toEqual(
      report.results.map((r) => `${r.perturbation} s${r.severity}`),
    );
    expect(folded).toContain(`- ⚠️ ${report.warnings[0]}`);
    expect(text.trimEnd().endsWith('\n\n</details>')).toBe(true);
    expect(visible(text)).not.toContain('sha256:');
  });

  it('escapes dataset strings, and every table keeps its column count', () => {
    const hostile = makeReport({ hostile: true });
    const summary = renderMarkdownSummary(hostile, { gates: evaluateGates(hostile, FAILING) });
    for (const payload of [HOSTILE.script, HOSTILE.svg, HOSTILE.style, '<img', '\u001b']) {
      expect(summary).not.toContain(payload);
    }
    expect(summary).toContain('&lt;script&gt;');
    let width = -1;
    for (const l of lines(summary)) {
      if (!l.startsWith('|')) {
        width = -1;
        continue;
      }
      const n = cells(l).length;
      if (width === -1) width = n;
      else expect(n, l).toBe(width);
    }
  });
});

describe('renderMarkdownSummary with a worst-case attack', () => {
  const report = withAttack(makeReport());
  const a = report.attack!;
  const rate = (v: number) => `${(v * 100).toFixed(1)}%`;
  const ci = (e: { ci: [number, number] | null }) =>
    `[${(e.ci![0] * 100).toFixed(1)},${NBSP}${(e.ci![1] * 100).toFixed(1)}]`;

  it('adds one line under the verdict: success rate and edits to flip by bucket beside their overall values, accuracy under attack', () => {
    const summary = renderMarkdownSummary(report, { gates: evaluateGates(report, FAILING) });
    expect(lines(summary).length).toBeLessThanOrEqual(40);
    const o = a.overall;
    const bucketRates = report.buckets.map((b) => rate(a.buckets[b.name]!.attackSuccessRate.value!));
    const bucketEdits = report.buckets.map((b) => a.buckets[b.name]!.editsToFlip.mean.value!.toFixed(2));
    const e = o.editsToFlip.mean;
    expect(lines(summary)[2]).toBe(
      `**Worst-case attack** by bucket (many · medium · few): success rate ${bucketRates.join(' · ')}, overall ${rate(o.attackSuccessRate.value!)}${NBSP}${ci(o.attackSuccessRate)}; edits to flip ${bucketEdits.join(' · ')}, overall ${e.value!.toFixed(2)}${NBSP}[${e.ci![0].toFixed(2)},${NBSP}${e.ci![1].toFixed(2)}]; accuracy under attack ${rate(o.accuracyUnderAttack.value!)}${NBSP}${ci(o.accuracyUnderAttack)} (clean ${rate(o.correct / o.examples)}).`,
    );
    // the verdict above it reads the overall numbers and the head–tail gap
    expect(lines(summary)[1]).toContain('few-shot classes flip after fewer edits than many-shot classes');
    expect(tableRows(summary, '| Perturbation | Severity | Bucket |')).toHaveLength(4);
  });

  it('an attack-only summary has no empty perturbation tables, and its settings name the attack', () => {
    const only = attackOnlyReport(makeReport());
    const summary = renderMarkdownSummary(only);
    expect(lines(summary).length).toBeLessThanOrEqual(40);
    expect(lines(summary)[1]).toBe(`**Verdict:** ${escapeMarkdown(only.verdict)}`);
    expect(summary).not.toMatch(/\| Severity \||Worst slices|\| Perturbation \|/);
    expect(summary).toContain('**Worst-case attack** by bucket (many · medium · few)');
    expect(summary).toMatch(/<details><summary>Settings( · 1 warning)?<\/summary>/);
    expect(summary).toContain(
      `attack only: greedy search over ${a.config.perturbations.join(', ')} · max edits 20% · max queries 200 · seed 7`,
    );
  });
});

describe('GitHub workflow commands', () => {
  const report = makeReport();
  const failing = evaluateGates(report, FAILING);

  it("escapes as GitHub's toolkit does: % CR LF in the message, also : and , in properties", () => {
    expect(escapeCommandData('50% a\r\nb: c, d')).toBe('50%25 a%0D%0Ab: c, d');
    expect(escapeCommandProperty('50% a\r\nb: c, d')).toBe('50%25 a%0D%0Ab%3A c%2C d');
    // % first: an escape sequence already in the text is not taken for one
    expect(escapeCommandData('%0A')).toBe('%250A');
    expect(workflowCommand('warning', 'gate: a,b', 'x\u001b[31m%\ny')).toBe(
      '::warning title=gate%3A a%2Cb::x%25 y',
    );
  });

  it('prints one ::error per failed check, naming slice, value, CI and limit', () => {
    const failed = failing.checks.filter((c) => !c.passed);
    const errors = githubAnnotations(report, failing).filter((l) => l.startsWith('::error'));
    expect(errors).toHaveLength(failed.length);
    const pooledDrop = report.summary[1]!.overall;
    expect(errors[0]).toBe(
      `::error title=tailcheck gate maxDrop::all perturbations pooled, severity 2: drop ${pp(pooledDrop.drop)} pp ${ppCI(pooledDrop.dropCI)} > 5.0 pp (--max-drop 0.05)`,
    );
    const tailBreak = failed.find((c) => c.name === 'maxTailBreak')!;
    // the same sentence as the GATE FAILED line, without the gate's name (the title has it)
    expect(`maxTailBreak: ${describeFailedSlice(tailBreak)}`).toBe(describeFailedCheck(tailBreak));
    expect(describeFailedSlice(tailBreak)).toBe(
      `all perturbations pooled, severity 2, bucket "few": break rate ${(tailBreak.value * 100).toFixed(1)}% [${(tailBreak.ci![0] * 100).toFixed(1)}, ${(tailBreak.ci![1] * 100).toFixed(1)}] > 20.0% (--max-tail-break 0.2)`,
    );
    // the percent signs of a rate are escaped in the command
    expect(errors).toContain(
      `::error title=tailcheck gate maxTailBreak::${describeFailedSlice(tailBreak).replace(/%/g, '%25')}`,
    );
  });

  it("caps each kind at GitHub's 10 per step, the last one counting the rest", () => {
    const all = evaluateGates(report, { maxDrop: 0, maxTailDrop: 0 });
    const failed = all.checks.filter((c) => !c.passed).length;
    expect(failed).toBeGreaterThan(ANNOTATIONS_PER_KIND);
    const errors = githubAnnotations(report, all).filter((l) => l.startsWith('::error'));
    expect(errors).toHaveLength(ANNOTATIONS_PER_KIND);
    expect(errors.at(-1)).toBe(
      `::error title=tailcheck gates::${failed - ANNOTATIONS_PER_KIND + 1} more failed gate checks: see the job log or the JUnit file`,
    );
  });

  it('makes a gate that checked nothing an error, unchecked slices and report warnings warnings', () => {
    const r = makeReport();
    // few is empty in one result only: its slice is skipped; in all results: the gate checks nothing.
    r.results[0]!.buckets.few = { ...r.results[0]!.buckets.few!, n: 0 };
    const someSkipped = evaluateGates(r, { maxTailDrop: 0.5 });
    expect(githubAnnotations(r, someSkipped)).toEqual([
      `::warning title=tailcheck gate maxTailDrop::not checked in 1 slice(s) without changed variants: typo.keyboard s1 few`,
      `::warning title=tailcheck report::${r.warnings[0]}`,
    ]);
    for (const res of [...r.summary, ...r.results]) res.buckets.few = { ...res.buckets.few!, n: 0 };
    const nothing: GateOutcome = evaluateGates(r, { maxTailDrop: 0.5 });
    expect(githubAnnotations(r, nothing)[0]).toMatch(
      /^::error title=tailcheck gate maxTailDrop::not evaluated: the tail bucket "few" .* has no changed variants in any result .*; a gate that checks nothing fails$/,
    );
  });

  it('--github needs $GITHUB_STEP_SUMMARY, and says so before the run', () => {
    expect(githubSummaryPath({ github: false }, {})).toEqual([]);
    expect(githubSummaryPath({ github: true }, { GITHUB_STEP_SUMMARY: '/tmp/s.md' })).toEqual([
      { name: '$GITHUB_STEP_SUMMARY', path: '/tmp/s.md' },
    ]);
    for (const env of [{}, { GITHUB_STEP_SUMMARY: '' }]) {
      expect(() => githubSummaryPath({ github: true }, env)).toThrow(UsageError);
      expect(() => githubSummaryPath({ github: true }, env)).toThrow(
        /\$GITHUB_STEP_SUMMARY, which is not set/,
      );
    }
  });
});
