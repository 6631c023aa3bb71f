import { writeFileSync } from 'node:fs';
import { type CacheUse, cacheUseLine } from '../../classify/cache-store.ts';
import { EXIT_GATE_FAILED, EXIT_OK } from '../../errors.ts';
import { formatTest, formatTotals } from '../../suite/format.ts';
import { suiteJunit } from '../../suite/junit.ts';
import { loadSuite } from '../../suite/load.ts';
import { runSuite } from '../../suite/run.ts';
import { defineCommand } from '../define-command.ts';
import { modelRunCliOptions, positiveInt } from '../parse.ts';

export default defineCommand({
  command: 'suite <file>',
  describe:
    'Run a declarative test suite (YAML): audit gates, invariance, expected labels, directional tests',
  builder: (yargs) =>
    yargs
      .positional('file', { type: 'string', demandOption: true, describe: 'Suite file (.yaml)' })
      .options({
        model: {
          type: 'string',
          describe: "Override the suite's model (folder, hub id, URL, cmd:…, module)",
        },
        data: { type: 'string', describe: "Override the suite's evaluation data file" },
        train: {
          type: 'string',
          describe: "Override the suite's training file (class frequencies for buckets)",
        },
        'class-counts': { type: 'string', describe: "Override the suite's class counts JSON {label: count}" },
        junit: { type: 'string', describe: 'Write JUnit XML: one testcase per suite test' },
        json: { type: 'string', requiresArg: true, describe: 'Write the outcome as JSON (- for stdout)' },
        ...modelRunCliOptions,
        limit: { type: 'number', describe: 'Audit tests use only the first N examples (quick runs)' },
        quiet: { type: 'boolean', default: false, describe: 'Print only failures and the totals' },
      })
      .example('$0 suite suites/default.yaml --junit suite.xml', 'run the generic robustness suite')
      .example(
        '$0 suite suites/default.yaml --model ./my-model --data eval.jsonl',
        'the same gates on your model',
      )
      .epilog('Exit codes: 0 all tests pass, 1 a test failed, 2 the suite file is missing or invalid.'),
  handler: async (argv) => {
    positiveInt('limit', argv.limit);
    positiveInt('batch-size', argv.batchSize);
    positiveInt('concurrency', argv.concurrency);
    const loaded = loadSuite(argv.file);
    // With --json - the JSON owns stdout; the human summary moves to stderr.
    const stream = argv.json === '-' ? process.stderr : process.stdout;
    const out = (s: string) => stream.write(`${s}\n`);
    if (!argv.quiet) out(`suite "${loaded.suite.name}" (${loaded.displayName})`);
    let cacheUse: CacheUse | undefined;
    const outcome = await runSuite(loaded, {
      model: argv.model,
      data: argv.data,
      train: argv.train,
      classCounts: argv.classCounts,
      cacheDir: argv.cache ? argv.cacheDir : null,
      limit: argv.limit,
      batchSize: argv.batchSize,
      concurrency: argv.concurrency,
      dtype: argv.dtype,
      onCacheUse: (use) => {
        cacheUse = use;
      },
      onTestEnd: (o) => {
        if (!argv.quiet || o.status !== 'passed') out(formatTest(o));
      },
    });
    out(`${formatTotals(outcome)} — model ${outcome.model}`);
    if (argv.junit) writeFileSync(argv.junit, suiteJunit(outcome));
    if (argv.json) {
      const json = `${JSON.stringify(outcome, null, 2)}\n`;
      if (argv.json === '-') process.stdout.write(json);
      else writeFileSync(argv.json, json);
    }
    // Always stderr (never in the JSON/JUnit outcome); --quiet drops it with the other summaries.
    if (cacheUse && !argv.quiet) process.stderr.write(cacheUseLine(cacheUse));
    process.exitCode = outcome.passed ? EXIT_OK : EXIT_GATE_FAILED;
  },
});
