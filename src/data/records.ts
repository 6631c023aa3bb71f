import { extname } from 'node:path';
import { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { InputError } from '../errors.ts';
import { setField } from './fields.ts';
import {
  inputName,
  linesOf,
  readLines,
  readTextBlocks,
  STDIN_PATH,
  type TextBlock,
  type TextLine,
} from './lines.ts';

/**
 * jsonl: one JSON object per line; json: a JSON array of objects, or JSON Lines when the file's first
 * character (after blanks) is not '['; csv/tsv: a header row, then one record per row; txt: one text
 * per line, no other fields (so no labels: for `tailcheck perturb`).
 */
export type DataFormat = 'jsonl' | 'json' | 'csv' | 'tsv' | 'txt';
export const DATA_FORMATS: readonly DataFormat[] = ['jsonl', 'json', 'csv', 'tsv', 'txt'];

/** One data row before any field is interpreted. */
export interface RawRecord {
  fields: Record<string, unknown>;
  /** 1-based line where the record starts (CSV: the header is line 1) */
  line: number;
  /** 0-based row number: JSONL line number − 1; JSON array index; CSV/TSV data record index (header excluded) */
  row: number;
}

/** What a reader saw besides its records, so "no examples" can say why. */
export interface RecordStats {
  /** lines read (a final line terminator does not start a line) */
  lines: number;
  /** lines that are not blank */
  nonBlankLines: number;
  /** CSV/TSV: a header row was read */
  header: boolean;
}

export interface ReadRecordsOptions {
  /** how errors name the file (default: the path; `-` is <stdin>) */
  name?: string;
  /** the format was not given and not known from the extension: say so when the file does not parse */
  guessed?: boolean;
  /** filled in while reading */
  stats?: RecordStats;
  /** txt: the field each line is stored under (default 'text') */
  textField?: string;
}

const FORMAT_BY_EXTENSION: Record<string, DataFormat> = {
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.json': 'json',
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.tab': 'tsv',
  '.txt': 'txt',
};

/** The format when neither `--format` nor the extension names one (stdin, a FIFO, no extension …). */
export const DEFAULT_FORMAT: DataFormat = 'jsonl';

/**
 * The format of a data file: the one given, else by extension, else JSON Lines (`guessed`: then a
 * parse error says how the file was read).
 */
export function resolveFormat(path: string, format?: string): { format: DataFormat; guessed: boolean } {
  if (format !== undefined) {
    if (!DATA_FORMATS.includes(format as DataFormat)) {
      throw new InputError(`unknown format "${format}" (use ${DATA_FORMATS.join(', ')})`, {
        file: inputName(path),
      });
    }
    return { format: format as DataFormat, guessed: false };
  }
  const found = path === STDIN_PATH ? undefined : FORMAT_BY_EXTENSION[extname(path).toLowerCase()];
  return found === undefined ? { format: DEFAULT_FORMAT, guessed: true } : { format: found, guessed: false };
}

export function detectFormat(path: string, format?: DataFormat): DataFormat {
  return resolveFormat(path, format).format;
}

function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function newStats(): RecordStats {
  return { lines: 0, nonBlankLines: 0, header: false };
}

/** Said after a parse error when the format was a guess: how the file was read, and how to say otherwise. */
function guessNote(guessed: boolean | undefined): string {
  return guessed
    ? ' (read as JSON Lines: neither --format nor the file extension names a format; pass --format jsonl|json|csv|tsv)'
    : '';
}

async function* jsonlRecords(
  lines: AsyncIterable<TextLine>,
  file: string,
  opts: ReadRecordsOptions,
  stats: RecordStats,
): AsyncGenerator<RawRecord> {
  for await (const { text, line } of lines) {
    stats.lines = line;
    if (text.trim() === '') continue;
    stats.nonBlankLines++;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new InputError(`malformed JSON: ${(err as Error).message}${guessNote(opts.guessed)}`, {
        file,
        line,
      });
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new InputError(
        `expected a JSON object, got ${describeJson(value)} (the file must be JSON Lines: one object per line)${guessNote(opts.guessed)}`,
        { file, line },
      );
    }
    yield { fields: value as Record<string, unknown>, line, row: line - 1 };
  }
}

/**
 * Plain text: every line that is not blank is one record, its whole line (without the line break,
 * otherwise unchanged) under `textField`; row = line − 1, as in JSON Lines. Nothing to parse, so
 * nothing can be malformed.
 */
async function* txtRecords(
  lines: AsyncIterable<TextLine>,
  textField: string,
  stats: RecordStats,
): AsyncGenerator<RawRecord> {
  for await (const { text, line } of lines) {
    stats.lines = line;
    if (text.trim() === '') continue;
    stats.nonBlankLines++;
    const fields: Record<string, unknown> = {};
    setField(fields, textField, text);
    yield { fields, line, row: line - 1 };
  }
}

/** Blocks from `first` on, then the rest of `rest`. */
async function* chain(first: TextBlock[], rest: AsyncIterator<TextBlock>): AsyncGenerator<TextBlock> {
  yield* first;
  for (;;) {
    const next = await rest.next();
    if (next.done) return;
    yield next.value;
  }
}

const WHITESPACE = /[ \t\r\n]/;

/**
 * A `.json` file: a JSON array of objects, streamed element by element (each is parsed on its own, so
 * errors name the line where the element starts), or JSON Lines when the first character is not '['.
 */
async function* jsonRecords(
  path: string,
  file: string,
  opts: ReadRecordsOptions,
  stats: RecordStats,
): AsyncGenerator<RawRecord> {
  const blocks = readTextBlocks(path, opts.name);
  const peeked: TextBlock[] = [];
  let opening: string | undefined;
  for (;;) {
    const next = await blocks.next();
    if (next.done) break;
    peeked.push(next.value);
    const at = next.value.text.search(/[^ \t\r\n]/);
    if (at !== -1) {
      opening = next.value.text[at];
      break;
    }
  }
  if (opening !== '[') {
    yield* jsonlRecords(linesOf(chain(peeked, blocks)), file, opts, stats);
    return;
  }
  yield* jsonArrayRecords(chain(peeked, blocks), file, stats);
}

async function* jsonArrayRecords(
  blocks: AsyncIterable<TextBlock>,
  file: string,
  stats: RecordStats,
): AsyncGenerator<RawRecord> {
  // before: nothing read yet; open: after '[' or ','; value: inside an element; after: after ']'
  let phase = 'before' as 'before' | 'open' | 'value' | 'after';
  let parts: string[] = [];
  let startLine = 0;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let row = 0;
  let line = 1;
  let lineHasText = false;
  const element = (): RawRecord => {
    const text = parts.join('').trim();
    parts = [];
    if (text === '') {
      throw new InputError('malformed JSON array: a value is missing (a trailing or doubled comma?)', {
        file,
        line: startLine,
      });
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new InputError(`malformed JSON: ${(err as Error).message}`, { file, line: startLine });
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new InputError(
        `expected a JSON object, got ${describeJson(value)} (a .json file must be an array of objects)`,
        { file, line: startLine },
      );
    }
    return { fields: value as Record<string, unknown>, line: startLine, row: row++ };
  };

  for await (const block of blocks) {
    const { text } = block;
    let from = 0; // start of the current element's text in this block
    for (let i = 0; i < text.length; i++) {
      const ch = text[i] as string;
      if (ch === '\n') {
        stats.lines = line;
        if (lineHasText) stats.nonBlankLines++;
        line++;
        lineHasText = false;
        if (phase === 'value') continue;
      } else if (!WHITESPACE.test(ch)) {
        lineHasText = true;
      }
      if (phase === 'value') {
        if (inString) {
          if (escaped) escaped = false;
          else if (ch === '\\') escaped = true;
          else if (ch === '"') inString = false;
          continue;
        }
        if (ch === '"') inString = true;
        else if (ch === '{' || ch === '[') depth++;
        else if ((ch === '}' || ch === ']') && depth > 0) depth--;
        else if (depth === 0 && (ch === ',' || ch === ']')) {
          parts.push(text.slice(from, i));
          yield element();
          phase = ch === ',' ? 'open' : 'after';
        }
        continue;
      }
      if (WHITESPACE.test(ch)) continue;
      if (phase === 'before') {
        phase = 'open'; // the caller saw that the first character is '['
      } else if (phase === 'open') {
        if (ch === ']' && row === 0 && parts.length === 0) {
          phase = 'after'; // []
          continue;
        }
        phase = 'value';
        startLine = line;
        from = i;
        depth = 0;
        i--; // read this character again as part of the element
        lineHasText = true;
      } else {
        throw new InputError('unexpected text after the JSON array', { file, line });
      }
    }
    if (phase === 'value') parts.push(text.slice(from));
  }
  if (lineHasText) {
    stats.lines = line;
    stats.nonBlankLines++;
  }
  if (phase !== 'after') {
    throw new InputError(
      phase === 'value'
        ? 'unterminated JSON array: this element or the closing "]" is incomplete'
        : 'unterminated JSON array (no closing "]")',
      { file, line: phase === 'value' ? startLine : line },
    );
  }
}

const LINE_BREAK = /\r\n|\r|\n/g;

function countLineBreaks(raw: string): number {
  return raw.match(LINE_BREAK)?.length ?? 0;
}

async function* delimitedRecords(
  path: string,
  file: string,
  delimiter: ',' | '\t',
  opts: ReadRecordsOptions,
  stats: RecordStats,
): AsyncGenerator<RawRecord> {
  // Our own strict-UTF-8 reader feeds csv-parse; its `raw` text tells us how many lines each record spans.
  const source = Readable.from(readTextBlocks(path, opts.name), { objectMode: true }).map(
    (block: TextBlock) => block.text,
  );
  const parser = parse({ delimiter, raw: true, relax_column_count: true, relax_quotes: true });
  source.on('error', (err) => parser.destroy(err));
  source.pipe(parser);

  let header: string[] | undefined;
  let line = 1;
  let row = 0;
  try {
    for await (const { record, raw } of parser as AsyncIterable<{ record: string[]; raw: string }>) {
      const start = line;
      const breaks = countLineBreaks(raw);
      line += breaks;
      stats.lines = Math.max(start, line - 1);
      if (record.length === 1 && record[0] === '' && raw.trim() === '') continue; // blank line
      stats.nonBlankLines += Math.max(1, breaks);
      if (header === undefined) {
        header = record;
        stats.header = true;
        const seen = new Set<string>();
        for (const name of header) {
          if (seen.has(name)) {
            throw new InputError(`duplicate column name "${name}" in the header`, { file, line: start });
          }
          seen.add(name);
        }
        continue;
      }
      if (record.length !== header.length) {
        throw new InputError(
          `expected ${header.length} columns (as in the header), got ${record.length}; quote fields that contain "${delimiter === '\t' ? '\\t' : delimiter}" or line breaks`,
          { file, line: start },
        );
      }
      const fields: Record<string, unknown> = {};
      for (let i = 0; i < header.length; i++) setField(fields, header[i]!, record[i]);
      yield { fields, line: start, row: row++ };
    }
  } catch (err) {
    if (err instanceof InputError) throw err;
    if (err instanceof CsvError) {
      // `line` is where the record being parsed starts (e.g. where an unclosed quote opened).
      throw new InputError(`malformed ${delimiter === '\t' ? 'TSV' : 'CSV'} record: ${err.message}`, {
        file,
        line,
      });
    }
    throw err;
  } finally {
    source.destroy();
    parser.destroy();
  }
}

/**
 * Streams the rows of a data file (`-`: standard input) as plain objects (CSV/TSV values stay
 * strings). The file is read once, front to back.
 */
export function readRecords(
  path: string,
  format: DataFormat,
  opts: ReadRecordsOptions = {},
): AsyncGenerator<RawRecord> {
  const file = inputName(path, opts.name);
  const stats = opts.stats ?? newStats();
  if (format === 'jsonl') return jsonlRecords(readLines(path, opts.name), file, opts, stats);
  if (format === 'json') return jsonRecords(path, file, opts, stats);
  if (format === 'txt') return txtRecords(readLines(path, opts.name), opts.textField ?? 'text', stats);
  return delimitedRecords(path, file, format === 'tsv' ? '\t' : ',', opts, stats);
}

/** Why a file gave no records, for "no examples (…)". */
export function noRecordsReason(stats: RecordStats): string {
  if (stats.lines === 0) return 'the file is empty';
  if (stats.nonBlankLines === 0) return `the file has only blank lines: ${stats.lines}`;
  if (stats.header) return 'the file has a header row but no data rows';
  return 'the JSON array is empty';
}

export function emptyStats(): RecordStats {
  return newStats();
}
