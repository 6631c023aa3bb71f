/**
 * Pairing two reports for `tailcheck compare`. Two audits of the same data with the same seed,
 * perturbations, severities and variant count make the same variants (a variant's text is a function
 * of seed, perturbation, severity, variant index and original text), so the comparison is paired per
 * variant: key (example id, perturbation, severity, variant index).
 *
 * - Reports whose data (path, text and label fields), seed, perturbations, severities or variant count
 *   differ are refused, naming every difference: their variants are not the same texts.
 * - A shared id whose original text or gold label differs between the reports is refused too (the data
 *   file changed between the runs).
 * - A key present in both whose variant texts differ (the perturbation's code changed between the
 *   versions that ran) is not paired: counted and reported, never compared.
 * - Only variants counted in BOTH reports are paired (`isCounted`: changed, not a duplicate, not
 *   rejected by the meaning check); one counted in a single report is counted and left out.
 * - Examples present in one report only (--limit, --shard) are left out; `compare` refuses when the
 *   shared examples are fewer than MIN_OVERLAP of the larger report's.
 */
import { UsageError } from '../errors.ts';
import type { ExampleRecord, ReportConfig, Severity, VariantRecord } from '../types.ts';
import { isCounted } from '../types.ts';
import { compareStrings } from '../util/strings.ts';
import type { TextMismatch } from './types.ts';

/** The least share of the larger report's examples the two reports must share. */
export const MIN_OVERLAP = 0.5;

/** How many text mismatches a comparison lists (it counts them all). */
export const MISMATCH_SAMPLES = 5;

/** One side of a paired variant or example: what that report's model predicted. */
export interface Predicted {
  prediction: string;
  confidence: number;
}

export interface PairedVariant {
  perturbation: string;
  severity: Severity;
  variant: number;
  text: string;
  base: Predicted;
  head: Predicted;
}

/** A shared example with its variants counted in both reports (same text), in (perturbation, severity, variant) order. */
export interface PairedExample {
  id: string;
  label: string;
  text: string;
  base: Predicted;
  head: Predicted;
  variants: PairedVariant[];
}

export interface PairCounts {
  baseExamples: number;
  headExamples: number;
  sharedExamples: number;
  pairedVariants: number;
  textMismatches: number;
  countedInOneOnly: number;
  unmatchedVariants: number;
  /** the first MISMATCH_SAMPLES text mismatches in (id, perturbation, severity, variant) order */
  mismatchSamples: TextMismatch[];
}

const sorted = <T>(values: readonly T[]): T[] =>
  [...values].sort((a, b) => compareStrings(String(a), String(b)));

const setDifference = (a: readonly string[], b: readonly string[]): string[] =>
  sorted(a.filter((x) => !b.includes(x)));

/**
 * Why the two reports' variants are not the same texts, one sentence per difference (empty when they
 * are comparable). The model, buckets and bootstrap may differ; `shard` may too (pairing keeps the
 * shared examples).
 */
export function comparabilityProblems(base: ReportConfig, head: ReportConfig): string[] {
  const problems: string[] = [];
  const differs = (what: string, a: unknown, b: unknown, verb = 'differs'): void => {
    if (JSON.stringify(a) !== JSON.stringify(b)) {
      problems.push(`${what} ${verb} (BASE ${JSON.stringify(a)}, HEAD ${JSON.stringify(b)})`);
    }
  };
  // The same file may sit in another folder (main and the PR checked out apart, a relative path typed
  // differently): only its name must agree; pairing then checks each shared example's text and label.
  differs('data file', fileName(base.data.path), fileName(head.data.path));
  differs('text field', base.data.textField, head.data.textField);
  differs('label field', base.data.labelField, head.data.labelField);
  differs('seed', base.seed, head.seed);
  const onlyBase = setDifference(base.perturbations, head.perturbations);
  const onlyHead = setDifference(head.perturbations, base.perturbations);
  if (onlyBase.length > 0 || onlyHead.length > 0) {
    const parts = [
      onlyBase.length > 0 ? `only BASE has ${onlyBase.join(', ')}` : '',
      onlyHead.length > 0 ? `only HEAD has ${onlyHead.join(', ')}` : '',
    ].filter(Boolean);
    problems.push(`perturbations differ (${parts.join('; ')})`);
  }
  differs(
    'severities',
    [...base.severities].sort((a, b) => a - b),
    [...head.severities].sort((a, b) => a - b),
    'differ',
  );
  differs('variants per text', base.variants, head.variants);
  return problems;
}

const variantKey = (v: Pick<VariantRecord, 'perturbation' | 'severity' | 'variant'>): string =>
  `${v.perturbation}\u241f${v.severity}\u241f${v.variant}`;

function variantOrder(
  a: Pick<VariantRecord, 'perturbation' | 'severity' | 'variant'>,
  b: Pick<VariantRecord, 'perturbation' | 'severity' | 'variant'>,
): number {
  return compareStrings(a.perturbation, b.perturbation) || a.severity - b.severity || a.variant - b.variant;
}

function mismatchOrder(a: TextMismatch, b: TextMismatch): number {
  return compareStrings(a.id, b.id) || variantOrder(a, b);
}

/** The variants of one record by key; a key given twice is malformed input. */
function variantsByKey(record: ExampleRecord, side: string): Map<string, VariantRecord> {
  const byKey = new Map<string, VariantRecord>();
  for (const v of record.variants) {
    const key = variantKey(v);
    if (byKey.has(key)) {
      throw new UsageError(
        `${side}: example "${record.id}" has variant ${v.variant} of ${v.perturbation} at severity ${v.severity} twice`,
      );
    }
    byKey.set(key, v);
  }
  return byKey;
}

/**
 * Pairs the records of two reports: BASE's are held (by id), HEAD's streamed; each shared example is
 * handed to `onPair` with its paired variants (in HEAD's record order: the consumer must not depend on
 * it). `names` name the two reports in messages.
 */
export async function pairRecords(
  baseRecords: AsyncIterable<ExampleRecord> | Iterable<ExampleRecord>,
  headRecords: AsyncIterable<ExampleRecord> | Iterable<ExampleRecord>,
  onPair: (example: PairedExample) => void,
  names: { base: string; head: string } = { base: 'BASE', head: 'HEAD' },
): Promise<PairCounts> {
  const base = new Map<string, ExampleRecord>();
  for await (const record of baseRecords) {
    if (base.has(record.id)) throw new UsageError(`${names.base}: example id "${record.id}" appears twice`);
    base.set(record.id, record);
  }
  const counts: PairCounts = {
    baseExamples: base.size,
    headExamples: 0,
    sharedExamples: 0,
    pairedVariants: 0,
    textMismatches: 0,
    countedInOneOnly: 0,
    unmatchedVariants: 0,
    mismatchSamples: [],
  };
  const headIds = new Set<string>();
  for await (const h of headRecords) {
    if (headIds.has(h.id)) throw new UsageError(`${names.head}: example id "${h.id}" appears twice`);
    headIds.add(h.id);
    counts.headExamples++;
    const b = base.get(h.id);
    if (b === undefined) continue;
    counts.sharedExamples++;
    if (b.label !== h.label || b.text !== h.text) {
      const what = b.label !== h.label ? 'gold label' : 'text';
      throw new UsageError(
        `example "${h.id}" has a different ${what} in ${names.head} than in ${names.base}: the two reports audited different data`,
      );
    }
    const baseVariants = variantsByKey(b, names.base);
    const headVariants = variantsByKey(h, names.head);
    const variants: PairedVariant[] = [];
    for (const [key, hv] of headVariants) {
      const bv = baseVariants.get(key);
      if (bv === undefined) {
        counts.unmatchedVariants++;
        continue;
      }
      const bCounted = isCounted(bv);
      const hCounted = isCounted(hv);
      if (bv.text !== hv.text) {
        // An uncounted pair (both unchanged: the original text) carries no measurement.
        if (bCounted || hCounted) {
          counts.textMismatches++;
          counts.mismatchSamples.push({
            id: h.id,
            perturbation: hv.perturbation,
            severity: hv.severity,
            variant: hv.variant,
            base: bv.text,
            head: hv.text,
          });
          // Keep the list short as it grows; the first ones in key order survive.
          if (counts.mismatchSamples.length > 4 * MISMATCH_SAMPLES) {
            counts.mismatchSamples = counts.mismatchSamples.sort(mismatchOrder).slice(0, MISMATCH_SAMPLES);
          }
        }
        continue;
      }
      if (bCounted && hCounted) {
        variants.push({
          perturbation: hv.perturbation,
          severity: hv.severity,
          variant: hv.variant,
          text: hv.text,
          base: { prediction: bv.prediction, confidence: bv.confidence },
          head: { prediction: hv.prediction, confidence: hv.confidence },
        });
      } else if (bCounted || hCounted) {
        counts.countedInOneOnly++;
      }
    }
    for (const key of baseVariants.keys()) if (!headVariants.has(key)) counts.unmatchedVariants++;
    variants.sort(variantOrder);
    counts.pairedVariants += variants.length;
    onPair({
      id: h.id,
      label: h.label,
      text: h.text,
      base: { prediction: b.prediction, confidence: b.confidence },
      head: { prediction: h.prediction, confidence: h.confidence },
      variants,
    });
  }
  counts.mismatchSamples = counts.mismatchSamples.sort(mismatchOrder).slice(0, MISMATCH_SAMPLES);
  return counts;
}

/** The shared examples as a share of the larger report's (0 when either report is empty). */
export function overlapOf(
  counts: Pick<PairCounts, 'baseExamples' | 'headExamples' | 'sharedExamples'>,
): number {
  const larger = Math.max(counts.baseExamples, counts.headExamples);
  return larger === 0 ? 0 : counts.sharedExamples / larger;
}

/** The last component of a path, either separator. */
function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}
