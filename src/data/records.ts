import { extname } from 'node:path';
import { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { InputError } from '../errors.ts';
import { setField } from './fields.ts';
import { readLines, readTextBlocks } from './lines.ts';

export type DataFormat = 'jsonl' | 'csv' | 'tsv';

/** One data row before any field is interpreted. */
export interface RawRecord {
  fields: Record<string, unknown>;
  /** 1-based line where the record starts (CSV: the header is line 1) */
  line: number;
  /** 0-based row number: JSONL line number − 1; CSV/TSV data record index (header excluded) */
  row: number;
}

const FORMAT_BY_EXTENSION: Record<string, DataFormat> = {
  '.jsonl': 'jsonl',
  '.json': 'jsonl',
  '.ndjson': 'jsonl',
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.tab': 'tsv',
};

export function detectFormat(path: string, format?: DataFormat): DataFormat {
  if (format !== undefined) {
    if (format !== 'jsonl' && format !== 'csv' && format !== 'tsv') {
      throw new InputError(`unknown format "${format}" (use jsonl, csv or tsv)`, { file: path });
    }
    return format;
  }
  const found = FORMAT_BY_EXTENSION[extname(path).toLowerCase()];
  if (found === undefined) {
    throw new InputError(
      'cannot tell the format from the file extension: name it .jsonl, .csv or .tsv, or pass the format (--format jsonl|csv|tsv)',
      { file: path },
    );
  }
  return found;
}

function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

async function* readJsonlRecords(path: string): AsyncGenerator<RawRecord> {
  for await (const { text, line } of readLines(path)) {
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new InputError(`malformed JSON: ${(err as Error).message}`, { file: path, line });
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new InputError(
        `expected a JSON object, got ${describeJson(value)} (the file must be JSON Lines: one object per line)`,
        { file: path, line },
      );
    }
    yield { fields: value as Record<string, unknown>, line, row: line - 1 };
  }
}

const LINE_BREAK = /\r\n|\r|\n/g;

function countLineBreaks(raw: string): number {
  return raw.match(LINE_BREAK)?.length ?? 0;
}

async function* readDelimitedRecords(path: string, delimiter: ',' | '\t'): AsyncGenerator<RawRecord> {
  // Our own strict-UTF-8 reader feeds csv-parse; its `raw` text tells us how many lines each record spans.
  const source = Readable.from(readTextBlocks(path), { objectMode: true }).map((block) => block.text);
  const parser = parse({ delimiter, raw: true, relax_column_count: true, relax_quotes: true });
  source.on('error', (err) => parser.destroy(err));
  source.pipe(parser);

  let header: string[] | undefined;
  let line = 1;
  let row = 0;
  try {
    for await (const { record, raw } of parser as AsyncIterable<{ record: string[]; raw: string }>) {
      const start = line;
      line += countLineBreaks(raw);
      if (record.length === 1 && record[0] === '' && raw.trim() === '') continue; // blank line
      if (header === undefined) {
        header = record;
        const seen = new Set<string>();
        for (const name of header) {
          if (seen.has(name)) {
            throw new InputError(`duplicate column name "${name}" in the header`, {
              file: path,
              line: start,
            });
          }
          seen.add(name);
        }
        continue;
      }
      if (record.length !== header.length) {
        throw new InputError(
          `expected ${header.length} columns (as in the header), got ${record.length}; quote fields that contain "${delimiter === '\t' ? '\\t' : delimiter}" or line breaks`,
          { file: path, line: start },
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
        file: path,
        line,
      });
    }
    throw err;
  } finally {
    source.destroy();
    parser.destroy();
  }
}

/** Streams the rows of a JSONL, CSV or TSV file as plain objects (CSV/TSV values stay strings). */
export function readRecords(path: string, format: DataFormat): AsyncGenerator<RawRecord> {
  if (format === 'jsonl') return readJsonlRecords(path);
  return readDelimitedRecords(path, format === 'tsv' ? '\t' : ',');
}
