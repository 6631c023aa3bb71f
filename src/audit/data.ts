/**
 * The audit's evaluation data: a file or in-memory rows (both read through data/load.ts), the label
 * map, and the first pass over the data, which checks every label against the model and counts the
 * evaluation set before anything is perturbed or classified.
 */
import { existsSync } from 'node:fs';
import {
  checkLabels,
  type ExampleRow,
  examplesFromRows,
  IN_MEMORY_SOURCE,
  type LabelMap,
  readExamples,
  readLabelMap,
} from '../data/load.ts';
import { InputError } from '../errors.ts';
import { BUNDLED_EVAL_DATA } from '../paths.ts';
import type { ReportWarning } from '../report/assemble.ts';
import type { Example } from '../types.ts';
import { inShard, type Shard } from './options.ts';

/** Examples that can be read more than once (one pass to check and count, one to audit). */
export interface DataSource {
  /** the file, or IN_MEMORY_SOURCE */
  path: string;
  iterate(onSkip?: (line: number) => void): AsyncIterable<Example>;
}

export function dataSource(
  data: string | readonly ExampleRow[] | undefined,
  fields: { textField: string; labelField: string },
): DataSource {
  const source = data ?? BUNDLED_EVAL_DATA;
  if (typeof source !== 'string') return { path: IN_MEMORY_SOURCE, iterate: () => examplesFromRows(source) };
  if (!existsSync(source)) throw new InputError('file not found', { file: source });
  return {
    path: source,
    iterate: (onSkip) =>
      readExamples(source, {
        ...fields,
        requireLabel: true,
        onSkip: onSkip ? (_reason, line) => onSkip(line) : undefined,
      }),
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
  /** examples to audit: in the shard, at most `limit` */
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
  const datasetLabels = new Set<string>();
  let total = 0;
  const skipped: number[] = [];
  for await (const ex of source.iterate((line) => skipped.push(line))) {
    datasetLabels.add(ex.label as string);
    const label = mapLabel(ex, labelMap);
    evalCounts[label] = (evalCounts[label] ?? 0) + 1;
    if (inShard(ex.id, select.shard)) total++;
  }
  if (datasetLabels.size === 0) throw new InputError('no examples', { file: source.path });
  try {
    checkLabels(datasetLabels, modelLabels, labelMap);
  } catch (err) {
    if (err instanceof InputError) throw new InputError(err.message, { file: source.path });
    throw err;
  }
  if (select.limit !== undefined) total = Math.min(total, select.limit);
  const warnings: ReportWarning[] = [];
  if (skipped.length > 0) {
    warnings.push({
      code: 'skipped-rows',
      message: `${skipped.length} row(s) with empty text skipped (${source.path} line ${skipped.slice(0, 10).join(', ')}${skipped.length > 10 ? ', …' : ''})`,
    });
  }
  return { evalCounts, total, warnings };
}

/** The examples to audit, in source order: those in the shard, the first `limit` of them. */
export async function* selectExamples(
  source: DataSource,
  select: { shard: Shard | undefined; limit: number | undefined },
): AsyncGenerator<Example> {
  let taken = 0;
  for await (const ex of source.iterate()) {
    if (!inShard(ex.id, select.shard)) continue;
    if (select.limit !== undefined && taken >= select.limit) break;
    taken++;
    yield ex;
  }
}
