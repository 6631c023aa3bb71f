/**
 * `tailcheck compare BASE.json HEAD.json`: did the change make the model less robust, and on which
 * classes? The machinery lives in src/compare/, the renderers in src/report/compare-*.ts.
 */
import { checkMaxRegression } from '../../compare/gate.ts';
import { compareReports, renderCompareJson } from '../../compare/index.ts';
import { EXIT_GATE_FAILED } from '../../errors.ts';
import { regressionFailures } from '../../report/compare-common.ts';
import { renderCompareHtml } from '../../report/compare-html.ts';
import { renderCompareMarkdown } from '../../report/compare-markdown.ts';
import { renderCompareTerminal } from '../../report/compare-terminal.ts';
import { writeFilesAtomic } from '../../util/atomic-write.ts';
import { defineCommand } from '../define-command.ts';
import { checkOutputPaths, flagPaths } from '../io-paths.ts';
import { nonNegativeInt } from '../parse.ts';
import { readReportFile } from './merge.ts';

export default defineCommand({
  command: 'compare <base> <head>',
  describe:
    'Compare two reports of the same data, seed and perturbations (e.g. main vs a PR), paired per variant: drop, flip and break rate differences with CIs, and the variants that newly break',
  builder: (yargs) =>
    yargs
      .positional('base', {
        type: 'string',
        demandOption: true,
        describe: 'The BASE JSON report (e.g. of main)',
      })
      .positional('head', {
        type: 'string',
        demandOption: true,
        describe:
          'The HEAD JSON report (e.g. of the change), audited with the same --data, --seed, --perturb, --severity, --variants',
      })
      .options({
        'max-regression': {
          type: 'number',
          describe:
            "Exit 1 when HEAD's drop exceeds BASE's by more than this fraction (0.02 = 2 pp) and the CI of the difference lies above 0, on the pooled summary of any severity or on any perturbation × severity (the slices of --max-drop). A fraction in [0, 1]",
        },
        json: {
          type: 'string',
          nargs: 1,
          describe:
            'Write the comparison as JSON (schema tailcheck/compare@1, docs/compare-schema.md), or - for stdout',
        },
        md: {
          type: 'string',
          nargs: 1,
          describe: 'Write a compact Markdown summary (a PR comment: details folded), or - for stdout',
        },
        html: { type: 'string', nargs: 1, describe: 'Write a self-contained HTML page' },
        top: {
          type: 'number',
          default: 10,
          describe: 'Classes, and newly breaking / passing variants, listed in each output',
        },
        quiet: {
          type: 'boolean',
          default: false,
          describe: 'No terminal summary (failed gates are still printed to stderr)',
        },
      })
      .example(
        '$0 compare main.json pr.json --max-regression 0.02 --md comment.md',
        'gate a PR on its robustness',
      )
      .example(
        '$0 compare base.json head.json --html compare.html',
        'every class, and the variants that newly break',
      )
      .epilog(
        'Units: fractions in flags and JSON (0.02), percentage points in text (+2.0 pp). Exit codes: 0 ok, 1 --max-regression failed, 2 the reports cannot be compared (data, seed, perturbations, severities or variants differ; under 50 % shared examples) or a usage error.',
      ),
  handler: async (argv) => {
    // Flags first: a usage error costs no reading.
    const maxRegression =
      argv.maxRegression === undefined ? undefined : checkMaxRegression(argv.maxRegression);
    nonNegativeInt('top', argv.top);
    const outputs = flagPaths(argv, ['json', 'md'], { stdout: true }).concat(flagPaths(argv, ['html']));
    checkOutputPaths(
      [
        { name: 'BASE report', path: argv.base },
        { name: 'HEAD report', path: argv.head },
      ],
      outputs,
    );
    const base = readReportFile(argv.base);
    const head = readReportFile(argv.head);
    checkOutputPaths(
      [base.examplesFile, head.examplesFile]
        .filter((p): p is string => p !== undefined)
        .map((path) => ({ name: 'an examples file', path })),
      outputs,
    );

    const comparison = await compareReports(base, head, {
      names: { base: argv.base, head: argv.head },
      top: argv.top,
      maxRegression,
    });

    const renderers = {
      json: () => renderCompareJson(comparison),
      md: () => renderCompareMarkdown(comparison, { top: argv.top }),
      html: () => renderCompareHtml(comparison, { top: argv.top }),
    } as const;
    const files: { path: string; text: string }[] = [];
    let stdout: string | undefined;
    for (const flag of ['json', 'md', 'html'] as const) {
      const target = argv[flag];
      if (typeof target !== 'string' || target === '') continue;
      const text = renderers[flag]();
      if (target === '-') stdout = text;
      else files.push({ path: target, text });
    }
    writeFilesAtomic(files);
    if (stdout !== undefined) process.stdout.write(stdout);

    if (!argv.quiet) {
      const out = stdout !== undefined ? process.stderr : process.stdout;
      out.write(
        renderCompareTerminal(comparison, {
          color: Boolean(out.isTTY) && !process.env.NO_COLOR,
          width: out.columns,
          top: argv.top,
          gateFailures: false,
        }),
      );
    }
    // Failed gates always reach stderr, once each, whatever else was asked for.
    for (const failure of regressionFailures(comparison)) process.stderr.write(`GATE FAILED ${failure}\n`);
    if (comparison.gate && !comparison.gate.passed) process.exitCode = EXIT_GATE_FAILED;
  },
});
