/**
 * Frequency buckets: which classes count as head, medium and tail.
 *
 * Accepted specs (`--buckets`):
 *   auto                 shots when at least two shot groups are non-empty, else quantile:3 (default)
 *   shots                many (> 100 training examples), medium (20–100), few (< 20) — the OLTR convention
 *   quantile:K           K groups by frequency rank with near-equal numbers of classes; classes with the
 *                        same training count always share a group. Names say where a group lies among
 *                        the non-empty ones: head (first), tail (last), middle for one in between,
 *                        q2 … q(n−1) for several; `tied` when every class has the same count (one group)
 *   thresholds:a,b,…     each threshold starts a new group: counts < a, a … b−1, …, ≥ last.
 *                        Names spell the inclusive range: `<20`, `20-100`, `>=101` for thresholds:20,101
 *                        (which reproduces shots); a one-value range is named by the value alone.
 *
 * Buckets are ordered head → tail (most training examples first); empty buckets are dropped.
 * BucketInfo bounds are inclusive; an open end is closed at the most extreme count observed in
 * that bucket (JSON has no Infinity). For quantile buckets the bounds are the observed min/max.
 * Labels missing from `counts` get 0 (the caller warns).
 */
import { UsageError } from '../errors.ts';
import type { BucketInfo, ClassInfo } from '../types.ts';

export interface BucketAssignment {
  /** the mode actually used: `shots`, `quantile:K` or `thresholds:a,b,…` (auto resolved) */
  mode: string;
  /** one per distinct label, in the order of `labels` */
  classes: ClassInfo[];
  /** non-empty buckets, head → tail */
  buckets: BucketInfo[];
}

export const BUCKET_SPEC_HELP =
  'accepted forms: auto, shots, quantile:K (integer K >= 2), thresholds:a,b,... (increasing integers >= 1)';

/** Shot thresholds of the OLTR convention: few < 20 ≤ medium ≤ 100 < many. */
const SHOT_THRESHOLDS = [20, 101] as const;
const SHOT_NAMES = ['many', 'medium', 'few'] as const;

type ParsedSpec =
  | { kind: 'auto' }
  | { kind: 'shots' }
  | { kind: 'quantile'; k: number }
  | { kind: 'thresholds'; thresholds: number[] };

function invalid(spec: string, why: string): UsageError {
  return new UsageError(`invalid bucket spec "${spec}": ${why}; ${BUCKET_SPEC_HELP}`);
}

function parseInteger(text: string): number | null {
  return /^\d+$/.test(text) ? Number(text) : null;
}

export function parseBucketSpec(spec: string): ParsedSpec {
  const s = spec.trim().toLowerCase();
  if (s === 'auto' || s === '') return { kind: 'auto' };
  if (s === 'shots') return { kind: 'shots' };
  const colon = s.indexOf(':');
  const head = colon < 0 ? s : s.slice(0, colon);
  const arg = colon < 0 ? '' : s.slice(colon + 1).trim();
  if (head === 'quantile') {
    const k = parseInteger(arg);
    if (k === null || k < 2 || k > 1000)
      throw invalid(spec, 'quantile needs an integer K between 2 and 1000');
    return { kind: 'quantile', k };
  }
  if (head === 'thresholds') {
    const parts = arg.split(',').map((p) => p.trim());
    const thresholds = parts.map(parseInteger);
    if (arg === '' || thresholds.some((t) => t === null || t < 1)) {
      throw invalid(spec, 'thresholds must be integers >= 1');
    }
    const ts = thresholds as number[];
    for (let i = 1; i < ts.length; i++) {
      if (ts[i] <= ts[i - 1]) throw invalid(spec, 'thresholds must be strictly increasing');
    }
    return { kind: 'thresholds', thresholds: ts };
  }
  throw invalid(spec, `unknown mode "${head}"`);
}

function countOf(counts: Record<string, number>, label: string): number {
  const c = Object.hasOwn(counts, label) ? counts[label] : 0;
  if (!Number.isFinite(c) || c < 0)
    throw new RangeError(`training count of "${label}" must be >= 0, got ${c}`);
  return c;
}

interface Group {
  name: string;
  minCount: number;
  maxCount: number;
  /** exclusive upper end used for membership, so fractional counts still land in exactly one group */
  below: number;
}

/** Groups from ascending thresholds, returned head → tail; the top group's upper end is `maxObserved`. */
function thresholdGroups(
  thresholds: readonly number[],
  maxObserved: number,
  names?: readonly string[],
): Group[] {
  const ascending: Group[] = [];
  let lower = 0;
  for (const t of thresholds) {
    ascending.push({ name: '', minCount: lower, maxCount: t - 1, below: t });
    lower = t;
  }
  ascending.push({ name: '', minCount: lower, maxCount: Math.max(lower, maxObserved), below: Infinity });
  const last = ascending.length - 1;
  ascending.forEach((g, i) => {
    if (i === 0) g.name = `<${thresholds[0]}`;
    else if (i === last) g.name = `>=${g.minCount}`;
    else g.name = g.minCount === g.maxCount ? `${g.minCount}` : `${g.minCount}-${g.maxCount}`;
  });
  const groups = ascending.reverse();
  if (names) {
    groups.forEach((g, i) => {
      g.name = names[i];
    });
  }
  return groups;
}

function byCountDesc(a: { label: string; count: number }, b: { label: string; count: number }): number {
  return b.count - a.count || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0);
}

/**
 * Names of `n` non-empty quantile groups, head → tail, by position: a group named "middle" or "tail"
 * always has a group before it, so two groups are head and tail whatever K was asked for. One group
 * happens only when every class has the same count: it is neither head nor tail.
 */
export function quantileNames(n: number): string[] {
  if (n === 1) return ['tied'];
  if (n === 3) return ['head', 'middle', 'tail'];
  return Array.from({ length: n }, (_, i) => (i === 0 ? 'head' : i === n - 1 ? 'tail' : `q${i + 1}`));
}

function quantileBuckets(entries: { label: string; count: number }[], k: number): BucketInfo[] {
  const sorted = entries.slice().sort(byCountDesc);
  const total = sorted.length;
  const members: { label: string; count: number }[][] = Array.from({ length: k }, () => []);
  // A block of tied counts goes to the group of its median rank: near-equal sizes, ties never split.
  for (let start = 0; start < total; ) {
    let end = start;
    while (end < total && sorted[end].count === sorted[start].count) end++;
    const medianRank = (start + end - 1) / 2;
    const group = Math.min(k - 1, Math.floor((medianRank * k) / total));
    for (let i = start; i < end; i++) members[group].push(sorted[i]);
    start = end;
  }
  // Named after the groups are known: empty ones (few classes, ties) are dropped, never named.
  const filled = members.filter((m) => m.length > 0);
  const names = quantileNames(filled.length);
  return filled.map((m, i) => ({
    name: names[i],
    minCount: m[m.length - 1].count,
    maxCount: m[0].count,
    labels: m.map((e) => e.label),
  }));
}

function groupBuckets(entries: { label: string; count: number }[], groups: readonly Group[]): BucketInfo[] {
  const sorted = entries.slice().sort(byCountDesc);
  const buckets: BucketInfo[] = [];
  for (const g of groups) {
    const labels = sorted.filter((e) => e.count >= g.minCount && e.count < g.below).map((e) => e.label);
    if (labels.length > 0) buckets.push({ name: g.name, minCount: g.minCount, maxCount: g.maxCount, labels });
  }
  return buckets;
}

/**
 * Assigns every label to a frequency bucket.
 * @throws UsageError when `spec` is not one of the accepted forms
 */
export function assignBuckets(
  counts: Record<string, number>,
  labels: readonly string[],
  spec: string,
): BucketAssignment {
  const parsed = parseBucketSpec(spec);
  const entries = [...new Set(labels)].map((label) => ({ label, count: countOf(counts, label) }));
  const maxObserved = entries.reduce((m, e) => Math.max(m, e.count), 0);

  let mode: string;
  let buckets: BucketInfo[];
  const shots = () => groupBuckets(entries, thresholdGroups(SHOT_THRESHOLDS, maxObserved, SHOT_NAMES));
  if (parsed.kind === 'shots') {
    mode = 'shots';
    buckets = shots();
  } else if (parsed.kind === 'thresholds') {
    mode = `thresholds:${parsed.thresholds.join(',')}`;
    buckets = groupBuckets(entries, thresholdGroups(parsed.thresholds, maxObserved));
  } else if (parsed.kind === 'quantile') {
    mode = `quantile:${parsed.k}`;
    buckets = quantileBuckets(entries, parsed.k);
  } else {
    buckets = shots();
    mode = 'shots';
    if (buckets.length < 2) {
      mode = 'quantile:3';
      buckets = quantileBuckets(entries, 3);
    }
  }

  const bucketOf = new Map<string, string>();
  for (const b of buckets) for (const l of b.labels) bucketOf.set(l, b.name);
  const classes = entries.map((e) => ({
    label: e.label,
    trainCount: e.count,
    bucket: bucketOf.get(e.label)!,
  }));
  return { mode, classes, buckets };
}
