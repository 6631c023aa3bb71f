/**
 * The first pass of the measurement: the collected columns (accumulator.ts, arrival order) mapped to the
 * canonical order — labels: known classes first, then every other gold or predicted label sorted;
 * examples: set order (id, label) — and each (perturbation, severity) scope reduced to per-class sums,
 * confusion counts and bootstrap strata. Every metric of a result is a ratio of these sums, and no sum
 * or bootstrap draw depends on the order the records arrived in.
 */
import type { Severity } from '../types.ts';
import { compareStrings } from '../util/strings.ts';
import type { CollectedExamples, ScopeColumns } from './accumulator.ts';
import { CHANNELS, checkPackable, packExample, type ResampleStreams } from './bootstrap.ts';

/** The labels of a measurement in canonical order. */
export interface LabelSpace {
  /** canonical index → label */
  labels: string[];
  /** label → canonical index */
  index: Map<string, number>;
  /** the first `nKnown` labels are the classes, in class order */
  nKnown: number;
  /** arrival index → canonical index */
  canonical: Int32Array;
}

export function canonicalLabels(data: CollectedExamples): LabelSpace {
  const nKnown = data.nKnown;
  const extra = Array.from({ length: data.labels.length - nKnown }, (_, j) => nKnown + j).sort((a, b) =>
    compareStrings(data.labels[a], data.labels[b]),
  );
  const canonical = new Int32Array(data.labels.length);
  for (let c = 0; c < nKnown; c++) canonical[c] = c;
  extra.forEach((raw, j) => {
    canonical[raw] = nKnown + j;
  });
  const labels = data.labels.slice(0, nKnown).concat(extra.map((raw) => data.labels[raw]));
  return { labels, index: new Map(labels.map((l, c) => [l, c])), nKnown, canonical };
}

/** Per collected example (arrival index): canonical gold and original-prediction labels; and the set order. */
export interface ExampleTable {
  gold: Int32Array;
  origPred: Int32Array;
  /** arrival indices sorted by (id, gold label), ties by arrival */
  order: Int32Array;
}

export function tabulateExamples(data: CollectedExamples, space: LabelSpace): ExampleTable {
  const { canonical, labels } = space;
  const N = data.ids.length;
  const gold = new Int32Array(N);
  const origPred = new Int32Array(N);
  for (let i = 0; i < N; i++) {
    gold[i] = canonical[data.gold.data[i]];
    origPred[i] = canonical[data.origPred.data[i]];
  }
  const ids = data.ids;
  const order = new Int32Array(N);
  for (let i = 0; i < N; i++) order[i] = i;
  order.sort(
    (a, b) => compareStrings(ids[a], ids[b]) || compareStrings(labels[gold[a]], labels[gold[b]]) || a - b,
  );
  return { gold, origPred, order };
}

/** Sums over some in-scope examples; all metrics are ratios of these. */
export interface Sums {
  nEx: number;
  n: number;
  /** Σ original correct (per example) */
  clean: number;
  /** Σ original correct × k (per changed variant) */
  cleanW: number;
  correct: number;
  flips: number;
  confDrop: number;
  robust: number;
  /** Σ over originally-correct examples of their wrong changed variants */
  broken: number;
}

export const emptySums = (): Sums => ({
  nEx: 0,
  n: 0,
  clean: 0,
  cleanW: 0,
  correct: 0,
  flips: 0,
  confDrop: 0,
  robust: 0,
  broken: 0,
});

export function addSums(into: Sums, s: Sums): void {
  into.nEx += s.nEx;
  into.n += s.n;
  into.clean += s.clean;
  into.cleanW += s.cleanW;
  into.correct += s.correct;
  into.flips += s.flips;
  into.confDrop += s.confDrop;
  into.robust += s.robust;
  into.broken += s.broken;
}

/** A scope reduced to per-class sums and bootstrap strata; all arrays are by canonical label index. */
export interface ScopeSums {
  perturbation: string;
  severity: Severity;
  perClass: Sums[];
  /** clean confusion counts of the in-scope originals */
  cGold: number[];
  cPred: number[];
  cTp: number[];
  /** perturbed confusion counts */
  pGold: number[];
  pPred: number[];
  pTp: number[];
  /** packed bootstrap sums [channel × L·B + class × B + b], filled when the streams run; emptied once read */
  sums: Float64Array;
}

/** What summing a scope needs besides its columns. */
export interface SumContext {
  space: LabelSpace;
  examples: ExampleTable;
  /** canonical label index → its bucket's name ('' when the label is in no bucket) */
  bucketOfLabel: readonly string[];
  resamples: number;
  streams: ResampleStreams;
}

/**
 * Sums every scope in turn, registering its strata on `ctx.streams`; each scope's columns are dropped
 * as soon as it is summed, so the collected data and the sums are never both held in full.
 */
export function sumScopes(scopes: Iterable<ScopeColumns>, ctx: SumContext): ScopeSums[] {
  // Per example: its slot in the scope being summed, −1 elsewhere (reset after each scope).
  const slotOf = new Int32Array(ctx.examples.gold.length).fill(-1);
  return [...scopes].map((scope) => {
    const summed = sumScope(scope, ctx, slotOf);
    releaseColumns(scope);
    return summed;
  });
}

function sumScope(scope: ScopeColumns, ctx: SumContext, slotOf: Int32Array): ScopeSums {
  const { space, examples, resamples: B } = ctx;
  const L = space.labels.length;
  const { classStart, sorted } = slotsByClass(scope, examples, L, slotOf);
  const { perClass, cGold, cPred, cTp, packed } = classSums(scope, sorted, examples, L);
  const sums = new Float64Array(CHANNELS * L * B);
  ctx.streams.addScopeStrata(
    { labels: space.labels, bucketOfLabel: ctx.bucketOfLabel, classStart, packed },
    sums,
  );
  const byLabel = (counts: readonly number[]): number[] => {
    const out: number[] = new Array(L).fill(0);
    counts.forEach((n, raw) => {
      out[space.canonical[raw]] = n;
    });
    return out;
  };
  return {
    perturbation: scope.perturbation,
    severity: scope.severity,
    perClass,
    cGold,
    cPred,
    cTp,
    pGold: byLabel(scope.pGold),
    pPred: byLabel(scope.pPred),
    pTp: byLabel(scope.pTp),
    sums,
  };
}

/**
 * The scope's slots grouped by class, in set order within each class (a counting sort along the set
 * order): class c's slots are sorted[classStart[c], classStart[c + 1]).
 */
function slotsByClass(
  scope: ScopeColumns,
  examples: ExampleTable,
  L: number,
  slotOf: Int32Array,
): { classStart: Int32Array; sorted: Int32Array } {
  const { gold, order } = examples;
  const slots = scope.example.length;
  const exOf = scope.example.data;
  const classStart = new Int32Array(L + 1);
  for (let s = 0; s < slots; s++) {
    slotOf[exOf[s]] = s;
    classStart[gold[exOf[s]] + 1] += 1;
  }
  for (let c = 0; c < L; c++) classStart[c + 1] += classStart[c];
  const next = classStart.slice(0, L);
  const sorted = new Int32Array(slots);
  for (let r = 0; r < order.length; r++) {
    const i = order[r];
    const s = slotOf[i];
    if (s < 0) continue;
    sorted[next[gold[i]]++] = s;
    slotOf[i] = -1;
  }
  return { classStart, sorted };
}

/** Per-class sums, clean confusion counts and packed bootstrap payloads, along the class-grouped slots. */
function classSums(
  scope: ScopeColumns,
  sorted: Int32Array,
  examples: ExampleTable,
  L: number,
): Pick<ScopeSums, 'perClass' | 'cGold' | 'cPred' | 'cTp'> & { packed: Float64Array } {
  const { gold, origPred } = examples;
  const slots = sorted.length;
  const exOf = scope.example.data;
  const kOf = scope.k.data;
  const correctOf = scope.correct.data;
  const flipsOf = scope.flips.data;
  const confDropOf = scope.confDrop.data;
  const perClass: Sums[] = Array.from({ length: L }, emptySums);
  const cGold = new Array(L).fill(0);
  const cPred = new Array(L).fill(0);
  const cTp = new Array(L).fill(0);
  let maxK = 0;
  const packed = new Float64Array(slots * CHANNELS);
  for (let q = 0; q < slots; q++) {
    const s = sorted[q];
    const i = exOf[s];
    const c = gold[i];
    const origOk = origPred[i] === c ? 1 : 0;
    const k = kOf[s];
    const correct = correctOf[s];
    const sums = perClass[c];
    sums.nEx += 1;
    sums.n += k;
    sums.clean += origOk;
    sums.cleanW += origOk * k;
    sums.correct += correct;
    const flips = flipsOf[s];
    sums.flips += flips;
    sums.confDrop += confDropOf[s];
    if (origOk && correct === k) sums.robust += 1;
    if (origOk) sums.broken += k - correct;
    cGold[c] += 1;
    cPred[origPred[i]] += 1;
    if (origOk) cTp[c] += 1;
    if (k > maxK) maxK = k;
    packExample(
      {
        k,
        d: (origOk ? k : 0) - correct,
        fromCorrect: origOk * k,
        broken: origOk ? k - correct : 0,
        flips,
        correct: origOk,
      },
      packed,
      q,
    );
  }
  checkPackable(slots, maxK);
  return { perClass, cGold, cPred, cTp, packed };
}

function releaseColumns(scope: ScopeColumns): void {
  for (const column of [scope.example, scope.k, scope.correct, scope.flips, scope.confDrop]) {
    column.data = column.data.subarray(0, 0);
    column.length = 0;
  }
}
