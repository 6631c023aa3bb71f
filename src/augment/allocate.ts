/**
 * How many perturbed copies `tailcheck augment` writes of each training example (`--per-class`):
 *
 * 1. A per-example weight per class: `uniform` 1; `effective-number` Cui et al.'s (1 − β)/(1 − βⁿ) of
 *    the class's count n in the training data (rarer → more); `fragility` the class's break rate
 *    measured by a report (more fragile → more), floored at FRAGILITY_FLOOR_SHARE of the mean measured
 *    rate so a class that never broke still gets copies, and a class the report did not measure (absent,
 *    or no changed variant) given that mean: no evidence either way.
 * 2. Rates (copies per example) ∝ weights, scaled so their mean over the training examples is `copies`;
 *    a class above `maxCopies` is held there and the others are scaled up to keep the mean (water-filling).
 * 3. Whole numbers: the class totals n·rate are rounded by largest remainder to sum to round(copies × rows),
 *    then spread over the class's examples — each gets ⌊total/n⌋, and the rest go one each to the
 *    examples ranked first by a seeded hash of (label, text): never by row position, so the same rows
 *    in any order get the same copies.
 *
 * Pure: the counts and the break rates come in, numbers go out.
 */
import { effectiveNumberWeight } from '../measure/mitigation.ts';
import { hash32, rngKey } from '../util/rng.ts';

export const PER_CLASS_POLICIES = ['uniform', 'effective-number', 'fragility'] as const;
export type PerClassPolicy = (typeof PER_CLASS_POLICIES)[number];

/** A class's fragility weight is at least this share of the mean measured break rate. */
export const FRAGILITY_FLOOR_SHARE = 0.1;

/** Where a class's fragility weight came from. */
export type FragilitySource = 'measured' | 'floor' | 'unmeasured';

export interface AllocationOptions {
  policy: PerClassPolicy;
  /** mean perturbed copies per training example */
  copies: number;
  /** copies per example at most */
  maxCopies: number;
  /** β of `effective-number` */
  beta: number;
  /** `fragility`: the measured break rate of each class the report measured */
  breakRates?: Readonly<Record<string, number>>;
}

export interface ClassAllocation {
  label: string;
  /** examples of the class in the training data */
  count: number;
  /** the policy's per-example weight, before scaling */
  weight: number;
  /** copies per example, scaled and capped (a real number) */
  rate: number;
  /** the class's whole number of copies (largest remainder over the classes) */
  copies: number;
  /** `fragility` only: measured, raised to the floor, or not measured (given the mean) */
  source?: FragilitySource;
}

export interface Allocation {
  classes: ClassAllocation[];
  /** `fragility`: the mean measured break rate (unmeasured classes get it; the floor is a share of it) */
  meanBreakRate?: number;
  /** `fragility` when nothing broke anywhere: every class weighs the same (uniform) */
  fellBackToUniform?: boolean;
}

/** A rate within this of a whole number is that number: floating sums must not cost a copy. */
const SNAP = 1e-9;

function snap(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - r) < SNAP ? r : x;
}

function weightsOf(
  labels: readonly string[],
  counts: Readonly<Record<string, number>>,
  opts: AllocationOptions,
): { weights: number[]; sources?: FragilitySource[]; meanBreakRate?: number; fellBack?: boolean } {
  if (opts.policy === 'uniform') return { weights: labels.map(() => 1) };
  if (opts.policy === 'effective-number') {
    return { weights: labels.map((l) => effectiveNumberWeight(counts[l]!, opts.beta)) };
  }
  const rates = opts.breakRates ?? {};
  const measured = labels.filter((l) => Object.hasOwn(rates, l));
  const mean = measured.length === 0 ? 0 : measured.reduce((s, l) => s + rates[l]!, 0) / measured.length;
  if (mean === 0) {
    return {
      weights: labels.map(() => 1),
      sources: labels.map((l) => (Object.hasOwn(rates, l) ? 'measured' : 'unmeasured')),
      meanBreakRate: mean,
      fellBack: true,
    };
  }
  const floor = FRAGILITY_FLOOR_SHARE * mean;
  const sources: FragilitySource[] = [];
  const weights = labels.map((l) => {
    if (!Object.hasOwn(rates, l)) {
      sources.push('unmeasured');
      return mean;
    }
    const rate = rates[l]!;
    sources.push(rate < floor ? 'floor' : 'measured');
    return Math.max(rate, floor);
  });
  return { weights, sources, meanBreakRate: mean };
}

/** Rates ∝ weights with mean `copies` over the examples, none above `maxCopies` (water-filling). */
function cappedRates(
  counts: readonly number[],
  weights: readonly number[],
  copies: number,
  max: number,
): number[] {
  const target = copies * counts.reduce((s, n) => s + n, 0);
  const capped = new Set<number>();
  for (;;) {
    let budget = target;
    let mass = 0;
    for (const [i, n] of counts.entries()) {
      if (capped.has(i)) budget -= n * max;
      else mass += n * weights[i]!;
    }
    const scale = mass === 0 ? 0 : Math.max(0, budget) / mass;
    const over = counts.map((_, i) => i).filter((i) => !capped.has(i) && scale * weights[i]! > max);
    if (over.length === 0) return counts.map((_, i) => (capped.has(i) ? max : scale * weights[i]!));
    for (const i of over) capped.add(i);
  }
}

/**
 * Per class (sorted by label): its weight, rate and whole number of copies. `counts` are the training
 * data's examples per label (each ≥ 1).
 */
export function allocateClasses(
  counts: Readonly<Record<string, number>>,
  opts: AllocationOptions,
): Allocation {
  const labels = Object.keys(counts).sort();
  const n = labels.map((l) => counts[l]!);
  const { weights, sources, meanBreakRate, fellBack } = weightsOf(labels, counts, opts);
  const rates = cappedRates(n, weights, opts.copies, opts.maxCopies);
  const quotas = rates.map((r, i) => snap(r * n[i]!));
  const whole = quotas.map(Math.floor);
  const total = Math.round(snap(quotas.reduce((s, q) => s + q, 0)));
  // largest remainder; ties to the label first in order (labels are sorted)
  const byRemainder = labels
    .map((_, i) => i)
    .sort((a, b) => quotas[b]! - whole[b]! - (quotas[a]! - whole[a]!) || a - b);
  let left = total - whole.reduce((s, w) => s + w, 0);
  for (const i of byRemainder) {
    if (left <= 0) break;
    whole[i]!++;
    left--;
  }
  const classes = labels.map(
    (label, i): ClassAllocation => ({
      label,
      count: n[i]!,
      weight: weights[i]!,
      rate: rates[i]!,
      copies: whole[i]!,
      ...(sources ? { source: sources[i]! } : {}),
    }),
  );
  return {
    classes,
    ...(meanBreakRate === undefined ? {} : { meanBreakRate }),
    ...(fellBack ? { fellBackToUniform: true } : {}),
  };
}

/** One training example as the allocation sees it: its label, and a key naming its content. */
export interface AllocationRow {
  label: string;
  /** the row's content (text and fields); equal keys are interchangeable rows */
  key: string;
}

/**
 * Copies per example, in the order of `rows`: a class's copies spread evenly, the remainder to the
 * examples ranked first by hash32(seed, label, key) (then by key), so the result depends on the rows
 * and the seed, never on their order.
 */
export function copiesPerExample(
  rows: readonly AllocationRow[],
  classes: readonly ClassAllocation[],
  seed: number,
): number[] {
  const byLabel = new Map<string, number[]>();
  for (const [i, row] of rows.entries()) {
    const members = byLabel.get(row.label) ?? [];
    byLabel.set(row.label, members);
    members.push(i);
  }
  const out = new Array<number>(rows.length).fill(0);
  for (const c of classes) {
    const members = byLabel.get(c.label) ?? [];
    if (members.length === 0) continue;
    const base = Math.floor(c.copies / members.length);
    const extra = c.copies - base * members.length;
    const ranked = members
      .map((i) => ({ i, rank: hash32(rngKey(seed, 'augment', c.label, rows[i]!.key)), key: rows[i]!.key }))
      .sort((a, b) => a.rank - b.rank || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const [position, { i }] of ranked.entries()) out[i] = base + (position < extra ? 1 : 0);
  }
  return out;
}
