/**
 * Loading evaluation and training data (JSONL, JSON, CSV, TSV, plain text) as a stream of `Example`s.
 *
 * Every file is read once, front to back, so `-` (standard input), a FIFO or `<(…)` work. The format
 * is `format`, else the extension's (.jsonl/.ndjson → jsonl, .json → json, .csv, .tsv/.tab, .txt),
 * else jsonl. A txt file is one text per line (blank lines skipped): it has no labels, so reading one
 * with `requireLabel` is an InputError before anything is read.
 *
 * Rules, applied to every format:
 * - strict UTF-8 (invalid bytes → InputError with the line); a leading BOM is stripped; CRLF is fine;
 * - blank lines are not records; a missing, null or empty `id` becomes the 0-based row number
 *   (JSONL: line − 1; JSON array: element index; CSV/TSV: data-record index, header excluded);
 * - CSV/TSV: a header row names the columns; fields may be quoted RFC 4180-style ("…", "" for a quote),
 *   which is how delimiters and line breaks go inside a field; a quote inside an unquoted field is kept;
 * - text: missing, null or not a string → InputError; empty or whitespace-only → SKIPPED and reported
 *   through `onSkip` (so one stray empty row does not abort a 10k-row audit);
 * - label: missing, null or empty → InputError when `requireLabel` (default), else left undefined;
 *   numbers and booleans become strings;
 * - duplicate ids → InputError naming both lines (ids key the per-example records);
 * - a file with no examples → InputError saying why (empty, only blank lines, only a header, all texts empty).
 * Text is passed through unchanged (no trimming, no Unicode normalisation).
 * In-memory rows (the library API's `audit({ data: [...] })`) are read by `examplesFromRows`.
 */
import { readFile } from 'node:fs/promises';
import { InputError } from '../errors.ts';
import type { Example } from '../types.ts';
import { setField } from './fields.ts';
import { inputName } from './lines.ts';
import {
  type DataFormat,
  emptyStats,
  noRecordsReason,
  type RawRecord,
  readRecords,
  resolveFormat,
} from './records.ts';

export { applyLabelMap, checkLabels, type LabelMap, readLabelMap, validateLabelMap } from './labels.ts';
export { STDIN_NAME, STDIN_PATH } from './lines.ts';
export {
  DATA_FORMATS,
  type DataFormat,
  DEFAULT_FORMAT,
  detectFormat,
  type RawRecord,
  readRecords,
  resolveFormat,
} from './records.ts';

export type SkipReason = 'empty-text';

export interface ReadExamplesOptions {
  /** default 'text' */
  textField?: string;
  /** default 'label' */
  labelField?: string;
  /** default from the extension: .jsonl/.ndjson → jsonl, .json → json, .csv → csv, .tsv/.tab → tsv, .txt → txt; else jsonl */
  format?: DataFormat;
  /**
   * how errors name the file, and whose extension tells the format (default: the path; `-` is
   * <stdin>): the path given, when `source` is a spooled copy of it
   */
  name?: string;
  /** default true */
  requireLabel?: boolean;
  /**
   * default 'id'; null: the rows have no id field — ids are row numbers and a field named `id` passes
   * through in `extra` like any other (`tailcheck augment`, where an id names a source row, not a copy)
   */
  idField?: string | null;
  /** called for every skipped row (empty or whitespace-only text) */
  onSkip?(reason: SkipReason, line: number, message: string): void;
}

function labelOf(value: unknown, path: string, line: number, field: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  throw new InputError(
    `label must be a string or a number, got ${Array.isArray(value) ? 'an array' : 'an object'}`,
    {
      file: path,
      line,
      field,
    },
  );
}

/** A plain-text file where labels are needed: said before reading, with what to use instead. */
function textHasNoLabels(path: string, fromExtension: boolean): InputError {
  const instead = fromExtension ? ' (or --format jsonl|json|csv|tsv if the file holds records)' : '';
  return new InputError(
    `plain text (one text per line) has no labels, which are needed here: use a .jsonl, .json, .csv or .tsv file with a label field${instead}`,
    { file: path },
  );
}

function idOf(value: unknown, record: RawRecord, path: string, field: string): string {
  if (value === undefined || value === null || value === '') return String(record.row);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new InputError('id must be a string or a number', { file: path, line: record.line, field });
}

/** Streams the examples of a data file (`-`: standard input); see the module comment for the rules. */
export async function* readExamples(source: string, opts: ReadExamplesOptions = {}): AsyncGenerator<Example> {
  const textField = opts.textField ?? 'text';
  const labelField = opts.labelField ?? 'label';
  const idField = opts.idField === undefined ? 'id' : opts.idField;
  const requireLabel = opts.requireLabel ?? true;
  const path = inputName(source, opts.name);
  const { format, guessed } = resolveFormat(opts.name ?? source, opts.format);
  if (format === 'txt' && requireLabel) throw textHasNoLabels(path, opts.format === undefined);
  const stats = emptyStats();
  const firstLineOfId = new Map<string, number>();
  let yielded = 0;
  let skipped = 0;
  let checkedColumns = false;

  for await (const record of readRecords(source, format, { name: path, guessed, stats, textField })) {
    const { fields, line } = record;
    if ((format === 'csv' || format === 'tsv') && !checkedColumns) {
      // CSV/TSV: a missing column is a header problem, reported once on the header line.
      checkedColumns = true;
      const columns = Object.keys(fields);
      const wanted = requireLabel ? [textField, labelField] : [textField];
      for (const name of wanted) {
        if (!Object.hasOwn(fields, name)) {
          throw new InputError(`no column "${name}" in the header (columns: ${columns.join(', ')})`, {
            file: path,
            line: 1,
            field: name,
          });
        }
      }
    }

    const text = fields[textField];
    if (text === undefined) {
      const keys = Object.keys(fields);
      throw new InputError(`missing text field (fields present: ${keys.length ? keys.join(', ') : 'none'})`, {
        file: path,
        line,
        field: textField,
      });
    }
    if (text === null) throw new InputError('text is null', { file: path, line, field: textField });
    if (typeof text !== 'string') {
      throw new InputError(`text must be a string, got ${Array.isArray(text) ? 'an array' : typeof text}`, {
        file: path,
        line,
        field: textField,
      });
    }
    if (text.trim() === '') {
      skipped++;
      opts.onSkip?.('empty-text', line, `${path}:line ${line}: empty text, row skipped`);
      continue;
    }

    const label = labelOf(fields[labelField], path, line, labelField);
    if (label === undefined && requireLabel) {
      const what = fields[labelField] === undefined ? 'missing label' : 'label is null or empty';
      throw new InputError(what, { file: path, line, field: labelField });
    }

    const id = idField === null ? String(record.row) : idOf(fields[idField], record, path, idField);
    const seenAt = firstLineOfId.get(id);
    if (seenAt !== undefined) {
      throw new InputError(`duplicate id "${id}" (first used on line ${seenAt}); ids must be unique`, {
        file: path,
        line,
        field: idField ?? undefined,
      });
    }
    firstLineOfId.set(id, line);

    const extra: Record<string, unknown> = {};
    for (const key of Object.keys(fields)) {
      if (key !== textField && key !== labelField && key !== idField) setField(extra, key, fields[key]);
    }
    const example: Example = { id, text, line, extra };
    if (label !== undefined) example.label = label;
    yielded++;
    yield example;
  }

  if (yielded === 0) {
    const why = skipped > 0 ? `all ${skipped} rows had empty text` : noRecordsReason(stats);
    throw new InputError(`no examples (${why})`, { file: path });
  }
}

/** One in-memory example as the library API takes it (`audit({ data: [...] })`); `id` defaults to the index. */
export interface ExampleRow {
  id?: string;
  text: string;
  label: string;
}

/** Where in-memory rows are said to come from, in reports and errors. */
export const IN_MEMORY_SOURCE = '<memory>';

/**
 * The examples of in-memory rows, checked as they are read: unique ids (a missing id becomes the
 * 0-based index), string text and label. Unlike files, an empty text is kept, not skipped, and no
 * extra fields are carried; `line` is the 1-based index, which is what errors cite.
 */
export async function* examplesFromRows(rows: readonly ExampleRow[]): AsyncGenerator<Example> {
  const seen = new Set<string>();
  for (const [i, row] of rows.entries()) {
    const id = row.id ?? String(i);
    if (seen.has(id))
      throw new InputError(`duplicate id "${id}"`, { file: IN_MEMORY_SOURCE, line: i + 1, field: 'id' });
    seen.add(id);
    if (typeof row.text !== 'string')
      throw new InputError('text must be a string', { line: i + 1, field: 'text' });
    if (typeof row.label !== 'string')
      throw new InputError('label must be a string', { line: i + 1, field: 'label' });
    yield { id, text: row.text, label: row.label, line: i + 1, extra: {} };
  }
}

/** Training-label counts of a data file, for `--train <file>` (texts are not read). */
export async function countLabels(
  source: string,
  labelField = 'label',
  format?: DataFormat,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = Object.create(null);
  const path = inputName(source);
  const resolved = resolveFormat(source, format);
  if (resolved.format === 'txt') throw textHasNoLabels(path, format === undefined);
  const stats = emptyStats();
  let rows = 0;
  for await (const record of readRecords(source, resolved.format, { guessed: resolved.guessed, stats })) {
    const label = labelOf(record.fields[labelField], path, record.line, labelField);
    if (label === undefined) {
      throw new InputError('missing label', { file: path, line: record.line, field: labelField });
    }
    counts[label] = (counts[label] ?? 0) + 1;
    rows++;
  }
  if (rows === 0) throw new InputError(`no rows (${noRecordsReason(stats)})`, { file: path });
  return counts;
}

/** Reads `--class-counts`: a JSON object mapping each label to its training count. */
export async function readClassCounts(jsonPath: string): Promise<Record<string, number>> {
  let source: string;
  try {
    source = await readFile(jsonPath, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? 'file not found' : `cannot read (${(err as Error).message})`, {
      file: jsonPath,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(source.charCodeAt(0) === 0xfeff ? source.slice(1) : source);
  } catch (err) {
    throw new InputError(`malformed JSON: ${(err as Error).message}`, { file: jsonPath });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError(
      `class counts must be a JSON object like {"label": 120, …}, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`,
      { file: jsonPath },
    );
  }
  const counts: Record<string, number> = Object.create(null);
  const entries = Object.entries(value);
  if (entries.length === 0) throw new InputError('class counts are empty', { file: jsonPath });
  for (const [label, count] of entries) {
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
      throw new InputError(`count must be a non-negative integer, got ${JSON.stringify(count)}`, {
        file: jsonPath,
        field: label,
      });
    }
    counts[label] = count;
  }
  return counts;
}
