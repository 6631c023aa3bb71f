import { writeFileSync } from 'node:fs';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { type AuditOptions, audit } from '../../audit.ts';
import { EXIT_GATE_FAILED, UsageError } from '../../errors.ts';
import { evaluateGates } from '../../measure/gates.ts';
import { gateFailureLines } from '../../report/explain.ts';
import { renderHtml } from '../../report/html.ts';
import { renderJson } from '../../report/json.ts';
import { renderJunit } from '../../report/junit.ts';
import { renderMarkdown } from '../../report/markdown.ts';
import { renderTerminal } from '../../report/terminal.ts';
import {
  gateCliOptions,
  modelRunCliOptions,
  parseGateLimits,
  parseProtect,
  parseSeverities,
  parseShard,
  perturbationCliOptions,
  positiveInt,
} from '../parse.ts';
import { createProgress } from '../progress.ts';

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
    describe: 'Labelled evaluation set (.jsonl, .csv, .tsv). Default: the bundled banking queries',
  },
  labels: {
    type: 'string',
    describe: 'The model\'s labels in score order (http/cmd/module backends): "a,b,c", or a .json/.txt file',
  },
  'http-map': {
    type: 'string',
    describe:
      'HTTP backend field mapping, JSON or a file: {"requestField":"inputs","responseField":"predictions","labelKey":"label","scoreKey":"score"}',
  },
  header: { type: 'string', array: true, describe: 'HTTP backend request header "Name: value" (repeatable)' },
  timeout: {
    type: 'number',
    describe: 'Per-request timeout in ms for http/cmd backends (default 30000 / 60000)',
  },
  retries: { type: 'number', describe: 'HTTP retries after the first attempt (default 4)' },
  'model-version': {
    type: 'string',
    describe: 'A version string folded into the model fingerprint (cache key)',
  },
  threads: { type: 'number', describe: 'ONNX Runtime intra-op threads for transformers.js models' },
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
  resamples: {
    type: 'number',
    default: 1000,
    describe: 'Bootstrap resamples for confidence intervals (≥ 1000)',
  },
  ...modelRunCliOptions,
  limit: { type: 'number', describe: 'Audit only the first N examples' },
  shard: {
    type: 'string',
    describe: 'Audit shard i/n: a deterministic 1/n of the examples (merge with `tailcheck merge`)',
  },
  'examples-out': {
    type: 'string',
    describe: 'Write per-example records to this JSONL file instead of inside the JSON report (large runs)',
  },
  'paraphrase-url': { type: 'string', describe: 'OpenAI-compatible chat endpoint for paraphrase.model' },
  'paraphrase-model': {
    type: 'string',
    describe: 'Model name (endpoint) or transformers.js id for paraphrase.model',
  },
  json: { type: 'string', nargs: 1, describe: 'Write the JSON report to a file, or - for stdout' },
  md: { type: 'string', describe: 'Write a Markdown report' },
  html: { type: 'string', describe: 'Write a self-contained HTML report' },
  ...gateCliOptions,
  quiet: { type: 'boolean', default: false, describe: 'No terminal summary and no progress bar' },
} as const;

type AuditArgs = ArgumentsCamelCase<{
  model?: string;
  labels?: string;
  httpMap?: string;
  header?: string[];
  timeout?: number;
  retries?: number;
  modelVersion?: string;
  threads?: number;
  data?: string;
  textField: string;
  labelField: string;
  labelMap?: string;
  perturb: string;
  severity: string;
  variants: number;
  seed: number;
  buckets: string;
  train?: string;
  classCounts?: string;
  logitAdjust?: string;
  resamples: number;
  cacheDir: string;
  cache: boolean;
  batchSize: number;
  concurrency: number;
  dtype?: 'fp32' | 'q8';
  limit?: number;
  protect?: string[];
  shard?: string;
  examplesOut?: string;
  paraphraseUrl?: string;
  paraphraseModel?: string;
  json?: string;
  md?: string;
  html?: string;
  junit?: string;
  maxDrop?: number;
  maxTailDrop?: number;
  quiet: boolean;
}>;

export function parseTau(value: string | undefined): number | null {
  if (value === undefined) return null;
  if (value === '' || value === 'true') return 1;
  const tau = Number(value);
  if (!Number.isFinite(tau) || tau < 0) throw new UsageError(`--logit-adjust takes a τ ≥ 0; got "${value}"`);
  return tau;
}

/** `--header "Name: value"` → { Name: value } */
export function parseHeaders(values: readonly string[] | undefined): Record<string, string> | undefined {
  if (!values || values.length === 0) return undefined;
  const headers: Record<string, string> = {};
  for (const h of values) {
    const colon = h.indexOf(':');
    if (colon <= 0) throw new UsageError(`--header takes "Name: value"; got "${h}"`);
    headers[h.slice(0, colon).trim()] = h.slice(colon + 1).trim();
  }
  return headers;
}

export function toAuditOptions(argv: AuditArgs): AuditOptions {
  positiveInt('variants', argv.variants);
  positiveInt('batch-size', argv.batchSize);
  positiveInt('concurrency', argv.concurrency);
  positiveInt('limit', argv.limit);
  positiveInt('timeout', argv.timeout);
  positiveInt('threads', argv.threads);
  if (argv.retries !== undefined && !(Number.isInteger(argv.retries) && argv.retries >= 0)) {
    throw new UsageError(`--retries must be a non-negative integer; got ${argv.retries}`);
  }
  if (!(Number.isInteger(argv.resamples) && argv.resamples >= 1000)) {
    throw new UsageError(`--resamples must be an integer ≥ 1000; got ${argv.resamples}`);
  }
  parseGateLimits(argv);
  const paraphraseModel =
    argv.paraphraseUrl || argv.paraphraseModel
      ? { url: argv.paraphraseUrl, model: argv.paraphraseModel }
      : undefined;
  return {
    model: argv.model,
    data: argv.data,
    textField: argv.textField,
    labelField: argv.labelField,
    labelMap: argv.labelMap,
    perturb: argv.perturb,
    severity: parseSeverities(argv.severity),
    variants: argv.variants,
    seed: argv.seed,
    buckets: argv.buckets,
    train: argv.train,
    classCounts: argv.classCounts,
    logitAdjust: parseTau(argv.logitAdjust),
    resamples: argv.resamples,
    cacheDir: argv.cache ? argv.cacheDir : null,
    batchSize: argv.batchSize,
    concurrency: argv.concurrency,
    dtype: argv.dtype,
    limit: argv.limit,
    protect: argv.protect ? parseProtect(argv.protect) : undefined,
    shard: argv.shard === undefined ? undefined : parseShard(argv.shard),
    examplesOut: argv.examplesOut,
    perturbationOptions: paraphraseModel ? { paraphraseModel } : undefined,
    classifierOptions: {
      labels: argv.labels,
      httpMap: argv.httpMap,
      httpHeaders: parseHeaders(argv.header),
      timeoutMs: argv.timeout,
      retries: argv.retries,
      modelVersion: argv.modelVersion,
      threads: argv.threads,
    },
  };
}

const command: CommandModule<object, AuditArgs> = {
  command: 'audit',
  describe:
    'Classify a labelled set and its perturbed variants; report the robustness drop by class frequency',
  builder: (yargs: Argv) =>
    yargs
      .options(auditCliOptions)
      .example('$0 audit', 'bundled model on the bundled banking queries, all three families')
      .example(
        '$0 audit --model ./my-model --data test.jsonl --train train.jsonl --json report.json --html report.html',
        'your model folder, class frequencies counted from the training file',
      )
      .example('$0 audit --perturb typo --severity all --max-drop 0.05 --junit gates.xml', 'a CI gate')
      .example(
        '$0 audit --shard 0/4 --json shard0.json',
        'one of four CI matrix jobs; then `tailcheck merge`',
      ) as unknown as Argv<AuditArgs>,
  handler: async (argv) => {
    const options = toAuditOptions(argv);
    const jsonToStdout = argv.json === '-';
    const progress = argv.quiet ? undefined : createProgress('audit');
    let report: Awaited<ReturnType<typeof audit>>;
    try {
      report = await audit({ ...options, onProgress: progress?.update });
    } finally {
      progress?.stop();
    }
    const gates = evaluateGates(report, parseGateLimits(argv));
    if (argv.json) {
      const json = renderJson(report);
      if (jsonToStdout) process.stdout.write(json);
      else writeFileSync(argv.json, json);
    }
    if (argv.md) writeFileSync(argv.md, renderMarkdown(report));
    if (argv.html) writeFileSync(argv.html, renderHtml(report));
    if (argv.junit) writeFileSync(argv.junit, renderJunit(report, gates));
    if (!argv.quiet) {
      // The summary goes to stderr when stdout carries the JSON report.
      const out = jsonToStdout ? process.stderr : process.stdout;
      const color = Boolean(out.isTTY) && !process.env.NO_COLOR;
      out.write(renderTerminal(report, { color, width: out.columns }));
      out.write(gateFailureLines(gates));
    }
    if (!gates.passed) process.exitCode = EXIT_GATE_FAILED;
  },
};

export default command;
