import type { ArgumentsCamelCase, InferredOptionTypes } from 'yargs';
import { checkVariants } from '../../audit/options.ts';
import { MAX_CHUNK_TEXTS } from '../../audit/pipeline.ts';
import { setField } from '../../data/fields.ts';
import { readExamples } from '../../data/load.ts';
import { DEFAULT_SEVERITY } from '../../defaults.ts';
import { UsageError } from '../../errors.ts';
import { initPerturbations, type PerturbExamplesOptions, perturbExamples } from '../../perturb/engine.ts';
import { openRunMeaning } from '../../perturb/meaning/check.ts';
import { loadRegistry, planSeverities, skippedSeveritiesMessage } from '../../perturb/registry.ts';
import type { Example, PerturbationDefinition } from '../../types.ts';
import { openJsonlWriter } from '../../util/jsonl.ts';
import { stripControls } from '../../util/strings.ts';
import { defineCommand } from '../define-command.ts';
import { checkOutputPaths, flagPaths } from '../io-paths.ts';
import {
  dataFormatCliOption,
  parseProtect,
  parseSeverities,
  perturbationCliOptions,
} from '../perturb-options.ts';

/** `--option key=value` (repeatable); values are parsed as JSON when they are valid JSON. */
export function parseOptions(pairs: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--option must look like key=value, got "${pair}"`);
    const value = pair.slice(eq + 1);
    let parsed: unknown = value;
    try {
      parsed = JSON.parse(value);
    } catch {
      // a plain string
    }
    Object.defineProperty(out, pair.slice(0, eq), { value: parsed, enumerable: true, writable: true });
  }
  return out;
}

/**
 * Examples perturbed per perturbExamples call: big enough to amortise the call, small enough to stream,
 * and never more variants in memory than the audit pipeline allows in one chunk.
 */
const CHUNK = 256;

const OUTPUT_KEYS = new Set([
  'id',
  'text',
  'perturbation',
  'severity',
  'variant',
  'changed',
  'similarity',
  'dropped',
  'edits',
]);

const perturbCliOptions = {
  data: {
    type: 'string',
    nargs: 1, // so `--data -` takes "-" as its value
    demandOption: true,
    describe: 'Input file (.jsonl, .ndjson, .json, .csv, .tsv; - for stdin; a FIFO or <(…) works)',
  },
  'text-field': { type: 'string', default: 'text', describe: 'Field holding the text' },
  'label-field': {
    type: 'string',
    default: 'label',
    describe: 'Field holding the label (optional, passed through)',
  },
  ...dataFormatCliOption,
  ...perturbationCliOptions,
  out: { type: 'string', nargs: 1, describe: 'Output file, or - for stdout (the default)' },
  option: { type: 'string', array: true, describe: 'Perturbation option key=value (repeatable)' },
  'mlm-model': {
    type: 'string',
    nargs: 1,
    describe: 'Masked LM (transformers.js fill-mask: hub id or folder) for synonym.contextual; turns it on',
  },
} as const;

type PerturbArgs = ArgumentsCamelCase<InferredOptionTypes<typeof perturbCliOptions>>;

export default defineCommand({
  command: 'perturb',
  describe: 'Write perturbed variants of a data file as JSONL (no model needed)',
  builder: (yargs) =>
    yargs
      .options(perturbCliOptions)
      .example('$0 perturb --data queries.jsonl --perturb typo,synonym --severity all --variants 3', '')
      .example('$0 perturb --data queries.jsonl --perturb typo.keyboard --protect "[A-Z]{2}\\d{6}"', '')
      .example('cat queries.csv | $0 perturb --data - --format csv', 'read standard input')
      .example(
        '$0 perturb --data queries.jsonl --perturb synonym --mlm-model ./my-bert',
        'with synonym.contextual',
      ),
  handler: async (argv) => {
    checkOutputPaths(flagPaths(argv, ['data']), flagPaths(argv, ['out'], { stdout: true }));
    checkVariants('--variants', argv.variants);
    if (!Number.isSafeInteger(argv.seed)) throw new UsageError('--seed must be an integer');
    const asked = parseSeverities(argv.severity) ?? [DEFAULT_SEVERITY];
    const protect = parseProtect(argv.protect);
    const options = parseOptions(argv.option);
    if (argv.mlmModel) options.mlmModel = argv.mlmModel;
    const defs = (await loadRegistry()).resolve(argv.perturb, { options });
    // Each perturbation runs only at the levels it declares; a level none of them has is a usage error.
    const { severities, skipped } = planSeverities(defs, asked);
    // said at the default level too: a perturbation the run selected but never ran must not vanish
    if (skipped.length > 0)
      process.stderr.write(`tailcheck: warning: ${skippedSeveritiesMessage(skipped)}\n`);
    // perturb has no cache folder: embeddings are kept in memory for this run only
    const run = await openRunMeaning(defs, options, {
      enabled: argv.meaningCheck,
      embedModel: argv.embedModel,
    });
    try {
      await perturbFile(argv, defs, { severities, protect, options: run.options, meaning: run.check });
    } finally {
      await run.close();
    }
  },
});

/** Writes every variant of every example of `--data`, chunk by chunk, to `--out` (or stdout). */
async function perturbFile(
  argv: PerturbArgs,
  defs: PerturbationDefinition[],
  plan: Pick<PerturbExamplesOptions, 'severities' | 'protect' | 'options' | 'meaning'>,
): Promise<void> {
  const { severities, protect, options, meaning } = plan;
  await initPerturbations(defs, options);

  const outFile = argv.out === '-' ? undefined : argv.out;
  if (!outFile) {
    // `tailcheck perturb … | head`: the reader left; stop quietly instead of crashing on EPIPE.
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      process.exit(0);
    });
  }
  // A file is written to a temp file beside it and renamed into place on close: an interrupted
  // run leaves no half file.
  const writer = openJsonlWriter(outFile ?? process.stdout);
  try {
    const examples = readExamples(argv.data, {
      textField: argv.textField,
      labelField: argv.labelField,
      format: argv.format,
      requireLabel: false,
      onSkip: (_reason, _line, message) => process.stderr.write(`tailcheck: ${stripControls(message)}\n`),
    });
    const writeChunk = async (chunk: readonly Example[]): Promise<void> => {
      const perturbed = await perturbExamples(
        chunk.map((ex) => ex.text),
        defs,
        { seed: argv.seed, severities, variants: argv.variants, protect, options, meaning },
      );
      for (const [i, ex] of chunk.entries()) {
        // The input's other fields follow ours; ours win on a name clash.
        const passThrough: [string, unknown][] = Object.entries(ex.extra);
        if (ex.label !== undefined) passThrough.unshift([argv.labelField, ex.label]);
        const extras = passThrough.filter(([key]) => !OUTPUT_KEYS.has(key));
        for (const v of perturbed[i]!) {
          const record: Record<string, unknown> = {
            id: ex.id,
            text: v.text,
            perturbation: v.perturbation,
            severity: v.severity,
            variant: v.variant,
            changed: v.changed,
            ...(v.similarity === undefined ? {} : { similarity: v.similarity }),
            ...(v.dropped === undefined ? {} : { dropped: v.dropped }),
            edits: v.edits,
          };
          for (const [key, value] of extras) setField(record, key, value);
          await writer.write(record);
        }
      }
    };
    const perText = defs.length * severities.length * argv.variants;
    const chunkSize = Math.max(1, Math.min(CHUNK, Math.floor(MAX_CHUNK_TEXTS / Math.max(1, perText))));
    let chunk: Example[] = [];
    const input = examples[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<Example>;
      try {
        next = await input.next();
      } catch (err) {
        // A bad input line. On stdout the rows before it still go out (a pipe reader gets them,
        // flushed, before the exit 2), as when each example was written as soon as it was read;
        // a file is not kept. The input error is the one reported, whatever happens to that chunk.
        if (!outFile) {
          await writeChunk(chunk)
            .then(() => writer.close())
            .catch(() => undefined);
        }
        throw err;
      }
      if (next.done) break;
      chunk.push(next.value);
      if (chunk.length >= chunkSize) {
        await writeChunk(chunk);
        chunk = [];
      }
    }
    await writeChunk(chunk);
  } catch (err) {
    await writer.abort();
    throw err;
  }
  await writer.close();
}
