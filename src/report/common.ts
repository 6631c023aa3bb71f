/**
 * Shared helpers for the report renderers: number formatting (sanitising lives in
 * util/strings.ts, `stripControls`), and the selections every format shows (rows per severity, worst
 * classes, worst flipped examples, the word diff used to highlight edits).
 * Pure functions; no I/O.
 */
import { POOLED } from '../measure/accumulator.ts';
import { MIN_CI_EXAMPLES } from '../measure/bootstrap.ts';
import {
  type BucketGap,
  type ClassInfo,
  type ExampleRecord,
  isCounted,
  type Metrics,
  type Report,
  type Result,
  type Severity,
  type VariantRecord,
} from '../types.ts';
import { compareStrings, stripControls } from '../util/strings.ts';

// ───────────────────────────── numbers ─────────────────────────────

export const MISSING = '—';

/** 0.9123 → "91.2%" */
export function pct(x: number, digits = 1): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(digits)}%` : MISSING;
}

/** A difference of two rates in percentage points, always signed: 0.0712 → "+7.1", -0.02 → "-2.0". */
export function pp(x: number, digits = 1): string {
  if (!Number.isFinite(x)) return MISSING;
  const text = Math.abs(x * 100).toFixed(digits);
  if (Number(text) === 0) return text;
  return `${x < 0 ? '-' : '+'}${text}`;
}

/** What renderers print in place of an interval that rests on too few examples (`ciNote`). */
export const TOO_FEW_EXAMPLES = 'too few examples';

/** The legend's sentence for withheld intervals. */
export const TOO_FEW_LEGEND = `a slice of fewer than ${MIN_CI_EXAMPLES} examples shows "${TOO_FEW_EXAMPLES}" instead of an interval`;

/** "[+5.0, +9.3]", or "(too few examples)" for a withheld interval: never a falsely precise one. */
export function ppCI(ci: readonly [number, number] | null, digits = 1): string {
  return ci ? `[${pp(ci[0], digits)}, ${pp(ci[1], digits)}]` : `(${TOO_FEW_EXAMPLES})`;
}

/** "+7.1 [+5.0, +9.3]", or "+50.0 (too few examples)" */
export function dropWithCI(m: Metrics): string {
  return `${pp(m.drop)} ${ppCI(m.dropCI)}`;
}

/**
 * How the drop is defined, in words, for the renderers' legends. The drop is paired and weighted by
 * changed variants, while clean accuracy counts each example once, so the two printed accuracies need
 * not differ by exactly the drop.
 */
export const DROP_DEFINITION =
  'Drop = mean over changed variants of (original correct − variant correct), a paired difference in which an example counts once per changed variant; it equals clean − perturbed accuracy only when every example has the same number of changed variants';

/**
 * The buckets a head–tail gap compares, e.g. "few − many": the first and last bucket WITH data, which
 * are the report's first and last only when those have changed variants. `escapeName` is the format's escaping.
 */
export function gapBuckets(
  gap: Pick<BucketGap, 'head' | 'tail'>,
  escapeName: (s: string) => string = stripControls,
): string {
  return `${escapeName(gap.tail)} − ${escapeName(gap.head)}`;
}

/** A metric with no changed variant carries zeros; renderers show it as missing. */
export function hasData(m: Metrics | undefined): m is Metrics {
  return m !== undefined && m.n > 0;
}

/** The CI lies entirely above zero: the drop is distinguishable from noise (never without a CI). */
export function significantDrop(ci: readonly [number, number] | null): boolean {
  return ci !== null && ci[0] > 0;
}

/** The CI lies entirely below zero: the perturbation helped (never without a CI). */
export function significantGain(ci: readonly [number, number] | null): boolean {
  return ci !== null && ci[1] < 0;
}

export function confidenceLabel(report: Report): string {
  return `${Math.round(report.config.bootstrap.confidence * 100)}% CI`;
}

export function perturbationLabel(name: string): string {
  return name === POOLED ? 'all (pooled)' : name;
}

/** Training-count range of a bucket: "101–420", or "7" when both bounds are equal. */
export function countRange(min: number, max: number): string {
  return min === max ? `${min}` : `${min}–${max}`;
}

// ───────────────────────────── selections ─────────────────────────────

/** Severities present in the summary or results, ascending. */
export function severitiesOf(report: Report): Severity[] {
  const found = new Set<Severity>();
  for (const r of report.summary) found.add(r.severity);
  for (const r of report.results) found.add(r.severity);
  return [...found].sort((a, b) => a - b);
}

/** Rows for one severity: each perturbation's result (as ordered in the report), then the pooled one. */
export function rowsForSeverity(
  source: { summary: Result[]; results: Result[] },
  severity: Severity,
): Result[] {
  const rows = source.results.filter((r) => r.severity === severity && r.perturbation !== POOLED);
  const pooled = source.summary.find((r) => r.severity === severity);
  return pooled ? [...rows, pooled] : rows;
}

export function pooledFor(source: { summary: Result[] }, severity: Severity): Result | undefined {
  return source.summary.find((r) => r.severity === severity);
}

export interface ClassDrop {
  info: ClassInfo;
  metrics: Metrics;
}

/** Classes with data, largest drop first (ties: fewer training examples first, then label). */
export function worstClasses(result: Result, classes: readonly ClassInfo[], k: number): ClassDrop[] {
  const rows: ClassDrop[] = [];
  for (const info of classes) {
    const metrics = result.perClass[info.label];
    if (hasData(metrics)) rows.push({ info, metrics });
  }
  rows.sort(
    (a, b) =>
      b.metrics.drop - a.metrics.drop ||
      a.info.trainCount - b.info.trainCount ||
      compareStrings(a.info.label, b.info.label),
  );
  return rows.slice(0, Math.max(0, k));
}

/** Every class with data in a result (for the scatter plot), in `classes` order. */
export function classDrops(result: Result, classes: readonly ClassInfo[]): ClassDrop[] {
  return worstClasses(result, classes, Number.POSITIVE_INFINITY).sort(
    (a, b) => classes.indexOf(a.info) - classes.indexOf(b.info),
  );
}

export interface Flip {
  example: ExampleRecord;
  variant: VariantRecord;
}

/**
 * "Wrong flips": the original was classified correctly and a changed variant is not.
 * The most confidently wrong come first — those are the ones worth reading.
 */
export function worstFlips(examples: readonly ExampleRecord[] | undefined, k: number): Flip[] {
  const flips: Flip[] = [];
  for (const example of examples ?? []) {
    if (example.prediction !== example.label) continue;
    for (const variant of example.variants) {
      if (isCounted(variant) && variant.prediction !== example.label) flips.push({ example, variant });
    }
  }
  flips.sort(
    (a, b) =>
      b.variant.confidence - a.variant.confidence ||
      compareStrings(a.example.id, b.example.id) ||
      compareStrings(a.variant.perturbation, b.variant.perturbation) ||
      a.variant.severity - b.variant.severity ||
      a.variant.variant - b.variant.variant,
  );
  return flips.slice(0, Math.max(0, k));
}

// ───────────────────────────── word diff ─────────────────────────────

export interface Segment {
  text: string;
  changed: boolean;
}

const MAX_DIFF_CELLS = 250_000;

/**
 * Splits `variant` into runs that are unchanged from / differ from `original`,
 * by a longest-common-subsequence over words (whitespace kept as its own tokens).
 * Only the variant's text is returned, so highlighting never shows original text
 * in the variant column. Whitespace at the edges of a changed run stays unmarked.
 */
export function diffVariant(original: string, variant: string): Segment[] {
  const a = splitOnWhitespace(original);
  const b = splitOnWhitespace(variant);
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (
    suffix < a.length - prefix &&
    suffix < b.length - prefix &&
    a[a.length - 1 - suffix] === b[b.length - 1 - suffix]
  ) {
    suffix++;
  }
  const midA = a.slice(prefix, a.length - suffix);
  const midB = b.slice(prefix, b.length - suffix);
  const changed = new Array<boolean>(b.length).fill(false);
  const keptB = midA.length * midB.length <= MAX_DIFF_CELLS ? lcsKeep(midA, midB) : null;
  for (let j = 0; j < midB.length; j++) changed[prefix + j] = keptB ? !keptB[j] : true;
  // Whitespace is highlighted only when it joins two changed words.
  for (let j = 0; j < b.length; j++) {
    if (/^\s+$/.test(b[j])) changed[j] = j > 0 && j < b.length - 1 && changed[j - 1] && changed[j + 1];
  }
  const segments: Segment[] = [];
  for (let j = 0; j < b.length; j++) {
    const last = segments[segments.length - 1];
    if (last && last.changed === changed[j]) last.text += b[j];
    else segments.push({ text: b[j], changed: changed[j] });
  }
  return segments;
}

/**
 * Whitespace runs and the runs between them, covering every character: the diff rebuilds the
 * variant from these pieces, so this is not the perturbations' word tokenizer (which skips text).
 */
function splitOnWhitespace(text: string): string[] {
  return text.match(/\s+|[^\s]+/g) ?? [];
}

/** For each token of `b`: is it part of a longest common subsequence with `a`? */
function lcsKeep(a: readonly string[], b: readonly string[]): boolean[] {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const table = new Uint32Array(rows * cols);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i * cols + j] =
        a[i] === b[j]
          ? table[(i + 1) * cols + j + 1] + 1
          : Math.max(table[(i + 1) * cols + j], table[i * cols + j + 1]);
    }
  }
  const keep = new Array<boolean>(b.length).fill(false);
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      keep[j] = true;
      i++;
      j++;
    } else if (table[(i + 1) * cols + j] >= table[i * cols + j + 1]) {
      i++;
    } else {
      j++;
    }
  }
  return keep;
}
