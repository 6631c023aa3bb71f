/**
 * The paired measurement behind `tailcheck compare`: the paired examples (pair.ts) → per scope
 * (perturbation × severity, and all perturbations pooled per severity) and slice (overall, bucket,
 * class), each report's drop, flip rate and break rate on the SAME paired variants, and the
 * differences HEAD − BASE with paired bootstrap CIs.
 *
 * Definitions (per slice; a slice's variants are the paired ones — counted in both reports, same text):
 * - drop_R = mean over paired variants of (original correct in R − variant correct in R); flip_R = share
 *   of paired variants whose prediction in R differs from R's prediction of the original.
 * - break_R = among the paired variants whose original R classified correctly, the share R now gets
 *   wrong. Each report conditions on ITS OWN correctly classified originals, so the two rates have
 *   different denominators; the difference is break_HEAD − break_BASE, the two ratios computed on the
 *   same resample. It is null when either report has no such variant in the slice.
 * - Differences are HEAD − BASE: positive = HEAD loses more accuracy / flips / breaks more.
 *
 * Paired bootstrap: the audit's own resampling (bootstrap.ts) — stratified by gold class, an example
 * moving with all its variants, classes with one example pooled per bucket, each class's examples in id
 * order and drawn with createRng(rngKey(seed, 'bootstrap', label, b)). Both reports' payloads are laid out
 * over the same strata, so resample b draws the same examples for both: one draw moves an example's
 * pairs in BASE and in HEAD together. The CI of a difference is the percentile interval of the B
 * resampled differences (resamples where either rate has no data are skipped). It depends only on the
 * set of paired examples, never on the order of records or variants. A slice with fewer than
 * MIN_CI_EXAMPLES examples (for the break rate: correctly classified ones, in either report) gets no CI.
 */
import { POOLED } from '../measure/accumulator.ts';
import {
  CHANNELS,
  checkPackable,
  createResampleStreams,
  type ExamplePayload,
  MIN_CI_EXAMPLES,
  packExample,
  type RATE_SUMS,
  resampledInterval,
  resampledRates,
  type ScopeResamples,
  unpackResamples,
} from '../measure/bootstrap.ts';
import type { BucketInfo, CINote, ClassInfo, Severity } from '../types.ts';
import { compareStrings } from '../util/strings.ts';
import type { PairedExample } from './pair.ts';
import type {
  ChangedVariant,
  ChangedVariants,
  PairedDelta,
  ScopeComparison,
  SliceComparison,
} from './types.ts';

export interface PairedMeasureOptions {
  seed: number;
  /** bootstrap resamples */
  resamples: number;
  /** CI level in (0, 1) */
  confidence: number;
  /** changed variants listed each way */
  top: number;
}

export interface PairedMeasures {
  /** pooled per severity, sorted by severity */
  summary: ScopeComparison[];
  /** per perturbation × severity, sorted by perturbation then severity */
  results: ScopeComparison[];
  newlyBreaking: ChangedVariants;
  newlyPassing: ChangedVariants;
  /** accuracy on the originals of every paired example, per report */
  cleanAccuracy: { base: number; head: number };
}

export interface PairedAccumulator {
  /** one shared example; the order of examples and of their variants does not matter */
  add(example: PairedExample): void;
  finish(): PairedMeasures;
}

/** One report's counts over one example's paired variants in one scope. */
interface SideCounts {
  correct: number;
  flips: number;
}

/** One in-scope example of one scope. */
interface Slot {
  example: number;
  k: number;
  base: SideCounts;
  head: SideCounts;
  newlyBreaking: number;
  newlyPassing: number;
}

interface ScopeSlots {
  perturbation: string;
  severity: Severity;
  slots: Slot[];
}

/** Sums of one report over some in-scope examples; every rate is a ratio of them. */
interface SideSums {
  /** in-scope examples whose original this report classified correctly */
  clean: number;
  /** paired variants of those examples (the break-rate denominator) */
  cleanW: number;
  correct: number;
  flips: number;
  broken: number;
}

interface ClassSums {
  nEx: number;
  n: number;
  newlyBreaking: number;
  newlyPassing: number;
  base: SideSums;
  head: SideSums;
}

const emptySide = (): SideSums => ({ clean: 0, cleanW: 0, correct: 0, flips: 0, broken: 0 });
const emptyClass = (): ClassSums => ({
  nEx: 0,
  n: 0,
  newlyBreaking: 0,
  newlyPassing: 0,
  base: emptySide(),
  head: emptySide(),
});

function addSide(into: SideSums, s: SideSums): void {
  into.clean += s.clean;
  into.cleanW += s.cleanW;
  into.correct += s.correct;
  into.flips += s.flips;
  into.broken += s.broken;
}

/** Bounded "top k" keeper: holds up to 4k candidates, then sorts and keeps k. */
function topKeeper<T>(k: number, order: (a: T, b: T) => number) {
  let items: T[] = [];
  let total = 0;
  return {
    push(item: T): void {
      total++;
      if (k <= 0) return;
      items.push(item);
      if (items.length > 4 * k) items = items.sort(order).slice(0, k);
    },
    result(): ChangedVariants {
      return { total, top: items.sort(order).slice(0, Math.max(0, k)) as ChangedVariant[] };
    },
  };
}

function variantTieBreak(a: ChangedVariant, b: ChangedVariant): number {
  return (
    compareStrings(a.id, b.id) ||
    compareStrings(a.perturbation, b.perturbation) ||
    a.severity - b.severity ||
    a.variant - b.variant
  );
}

export function createPairedAccumulator(
  classes: readonly ClassInfo[],
  buckets: readonly BucketInfo[],
  opts: PairedMeasureOptions,
): PairedAccumulator {
  const ids: string[] = [];
  const gold: string[] = [];
  const baseOk: boolean[] = [];
  const headOk: boolean[] = [];
  const scopes = new Map<string, ScopeSlots>();
  const breaking = topKeeper<ChangedVariant>(
    opts.top,
    (a, b) => b.head.confidence - a.head.confidence || variantTieBreak(a, b),
  );
  const passing = topKeeper<ChangedVariant>(
    opts.top,
    (a, b) => b.base.confidence - a.base.confidence || variantTieBreak(a, b),
  );
  let finished = false;

  const scopeFor = (perturbation: string, severity: Severity): ScopeSlots => {
    const key = `${severity}\u241f${perturbation}`;
    let s = scopes.get(key);
    if (!s) {
      s = { perturbation, severity, slots: [] };
      scopes.set(key, s);
    }
    return s;
  };

  return {
    add(e) {
      if (finished) throw new Error('this paired accumulator has already finished');
      const i = ids.length;
      ids.push(e.id);
      gold.push(e.label);
      baseOk.push(e.base.prediction === e.label);
      headOk.push(e.head.prediction === e.label);
      const own = new Map<ScopeSlots, Slot>();
      const slotIn = (scope: ScopeSlots): Slot => {
        let slot = own.get(scope);
        if (!slot) {
          slot = {
            example: i,
            k: 0,
            base: { correct: 0, flips: 0 },
            head: { correct: 0, flips: 0 },
            newlyBreaking: 0,
            newlyPassing: 0,
          };
          own.set(scope, slot);
        }
        return slot;
      };
      for (const v of e.variants) {
        const bOk = v.base.prediction === e.label;
        const hOk = v.head.prediction === e.label;
        for (const scope of [scopeFor(v.perturbation, v.severity), scopeFor(POOLED, v.severity)]) {
          const slot = slotIn(scope);
          slot.k += 1;
          if (bOk) slot.base.correct += 1;
          if (hOk) slot.head.correct += 1;
          if (v.base.prediction !== e.base.prediction) slot.base.flips += 1;
          if (v.head.prediction !== e.head.prediction) slot.head.flips += 1;
          if (bOk && !hOk) slot.newlyBreaking += 1;
          if (!bOk && hOk) slot.newlyPassing += 1;
        }
        if (bOk === hOk) continue;
        const changed: ChangedVariant = {
          id: e.id,
          label: e.label,
          perturbation: v.perturbation,
          severity: v.severity,
          variant: v.variant,
          original: e.text,
          text: v.text,
          base: { originalPrediction: e.base.prediction, ...v.base },
          head: { originalPrediction: e.head.prediction, ...v.head },
        };
        if (bOk) breaking.push(changed);
        else passing.push(changed);
      }
      for (const [scope, slot] of own) scope.slots.push(slot);
    },
    finish() {
      if (finished) throw new Error('this paired accumulator has already finished');
      finished = true;
      const measured = measureScopes(
        [...scopes.values()],
        { ids, gold, baseOk, headOk },
        classes,
        buckets,
        opts,
      );
      const n = ids.length;
      const correct = (ok: boolean[]) => ok.filter(Boolean).length;
      return {
        ...measured,
        newlyBreaking: breaking.result(),
        newlyPassing: passing.result(),
        cleanAccuracy: {
          base: n > 0 ? correct(baseOk) / n : 0,
          head: n > 0 ? correct(headOk) / n : 0,
        },
      };
    },
  };
}

/** The paired measures of a list of paired examples (any order). */
export function measurePaired(
  examples: Iterable<PairedExample>,
  classes: readonly ClassInfo[],
  buckets: readonly BucketInfo[],
  opts: PairedMeasureOptions,
): PairedMeasures {
  const acc = createPairedAccumulator(classes, buckets, opts);
  for (const e of examples) acc.add(e);
  return acc.finish();
}

// ───────────────────────────── the three passes ─────────────────────────────

interface ExampleTable {
  ids: string[];
  gold: string[];
  baseOk: boolean[];
  headOk: boolean[];
}

interface SummedScope {
  perturbation: string;
  severity: Severity;
  perClass: ClassSums[];
  sums: { base: Float64Array; head: Float64Array };
}

function sidePayload(k: number, originalOk: boolean, side: SideCounts): ExamplePayload {
  const ok = originalOk ? 1 : 0;
  return {
    k,
    d: ok * k - side.correct,
    fromCorrect: ok * k,
    broken: ok ? k - side.correct : 0,
    flips: side.flips,
    correct: ok,
  };
}

function addSlot(into: SideSums, k: number, originalOk: boolean, side: SideCounts): void {
  into.correct += side.correct;
  into.flips += side.flips;
  if (originalOk) {
    into.clean += 1;
    into.cleanW += k;
    into.broken += k - side.correct;
  }
}

function measureScopes(
  scopeList: ScopeSlots[],
  examples: ExampleTable,
  classes: readonly ClassInfo[],
  buckets: readonly BucketInfo[],
  opts: PairedMeasureOptions,
): Pick<PairedMeasures, 'summary' | 'results'> {
  // Canonical labels: the classes in class order, then any other gold label sorted.
  const known = classes.map((c) => c.label);
  const knownSet = new Set(known);
  const extra = [...new Set(examples.gold.filter((l) => !knownSet.has(l)))].sort(compareStrings);
  const labels = [...known, ...extra];
  const labelIndex = new Map(labels.map((l, c) => [l, c]));
  const bucketOf = new Map(classes.map((c) => [c.label, c.bucket]));
  const bucketOfLabel = labels.map((l) => bucketOf.get(l) ?? '');
  const bucketMembers = buckets.map((b) =>
    b.labels.map((l) => labelIndex.get(l)).filter((c): c is number => c !== undefined),
  );
  const L = labels.length;
  const B = opts.resamples;
  const goldIndex = examples.gold.map((l) => labelIndex.get(l)!);

  // Pass 1: per scope, slots grouped by class in id order; per-class sums; both reports' strata.
  const streams = { base: createResampleStreams(opts.seed), head: createResampleStreams(opts.seed) };
  scopeList.sort((a, b) => compareStrings(a.perturbation, b.perturbation) || a.severity - b.severity);
  const summed: SummedScope[] = scopeList.map((scope) => {
    const slots = scope.slots
      .slice()
      .sort(
        (a, b) =>
          goldIndex[a.example] - goldIndex[b.example] ||
          compareStrings(examples.ids[a.example], examples.ids[b.example]),
      );
    const classStart = new Int32Array(L + 1);
    for (const s of slots) classStart[goldIndex[s.example] + 1] += 1;
    for (let c = 0; c < L; c++) classStart[c + 1] += classStart[c];
    const perClass = Array.from({ length: L }, emptyClass);
    const packed = {
      base: new Float64Array(slots.length * CHANNELS),
      head: new Float64Array(slots.length * CHANNELS),
    };
    let maxK = 0;
    slots.forEach((s, q) => {
      const sums = perClass[goldIndex[s.example]];
      const bOk = examples.baseOk[s.example];
      const hOk = examples.headOk[s.example];
      sums.nEx += 1;
      sums.n += s.k;
      sums.newlyBreaking += s.newlyBreaking;
      sums.newlyPassing += s.newlyPassing;
      addSlot(sums.base, s.k, bOk, s.base);
      addSlot(sums.head, s.k, hOk, s.head);
      packExample(sidePayload(s.k, bOk, s.base), packed.base, q);
      packExample(sidePayload(s.k, hOk, s.head), packed.head, q);
      maxK = Math.max(maxK, s.k);
    });
    checkPackable(slots.length, maxK);
    const sums = { base: new Float64Array(CHANNELS * L * B), head: new Float64Array(CHANNELS * L * B) };
    // The same strata over the same examples for both reports: their resamples are drawn jointly.
    for (const side of ['base', 'head'] as const) {
      streams[side].addScopeStrata({ labels, bucketOfLabel, classStart, packed: packed[side] }, sums[side]);
    }
    return { perturbation: scope.perturbation, severity: scope.severity, perClass, sums };
  });
  // Pass 2: the bootstrap.
  streams.base.run(B);
  streams.head.run(B);
  // Pass 3: slices.
  const measured = summed.map((scope) =>
    scopeComparison(scope, { labels, buckets, bucketMembers, B, confidence: opts.confidence }),
  );
  const bySeverity = (a: ScopeComparison, b: ScopeComparison) => a.severity - b.severity;
  return {
    summary: measured.filter((s) => s.perturbation === POOLED).sort(bySeverity),
    results: measured.filter((s) => s.perturbation !== POOLED),
  };
}

interface SliceContext {
  labels: readonly string[];
  buckets: readonly BucketInfo[];
  bucketMembers: readonly (readonly number[])[];
  B: number;
  confidence: number;
}

function scopeComparison(scope: SummedScope, ctx: SliceContext): ScopeComparison {
  const r = {
    base: unpackResamples(scope.sums.base, ctx.B, ctx.confidence),
    head: unpackResamples(scope.sums.head, ctx.B, ctx.confidence),
  };
  scope.sums = { base: new Float64Array(0), head: new Float64Array(0) };
  const buffers = {
    base: new Float64Array(ctx.B),
    head: new Float64Array(ctx.B),
    diff: new Float64Array(ctx.B),
  };
  const slice = (members: readonly number[]) => sliceComparison(scope.perClass, members, r, buffers);
  const withData = (members: readonly number[]) => members.filter((c) => scope.perClass[c].nEx > 0);

  const all = withData(ctx.labels.map((_, c) => c));
  const buckets: Record<string, SliceComparison> = {};
  ctx.buckets.forEach((bucket, bi) => {
    const members = withData(ctx.bucketMembers[bi]);
    if (members.length > 0) buckets[bucket.name] = slice(members);
  });
  const perClass: Record<string, SliceComparison> = {};
  for (const c of all) perClass[ctx.labels[c]] = slice([c]);
  return {
    perturbation: scope.perturbation,
    severity: scope.severity,
    overall: slice(all),
    buckets,
    perClass,
  };
}

const ratio = (num: number, den: number): number => (den > 0 ? num / den : 0);
const TOO_FEW: CINote = 'too few examples';

const RATE_VALUE = {
  drop: (t: SideSums, n: number) => ratio(t.cleanW - t.correct, n),
  flip: (t: SideSums, n: number) => ratio(t.flips, n),
  break: (t: SideSums) => ratio(t.broken, t.cleanW),
} as const;

function sliceComparison(
  perClass: readonly ClassSums[],
  members: readonly number[],
  r: { base: ScopeResamples; head: ScopeResamples },
  buffers: { base: Float64Array; head: Float64Array; diff: Float64Array },
): SliceComparison {
  const t = emptyClass();
  for (const c of members) {
    const s = perClass[c];
    t.nEx += s.nEx;
    t.n += s.n;
    t.newlyBreaking += s.newlyBreaking;
    t.newlyPassing += s.newlyPassing;
    addSide(t.base, s.base);
    addSide(t.head, s.head);
  }
  const delta = (rate: keyof typeof RATE_SUMS, withCI: boolean): PairedDelta => {
    const base = RATE_VALUE[rate](t.base, t.n);
    const head = RATE_VALUE[rate](t.head, t.n);
    const diff = head - base;
    if (!withCI) return { base, head, diff, ci: null, ciNote: TOO_FEW };
    resampledRates(r.base, rate, members, buffers.base);
    resampledRates(r.head, rate, members, buffers.head);
    for (let b = 0; b < buffers.diff.length; b++) buffers.diff[b] = buffers.head[b] - buffers.base[b];
    return { base, head, diff, ci: resampledInterval(r.base, buffers.diff, diff), ciNote: null };
  };
  const enough = t.nEx >= MIN_CI_EXAMPLES;
  return {
    nExamples: t.nEx,
    n: t.n,
    cleanAccuracy: { base: ratio(t.base.clean, t.nEx), head: ratio(t.head.clean, t.nEx) },
    drop: delta('drop', enough),
    flipRate: delta('flip', enough),
    nFromCorrect: { base: t.base.cleanW, head: t.head.cleanW },
    breakRate:
      t.base.cleanW > 0 && t.head.cleanW > 0
        ? delta('break', t.base.clean >= MIN_CI_EXAMPLES && t.head.clean >= MIN_CI_EXAMPLES)
        : null,
    newlyBreaking: t.newlyBreaking,
    newlyPassing: t.newlyPassing,
  };
}
