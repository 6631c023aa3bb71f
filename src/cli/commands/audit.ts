import type { ArgumentsCamelCase, InferredOptionTypes } from 'yargs';
import { resolveAttackPerturbations } from '../../attack/candidates.ts';
import { checkVariants } from '../../audit/options.ts';
import { type AuditOptions, audit } from '../../audit.ts';
import { type CacheUse, cacheUseLine } from '../../classify/cache-store.ts';
import { DEFAULT_RESAMPLES } from '../../defaults.ts';
import { EXIT_GATE_FAILED, UsageError } from '../../errors.ts';
import { evaluateGates } from '../../measure/gates.ts';
import { checkLexiconKeys, LEXICON_OPTION, type Lexicon } from '../../perturb/lexicon.ts';
import { loadRegistry } from '../../perturb/registry.ts';
import { gateFailureLines, gateSkippedLines } from '../../report/explain.ts';
import { NO_GATE_WARNING, noGateSet } from '../../report/junit.ts';
import { renderTerminal } from '../../report/terminal.ts';
import { attackCliOptions, attackOptionsFromCli, checkAttackFlagsNeedAttack } from '../attack-options.ts';
import { defineCommand } from '../define-command.ts';
import { githubCliOption, githubSummaryPath, writeGithubOutput } from '../github-output.ts';
import { checkOutputPaths, flagPaths, modelPaths } from '../io-paths.ts';
import { readLexiconFile } from '../lexicon-file.ts';
import {
  backendCliOptions,
  backendOptionsFromCli,
  checkBackendFlags,
  dataFormatCliOption,
  gapMetricCliOption,
  gateCliOptions,
  modelRunCliOptions,
  parseGateLimits,
  parseProtect,
  parseSeverities,
  parseShard,
  perturbationCliOptions,
  positiveInt,
  UNITS_EPILOG,
} from '../parse.ts';
import { createProgress } from '../progress.ts';
import { reportOutputOptions, reportOutputPaths, reportToStdout, writeReports } from '../report-output.ts';

/**
 * One table of options: yargs reads it for parsing and --help, and `toAuditOptions`
 * maps the parsed values onto AuditOptions, so the CLI cannot drift from the API.
 */
export const auditCliOptions = {
  model: {
    type: 'string',
    describe:
      'Classifier: a transformers.js model folder or hub id, http(s)://endpoint, cmd:"program args", or a .js/.ts module exporting classify(). Default: the bundled BANKING77-LT model',
  },
  data: {
    type: 'string',
    nargs: 1, // so `--data -` takes "-" as its value
    describe:
      'Labelled evaluation set (.jsonl, .ndjson, .json, .csv, .tsv; - for stdin; a FIFO or <(…) works). Default: the bundled banking queries',
  },
  ...dataFormatCliOption,
  ...backendCliOptions('model'),
  'text-field': { type: 'string', default: 'text', describe: 'Field holding the text' },
  'label-field': { type: 'string', default: 'label', describe: 'Field holding the gold label' },
  'label-map': { type: 'string', describe: 'JSON file mapping dataset labels to model labels' },
  ...perturbationCliOptions,
  buckets: {
    type: 'string',
    default: 'auto',
    describe:
      'Frequency buckets: shots (many >100, medium 20–100, few <20), quantile:K, thresholds:a,b, or auto (shots when ≥2 shot groups are non-empty, else quantile:3)',
  },
  train: { type: 'string', describe: 'Training file whose labels are counted for class frequencies' },
  'class-counts': { type: 'string', describe: 'JSON file {label: training count}' },
  'logit-adjust': {
    type: 'string',
    describe: 'Also report post-hoc logit adjustment argmax_y[log p_y − τ·log π_y]; optional τ (default 1)',
  },
  ...gapMetricCliOption,
  resamples: {
    type: 'number',
    default: DEFAULT_RESAMPLES,
    describe: 'Bootstrap resamples for confidence intervals (≥ 1000)',
  },
  ...modelRunCliOptions,
  limit: {
    type: 'number',
    describe:
      'Audit only the first N examples of the data (with --shard: the shard takes its share of those)',
  },
  shard: {
    type: 'string',
    describe:
      'Audit shard i/n, 1-based (1/4 … 4/4; --shard=2/4 works too): a deterministic 1/n of the examples (merge with `tailcheck merge`)',
  },
  'examples-out': {
    type: 'string',
    nargs: 1,
    describe: 'Write per-example records to this JSONL file instead of inside the JSON report (large runs)',
  },
  'paraphrase-url': { type: 'string', describe: 'OpenAI-compatible chat endpoint for paraphrase.model' },
  'paraphrase-model': {
    type: 'string',
    describe: 'Model name (endpoint) or transformers.js id for paraphrase.model',
  },
  'mlm-model': {
    type: 'string',
    nargs: 1,
    describe: 'Masked LM (transformers.js fill-mask: hub id or folder) for synonym.contextual; turns it on',
  },
  attack: {
    type: 'boolean',
    describe:
      'Also run the worst-case attack on every audited example and add its section to the report (`tailcheck attack` runs it alone; see its --help)',
  },
  ...attackCliOptions,
  ...reportOutputOptions({ merged: false, gates: true }),
  ...githubCliOption,
  ...gateCliOptions,
  quiet: {
    type: 'boolean',
    default: false,
    describe: 'No terminal summary and no progress bar (failed gates still go to stderr)',
  },
} as const;

/**
 * `audit --help` in groups, in this order (yargs `.group`). Every option is in exactly one group
 * (test/cli-usage.test.ts): a new option must be placed, not left in a trailing "Options:" list. The
 * backends' flags and the report formats come from their registries, so they join their group.
 */
export const AUDIT_OPTION_GROUPS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['Model:', ['model', ...Object.keys(backendCliOptions('model'))]],
  ['Data:', ['data', 'format', 'text-field', 'label-field', 'label-map', 'limit']],
  [
    'Perturbations:',
    [...Object.keys(perturbationCliOptions), 'paraphrase-url', 'paraphrase-model', 'mlm-model'],
  ],
  ['Attack:', ['attack', ...Object.keys(attackCliOptions)]],
  ['Frequencies:', ['buckets', 'train', 'class-counts']],
  ['Statistics:', ['resamples', 'gap-metric', 'logit-adjust']],
  [
    'Output:',
    [...Object.keys(reportOutputOptions({ merged: false, gates: true })), 'github', 'examples-out', 'quiet'],
  ],
  ['Gates:', Object.keys(gateCliOptions)],
  ['Performance:', [...Object.keys(modelRunCliOptions), 'shard']],
];

/** The flags naming files audit reads (those not offered are skipped): no output may replace one. */
const AUDIT_INPUT_FLAGS = ['data', 'train', 'class-counts', 'label-map', 'labels', 'http-map', 'model-files'];

/**
 * The options of the audit's random variants and of its drop statistics: everything else `tailcheck
 * attack` takes as it is (model, data, frequencies, seed, protected spans, meaning check, performance,
 * shards, reports, gates), so the two commands cannot drift apart.
 */
export const AUDIT_ONLY_OPTIONS = [
  'perturb',
  'severity',
  'variants',
  'lexicon',
  'paraphrase-url',
  'paraphrase-model',
  'logit-adjust',
  'gap-metric',
  'attack',
] as const;
type AuditOnlyOption = (typeof AUDIT_ONLY_OPTIONS)[number];

/** The options both commands take: the audit's, minus its own. */
export const sharedRunCliOptions: Omit<typeof auditCliOptions, AuditOnlyOption> = Object.fromEntries(
  Object.entries(auditCliOptions).filter(([key]) => !(AUDIT_ONLY_OPTIONS as readonly string[]).includes(key)),
) as Omit<typeof auditCliOptions, AuditOnlyOption>;

export type AuditArgs = ArgumentsCamelCase<InferredOptionTypes<typeof auditCliOptions>>;
/** The parsed shared options (`tailcheck attack`'s arguments; audit's are a superset). */
export type RunArgs = ArgumentsCamelCase<InferredOptionTypes<typeof sharedRunCliOptions>>;

export function parseTau(value: string | undefined): number | null {
  if (value === undefined) return null;
  if (value === '' || value === 'true') return 1;
  const tau = Number(value);
  if (!Number.isFinite(tau) || tau < 0) throw new UsageError(`--logit-adjust takes a τ ≥ 0; got "${value}"`);
  return tau;
}

/** The shared options → AuditOptions, every value checked (usage errors before any work). */
export function runOptionsFromCli(argv: RunArgs, hasAttack: boolean): AuditOptions {
  positiveInt('batch-size', argv.batchSize);
  positiveInt('concurrency', argv.concurrency);
  positiveInt('limit', argv.limit);
  checkBackendFlags(argv, 'model');
  checkBackendFlags(argv, 'run');
  if (!(Number.isInteger(argv.resamples) && argv.resamples >= 1000)) {
    throw new UsageError(`--resamples must be an integer ≥ 1000; got ${argv.resamples}`);
  }
  // an attack gate without an attack is refused here, before any work
  parseGateLimits(argv, hasAttack);
  return {
    model: argv.model,
    data: argv.data,
    format: argv.format,
    textField: argv.textField,
    labelField: argv.labelField,
    labelMap: argv.labelMap,
    seed: argv.seed,
    buckets: argv.buckets,
    train: argv.train,
    classCounts: argv.classCounts,
    resamples: argv.resamples,
    cacheDir: argv.cache ? argv.cacheDir : null,
    batchSize: argv.batchSize,
    concurrency: argv.concurrency,
    limit: argv.limit,
    protect: argv.protect ? parseProtect(argv.protect) : undefined,
    shard: argv.shard === undefined ? undefined : parseShard(argv.shard),
    examplesOut: argv.examplesOut,
    perturbationOptions: argv.mlmModel ? { mlmModel: argv.mlmModel } : undefined,
    meaningCheck: argv.meaningCheck,
    embedModel: argv.embedModel,
    classifierOptions: { ...backendOptionsFromCli(argv, 'run'), ...backendOptionsFromCli(argv, 'model') },
  };
}

export function toAuditOptions(argv: AuditArgs): AuditOptions {
  checkVariants('--variants', argv.variants);
  checkAttackFlagsNeedAttack(argv);
  const run = runOptionsFromCli(argv, argv.attack === true);
  const paraphraseModel =
    argv.paraphraseUrl || argv.paraphraseModel
      ? { url: argv.paraphraseUrl, model: argv.paraphraseModel }
      : undefined;
  const perturbationOptions = {
    ...run.perturbationOptions,
    ...(paraphraseModel ? { paraphraseModel } : {}),
    ...(argv.lexicon ? { [LEXICON_OPTION]: readLexiconFile(argv.lexicon) } : {}),
  };
  return {
    ...run,
    perturb: argv.perturb,
    severity: parseSeverities(argv.severity),
    variants: argv.variants,
    logitAdjust: parseTau(argv.logitAdjust),
    gapMetric: argv.gapMetric,
    perturbationOptions: Object.keys(perturbationOptions).length > 0 ? perturbationOptions : undefined,
    ...(argv.attack ? { attack: attackOptionsFromCli(argv) } : {}),
  };
}

/**
 * The run of `audit` and `attack` once their options are parsed: the checks that need the
 * perturbation registry, the up-front path checks, the run with its progress bars, then the reports,
 * the terminal summary and the gates (exit 1 when one fails).
 */
export async function runReportCommand(
  argv: RunArgs & { lexicon?: string },
  options: AuditOptions,
): Promise<void> {
  const lexicon = options.perturbationOptions?.[LEXICON_OPTION] as Lexicon | undefined;
  if (lexicon) checkLexiconKeys(lexicon, (await loadRegistry()).list(), `--lexicon ${argv.lexicon}`);
  // A paraphrase or a family without word-level edits in --attack-perturb: exit 2 before any data is read.
  if (options.attack) {
    resolveAttackPerturbations(
      await loadRegistry(),
      options.attack.perturb,
      options.perturbationOptions ?? {},
    );
  }
  checkOutputPaths(
    [...flagPaths(argv, AUDIT_INPUT_FLAGS), ...modelPaths(argv.model)],
    [
      ...reportOutputPaths(argv, { gates: true }),
      ...flagPaths(argv, ['examples-out']),
      ...githubSummaryPath(argv),
    ],
  );
  const jsonToStdout = reportToStdout(argv);
  const attackOnly = Array.isArray(options.perturb) && options.perturb.length === 0;
  // One bar per phase: the originals (and their variants), then the attack's searches.
  const progress = argv.quiet ? undefined : createProgress(attackOnly ? 'classify' : 'audit');
  const attackProgress = argv.quiet || !options.attack ? undefined : createProgress('attack');
  let report: Awaited<ReturnType<typeof audit>>;
  let cacheUse: CacheUse | undefined;
  try {
    report = await audit({
      ...options,
      onProgress: progress?.update,
      onAttackProgress: attackProgress
        ? (done, total) => {
            progress?.stop();
            attackProgress.update(done, total);
          }
        : undefined,
      onCacheUse: (use) => {
        cacheUse = use;
      },
    });
  } finally {
    progress?.stop();
    attackProgress?.stop();
  }
  const gates = evaluateGates(report, parseGateLimits(argv));
  writeReports(report, argv, { gates });
  // Said even with --quiet: a CI gate that can fail nothing is a configuration mistake.
  if (argv.junit && noGateSet(gates)) process.stderr.write(NO_GATE_WARNING);
  if (!argv.quiet) {
    // The summary goes to stderr when stdout carries the JSON report.
    const out = jsonToStdout ? process.stderr : process.stdout;
    const color = Boolean(out.isTTY) && !process.env.NO_COLOR;
    out.write(renderTerminal(report, { color, width: out.columns }));
    process.stderr.write(gateSkippedLines(gates));
    // Always stderr: stdout may carry the JSON report, and the hit rate must never be in a report.
    if (cacheUse) process.stderr.write(cacheUseLine(cacheUse));
  }
  // Always, --quiet too: a CI job that exits 1 must say why (stderr, beside a JSON report on stdout).
  process.stderr.write(gateFailureLines(gates, report));
  // Annotations even with --quiet: they are what --github was asked for.
  if (argv.github) writeGithubOutput(report, gates, jsonToStdout ? process.stderr : process.stdout);
  if (!gates.passed) process.exitCode = EXIT_GATE_FAILED;
}

export default defineCommand({
  command: 'audit',
  describe:
    'Classify a labelled set and its perturbed variants; report the robustness drop by class frequency',
  builder: (yargs) =>
    AUDIT_OPTION_GROUPS.reduce((y, [name, keys]) => y.group([...keys], name), yargs.options(auditCliOptions))
      .example('$0 audit', 'bundled model on the bundled banking queries, all three families')
      .example(
        '$0 audit --model ./my-model --data test.jsonl --train train.jsonl --json report.json --html report.html',
        'your model folder, class frequencies counted from the training file',
      )
      .example('$0 audit --perturb typo --severity all --max-drop 0.05 --junit gates.xml', 'a CI gate')
      .example('$0 audit --attack --max-queries 50', 'random variants and the worst-case attack, one report')
      .example(
        '$0 audit --shard 1/4 --json shard-1.json',
        'one of four CI matrix jobs; then `tailcheck merge`',
      )
      .epilog(UNITS_EPILOG),
  handler: async (argv) => runReportCommand(argv, toAuditOptions(argv)),
});
