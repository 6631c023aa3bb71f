/**
 * Calibration of the meaning thresholds on the judged set (test/fixtures/judged-variants/), and the
 * held-out evaluation README, "Meaning check", reports. Pure functions over judged
 * items; `calibrate.ts` prints them, `test/meaning-judged-set.test.ts` re-checks them.
 *
 * Rule, per perturbation, on its calibration items: the smallest threshold t (0.50, 0.51, … 0.99) at
 * which the kept items (similarity ≥ t) are judged same-label in ≥ 95 % and natural in ≥ 85 % of cases
 * — point estimates with a margin over the targets (Wilson lower bounds ≥ 90 % / ≥ 75 %), which the
 * held-out part then checks — while at most 30 % of its items are rejected. When no t reaches the
 * quality within that rejection budget, the t that rejects as close to 30 % as the data allows.
 */
import { rocAuc, wilson } from '../../src/measure/judged.ts';

export interface JudgedItem {
  id: string;
  source: string;
  textId: string;
  label: string;
  original: string;
  variant: string;
  perturbation: string;
  severity: number;
  similarity: number;
  split: 'calibration' | 'heldout';
  sameLabel: boolean;
  natural: boolean;
}

export const MAX_REJECTED = 0.3;
const SAME_LABEL_TARGET = 0.95;
const NATURAL_TARGET = 0.85;
const GRID: readonly number[] = Array.from({ length: 50 }, (_, i) => Math.round((0.5 + i / 100) * 100) / 100);

export interface Threshold {
  perturbation: string;
  threshold: number;
  /** the quality targets were reached on the calibration part (else: the rejection cap decided) */
  reached: boolean;
}

export function calibrateThreshold(items: readonly JudgedItem[]): { threshold: number; reached: boolean } {
  const n = items.length;
  let capped = GRID[0]!;
  for (const t of GRID) {
    const kept = items.filter((i) => i.similarity >= t);
    if (n > 0 && 1 - kept.length / n > MAX_REJECTED) break;
    capped = t;
    const same = kept.filter((i) => i.sameLabel).length / Math.max(1, kept.length);
    const natural = kept.filter((i) => i.natural).length / Math.max(1, kept.length);
    if (same >= SAME_LABEL_TARGET && natural >= NATURAL_TARGET) return { threshold: t, reached: true };
  }
  return { threshold: capped, reached: false };
}

export function calibrate(items: readonly JudgedItem[]): Threshold[] {
  const names = [...new Set(items.map((i) => i.perturbation))].sort();
  return names.map((perturbation) => ({
    perturbation,
    ...calibrateThreshold(items.filter((i) => i.split === 'calibration' && i.perturbation === perturbation)),
  }));
}

export interface Share {
  k: number;
  n: number;
  share: number;
  ci: [number, number];
}

function share(k: number, n: number): Share {
  return { k, n, share: n === 0 ? 0 : k / n, ci: wilson(k, n) };
}

export interface HeldOutRow {
  perturbation: string;
  threshold: number | null;
  /** all held-out items (= before the check) */
  before: { good: Share; sameLabel: Share; natural: Share };
  /** kept held-out items (similarity ≥ threshold) */
  after: { good: Share; sameLabel: Share; natural: Share };
  rejected: Share;
}

/** Held-out quality before and after the check; `thresholds` null for an exempt perturbation. */
export function evaluate(
  items: readonly JudgedItem[],
  thresholds: ReadonlyMap<string, number | null>,
): HeldOutRow[] {
  const held = items.filter((i) => i.split === 'heldout');
  const names = [...new Set(held.map((i) => i.perturbation))].sort();
  const quality = (xs: readonly JudgedItem[]) => ({
    good: share(xs.filter((i) => i.sameLabel && i.natural).length, xs.length),
    sameLabel: share(xs.filter((i) => i.sameLabel).length, xs.length),
    natural: share(xs.filter((i) => i.natural).length, xs.length),
  });
  const rows = names.map((perturbation) => {
    const all = held.filter((i) => i.perturbation === perturbation);
    const threshold = thresholds.get(perturbation) ?? null;
    const kept = threshold === null ? all : all.filter((i) => i.similarity >= threshold);
    return {
      perturbation,
      threshold,
      before: quality(all),
      after: quality(kept),
      rejected: share(all.length - kept.length, all.length),
    };
  });
  return rows;
}

/** Pooled ROC AUC of similarity for "judged same label" on the held-out part. */
export function heldOutAuc(
  items: readonly JudgedItem[],
  exempt: ReadonlySet<string> = new Set(),
): number | null {
  return rocAuc(
    items
      .filter((i) => i.split === 'heldout' && !exempt.has(i.perturbation))
      .map((i) => ({ score: i.similarity, positive: i.sameLabel })),
  );
}
