/**
 * Augmentation must never touch the evaluation data: training on perturbed copies of the test set
 * would make the next audit measure the remedy on data it was fitted to. A report names its evaluation
 * file (`config.data.path`, as given to the audit, so relative to where the audit ran); `--data` is
 * refused when it is that file — the same file by device and inode (symlinks and hard links included),
 * else the same resolved real path — or a file with the same bytes (sha256 of the contents: a copy).
 */
import { realpathSync, type Stats, statSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { UsageError } from '../errors.ts';
import type { Report } from '../types.ts';
import { contentHash } from '../util/content-hash.ts';

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** Where the report's evaluation file may be: as written (from here), and beside the report. */
export function evaluationFileCandidates(evalPath: string, reportPath: string): string[] {
  if (isAbsolute(evalPath)) return [evalPath];
  const beside = join(dirname(reportPath), evalPath);
  return beside === evalPath ? [evalPath] : [evalPath, beside];
}

/**
 * Throws a UsageError when `dataPath` is the evaluation file of `report` (see the module comment);
 * returns a warning when that file cannot be found to compare (read from standard input, moved).
 */
export async function checkNotEvaluationData(
  dataPath: string,
  report: Pick<Report, 'config'>,
  reportPath: string,
): Promise<string | undefined> {
  const data = statOrUndefined(dataPath);
  if (!data?.isFile()) {
    throw new UsageError(
      `--data ${dataPath}: with --report, the training data must be a regular file (its contents are compared with the report's evaluation file)`,
    );
  }
  const evalPath = report.config.data.path;
  const found = evaluationFileCandidates(evalPath, reportPath).filter((p) => statOrUndefined(p)?.isFile());
  if (found.length === 0) {
    return `cannot check that --data is not the evaluation data of --report ${reportPath}: its evaluation file ${evalPath} was not found (from here or beside the report)`;
  }
  const refuse = (how: string) =>
    new UsageError(
      `--data ${dataPath} ${how} the evaluation data of --report ${reportPath} (${evalPath}): refusing to augment the evaluation set; give the training split`,
    );
  let dataHash: string | undefined;
  for (const candidate of found) {
    const other = statSync(candidate);
    if (
      (other.dev === data.dev && other.ino === data.ino) ||
      realpathSync(candidate) === realpathSync(dataPath)
    ) {
      throw refuse('is');
    }
    if (other.size !== data.size) continue;
    dataHash ??= await contentHash(dataPath);
    if ((await contentHash(candidate)) === dataHash) throw refuse('has the same contents (sha256) as');
  }
  return undefined;
}
