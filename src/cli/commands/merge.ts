import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { EXIT_GATE_FAILED, InputError } from '../../errors.ts';
import { evaluateGates } from '../../measure/gates.ts';
import { mergeReports } from '../../merge.ts';
import { gateFailureLines, gateSkippedLines } from '../../report/explain.ts';
import { NO_GATE_WARNING, noGateSet } from '../../report/junit.ts';
import { reportSchemaProblem } from '../../report/schema.ts';
import { renderTerminal } from '../../report/terminal.ts';
import type { Report } from '../../types.ts';
import { defineCommand } from '../define-command.ts';
import { githubCliOption, githubSummaryPath, writeGithubOutput } from '../github-output.ts';
import { checkOutputPaths, flagPaths } from '../io-paths.ts';
import { gapMetricCliOption, gateCliOptions, parseGateLimits, UNITS_EPILOG } from '../parse.ts';
import { reportOutputOptions, reportOutputPaths, reportToStdout, writeReports } from '../report-output.ts';

export function readReportFile(path: string): Report {
  if (!existsSync(path)) throw new InputError('file not found', { file: path });
  let report: Report;
  try {
    report = JSON.parse(readFileSync(path, 'utf8')) as Report;
  } catch (err) {
    throw new InputError(`not valid JSON: ${(err as Error).message}`, { file: path });
  }
  const problem = reportSchemaProblem(report);
  if (problem) throw new InputError(problem, { file: path });
  // An examples file is written relative to where the audit ran; fall back to the report's folder.
  if (report.examplesFile && !isAbsolute(report.examplesFile) && !existsSync(report.examplesFile)) {
    const beside = join(dirname(path), report.examplesFile);
    if (existsSync(beside)) report.examplesFile = beside;
  }
  return report;
}

export default defineCommand({
  command: 'merge <reports..>',
  describe: 'Combine shard reports (audit --shard 1/n … n/n) into the report of the unsharded run',
  builder: (yargs) =>
    yargs
      .positional('reports', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'JSON reports of the shards',
      })
      .options({
        ...reportOutputOptions({ merged: true, gates: true }),
        ...githubCliOption,
        'examples-out': {
          type: 'string',
          nargs: 1,
          describe:
            'Write the merged per-example records to this JSONL file instead of inside the JSON report',
        },
        'allow-partial': {
          type: 'boolean',
          default: false,
          describe: 'Merge even when shards are missing (flagged in the report)',
        },
        ...gateCliOptions,
        'gap-metric': {
          ...gapMetricCliOption['gap-metric'],
          describe: `${gapMetricCliOption['gap-metric'].describe.replace('break (default; ', 'break (')}. Default: the shards' own`,
        },
        quiet: { type: 'boolean', default: false, describe: 'No terminal summary' },
      })
      .example(
        '$0 merge shard-*.json --json all.json --html all.html',
        'after a CI matrix of `audit --shard i/n`',
      )
      .example(
        '$0 merge shard-*.json --max-drop 0.05 --junit gates.xml',
        'gate the merged report as `audit` would gate an unsharded run',
      )
      .epilog(UNITS_EPILOG),
  handler: async (argv) => {
    const limits = parseGateLimits(argv);
    const reports = argv.reports.map(readReportFile);
    checkOutputPaths(
      argv.reports.flatMap((path, i) => {
        const examplesFile = reports[i]?.examplesFile;
        return [
          { name: 'input report', path },
          ...(examplesFile ? [{ name: `${path}'s examples file`, path: examplesFile }] : []),
        ];
      }),
      [
        ...reportOutputPaths(argv, { gates: true }),
        ...flagPaths(argv, ['examples-out']),
        ...githubSummaryPath(argv),
      ],
    );
    const merged = await mergeReports(reports, {
      allowPartial: argv.allowPartial,
      examplesOut: argv.examplesOut,
      names: argv.reports,
      gapMetric: argv.gapMetric,
    });
    const gates = evaluateGates(merged, limits);
    writeReports(merged, argv, { gates });
    // Said even with --quiet: a CI gate that can fail nothing is a configuration mistake.
    if (argv.junit && noGateSet(gates)) process.stderr.write(NO_GATE_WARNING);
    if (!argv.quiet) {
      const out = reportToStdout(argv) ? process.stderr : process.stdout;
      out.write(
        renderTerminal(merged, { color: Boolean(out.isTTY) && !process.env.NO_COLOR, width: out.columns }),
      );
      process.stderr.write(gateSkippedLines(gates));
    }
    // Always, --quiet too: a CI job that exits 1 must say why.
    process.stderr.write(gateFailureLines(gates, merged));
    // Annotations even with --quiet: they are what --github was asked for.
    if (argv.github) writeGithubOutput(merged, gates, reportToStdout(argv) ? process.stderr : process.stdout);
    if (!gates.passed) process.exitCode = EXIT_GATE_FAILED;
  },
});
