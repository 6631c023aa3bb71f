import type { ArgumentsCamelCase, InferredOptionTypes } from 'yargs';
import { checkVariants } from '../../audit/options.ts';
import { MAX_CHUNK_TEXTS } from '../../audit/pipeline.ts';
import { setField } from '../../data/fields.ts';
import { type DataFormat, readExamples, STDIN_PATH } from '../../data/load.ts';
import { DEFAULT_SEVERITY } from '../../defaults.ts';
import { UsageError } from '../../errors.ts';
import { initPerturbations, type PerturbExamplesOptions, perturbExamples } from '../../perturb/engine.ts';
import { checkLexiconKeys, LEXICON_OPTION, type Lexicon } from '../../perturb/lexicon.ts';
import { openRunMeaning } from '../../perturb/meaning/check.ts';
import { loadRegistry, planSeverities, skippedSeveritiesMessage } from '../../perturb/registry.ts';
import type { Example, PerturbationDefinition, Variant } from '../../types.ts';
import { importOwn } from '../../util/import-own.ts';
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

/** `--format` of perturb: the data formats, and txt (one text per line), which needs no labels. */
const PERTURB_FORMATS = ['jsonl', 'json', 'csv', 'tsv', 'txt'] as const satisfies readonly DataFormat[];

/** `--view`: records for machines, or a table for reading. */
export const VIEWS = ['jsonl', 'table'] as const;
export type View = (typeof VIEWS)[number];

const perturbCliOptions = {
  data: {
    type: 'string',
    nargs: 1, // so `--data -` takes "-" as its value
    describe:
      'Input file (.jsonl, .ndjson, .json, .csv, .tsv, or .txt: one text per line; - for stdin; a FIFO or <(…) works). Instead of --data: texts as arguments, or piped',
  },
  'text-field': { type: 'string', default: 'text', describe: 'Field holding the text' },
  'label-field': {
    type: 'string',
    default: 'label',
    describe: 'Field holding the label (optional, passed through)',
  },
  format: {
    ...dataFormatCliOption.format,
    choices: PERTURB_FORMATS,
    describe:
      'Format of the input (--data or standard input, never of the output): jsonl (also .ndjson), json, csv, tsv, txt (one text per line). Default: from the extension (.txt: txt); for --data without one, jsonl; for texts piped or `-` without --data, txt',
  },
  view: {
    type: 'string',
    choices: VIEWS,
    describe:
      'Output: jsonl (one record per variant) or table (original and variant side by side, edits marked, invisible and look-alike characters as code points). Default: table when the texts are arguments or piped and stdout is a terminal; jsonl otherwise',
  },
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

/** Where the texts come from: arguments, or a file (`-`: standard input) read in `format`. */
export type PerturbInput =
  | { kind: 'texts'; texts: readonly string[] }
  | { kind: 'file'; path: string; format?: DataFormat; plain: boolean };

export const NO_INPUT_MESSAGE =
  'nothing to perturb: give texts as arguments (tailcheck perturb "Where is my card?"), a file with --data, or pipe texts to standard input, one per line';

/**
 * The input of a perturb run. Texts as arguments, `-` (standard input) or `--data`; with none of
 * them, standard input when it is not a terminal (piped or redirected) — reading a terminal would
 * wait for typing the user does not know is expected, so that is a usage error instead. Texts given
 * as arguments or piped without --data are `plain`: their default format is txt and their default
 * view the table.
 */
export function perturbInput(args: {
  texts: readonly string[];
  data?: string;
  format?: DataFormat;
  stdinIsTTY: boolean;
}): PerturbInput {
  const { texts, data, format } = args;
  if (data !== undefined) {
    if (texts.length > 0) {
      throw new UsageError(
        `give the texts as arguments or with --data, not both (got --data ${data} and ${texts.length} argument${texts.length === 1 ? '' : 's'})`,
      );
    }
    return { kind: 'file', path: data, format, plain: false };
  }
  if (texts.includes(STDIN_PATH)) {
    if (texts.length > 1) {
      throw new UsageError(
        '- (read the texts from standard input) cannot be mixed with texts given as arguments',
      );
    }
    return { kind: 'file', path: STDIN_PATH, format: format ?? 'txt', plain: true };
  }
  if (texts.length > 0) {
    if (format !== undefined) {
      throw new UsageError(
        '--format is the format of --data or of standard input; texts given as arguments have none',
      );
    }
    const empty = texts.findIndex((t) => t.trim() === '');
    if (empty !== -1) throw new UsageError(`text ${empty + 1} of the arguments is empty`);
    return { kind: 'texts', texts };
  }
  if (args.stdinIsTTY) throw new UsageError(NO_INPUT_MESSAGE);
  return { kind: 'file', path: STDIN_PATH, format: format ?? 'txt', plain: true };
}

/** Texts given as arguments, as examples: ids are their 0-based positions, as rows of a file. */
async function* examplesOfTexts(texts: readonly string[]): AsyncGenerator<Example> {
  for (const [i, text] of texts.entries()) yield { id: String(i), text, line: i + 1, extra: {} };
}

export default defineCommand({
  command: 'perturb',
  describe: 'Write perturbed variants of texts or a data file: JSONL, or a table to read (no model needed)',
  builder: (yargs) =>
    yargs
      // The texts are the command's bare arguments, read from argv._ as typed: a declared yargs
      // positional would drop "-" and re-parse each text as a flag value. So bare arguments are
      // allowed here (options stay strict) and numbers stay as written ("007").
      .strict(false)
      .strictOptions()
      .parserConfiguration({ 'parse-positional-numbers': false })
      .usage(
        '$0 perturb [texts..] [options]\n\nTexts to perturb as arguments (a text starting with - goes after --), - or piped: one per line from standard input, or --data FILE',
      )
      .options(perturbCliOptions)
      .example('$0 perturb "Where is my card?" --perturb typo.homoglyph', 'a table on a terminal')
      .example('$0 perturb --data texts.txt --view table', 'one text per line, shown as a table')
      .example('cat texts.txt | $0 perturb --perturb typo --out variants.jsonl', 'texts piped, one per line')
      .example('$0 perturb --data queries.jsonl --perturb typo,synonym --severity all --variants 3', '')
      .example('$0 perturb --data queries.jsonl --perturb typo.keyboard --protect "[A-Z]{2}\\d{6}"', '')
      .example('cat queries.csv | $0 perturb --data - --format csv', 'read standard input')
      .example(
        '$0 perturb --data queries.jsonl --perturb synonym --mlm-model ./my-bert',
        'with synonym.contextual',
      ),
  handler: async (argv) => {
    const input = perturbInput({
      texts: argv._.slice(1).map(String),
      data: argv.data,
      format: argv.format,
      stdinIsTTY: process.stdin.isTTY === true,
    });
    checkOutputPaths(flagPaths(argv, ['data']), flagPaths(argv, ['out'], { stdout: true }));
    checkVariants('--variants', argv.variants);
    if (!Number.isSafeInteger(argv.seed)) throw new UsageError('--seed must be an integer');
    const asked = parseSeverities(argv.severity) ?? [DEFAULT_SEVERITY];
    const protect = parseProtect(argv.protect);
    const options = parseOptions(argv.option);
    if (argv.mlmModel) options.mlmModel = argv.mlmModel;
    const registry = await loadRegistry();
    if (argv.lexicon) {
      // loaded only when asked: the YAML parser is no part of `tailcheck perturb`'s start-up
      const { readLexiconFile } = await importOwn<typeof import('../lexicon-file.ts')>(
        '../lexicon-file.ts',
        import.meta.url,
      );
      options[LEXICON_OPTION] = readLexiconFile(argv.lexicon);
      checkLexiconKeys(options[LEXICON_OPTION] as Lexicon, registry.list(), `--lexicon ${argv.lexicon}`);
    }
    const defs = registry.resolve(argv.perturb, { options, directional: true });
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
      await perturbInputs(argv, input, defs, {
        severities,
        protect,
        options: run.options,
        meaning: run.check,
      });
    } finally {
      await run.close();
    }
  },
});

/**
 * The view when `--view` is not given: the table for plain texts (arguments or piped) on a terminal,
 * JSONL for a --data file, for `--out`, and whenever stdout is a pipe or a file (machine output
 * stays the default for scripts).
 */
export function defaultView(input: PerturbInput, toStdout: boolean, stdoutIsTTY: boolean): View {
  const plain = input.kind === 'texts' || input.plain;
  return plain && toStdout && stdoutIsTTY ? 'table' : 'jsonl';
}

/** Writes every variant of every example of the input, chunk by chunk, to `--out` (or stdout). */
async function perturbInputs(
  argv: PerturbArgs,
  input: PerturbInput,
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
  const view = (argv.view as View | undefined) ?? defaultView(input, !outFile, process.stdout.isTTY === true);
  // Loaded only for the table: JSONL runs (scripts, CI) do not pay for the view's imports.
  const table = view === 'table' ? await openTableView(outFile === undefined) : undefined;
  try {
    const examples =
      input.kind === 'texts'
        ? examplesOfTexts(input.texts)
        : readExamples(input.path, {
            textField: argv.textField,
            labelField: argv.labelField,
            format: input.format,
            requireLabel: false,
            onSkip: (_reason, _line, message) =>
              process.stderr.write(`tailcheck: ${stripControls(message)}\n`),
          });
    // The table's header goes out with the first example: an empty input prints only its error.
    let headerDue = table !== undefined;
    const writeChunk = async (chunk: readonly Example[]): Promise<void> => {
      const perturbed = await perturbExamples(
        chunk.map((ex) => ex.text),
        defs,
        { seed: argv.seed, severities, variants: argv.variants, protect, options, meaning },
      );
      if (table) {
        if (headerDue && chunk.length > 0) await writer.writeText(table.header());
        headerDue &&= chunk.length === 0;
        for (const [i, ex] of chunk.entries()) await writer.writeText(table.block(ex, perturbed[i]!));
        return;
      }
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
    const rows = examples[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<Example>;
      try {
        next = await rows.next();
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

/** The table view's renderers, bound to the output: colour only on a terminal without NO_COLOR. */
async function openTableView(toStdout: boolean): Promise<{
  header(): string;
  block(example: Example, variants: readonly Variant[]): string;
}> {
  const { renderVariantBlock, variantTableHeader } = await importOwn<
    typeof import('../../report/variant-view.ts')
  >('../../report/variant-view.ts', import.meta.url);
  const out = process.stdout;
  const terminal = toStdout && out.isTTY === true;
  // A terminal says its width (0 when it does not know); else COLUMNS, as shells export it; else the default.
  const columns = Number(process.env.COLUMNS);
  const opts = {
    color: terminal && !process.env.NO_COLOR,
    width:
      terminal && out.columns > 0
        ? out.columns
        : Number.isInteger(columns) && columns > 0
          ? columns
          : undefined,
  };
  return {
    header: () => variantTableHeader(opts),
    block: (example, variants) => renderVariantBlock(example, variants, opts),
  };
}
