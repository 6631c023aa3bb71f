import { PER_CLASS_POLICIES, type PerClassPolicy } from '../../augment/allocate.ts';
import { type AugmentOptions, augmentRows, summaryLines, type TrainingRow } from '../../augment/augment.ts';
import { checkNotEvaluationData } from '../../augment/evaluation-data.ts';
import { readExamples } from '../../data/load.ts';
import { DEFAULT_SEVERITY } from '../../defaults.ts';
import { UsageError } from '../../errors.ts';
import { mitigationPlan, pooledBreakRate } from '../../measure/mitigation.ts';
import { checkLexiconKeys, LEXICON_OPTION } from '../../perturb/lexicon.ts';
import { openRunMeaning } from '../../perturb/meaning/check.ts';
import { loadRegistry, planSeverities, skippedSeveritiesMessage } from '../../perturb/registry.ts';
import type { Report } from '../../types.ts';
import { openJsonlWriter } from '../../util/jsonl.ts';
import { stripControls } from '../../util/strings.ts';
import { defineCommand } from '../define-command.ts';
import { checkOutputPaths, flagPaths } from '../io-paths.ts';
import { readLexiconFile } from '../lexicon-file.ts';
import {
  dataFormatCliOption,
  parseProtect,
  parseSeverities,
  perturbationCliOptions,
} from '../perturb-options.ts';
import { readReportFile } from './merge.ts';

/** Mean copies per training example when `--copies` is not given. */
export const DEFAULT_COPIES = 1;
/** Copies per example at most when `--max-copies` is not given. */
export const DEFAULT_MAX_COPIES = 10;
/** β of `--per-class effective-number` (the class-balanced retraining arm). */
export const DEFAULT_BETA = 0.999;

// Every variant written passes the meaning check, so --no-meaning-check is not offered; copies replace --variants.
const { perturb, severity, seed, protect, lexicon, 'embed-model': embedModel } = perturbationCliOptions;

const augmentCliOptions = {
  data: {
    type: 'string',
    nargs: 1,
    demandOption: true,
    describe:
      'Training data: .jsonl, .ndjson, .json, .csv or .tsv with text and label (never the evaluation set)',
  },
  'text-field': { type: 'string', default: 'text', describe: 'Field holding the text' },
  'label-field': { type: 'string', default: 'label', describe: 'Field holding the label' },
  ...dataFormatCliOption,
  out: {
    type: 'string',
    nargs: 1,
    demandOption: true,
    describe: 'Output JSONL of the perturbed copies (- for stdout); never the same file as --data',
  },
  'per-class': {
    type: 'string',
    choices: PER_CLASS_POLICIES,
    default: 'uniform' satisfies PerClassPolicy,
    describe:
      'How copies are shared among classes: uniform (every row alike), effective-number (∝ (1 − β)/(1 − βⁿ) of the class count n in --data: rarer classes get more), fragility (∝ the class break rate measured by --report)',
  },
  copies: {
    type: 'number',
    default: DEFAULT_COPIES,
    describe: 'Mean perturbed copies per training row (a fraction is allotted to rows by a seeded hash)',
  },
  'max-copies': {
    type: 'number',
    default: DEFAULT_MAX_COPIES,
    describe: 'Copies of one row at most; the classes held at it pass their share to the others',
  },
  beta: { type: 'number', default: DEFAULT_BETA, describe: 'β of --per-class effective-number, in (0, 1)' },
  report: {
    type: 'string',
    nargs: 1,
    describe:
      "A JSON report (audit --json) of the model: --per-class fragility reads its per-class break rates; --data is refused when it is the report's evaluation file",
  },
  perturb: { ...perturb, default: 'natural' },
  severity,
  seed,
  protect,
  lexicon,
  'embed-model': embedModel,
} as const;

/** Per class the break rate `report` measured, pooled over its severities; classes without changed variants are left out. */
function measuredBreakRates(report: Report): Record<string, number> {
  const rates: Record<string, number> = {};
  for (const c of mitigationPlan(report).classes) {
    const rate = pooledBreakRate(c.measured);
    if (rate !== null) rates[c.label] = rate;
  }
  return rates;
}

function warn(message: string): void {
  process.stderr.write(`tailcheck: warning: ${stripControls(message)}\n`);
}

export default defineCommand({
  command: 'augment',
  describe:
    'Write meaning-checked perturbed copies of a training set, more for rarer or more fragile classes',
  builder: (yargs) =>
    yargs
      .options(augmentCliOptions)
      .example('$0 augment --data train.jsonl --out aug.jsonl', 'one natural copy per row on average')
      .example(
        '$0 augment --data train.jsonl --out aug.jsonl --per-class effective-number --copies 2',
        'rarer classes get more copies (β = 0.999)',
      )
      .example(
        '$0 audit --data test.jsonl --train train.jsonl --json report.json\n  $0 augment --data train.jsonl --out aug.jsonl --per-class fragility --report report.json',
        'more copies for the classes that break most under perturbation',
      )
      .epilog(
        'Rows out: the training row with its text replaced, plus "augment": {source, sourceId?, perturbation, severity, similarity?}. Only variants that count in an audit are written (changed, distinct, meaning check passed or exempt), never a text already in --data; the same rows and seed give the same bytes in any order. README: "Remedies: augmenting the training set".',
      ),
  handler: async (argv) => {
    if (!Number.isSafeInteger(argv.seed)) throw new UsageError('--seed must be an integer');
    if (!Number.isSafeInteger(argv.maxCopies) || argv.maxCopies < 1) {
      throw new UsageError(`--max-copies must be a whole number ≥ 1, got ${argv.maxCopies}`);
    }
    if (!(argv.copies > 0 && argv.copies <= argv.maxCopies)) {
      throw new UsageError(`--copies must be > 0 and ≤ --max-copies (${argv.maxCopies}), got ${argv.copies}`);
    }
    if (!(argv.beta > 0 && argv.beta < 1)) throw new UsageError(`--beta must be in (0, 1), got ${argv.beta}`);
    const policy = argv.perClass as PerClassPolicy;
    if (policy === 'fragility' && argv.report === undefined) {
      throw new UsageError(
        '--per-class fragility needs --report (a JSON report whose per-class break rates it uses)',
      );
    }
    if (argv.data === '-')
      throw new UsageError('--data -: augment reads a training file, not standard input');
    checkOutputPaths(flagPaths(argv, ['data', 'report']), flagPaths(argv, ['out'], { stdout: true }));
    const asked = parseSeverities(argv.severity) ?? [DEFAULT_SEVERITY];
    const protections = parseProtect(argv.protect);

    let breakRates: Record<string, number> | undefined;
    if (argv.report !== undefined) {
      const report = readReportFile(argv.report);
      const cannotCheck = await checkNotEvaluationData(argv.data, report, argv.report);
      if (cannotCheck) warn(cannotCheck);
      if (policy === 'fragility') breakRates = measuredBreakRates(report);
    }

    const registry = await loadRegistry();
    const options: Record<string, unknown> = {};
    if (argv.lexicon) {
      const entries = readLexiconFile(argv.lexicon);
      checkLexiconKeys(entries, registry.list(), `--lexicon ${argv.lexicon}`);
      options[LEXICON_OPTION] = entries;
    }
    // no directional transforms: a copy must keep its label
    const defs = registry.resolve(argv.perturb, { options });
    const { severities, skipped } = planSeverities(defs, asked);
    if (skipped.length > 0) warn(skippedSeveritiesMessage(skipped));

    const started = performance.now();
    const training: TrainingRow[] = [];
    for await (const ex of readExamples(argv.data, {
      textField: argv.textField,
      labelField: argv.labelField,
      format: argv.format,
      idField: null,
      onSkip: (_reason, _line, message) => process.stderr.write(`tailcheck: ${stripControls(message)}\n`),
    })) {
      training.push({ text: ex.text, label: ex.label!, fields: ex.extra });
    }

    const run = await openRunMeaning(defs, options, { enabled: true, embedModel: argv.embedModel });
    try {
      const augmentOptions: AugmentOptions = {
        policy,
        copies: argv.copies,
        maxCopies: argv.maxCopies,
        beta: argv.beta,
        breakRates,
        defs,
        severities,
        seed: argv.seed,
        protect: protections,
        options: run.options,
        meaning: run.check,
        textField: argv.textField,
        labelField: argv.labelField,
      };
      const { rows, summary } = await augmentRows(training, augmentOptions);
      const writer = openJsonlWriter(argv.out === '-' ? process.stdout : argv.out);
      try {
        for (const row of rows) await writer.write(row);
        await writer.close();
      } catch (err) {
        await writer.abort();
        throw err;
      }
      const seconds = (performance.now() - started) / 1000;
      for (const line of summaryLines(summary, seconds, policy)) process.stderr.write(`tailcheck: ${line}\n`);
    } finally {
      await run.close();
    }
  },
});
