/**
 * The compact Markdown summary (`--md-summary`, and the job summary `--github` appends): what a PR
 * comment needs within ~40 lines — the verdict (and the worst-case attack by bucket, when one ran),
 * all perturbations pooled per severity, the worst slices, one line per fairness slice (when a perturbation declaring one ran) and the gates — with the run's settings, the per-perturbation table and the warnings
 * folded in <details>. The full report is `--md`.
 *
 * Cells stay short, and a value with its interval never wraps inside a cell: its spaces are
 * non-breaking (a wide table scrolls instead). Dataset strings are escaped with `escapeMarkdown`.
 */
import { POOLED } from '../measure/accumulator.ts';
import type { GateOutcome } from '../measure/gates.ts';
import type { AttackMetrics, AttackSection, GapMetric, Metrics, Report, Result } from '../types.ts';
import { compareStrings } from '../util/strings.ts';
import { attackCleanAccuracy, attackNumber, attackOnly, attackRate, editsNumber } from './attack-common.ts';
import {
  confidenceLabel,
  dropWithCI,
  fairnessHeadlines,
  fairnessLine,
  GAP_METRIC_NAMES,
  hasData,
  hasMetricData,
  headlineMetric,
  MISSING,
  metricCI,
  metricValue,
  metricWithCI,
  pct,
  pooledFor,
  pp,
  ppCI,
  severitiesOf,
} from './common.ts';
import {
  describeFailedSlice,
  GATE_FLAGS,
  listEvidence,
  shortSlice,
  skippedByGate,
  whyNotEvaluated,
} from './explain.ts';

import { escapeMarkdown } from './markdown.ts';

export interface MarkdownSummaryOptions {
  /** the gate outcome; without it, or when no gate was set, the summary says so */
  gates?: GateOutcome;
  /** worst perturbation × severity × bucket slices listed (default 5) */
  worstSlices?: number;
  /** failed gate checks listed (default 5; the last line counts the rest) */
  failedChecks?: number;
}

const NBSP = '\u00a0';

/** Keeps a value and its interval on one line inside a table cell. */
const nowrap = (text: string): string => text.replace(/ /g, NBSP);

/** A slice's value of the metric without its CI: "35.6%" for a rate, "+7.1" (pp) for the drop. */
function metricCell(m: Metrics | undefined, metric: GapMetric): string {
  if (!hasMetricData(m, metric)) return MISSING;
  return metric === 'drop' ? pp(m.drop) : pct(metricValue(m, metric));
}

function gatesWereSet(gates: GateOutcome | undefined): gates is GateOutcome {
  return gates !== undefined && gates.checks.length + gates.skipped.length + gates.unevaluated.length > 0;
}

function heading(gates: GateOutcome | undefined): string {
  if (!gatesWereSet(gates)) return '### tailcheck robustness summary';
  return gates.passed ? '### tailcheck: ✅ gates passed' : '### tailcheck: ❌ gates failed';
}

export function renderMarkdownSummary(report: Report, options: MarkdownSummaryOptions = {}): string {
  // A heading is a one-line block: the paragraph or table after it needs no blank line (lines are the budget).
  const out = [heading(options.gates), `**Verdict:** ${escapeMarkdown(report.verdict)}`];
  // The attack's line right under the verdict, which reads its overall numbers and head–tail gap.
  if (report.attack) out.push(attackLine(report, report.attack));
  out.push('');
  // An attack-only report has no perturbation result to tabulate; with an attack, one slice fewer
  // keeps the summary within its lines.
  if (!attackOnly(report)) {
    out.push(...pooledTable(report), '');
    out.push(...worstSlicesTable(report, options.worstSlices ?? (report.attack ? 4 : 5)), '');
  }
  const fairness = fairnessHeadlines(report);
  // One bullet per slice (its highest severity): a list, so the lines do not run into one paragraph.
  if (fairness.length > 0)
    out.push(...fairness.map((e) => `- ${fairnessLine(report, e, escapeMarkdown)}`), '');
  out.push(...gateLines(report, options.gates, options.failedChecks ?? 5), '');
  out.push(...details(report));
  return `${out.join('\n')}\n`;
}

/** All perturbations pooled, one row per severity: overall numbers, then the headline metric by bucket. */
function pooledTable(report: Report): string[] {
  const metric = headlineMetric(report);
  const ci = confidenceLabel(report);
  const buckets = report.buckets.map((b) => escapeMarkdown(b.name));
  const rows = severitiesOf(report).flatMap((severity) => {
    const r = pooledFor(report, severity);
    if (!r) return [];
    const m = r.overall;
    const g = r.headTailGap;
    const cells = [
      String(severity),
      hasData(m) ? pct(m.cleanAccuracy) : MISSING,
      hasData(m) ? pct(m.perturbedAccuracy) : MISSING,
      hasData(m) ? nowrap(dropWithCI(m)) : MISSING,
      metricCell(m, 'break'),
      metricCell(m, 'flip'),
      ...report.buckets.map((b) => metricCell(r.buckets[b.name], metric)),
      g ? nowrap(`${pp(g.value)} ${ppCI(g.ci)}`) : MISSING,
    ];
    return [`| ${cells.join(' | ')} |`];
  });
  const name = GAP_METRIC_NAMES[metric];
  return [
    `| Severity | Clean | Perturbed | Drop [${ci}] | Break rate | Flip rate | ${buckets.map((b) => `${b} |`).join(' ')} Gap [${ci}] |`,
    `|---:|---:|---:|---|---:|---:|${report.buckets.map(() => '---:|').join('')}---|`,
    ...rows,
    '',
    `All perturbations pooled. Drop and gap in pp, rates in %. Bucket columns (head → tail): ${name}. Gap: ${name} of the tail-most bucket with data − the head-most, positive = the tail fares worse.`,
  ];
}

interface SliceRow {
  result: Result;
  bucket: string;
  metrics: Metrics;
  value: number;
  ci: [number, number];
}

/**
 * The slices that fare worst on the headline metric: perturbation × severity × bucket, largest value
 * first. Slices without an interval (fewer than two examples) are left out: a single broken example
 * would top the list at 100 %.
 */
export function worstSlices(report: Report, k: number): SliceRow[] {
  const metric = headlineMetric(report);
  const rows: SliceRow[] = [];
  for (const result of report.results) {
    if (result.perturbation === POOLED) continue;
    for (const b of report.buckets) {
      const m = result.buckets[b.name];
      const ci = m ? metricCI(m, metric) : null;
      if (!hasMetricData(m, metric) || ci === null) continue;
      rows.push({ result, bucket: b.name, metrics: m, value: metricValue(m, metric), ci });
    }
  }
  const bucketOrder = (name: string) => report.buckets.findIndex((b) => b.name === name);
  rows.sort(
    (a, b) =>
      b.value - a.value ||
      b.ci[0] - a.ci[0] ||
      compareStrings(a.result.perturbation, b.result.perturbation) ||
      a.result.severity - b.result.severity ||
      bucketOrder(a.bucket) - bucketOrder(b.bucket),
  );
  return rows.slice(0, Math.max(0, k));
}

function worstSlicesTable(report: Report, k: number): string[] {
  const metric = headlineMetric(report);
  const name = GAP_METRIC_NAMES[metric];
  const rows = worstSlices(report, k);
  const title = `#### Worst slices by ${name} (perturbation × severity × bucket; slices too small for an interval left out)`;
  if (rows.length === 0) return [title, 'No slice has enough examples for an interval.'];
  return [
    title,
    `| Perturbation | Severity | Bucket | ${name[0]!.toUpperCase()}${name.slice(1)} [${confidenceLabel(report)}] | Examples |`,
    '|---|---:|---|---|---:|',
    ...rows.map(
      (r) =>
        `| ${escapeMarkdown(r.result.perturbation)} | ${r.result.severity} | ${escapeMarkdown(r.bucket)} | ${nowrap(metricWithCI(r.metrics, metric))} | ${r.metrics.nExamples} |`,
    ),
  ];
}

/**
 * The worst-case attack in one line, what the verdict does not say: the success rate and edits to
 * flip per bucket (head → tail) beside their overall values with CIs, and accuracy under attack.
 */
function attackLine(report: Report, section: AttackSection): string {
  const o = section.overall;
  const perBucket = (
    value: (m: AttackMetrics | undefined) => number | null | undefined,
    format: (x: number) => string,
  ) =>
    report.buckets
      .map((b) => {
        const v = value(section.buckets[b.name]);
        return v === null || v === undefined ? MISSING : format(v);
      })
      .join(' · ');
  const names = report.buckets.map((b) => escapeMarkdown(b.name)).join(' · ');
  return `**Worst-case attack** by bucket (${names}): success rate ${perBucket(
    (m) => m?.attackSuccessRate.value,
    (x) => pct(x),
  )}, overall ${nowrap(attackRate(o.attackSuccessRate))}; edits to flip ${perBucket((m) => m?.editsToFlip.mean.value, editsNumber)}, overall ${nowrap(attackNumber(o.editsToFlip.mean, editsNumber))}; accuracy under attack ${nowrap(attackRate(o.accuracyUnderAttack))} (clean ${attackCleanAccuracy(o)}).`;
}

/** The gates' outcome: one line when all passed; otherwise the failed checks, at most `k` lines. */
function gateLines(report: Pick<Report, 'buckets'>, gates: GateOutcome | undefined, k: number): string[] {
  if (!gatesWereSet(gates)) {
    const flags = Object.values(GATE_FLAGS)
      .map((f) => `\`${f}\``)
      .join(', ');
    return [`**Gates:** none set (${flags}); this run cannot fail.`];
  }
  const limits = new Map<string, number>();
  for (const c of [...gates.checks, ...gates.skipped]) limits.set(c.name, c.limit);
  for (const u of gates.unevaluated) limits.set(u.gate.name, u.gate.bound);
  const bounds = [...limits].map(([name, limit]) => `${name} ${name.startsWith('min') ? '≥' : '≤'} ${limit}`);
  const failed = gates.checks.filter((c) => !c.passed);
  const skipped = [...skippedByGate(gates)].map(
    ([name, slices]) => `${name}: ${listEvidence(slices, (s) => escapeMarkdown(shortSlice(s))).join(', ')}`,
  );
  const notChecked = skipped.length ? ` Not checked (no changed variants): ${skipped.join('; ')}.` : '';
  if (gates.passed) {
    return [
      `**Gates:** ✅ all ${gates.checks.length} checks within the limits (${bounds.join(', ')}).${notChecked}`,
    ];
  }
  const problems = [
    ...gates.unevaluated.map(
      (u) => `- ❌ **${u.gate.name}** not evaluated: ${escapeMarkdown(whyNotEvaluated(report, u))}`,
    ),
    ...failed.map((c) => `- ❌ **${c.name}** ${escapeMarkdown(describeFailedSlice(c))}`),
  ];
  const shown =
    problems.length <= k
      ? problems
      : [
          ...problems.slice(0, k - 1),
          `- … ${problems.length - k + 1} more: see the job log or the JUnit file`,
        ];
  const summary = [
    failed.length ? `${failed.length} of ${gates.checks.length} checks over the limit` : '',
    gates.unevaluated.length ? `${gates.unevaluated.length} gate(s) not evaluated` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return [`**Gates:** ❌ ${summary} (${bounds.join(', ')}).${notChecked}`, ...shown];
}

/** Folded: the run's settings, every perturbation × severity, the warnings. */
function details(report: Report): string[] {
  const c = report.config;
  const metric = headlineMetric(report);
  const ci = confidenceLabel(report);
  const results = report.results.filter((r) => r.perturbation !== POOLED);
  const warnings = report.warnings.length
    ? ` · ${report.warnings.length} warning${report.warnings.length === 1 ? '' : 's'}`
    : '';
  const tool = `${escapeMarkdown(report.tool.name)} ${escapeMarkdown(report.tool.version)}`;
  const run = `${escapeMarkdown(c.model.id)} (${escapeMarkdown(c.model.fingerprint)}) on ${escapeMarkdown(c.data.path)}: ${c.data.n} examples`;
  if (attackOnly(report)) {
    // No perturbation ran: the settings of the attack alone, and no empty results table.
    const a = report.attack!.config;
    return [
      `<details><summary>Settings${warnings}</summary>`,
      '',
      `${run} · attack only: ${escapeMarkdown(a.search)} search over ${a.perturbations.map(escapeMarkdown).join(', ')} · max edits ${escapeMarkdown(a.maxEdits)} · max queries ${a.maxQueries} · seed ${c.seed} · ${ci} from ${c.bootstrap.resamples} resamples · ${tool}`,
      ...(report.warnings.length > 0 ? ['', ...report.warnings.map((w) => `- ⚠️ ${escapeMarkdown(w)}`)] : []),
      '',
      '</details>',
    ];
  }
  const out = [
    `<details><summary>Settings, ${results.length} perturbation × severity results${warnings}</summary>`,
    '',
    `${run} · ${c.perturbations.length} perturbations · severities ${c.severities.join(', ')} · ${c.variants} variants · seed ${c.seed} · ${ci} from ${c.bootstrap.resamples} resamples · ${tool}`,
    '',
    `| Perturbation | Severity | Drop [${ci}] | Break rate | Flip rate | ${report.buckets.map((b) => `${escapeMarkdown(b.name)} |`).join(' ')}`,
    `|---|---:|---|---:|---:|${report.buckets.map(() => '---:|').join('')}`,
    ...results.map((r) => {
      const m = r.overall;
      const cells = [
        escapeMarkdown(r.perturbation),
        String(r.severity),
        hasData(m) ? nowrap(dropWithCI(m)) : MISSING,
        metricCell(m, 'break'),
        metricCell(m, 'flip'),
        ...report.buckets.map((b) => metricCell(r.buckets[b.name], metric)),
      ];
      return `| ${cells.join(' | ')} |`;
    }),
  ];
  if (report.warnings.length > 0) {
    out.push('', ...report.warnings.map((w) => `- ⚠️ ${escapeMarkdown(w)}`));
  }
  out.push('', '</details>');
  return out;
}
