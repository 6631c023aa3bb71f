/**
 * GitHub Actions output (`--github`): workflow-command annotations for the gate outcome and the
 * report's warnings; a failed check reads as the GATE FAILED line does (explain.ts). Pure functions; the CLI writes them (src/cli/github-output.ts).
 *
 * Escaping follows GitHub's own toolkit (@actions/core, command.ts): in the message `%`, `\r`, `\n`
 * become `%25`, `%0D`, `%0A`; in a property value also `:` and `,` become `%3A`, `%2C`.
 */
import type { GateOutcome } from '../measure/gates.ts';
import type { Report } from '../types.ts';
import { stripControls } from '../util/strings.ts';
import { describeFailedSlice, listEvidence, shortSlice, skippedByGate, whyNotEvaluated } from './explain.ts';

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
      .map((c) => workflowCommand('error', `tailcheck gate ${c.name}`, describeFailedSlice(c))),
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
