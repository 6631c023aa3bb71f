/**
 * The collecting half of the measurement: reduces each ExampleRecord, as it arrives, to the few numbers
 * the metrics and the bootstrap need, stored in growable typed columns, and keeps no reference to the
 * record. Per example: its id (for the order-independent bootstrap), gold and original-prediction label
 * indices. Per (perturbation, severity) scope and in-scope example: changed variants k, correct ones,
 * flips and Σ(original goldProb − variant goldProb) — about 15 bytes — plus perturbed confusion counts
 * per label. `finish()` in results.ts turns these columns into results.
 *
 * Labels and examples are indexed in arrival order here; class-sums.ts maps them to the canonical order
 * (known classes then the other labels sorted; examples by id) so results never depend on arrival order.
 */
import {
  type ClassInfo,
  type ExampleRecord,
  isCounted,
  type Severity,
  type VariantRecord,
} from '../types.ts';
import { compareStrings } from '../util/strings.ts';

/** The perturbation name of the pooled summary results. */
export const POOLED = '*';

// ───────────────────────────── growable typed columns ─────────────────────────────

function grown<T extends Float64Array | Int32Array | Uint8Array | Uint16Array | Uint32Array>(
  data: T,
  make: (n: number) => T,
): T {
  const next = make(Math.max(16, data.length * 2));
  next.set(data);
  return next;
}

export class Float64Column {
  data = new Float64Array(16);
  length = 0;
  push(x: number): void {
    if (this.length === this.data.length) this.data = grown(this.data, (n) => new Float64Array(n));
    this.data[this.length++] = x;
  }
}

export class Int32Column {
  data = new Int32Array(16);
  length = 0;
  push(x: number): void {
    if (this.length === this.data.length) this.data = grown(this.data, (n) => new Int32Array(n));
    this.data[this.length++] = x;
  }
}

/** Non-negative integer counts: one byte each until a count needs more, then widened for all. */
export class CountColumn {
  data: Uint8Array | Uint16Array | Uint32Array = new Uint8Array(16);
  length = 0;
  private max = 0xff;
  push(x: number): void {
    if (x > this.max) this.widen(x);
    if (this.length === this.data.length) {
      const old = this.data;
      const next =
        old instanceof Uint8Array
          ? new Uint8Array(old.length * 2)
          : old instanceof Uint16Array
            ? new Uint16Array(old.length * 2)
            : new Uint32Array(old.length * 2);
      next.set(old);
      this.data = next;
    }
    this.data[this.length++] = x;
  }
  private widen(x: number): void {
    if (!Number.isInteger(x) || x > 0xffffffff) throw new RangeError(`count out of range: ${x}`);
    const wide = x > 0xffff ? new Uint32Array(this.data.length) : new Uint16Array(this.data.length);
    wide.set(this.data);
    this.data = wide;
    this.max = x > 0xffff ? 0xffffffff : 0xffff;
  }
}

// ───────────────────────────── collected data ─────────────────────────────

/** One (perturbation, severity) scope; slot = one in-scope example (≥ 1 changed variant). */
export interface ScopeColumns {
  perturbation: string;
  severity: Severity;
  /** per slot: arrival index of the example */
  example: Int32Column;
  /** per slot: changed variants */
  k: CountColumn;
  /** per slot: correct changed variants */
  correct: CountColumn;
  /** per slot: changed variants predicted differently from the original */
  flips: CountColumn;
  /** per slot: Σ over changed variants (in canonical variant order) of original − variant goldProb */
  confDrop: Float64Column;
  /** perturbed confusion counts by arrival label index (grown on demand) */
  pGold: number[];
  pPred: number[];
  pTp: number[];
  /** scratch for the record being added */
  cur: { k: number; correct: number; flips: number; confDrop: number };
}

export interface CollectedExamples {
  /** arrival label index → label; the first `nKnown` are the classes, in class order */
  labels: string[];
  nKnown: number;
  /** per example, in arrival order */
  ids: string[];
  gold: Int32Column;
  origPred: Int32Column;
  /** keyed by severity + perturbation, in discovery order */
  scopes: Map<string, ScopeColumns>;
  variantTally: VariantTally;
}

/**
 * Per perturbation: variants seen (`total`), how many count, and why the others do not — the text was
 * left unchanged (no eligible site), a duplicate of a sibling, or rejected by the meaning check.
 */
export interface VariantCounts {
  total: number;
  counted: number;
  unchanged: number;
  duplicate: number;
  rejected: number;
}
export type VariantTally = Map<string, VariantCounts>;

/** Counts one variant into `tally`. */
export function tallyVariant(
  tally: VariantTally,
  v: Pick<VariantRecord, 'perturbation' | 'changed' | 'dropped'>,
): void {
  let t = tally.get(v.perturbation);
  if (!t) {
    t = { total: 0, counted: 0, unchanged: 0, duplicate: 0, rejected: 0 };
    tally.set(v.perturbation, t);
  }
  t.total += 1;
  if (!v.changed) t.unchanged += 1;
  else if (v.dropped === 'duplicate') t.duplicate += 1;
  else if (v.dropped === 'rejected') t.rejected += 1;
  else t.counted += 1;
}

/** Canonical variant order (the bootstrap and float sums must not depend on the order given). */
function variantOrder(a: VariantRecord, b: VariantRecord): number {
  return (
    compareStrings(a.perturbation, b.perturbation) ||
    a.severity - b.severity ||
    a.variant - b.variant ||
    compareStrings(a.text, b.text) ||
    compareStrings(JSON.stringify(a), JSON.stringify(b))
  );
}

function inVariantOrder(variants: readonly VariantRecord[]): readonly VariantRecord[] {
  for (let i = 1; i < variants.length; i++) {
    if (variantOrder(variants[i - 1], variants[i]) > 0) return variants.slice().sort(variantOrder);
  }
  return variants;
}

export interface ExampleCollector {
  readonly data: CollectedExamples;
  /** reduces one record to its numbers; throws (leaving the collector unchanged) on a malformed record */
  add(record: ExampleRecord): void;
}

/** `adjusted`: read `adjustedPrediction` / `adjustedGoldProb` instead of the raw prediction. */
export function createExampleCollector(classes: readonly ClassInfo[], adjusted: boolean): ExampleCollector {
  const data: CollectedExamples = {
    labels: [],
    nKnown: 0,
    ids: [],
    gold: new Int32Column(),
    origPred: new Int32Column(),
    scopes: new Map(),
    variantTally: new Map(),
  };
  const labelIndex = new Map<string, number>();
  const indexOf = (label: string): number => {
    let i = labelIndex.get(label);
    if (i === undefined) {
      i = data.labels.length;
      data.labels.push(label);
      labelIndex.set(label, i);
    }
    return i;
  };
  for (const c of classes) indexOf(c.label);
  data.nKnown = data.labels.length;

  const predOf = (r: { prediction: string; adjustedPrediction?: string }, id: string): string => {
    if (!adjusted) return r.prediction;
    if (r.adjustedPrediction === undefined) {
      throw new Error(`computeResults(adjusted): example "${id}" has no adjustedPrediction`);
    }
    return r.adjustedPrediction;
  };
  const goldProbOf = (r: { goldProb: number; adjustedGoldProb?: number }, id: string): number => {
    if (!adjusted) return r.goldProb;
    if (r.adjustedGoldProb === undefined) {
      throw new Error(`computeResults(adjusted): example "${id}" has no adjustedGoldProb`);
    }
    return r.adjustedGoldProb;
  };

  const scopeFor = (perturbation: string, severity: Severity): ScopeColumns => {
    const key = `${severity}\u241f${perturbation}`;
    let s = data.scopes.get(key);
    if (!s) {
      s = {
        perturbation,
        severity,
        example: new Int32Column(),
        k: new CountColumn(),
        correct: new CountColumn(),
        flips: new CountColumn(),
        confDrop: new Float64Column(),
        pGold: [],
        pPred: [],
        pTp: [],
        cur: { k: 0, correct: 0, flips: 0, confDrop: 0 },
      };
      data.scopes.set(key, s);
    }
    return s;
  };
  const bump = (counts: number[], at: number): void => {
    while (counts.length <= at) counts.push(0);
    counts[at] += 1;
  };

  const touched: ScopeColumns[] = [];
  const add = (e: ExampleRecord): void => {
    // Read (and so validate) everything before changing any state.
    const origPredLabel = predOf(e, e.id);
    for (const v of e.variants) if (isCounted(v)) predOf(v, e.id);
    const origGoldProb = goldProbOf(e, e.id);
    const variants = inVariantOrder(e.variants);
    for (const v of variants) if (isCounted(v)) goldProbOf(v, e.id);

    const i = data.ids.length;
    const gold = indexOf(e.label);
    const origPred = indexOf(origPredLabel);
    data.ids.push(e.id);
    data.gold.push(gold);
    data.origPred.push(origPred);

    touched.length = 0;
    const visit = (s: ScopeColumns, pred: number, goldProb: number): void => {
      if (s.cur.k === 0) touched.push(s);
      const ok = pred === gold;
      s.cur.k += 1;
      if (ok) s.cur.correct += 1;
      if (pred !== origPred) s.cur.flips += 1;
      s.cur.confDrop += origGoldProb - goldProb;
      bump(s.pGold, gold);
      bump(s.pPred, pred);
      if (ok) bump(s.pTp, pred);
    };
    for (const v of variants) {
      tallyVariant(data.variantTally, v);
      // A scope exists as soon as one of its variants does, changed or not (it then reports n = 0).
      const own = scopeFor(v.perturbation, v.severity);
      const pooled = scopeFor(POOLED, v.severity);
      if (!isCounted(v)) continue;
      const pred = indexOf(predOf(v, e.id));
      const gp = goldProbOf(v, e.id);
      visit(own, pred, gp);
      visit(pooled, pred, gp);
    }
    for (const s of touched) {
      s.example.push(i);
      s.k.push(s.cur.k);
      s.correct.push(s.cur.correct);
      s.flips.push(s.cur.flips);
      s.confDrop.push(s.cur.confDrop);
      s.cur.k = 0;
      s.cur.correct = 0;
      s.cur.flips = 0;
      s.cur.confDrop = 0;
    }
  };
  return { data, add };
}
