/** Builders for hand-written ExampleRecords in the measure tests. */
import type { ExampleRecord, Severity, VariantRecord } from '../src/types.ts';

/** [perturbation, severity, prediction, goldProb, changed = true] */
export type V = [string, Severity, string, number, boolean?];

export function variant(
  [perturbation, severity, prediction, goldProb, changed = true]: V,
  index = 0,
): VariantRecord {
  return {
    perturbation,
    severity,
    variant: index,
    text: `${perturbation} variant ${index}`,
    changed,
    prediction,
    confidence: 0.5,
    goldProb,
  };
}

export function record(
  id: string,
  label: string,
  prediction: string,
  goldProb: number,
  variants: V[],
): ExampleRecord {
  return {
    id,
    text: `text of ${id}`,
    label,
    prediction,
    confidence: 0.5,
    goldProb,
    variants: variants.map((v, i) => variant(v, i)),
  };
}

/**
 * `size` examples of `label`, every original correct, one changed variant each (perturbation `p`,
 * severity 1); the first `wrong` variants are misclassified as `other`.
 */
export function block(
  label: string,
  size: number,
  wrong: number,
  other = 'other',
  prefix = label,
): ExampleRecord[] {
  return Array.from({ length: size }, (_, i) =>
    record(`${prefix}-${String(i).padStart(4, '0')}`, label, label, 0.9, [
      ['p', 1, i < wrong ? other : label, i < wrong ? 0.1 : 0.8],
    ]),
  );
}

/** Paths of every non-finite number in a value (JSON.stringify would hide NaN as null). */
export function nonFinitePaths(value: unknown, path = '$'): string[] {
  if (typeof value === 'number') return Number.isFinite(value) ? [] : [path];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => nonFinitePaths(v, `${path}.${k}`));
}

/** How many examples of a class end up each way, for `outcomes`. */
export interface Outcomes {
  /** original correct, variant correct */
  kept?: number;
  /** original correct, variant wrong (a break, a flip, +1 drop) */
  broken?: number;
  /** original wrong, variant wrong with the same prediction (no flip) */
  stuck?: number;
  /** original wrong, variant correct (a flip, −1 drop) */
  fixed?: number;
}

/**
 * Examples of `label` with one changed variant each (perturbation `p`, severity 1), in the given
 * outcomes; wrong predictions are `other`. Ids are `${label}-${kind}-NNNN`.
 */
export function outcomes(label: string, counts: Outcomes, other = 'other'): ExampleRecord[] {
  const kinds: [keyof Outcomes, string, string][] = [
    ['kept', label, label],
    ['broken', label, other],
    ['stuck', other, other],
    ['fixed', other, label],
  ];
  return kinds.flatMap(([kind, original, perturbed]) =>
    Array.from({ length: counts[kind] ?? 0 }, (_, i) =>
      record(
        `${label}-${kind}-${String(i).padStart(4, '0')}`,
        label,
        original,
        original === label ? 0.9 : 0.1,
        [['p', 1, perturbed, perturbed === label ? 0.8 : 0.2]],
      ),
    ),
  );
}
