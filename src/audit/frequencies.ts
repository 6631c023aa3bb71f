/**
 * Training class frequencies for the buckets, and where they came from. Order of preference (the
 * frequency source is part of the report): a training file > class counts > label_counts.json beside
 * the model > the evaluation set's own label counts (with a warning: they say little about head vs tail).
 */
import { countLabels, readClassCounts } from '../data/load.ts';
import type { ReportWarning } from '../report/assemble.ts';
import type { FrequencySource } from '../types.ts';

export interface FrequencyInputs {
  /** training file whose labels are counted */
  train?: string;
  labelField?: string;
  /** class counts as a JSON file path or an object */
  classCounts?: string | Record<string, number>;
  /** label_counts.json beside the model (ModelSession.classCountsFile) */
  modelCountsFile?: string;
}

export interface ClassFrequencies {
  /** a training count for every model label (0 when none is known) */
  counts: Record<string, number>;
  source: FrequencySource;
  warnings: ReportWarning[];
}

export async function classFrequencies(
  inputs: FrequencyInputs,
  modelLabels: readonly string[],
  evalCounts: Record<string, number>,
): Promise<ClassFrequencies> {
  const found = await findCounts(inputs, evalCounts);
  const warnings = found.warnings;
  const missing = modelLabels.filter((l) => found.counts[l] === undefined);
  if (found.source !== 'eval' && missing.length > 0) {
    warnings.push({
      code: 'uncounted-labels',
      message: `${missing.length} model label(s) have no training count and are treated as 0: ${missing.slice(0, 8).join(', ')}${missing.length > 8 ? ', …' : ''}`,
    });
  }
  const known = new Set(modelLabels);
  const extraCounted = Object.keys(found.counts).filter((l) => !known.has(l));
  if (extraCounted.length > 0) {
    warnings.push({
      code: 'unknown-counted-labels',
      message: `class counts name ${extraCounted.length} label(s) the model does not have; ignored`,
    });
  }
  const counts: Record<string, number> = {};
  for (const l of modelLabels) counts[l] = found.counts[l] ?? 0;
  return { counts, source: found.source, warnings };
}

async function findCounts(
  inputs: FrequencyInputs,
  evalCounts: Record<string, number>,
): Promise<ClassFrequencies> {
  if (inputs.train) {
    const counts = await countLabels(inputs.train, inputs.labelField ?? 'label');
    return { counts, source: 'train', warnings: [] };
  }
  if (inputs.classCounts !== undefined) {
    const counts =
      typeof inputs.classCounts === 'string' ? await readClassCounts(inputs.classCounts) : inputs.classCounts;
    return { counts, source: 'class-counts', warnings: [] };
  }
  if (inputs.modelCountsFile !== undefined) {
    return { counts: await readClassCounts(inputs.modelCountsFile), source: 'model', warnings: [] };
  }
  const warning =
    'No training class frequencies (--train, --class-counts or label_counts.json in the model folder): ' +
    'buckets use label counts of the evaluation set, which says little about head vs tail.';
  return { counts: evalCounts, source: 'eval', warnings: [{ code: 'eval-frequencies', message: warning }] };
}
