/**
 * Plain-text rendering of suite outcomes, shared by the CLI and the `toPassSuite` matcher. Names,
 * labels, texts and error messages come from the suite file, the data and the model: they are
 * stripped of control characters (a suite named "\x1b[2J" must not clear the terminal) — names to
 * one line, summaries and evidence keeping the line breaks that lay them out.
 */
import { stripControls, stripControlsKeepLines } from '../util/strings.ts';
import type { SuiteOutcome, TestOutcome } from './outcome.ts';

const STATUS = { passed: 'PASS', failed: 'FAIL', error: 'ERROR', 'known-failure': 'XFAIL' } as const;

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** One test's block: status line, each gate of an audit, then the evidence of a failure. */
export function formatTest(o: TestOutcome): string {
  const lines = [
    `${STATUS[o.status].padEnd(5)} ${stripControls(o.type)}: ${stripControls(o.name)} (${seconds(o.durationMs)})`,
  ];
  const indent = (text: string, by: string) => {
    for (const l of stripControlsKeepLines(text).split('\n')) lines.push(`${by}${l}`);
  };
  if (o.type === 'audit' || o.type === 'robustness') {
    // Audit evidence belongs to its gate: print it under the failing gate's line.
    indent(o.summary, '      ');
    for (const g of o.gates) {
      indent(g.line, '      ');
      if (!g.pass && g.detail) indent(g.detail, '          ');
    }
    if (o.status === 'error') for (const e of o.evidence) indent(e, '      ');
    return lines.join('\n');
  }
  indent(o.summary, '      ');
  if (o.status === 'failed' || o.status === 'error') for (const e of o.evidence) indent(e, '        ');
  return lines.join('\n');
}

export function formatTotals(outcome: SuiteOutcome): string {
  const count = (s: TestOutcome['status']) => outcome.tests.filter((t) => t.status === s).length;
  const errors = count('error');
  const known = count('known-failure');
  return (
    `${outcome.passed ? 'PASSED' : 'FAILED'}: ${count('passed')} passed, ${count('failed')} failed` +
    `${errors ? `, ${errors} errored` : ''}${known ? `, ${known} known failures` : ''}` +
    ` of ${outcome.tests.length} tests (${seconds(outcome.durationMs)})`
  );
}

/** The failing tests with their evidence, then the totals. */
export function formatFailures(outcome: SuiteOutcome): string {
  const failing = outcome.tests.filter((t) => t.status === 'failed' || t.status === 'error').map(formatTest);
  return [
    `suite "${stripControls(outcome.name)}" (${stripControls(outcome.file)}), model ${stripControls(outcome.model)}`,
    ...failing,
    formatTotals(outcome),
  ].join('\n');
}
