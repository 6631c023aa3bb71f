/**
 * Merging shard reports (`tailcheck audit --shard i/n`) into the report of the
 * unsharded run. Every number is recomputed from the union of the per-example
 * records (streamed: shards written with --examples-out are never loaded whole); the bootstrap
 * resamples within each class in id order, so it depends only on the set of examples, not on how
 * they were split. Warnings: the run-level ones are carried over from the first shard; the ones
 * derived from the records are recomputed on the union (see report/assemble.ts). An `attack` section
 * (`tailcheck attack`, `audit --attack`) is recomputed the same way, from the union of the shards'
 * attack records.
 */

import { UsageError } from './errors.ts';
import { tallyVariant, type VariantTally } from './measure/accumulator.ts';
import { attackSection } from './measure/attack.ts';
import { fairnessSlicesOf } from './measure/fairness.ts';
import { createMeasures } from './measure/results.ts';
import { assembleReport, type ReportWarning, reportExamples, unchangedWarnings } from './report/assemble.ts';
import { reportSchemaProblem } from './report/schema.ts';
import type { AttackRecord, AttackSection, ExampleRecord, GapMetric, Report } from './types.ts';
import { fileDigest, openJsonlWriter } from './util/jsonl.ts';
import { compareStrings } from './util/strings.ts';

/** Config fields that must agree for shards to be parts of one run. */
function runIdentity(report: Report): string {
  const { config } = report;
  return JSON.stringify({
    model: config.model,
    data: { path: config.data.path, textField: config.data.textField, labelField: config.data.labelField },
    perturbations: config.perturbations,
    severities: config.severities,
    variants: config.variants,
    seed: config.seed,
    bootstrap: config.bootstrap,
    buckets: config.buckets,
    frequencySource: config.frequencySource,
    logitAdjust: config.logitAdjust,
    lexicon: config.lexicon ?? null,
    attack: report.attack?.config ?? null,
    classes: report.classes,
    shardCount: config.shard?.count ?? 1,
  });
}

export async function mergeReports(
  reports: readonly Report[],
  opts: {
    allowPartial?: boolean;
    examplesOut?: string;
    /** how messages name each report (its file); default "report 1", "report 2", … */
    names?: readonly string[];
    /** the headline gap metric of the merged report; default the shards' (it changes no record) */
    gapMetric?: GapMetric;
  } = {},
): Promise<Report> {
  const nameOf = (i: number) => opts.names?.[i] ?? `report ${i + 1}`;
  if (reports.length === 0) throw new UsageError('merge needs at least one report');
  for (const [i, r] of reports.entries()) {
    const problem = reportSchemaProblem(r);
    if (problem) throw new UsageError(`report ${i + 1}: ${problem}`);
  }
  const first = reports[0] as Report;
  const identity = runIdentity(first);
  for (const [i, r] of reports.entries()) {
    if ((r.attack === undefined) !== (first.attack === undefined)) {
      const [withAttack, without] = r.attack ? [i, 0] : [0, i];
      throw new UsageError(
        `${nameOf(withAttack)} has an attack section and ${nameOf(without)} has none: the shards of one run are all \`tailcheck attack\` / \`audit --attack\` runs, or none is`,
      );
    }
    if (runIdentity(r) !== identity) {
      throw new UsageError(
        `report ${i + 1} comes from a different run than report 1 (model, data, perturbations, severities, variants, seed, buckets, lexicon, attack settings, class counts and shard count must all agree)`,
      );
    }
  }
  const count = first.config.shard?.count ?? 1;
  // Shards are 1-based (`--shard 1/4` … `4/4`), in the flag and in `config.shard.index` alike.
  const indices = reports.map((r) => r.config.shard?.index ?? 1);
  for (const [i, index] of indices.entries()) {
    if (!(Number.isInteger(index) && index >= 1 && index <= count)) {
      const why =
        index === 0
          ? 'it was written by a tailcheck that numbered shards from 0; re-run that audit'
          : 'not a shard of this run';
      throw new UsageError(
        `${nameOf(i)} says it is shard ${index}/${count}, but shards are 1-based (1/${count} … ${count}/${count}): ${why}`,
      );
    }
  }
  const dupAt = indices.findIndex((x, i) => indices.indexOf(x) !== i);
  if (dupAt >= 0) {
    const dup = indices[dupAt]!;
    throw new UsageError(
      `shard ${dup}/${count} is given twice (${nameOf(indices.indexOf(dup))} and ${nameOf(dupAt)})`,
    );
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !indices.includes(i));
  if (missing.length > 0 && !opts.allowPartial) {
    throw new UsageError(
      `missing shard(s) ${missing.map((i) => `${i}/${count}`).join(', ')}: a partial merge would under-report; pass --allow-partial to merge anyway`,
    );
  }

  const config = { ...first.config, gapMetric: opts.gapMetric ?? first.config.gapMetric };
  const measures = createMeasures(first.classes, first.buckets, config);
  // The first shard's own variant tally: only to recognise the data warnings it reported.
  const firstShard: VariantTally = new Map();
  const records: ExampleRecord[] = [];
  const attackRecords: AttackRecord[] = [];
  const out = opts.examplesOut ? openJsonlWriter(opts.examplesOut) : undefined;
  const seen = new Map<string, number>();
  let report: Report;
  try {
    for (const [i, r] of reports.entries()) {
      let count = 0;
      for await (const rec of reportExamples(r)) {
        const prev = seen.get(rec.id);
        if (prev !== undefined)
          throw new UsageError(`example id "${rec.id}" appears in ${nameOf(prev)} and ${nameOf(i)}`);
        seen.set(rec.id, i);
        count++;
        measures.add(rec);
        if (i === 0) for (const v of rec.variants) tallyVariant(firstShard, v);
        if (out) await out.write(rec);
        else records.push(rec);
      }
      // A report and its examples file written by different runs (or an examples file cut short)
      // would merge into wrong numbers: the count the report declares must match what it holds.
      if (count !== r.config.data.n) {
        const source = r.examples ? 'its examples[]' : `its examples file ${r.examplesFile}`;
        throw new UsageError(
          `${nameOf(i)} declares ${r.config.data.n} examples (config.data.n) but ${source} holds ${count} records: truncated, or from another run`,
        );
      }
      // The examples file must be the one this report was written with: the right count is not enough
      // (a re-run with another model writes as many records, with other predictions).
      if (r.examplesFile && r.examplesDigest && (await fileDigest(r.examplesFile)) !== r.examplesDigest) {
        throw new UsageError(
          `${nameOf(i)}: its examples file ${r.examplesFile} is not the one it was written with (sha256 differs): from another run, or changed since`,
        );
      }
      if (r.attack) attackRecords.push(...shardAttackRecords(r.attack, i, seen, nameOf));
    }
    // Source order, as the unsharded run writes them.
    records.sort(bySourceOrder);
    attackRecords.sort(bySourceOrder);

    const firstShardData = new Set(unchangedWarnings(firstShard).map((w) => w.message));
    const baseWarnings: ReportWarning[] = first.warnings
      .filter((message) => !firstShardData.has(message))
      .map((message) => ({ code: 'from-shard', message }));
    if (missing.length > 0) {
      baseWarnings.push({
        code: 'partial-merge',
        message: `partial merge: shard(s) ${missing.map((i) => `${i}/${count}`).join(', ')} missing`,
      });
    }
    report = assembleReport({
      config: {
        ...config,
        data: { ...first.config.data, n: measures.size },
        shard: missing.length > 0 ? first.config.shard : null,
      },
      classes: first.classes,
      buckets: first.buckets,
      measures,
      examples: out ? { file: opts.examplesOut!, digest: out.digest() } : { records },
      baseWarnings,
      // the shards' tags (a shard without changed variants of a perturbation has no result for it)
      tags: Object.fromEntries(
        reports.flatMap((r) => r.results.flatMap((x) => (x.tag ? [[x.perturbation, x.tag] as const] : []))),
      ),
      // the shards' fairness slices, likewise (a report@2 written before fairness slices has none)
      fairness: fairnessSlicesOf(reports.flatMap((r) => r.fairness ?? [])),
      attack:
        first.attack &&
        attackSection(attackRecords, first.classes, first.buckets, first.attack.config, {
          seed: config.seed,
          resamples: config.bootstrap.resamples,
          confidence: config.bootstrap.confidence,
        }),
    });
  } catch (err) {
    // A failed merge leaves no examples file (and a previous one intact): its temp file is removed.
    await out?.abort();
    throw err;
  }
  // Renamed into place only with the report it belongs to.
  await out?.close();
  return report;
}

/** Source order, as the unsharded run writes its records (examples and attack records alike). */
const bySourceOrder = (a: { row?: number; id: string }, b: { row?: number; id: string }): number =>
  (a.row ?? 0) - (b.row ?? 0) || compareStrings(a.id, b.id);

/**
 * A shard's attack records, checked against its examples (already streamed into `seen`): one per
 * example of that shard — the attack runs on every audited example — so an attack section from another
 * run, or cut short, is refused rather than merged into wrong numbers.
 */
function shardAttackRecords(
  attack: AttackSection,
  shard: number,
  seen: ReadonlyMap<string, number>,
  nameOf: (i: number) => string,
): AttackRecord[] {
  const ids = new Set<string>();
  for (const rec of attack.records) {
    if (seen.get(rec.id) !== shard || ids.has(rec.id)) {
      throw new UsageError(
        `${nameOf(shard)}: its attack section has a record for example "${rec.id}", ${ids.has(rec.id) ? 'twice' : 'which is not one of its examples'}: from another run`,
      );
    }
    ids.add(rec.id);
  }
  let examples = 0;
  for (const owner of seen.values()) if (owner === shard) examples++;
  if (ids.size !== examples) {
    throw new UsageError(
      `${nameOf(shard)} has ${examples} examples but its attack section holds ${ids.size} records: truncated, or from another run`,
    );
  }
  return attack.records;
}
