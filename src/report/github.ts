/**
 * GitHub Actions output (`--github`): workflow-command annotations for the gate outcome and the
 * report's warnings, and the one-line sentence per failed gate check that both the annotations and
 * the compact Markdown summary print. Pure functions; the CLI writes them (src/cli/github-output.ts).
 *
 * Escaping follows GitHub's own toolkit (@actions/core, command.ts): in the message `%`, `\r`, `\n`
 * become `%25`, `%0D`, `%0A`; in a property value also `:` and `,` become `%3A`, `%2C`.
 */
import type { GateCheck, GateName, GateOutcome, SkippedSlice } from '../measure/gates.ts';
import type { Report } from '../types.ts';
import { stripControls } from '../util/strings.ts';
import { pctCI, pp, ppCI } from './common.ts';
import { describeSlice, listEvidence, whyNotEvaluated } from './explain.ts';

/** GitHub shows at most 10 error and 10 warning annotations of a step; the rest are dropped. */
export const ANNOTATIONS_PER_KIND = 10;

export function escapeCommandData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeCommandProperty(value: string): string {
  return escapeCommandData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** `::error title=…::message`: one workflow command, escaped; outside text is flattened to one line first. */
export function workflowCommand(kind: 'error' | 'warning', title: string, message: string): string {
  return `::${kind} title=${escapeCommandProperty(stripControls(title))}::${escapeCommandData(stripControls(message))}`;
}

// ───────────────────────────── failed checks in words ─────────────────────────────

interface GateWords {
  /** what the gate compares */
  measure: string;
  /** a difference of rates (pp) or a rate (%) */
  unit: 'pp' | '%';
  /** the CLI flag that sets the bound, for the gates `audit` and `merge` take */
  flag?: string;
}

const GATE_WORDS: Readonly<Record<GateName, GateWords>> = {
  maxDrop: { measure: 'drop', unit: 'pp', flag: '--max-drop' },
  maxTailDrop: { measure: 'drop', unit: 'pp', flag: '--max-tail-drop' },
  maxTailBreak: { measure: 'break rate', unit: '%', flag: '--max-tail-break' },
  minRobustAccuracy: { measure: 'robust accuracy', unit: '%' },
  maxTailGap: { measure: 'head–tail gap', unit: 'pp' },
};

/** "35.6 %" for a rate, "+18.1 pp" for a difference (prose units; flags and JSON keep fractions). */
function inUnit(x: number, unit: GateWords['unit']): string {
  return unit === 'pp' ? `${pp(x)} pp` : `${(x * 100).toFixed(1)} %`;
}

function limitInUnit(x: number, unit: GateWords['unit']): string {
  return `${(x * 100).toFixed(1)} ${unit}`;
}

/**
 * One failed check in words, naming the slice, the value with its CI and the limit:
 * `typo.keyboard, severity 2, bucket "few": drop +18.1 pp [+12.0, +24.2] > 5.0 pp (--max-tail-drop 0.05)`.
 */
export function failedCheckText(check: GateCheck): string {
  const words = GATE_WORDS[check.name];
  const ci = words.unit === 'pp' ? ppCI(check.ci) : pctCI(check.ci);
  const comparator = check.name === 'minRobustAccuracy' ? '<' : '>';
  const bound = words.flag ? `${words.flag} ${check.limit}` : `limit ${check.limit}`;
  return `${describeSlice(check)}: ${words.measure} ${inUnit(check.value, words.unit)} ${ci} ${comparator} ${limitInUnit(check.limit, words.unit)} (${bound})`;
}

/** The slices a gate could not check, by gate, in the order the gates first skip one. */
export function skippedByGate(outcome: GateOutcome): Map<GateName, SkippedSlice[]> {
  const unevaluated = new Set(outcome.unevaluated.map((u) => u.gate.name));
  const byGate = new Map<GateName, SkippedSlice[]>();
  for (const s of outcome.skipped) {
    if (unevaluated.has(s.name)) continue; // said once, as the gate's failure
    byGate.set(s.name, [...(byGate.get(s.name) ?? []), s]);
  }
  return byGate;
}

/** A skipped slice, short: "typo.keyboard s2 few". */
export function shortSlice(
  s: Pick<SkippedSlice, 'pooled' | 'perturbation' | 'severity' | 'bucket' | 'class'>,
): string {
  const where = s.pooled ? 'all' : s.perturbation;
  const what = s.bucket ?? s.class;
  return `${where} s${s.severity}${what === undefined ? '' : ` ${what}`}`;
}

// ───────────────────────────── annotations ─────────────────────────────

/** At most `max` lines: beyond it, the last line says how many more there were and where to find them. */
function capped(lines: string[], max: number, more: (n: number) => string): string[] {
  if (lines.length <= max) return lines;
  return [...lines.slice(0, max - 1), more(lines.length - max + 1)];
}

/**
 * The workflow commands for a run: `::error` for each failed check and each gate that checked nothing
 * (both fail the run, exit 1), `::warning` for slices a gate could not check and for the report's
 * warnings. Each kind is capped at GitHub's 10 per step, the last one counting the rest.
 */
export function githubAnnotations(
  report: Pick<Report, 'buckets' | 'warnings'>,
  outcome: GateOutcome,
): string[] {
  const errors = [
    ...outcome.unevaluated.map((u) =>
      workflowCommand(
        'error',
        `tailcheck gate ${u.gate.name}`,
        `not evaluated: ${whyNotEvaluated(report, u)}; a gate that checks nothing fails`,
      ),
    ),
    ...outcome.checks
      .filter((c) => !c.passed)
      .map((c) => workflowCommand('error', `tailcheck gate ${c.name}`, failedCheckText(c))),
  ];
  const warnings = [
    ...[...skippedByGate(outcome)].map(([name, skipped]) =>
      workflowCommand(
        'warning',
        `tailcheck gate ${name}`,
        `not checked in ${skipped.length} slice(s) without changed variants: ${listEvidence(skipped, shortSlice).join(', ')}`,
      ),
    ),
    ...report.warnings.map((w) => workflowCommand('warning', 'tailcheck report', w)),
  ];
  return [
    ...capped(errors, ANNOTATIONS_PER_KIND, (n) =>
      workflowCommand(
        'error',
        'tailcheck gates',
        `${n} more failed gate checks: see the job log or the JUnit file`,
      ),
    ),
    ...capped(warnings, ANNOTATIONS_PER_KIND, (n) =>
      workflowCommand('warning', 'tailcheck report', `${n} more warnings: see the job summary or the report`),
    ),
  ];
}
