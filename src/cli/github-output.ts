/**
 * `--github` for the commands that gate a report (audit, merge): the compact Markdown summary is
 * appended to the job summary ($GITHUB_STEP_SUMMARY) and the gate outcome is printed as workflow
 * commands (`::error`/`::warning`), which GitHub turns into annotations on the run and the PR.
 *
 * An explicit flag rather than GITHUB_ACTIONS=true: a workflow that runs tailcheck several times
 * (or tailcheck's own tests on Actions) should not grow a summary per run unasked, and the flag in
 * the workflow file says where the summary comes from. Outside Actions it is a usage error, found
 * before the run.
 */
import { appendFileSync, statSync } from 'node:fs';
import { UsageError } from '../errors.ts';
import type { GateOutcome } from '../measure/gates.ts';
import { githubAnnotations } from '../report/github.ts';
import { renderMarkdownSummary } from '../report/markdown-summary.ts';
import type { Report } from '../types.ts';
import type { NamedPath } from './io-paths.ts';

export const githubCliOption = {
  github: {
    type: 'boolean',
    default: false,
    describe:
      'In GitHub Actions: append the --md-summary text to $GITHUB_STEP_SUMMARY and print ::error/::warning annotations for failed gates, gates not evaluated and warnings (stdout; stderr when a report goes to stdout)',
  },
} as const;

const SUMMARY_VARIABLE = 'GITHUB_STEP_SUMMARY';

/**
 * The job summary file `--github` appends to, as an output for the up-front path checks; a usage
 * error when the variable is not set. No flag, no file.
 */
export function githubSummaryPath(
  argv: { github?: boolean },
  env: NodeJS.ProcessEnv = process.env,
): NamedPath[] {
  if (!argv.github) return [];
  const path = env[SUMMARY_VARIABLE];
  if (path === undefined || path === '') {
    throw new UsageError(
      `--github appends the summary to the file named by $${SUMMARY_VARIABLE}, which is not set (GitHub Actions sets it in every step); outside GitHub Actions, write the summary with --md-summary FILE`,
    );
  }
  return [{ name: `$${SUMMARY_VARIABLE}`, path }];
}

/**
 * Appends the summary to the job summary (never replacing what earlier steps or runs wrote there) and
 * prints the annotations to `out`.
 */
export function writeGithubOutput(
  report: Report,
  gates: GateOutcome,
  out: NodeJS.WritableStream,
  env: NodeJS.ProcessEnv = process.env,
): void {
  const [summary] = githubSummaryPath({ github: true }, env);
  const path = summary!.path;
  let size = 0;
  try {
    size = statSync(path).size;
  } catch {
    // no file yet: appending creates it
  }
  try {
    // A blank line keeps this summary from running into Markdown written before it.
    appendFileSync(path, `${size > 0 ? '\n' : ''}${renderMarkdownSummary(report, { gates })}`);
  } catch (err) {
    throw new UsageError(
      `$${SUMMARY_VARIABLE} ${path}: cannot append the summary: ${(err as Error).message}`,
    );
  }
  for (const line of githubAnnotations(report, gates)) out.write(`${line}\n`);
}
