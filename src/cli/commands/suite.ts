import { resolve } from 'node:path';
import { type CacheUse, cacheUseLine } from '../../classify/cache-store.ts';
import { EXIT_GATE_FAILED, EXIT_OK } from '../../errors.ts';
import {
  modelOptionFiles,
  resolveModelOptionPaths,
  resolveModelSpec,
  resolvePath,
} from '../../suite/context.ts';
import { formatTest, formatTotals } from '../../suite/format.ts';
import { suiteErrorJunit, suiteJunit } from '../../suite/junit.ts';
import { type LoadedSuite, loadSuite } from '../../suite/load.ts';
import { runSuite } from '../../suite/run.ts';
import { writeFilesAtomic } from '../../util/atomic-write.ts';
import { stripControls } from '../../util/strings.ts';
import { defineCommand } from '../define-command.ts';
import { checkOutputPaths, flagPaths, modelPaths, type NamedPath } from '../io-paths.ts';
import {
  backendOptionsFromCli,
  checkBackendFlags,
  labelsThatFlip,
  modelRunCliOptions,
  positiveInt,
} from '../parse.ts';

/** Every file the suite run reads: the suite, the flags overriding its files, and the files it names. */
function suiteInputs(loaded: LoadedSuite, argv: Readonly<Record<string, unknown>>): NamedPath[] {
  const { suite, dir } = loaded;
  const named = (name: string, path: string | undefined): NamedPath[] =>
    path === undefined ? [] : [{ name, path: resolvePath(path, dir)! }];
  return [
    { name: 'the suite file', path: loaded.file },
    ...flagPaths(argv, ['data', 'train', 'class-counts']),
    ...modelPaths(argv.model as string | undefined),
    ...modelPaths(resolveModelSpec(suite.model, dir), `the suite's model`),
    ...named(`the suite's data`, suite.data),
    ...named(`the suite's train`, suite.train),
    ...named(`the suite's classCounts`, suite.classCounts),
    ...suite.tests.flatMap((t, i) =>
      'data' in t && typeof t.data === 'string' ? named(`the data of suite test ${i + 1}`, t.data) : [],
    ),
    ...modelOptionFiles(resolveModelOptionPaths(suite.modelOptions, dir)).map((path) => ({
      name: `the suite's modelOptions`,
      path,
    })),
  ];
}

/**
 * With --junit, a suite that cannot run (exit 2: invalid file, unknown perturbation, label or bucket,
 * unreadable data, a failing model) still leaves a JUnit file saying why, for CI to show. Written only
 * where the output checks allow (never over the suite or an input); the error is rethrown either way.
 */
function reportErrorAsJunit(
  err: unknown,
  argv: { junit?: string; file: string },
  suite: { name: string; displayName: string } | undefined,
  inputs: readonly NamedPath[],
): void {
  if (!argv.junit || typeof (err as { exitCode?: unknown }).exitCode !== 'number') return;
  try {
    checkOutputPaths(inputs, flagPaths(argv, ['junit']));
  } catch {
    return; // the suite's own error is the one to report
  }
  const name = suite?.name ?? argv.file;
  const file = suite?.displayName ?? argv.file;
  writeFilesAtomic([{ path: argv.junit, text: suiteErrorJunit(stripControls(name), file, err as Error) }]);
}

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
        junit: {
          type: 'string',
          requiresArg: true,
          describe: 'Write JUnit XML: one testcase per suite test',
        },
        json: { type: 'string', requiresArg: true, describe: 'Write the outcome as JSON (- for stdout)' },
        ...modelRunCliOptions,
        limit: { type: 'number', describe: 'Audit tests use only the first N examples (quick runs)' },
        'labels-that-flip': {
          type: 'string',
          requiresArg: true,
          describe:
            'FROM:TO pairs (positive:negative,negative:positive): every directional test with a transform (negate) then requires the prediction on the transformed text to be the mapped label of the gold (or original) label, instead of its expect; inputs whose label is not mapped are left out',
        },
        quiet: { type: 'boolean', default: false, describe: 'Print only failures and the totals' },
      })
      .example('$0 suite suites/default.yaml --junit suite.xml', 'run the generic robustness suite')
      .example(
        '$0 suite suites/default.yaml --model ./my-model --data eval.jsonl',
        'the same gates on your model',
      )
      .example(
        '$0 suite sentiment.yaml --labels-that-flip positive:negative,negative:positive',
        'negation must flip a sentiment label',
      )
      .epilog('Exit codes: 0 all tests pass, 1 a test failed, 2 the suite file is missing or invalid.'),
  handler: async (argv) => {
    positiveInt('limit', argv.limit);
    const flips = labelsThatFlip(argv.labelsThatFlip);
    positiveInt('batch-size', argv.batchSize);
    positiveInt('concurrency', argv.concurrency);
    checkBackendFlags(argv, 'run');
    let loaded: LoadedSuite;
    try {
      loaded = loadSuite(argv.file);
    } catch (err) {
      reportErrorAsJunit(err, argv, undefined, [
        { name: 'the suite file', path: resolve(argv.file) },
        ...flagPaths(argv, ['data', 'train', 'class-counts']),
        ...modelPaths(argv.model as string | undefined),
      ]);
      throw err;
    }
    const inputs = suiteInputs(loaded, argv);
    checkOutputPaths(inputs, [...flagPaths(argv, ['json'], { stdout: true }), ...flagPaths(argv, ['junit'])]);
    // With --json - the JSON owns stdout; the human summary moves to stderr.
    const stream = argv.json === '-' ? process.stderr : process.stdout;
    const out = (s: string) => stream.write(`${s}\n`);
    if (!argv.quiet)
      out(`suite "${stripControls(loaded.suite.name)}" (${stripControls(loaded.displayName)})`);
    let cacheUse: CacheUse | undefined;
    const outcome = await runSuite(loaded, {
      model: argv.model,
      data: argv.data,
      train: argv.train,
      classCounts: argv.classCounts,
      cacheDir: argv.cache ? argv.cacheDir : null,
      limit: argv.limit,
      labelsThatFlip: flips,
      batchSize: argv.batchSize,
      concurrency: argv.concurrency,
      classifierOptions: backendOptionsFromCli(argv, 'run'),
      onCacheUse: (use) => {
        cacheUse = use;
      },
      onTestEnd: (o) => {
        if (!argv.quiet || o.status !== 'passed') out(formatTest(o));
      },
    }).catch((err: unknown) => {
      reportErrorAsJunit(err, argv, { name: loaded.suite.name, displayName: loaded.displayName }, inputs);
      throw err;
    });
    out(`${formatTotals(outcome)} — model ${stripControls(outcome.model)}`);
    // Both files are written whole, then renamed into place together (cli/report-output.ts).
    const json = argv.json ? `${JSON.stringify(outcome, null, 2)}\n` : undefined;
    writeFilesAtomic([
      ...(argv.junit ? [{ path: argv.junit, text: suiteJunit(outcome) }] : []),
      ...(json !== undefined && argv.json !== '-' ? [{ path: argv.json!, text: json }] : []),
    ]);
    if (json !== undefined && argv.json === '-') process.stdout.write(json);
    // Always stderr (never in the JSON/JUnit outcome); --quiet drops it with the other summaries.
    if (cacheUse && !argv.quiet) process.stderr.write(cacheUseLine(cacheUse));
    process.exitCode = outcome.passed ? EXIT_OK : EXIT_GATE_FAILED;
  },
});
