/**
 * The audit's evaluation data: a file or in-memory rows (both read through data/load.ts), the label
 * map, and the first pass over the data, which checks every label against the model and counts the
 * evaluation set before anything is perturbed or classified. The data is read twice, so a source that
 * can be read only once (`-`, a FIFO, `<(…)`) is spooled to a temp file first (data/spool.ts).
 *
 * Selection: `limit` N takes the first N examples of the data (file order, rows with empty text
 * skipped); `shard` i/n then takes its hash share of those, so the shards of a `--limit` run merge into
 * exactly the unsharded `--limit` run.
 */
import {
  checkLabels,
  type DataFormat,
  type ExampleRow,
  examplesFromRows,
  IN_MEMORY_SOURCE,
  type LabelMap,
  readExamples,
  readLabelMap,
} from '../data/load.ts';
import { rereadable } from '../data/spool.ts';
import { InputError } from '../errors.ts';
import { BUNDLED_EVAL_DATA } from '../paths.ts';
import type { ReportWarning } from '../report/assemble.ts';
import type { Example } from '../types.ts';
import { inShard, type Shard } from './options.ts';

/** Examples that can be read more than once (one pass to check and count, one to audit). */
export interface DataSource {
  /** the file as given (<stdin> for `-`), or IN_MEMORY_SOURCE */
  path: string;
  /** the field holding the gold label, for errors */
  labelField: string;
  iterate(onSkip?: (line: number) => void): AsyncIterable<Example>;
  /** removes a spooled copy; call when done, also after a failure */
  close(): Promise<void>;
}

/** Opens the data: a file (`-`: standard input), in-memory rows, or the bundled set. */
export async function openDataSource(
  data: string | readonly ExampleRow[] | undefined,
  fields: { textField: string; labelField: string; format?: DataFormat },
): Promise<DataSource> {
  const source = data ?? BUNDLED_EVAL_DATA;
  if (typeof source !== 'string') {
    return {
      path: IN_MEMORY_SOURCE,
      labelField: fields.labelField,
      iterate: () => examplesFromRows(source),
      close: async () => undefined,
    };
  }
  const file = await rereadable(source);
  return {
    path: file.name,
    labelField: fields.labelField,
    iterate: (onSkip) =>
      readExamples(file.path, {
        ...fields,
        // A spooled copy has no extension of its own: `name` is the path given, whose extension counts.
        name: file.name,
        requireLabel: true,
        onSkip: onSkip ? (_reason, line) => onSkip(line) : undefined,
      }),
    close: file.close,
  };
}

export async function loadLabelMap(
  labelMap: string | Record<string, string> | undefined,
): Promise<LabelMap | undefined> {
  if (labelMap === undefined) return undefined;
  return typeof labelMap === 'string' ? await readLabelMap(labelMap) : labelMap;
}

/** The gold label of an example, in the model's terms. */
export function mapLabel(ex: Example, labelMap: LabelMap | undefined): string {
  const label = ex.label as string;
  return labelMap?.[label] ?? label;
}

/** What the first pass over the data found. */
export interface DataScan {
  /** label counts of the whole evaluation set (mapped labels), the frequency fallback */
  evalCounts: Record<string, number>;
  /** examples to audit: of the first `limit`, those in the shard */
  total: number;
  warnings: ReportWarning[];
}

/** Checks that every (mapped) label is a model label and counts the evaluation set. */
export async function scanData(
  source: DataSource,
  modelLabels: readonly string[],
  labelMap: LabelMap | undefined,
  select: { shard: Shard | undefined; limit: number | undefined },
): Promise<DataScan> {
  const evalCounts: Record<string, number> = {};
  const datasetLabels = new Map<string, number>(); // label → the line it first appears on
  let read = 0;
  let total = 0;
  const skipped: number[] = [];
  for await (const ex of source.iterate((line) => skipped.push(line))) {
    const label = ex.label as string;
    if (!datasetLabels.has(label)) datasetLabels.set(label, ex.line);
    const mapped = mapLabel(ex, labelMap);
    evalCounts[mapped] = (evalCounts[mapped] ?? 0) + 1;
    if (withinLimit(read++, select.limit) && inShard(ex.id, select.shard)) total++;
  }
  if (datasetLabels.size === 0) throw new InputError('no examples', { file: source.path });
  checkLabels(datasetLabels, modelLabels, labelMap, { file: source.path, field: source.labelField });
  const warnings: ReportWarning[] = [];
  if (skipped.length > 0) {
    warnings.push({
      code: 'skipped-rows',
      message: `${skipped.length} row(s) with empty text skipped (${source.path} line ${skipped.slice(0, 10).join(', ')}${skipped.length > 10 ? ', …' : ''})`,
    });
  }
  return { evalCounts, total, warnings };
}

/** Whether the example read `index`-th (0-based, skipped rows not counted) is within `limit`. */
function withinLimit(index: number, limit: number | undefined): boolean {
  return limit === undefined || index < limit;
}

/** The examples to audit, in source order: of the first `limit`, those in the shard. */
export async function* selectExamples(
  source: DataSource,
  select: { shard: Shard | undefined; limit: number | undefined },
): AsyncGenerator<Example> {
  let read = 0;
  for await (const ex of source.iterate()) {
    if (!withinLimit(read++, select.limit)) break;
    if (inShard(ex.id, select.shard)) yield ex;
  }
}
