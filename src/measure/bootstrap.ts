/**
 * The resampling engine behind every CI of the results: a percentile bootstrap (type-7 interpolation
 * between order statistics), stratified by class and clustered by example.
 *
 * - Each resample draws, within every class, as many examples as the class has in scope, with
 *   replacement; an example moves with all its variants (cluster bootstrap).
 * - Each class's examples are in set order (id, label) and drawn with createRng(rngKey(seed, 'bootstrap',
 *   label, b)), so a CI depends only on the set of examples (shards merged later give the same CIs).
 * - Classes with a single in-scope example have no within-class spread; they are pooled into one stratum
 *   per bucket (in class order, rng key rngKey(seed, 'bootstrap-pool', bucket, b)) so they still widen
 *   bucket and overall CIs. Such a class's own resamples are all [drop, drop]: a slice with fewer than
 *   MIN_CI_EXAMPLES in-scope examples gets no CI at all (scope-result.ts), never a zero-width one.
 * - A stream (one key) is drawn once per resample for every scope that uses it, and its draws are
 *   added to packed per-class sums [class × B + b]; bucket, overall, head-tail and slope CIs all
 *   aggregate the same per-class resamples.
 */
import { createRng, rngKey } from '../util/rng.ts';

/** The fewest bootstrap resamples a measurement accepts. */
export const MIN_RESAMPLES = 1000;

/**
 * The fewest in-scope examples a slice needs for a CI: one example resamples to itself every time, so its
 * interval would have zero width however little it shows. Below this the CI is null, 'too few examples'.
 */
export const MIN_CI_EXAMPLES = 2;

// ───────────────────────────── percentile intervals ─────────────────────────────

/** k-th smallest (0-based) of buf[0, n); reorders buf so every later position holds a value ≥ it. */
function select(buf: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (hi > lo) {
    const a = buf[lo];
    const b = buf[(lo + hi) >>> 1];
    const c = buf[hi];
    const pivot = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c)); // median of three
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (buf[i] < pivot) i++;
      while (buf[j] > pivot) j--;
      if (i <= j) {
        const t = buf[i];
        buf[i] = buf[j];
        buf[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return buf[k];
  }
  return buf[k];
}

/** Type-7 quantile of buf[0, n) (linear interpolation between order statistics); reorders buf. */
function quantileInPlace(buf: Float64Array, n: number, p: number): number {
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const below = select(buf, n, lo);
  if (h === lo) return below;
  let above = Number.POSITIVE_INFINITY;
  for (let i = lo + 1; i < n; i++) if (buf[i] < above) above = buf[i];
  return below + (h - lo) * (above - below);
}

/** Percentile CI of buf[0, n) with the NaN entries skipped; reorders buf. [point, point] when empty. */
function intervalInPlace(buf: Float64Array, n: number, confidence: number, point: number): [number, number] {
  let m = 0;
  for (let i = 0; i < n; i++) if (!Number.isNaN(buf[i])) buf[m++] = buf[i];
  if (m === 0) return [point, point];
  const alpha = 1 - confidence;
  return [quantileInPlace(buf, m, alpha / 2), quantileInPlace(buf, m, 1 - alpha / 2)];
}

/** Percentile CI (type-7 interpolation between order statistics) of `values`; [0, 0] when empty. */
export function percentileInterval(values: ArrayLike<number>, confidence: number): [number, number] {
  return intervalInPlace(Float64Array.from(values), values.length, confidence, 0);
}

// ───────────────────────────── packed per-example payloads ─────────────────────────────

/**
 * What the bootstrap sums per example — the numerators and denominators of every resampled metric:
 * k changed variants, d = Σ(original correct − variant correct) ∈ [−k, k] (drop), fromCorrect = k when
 * the original was correct else 0 and broken = its wrong variants then (break rate), flips (flip rate),
 * correct = 1 when the original was correct (the break slope's weight).
 */
export interface ExamplePayload {
  k: number;
  d: number;
  fromCorrect: number;
  broken: number;
  flips: number;
  correct: 0 | 1;
}

/**
 * A payload packs two non-negative integers below 2^26 into each of CHANNELS doubles: (k, d + k),
 * (fromCorrect, broken), (flips, correct). Sums stay exact integers below 2^53 while a resample draws
 * fewer than 2^25 changed variants per class (checked; every field is at most k or, for d + k, 2k), and
 * the hot loop does CHANNELS loads and adds per draw.
 */
export const CHANNELS = 3;
const PACK = 2 ** 26;
const MAX_PACKED_VARIANTS = 2 ** 25 - 1;

/** Writes the packed payload of one example at `out[CHANNELS·at …]`. */
export function packExample(p: ExamplePayload, out: Float64Array, at: number): void {
  const o = at * CHANNELS;
  out[o] = p.k * PACK + p.d + p.k;
  out[o + 1] = p.fromCorrect * PACK + p.broken;
  out[o + 2] = p.flips * PACK + p.correct;
}

/** Throws when a scope of `examples` in-scope examples with up to `maxK` changed variants could overflow. */
export function checkPackable(examples: number, maxK: number): void {
  if (examples * maxK > MAX_PACKED_VARIANTS) {
    throw new RangeError(`computeResults: ${examples} examples × ${maxK} variants is too many to bootstrap`);
  }
}

// ───────────────────────────── strata and streams ─────────────────────────────

/** Examples drawn together in a resample; every member's draws go to its own class's sums. */
interface Stratum {
  /** per member, in set order (id, label): label index and CHANNELS packed payload doubles */
  cls: Int32Array;
  packed: Float64Array;
  /** members */
  size: number;
  /** all members are of one class */
  single: boolean;
}

/** A resampling stream: one seeded generator per resample b, shared by every scope that draws from it. */
interface Stream {
  /** rngKey(...parts, '') — the key of resample b is this prefix + b, i.e. rngKey(...parts, b) */
  keyPrefix: string;
  /** the most members any stratum draws from it (a shorter stratum uses a prefix of the draws) */
  length: number;
  uses: { stratum: Stratum; sums: Float64Array }[];
}

/** The one scope's examples, grouped by class, that `addScopeStrata` turns into strata. */
export interface ScopeStrataInput {
  /** canonical label index → label */
  labels: readonly string[];
  /** canonical label index → its bucket's name ('' when the label is in no bucket) */
  bucketOfLabel: readonly string[];
  /** class c's members are members classStart[c] … classStart[c + 1] − 1 of `packed`, in set order */
  classStart: Int32Array;
  /** CHANNELS doubles per member (packExample) */
  packed: Float64Array;
}

/** The streams of a measurement: strata register on them per scope, then `run` draws them all once. */
export interface ResampleStreams {
  /**
   * Registers the scope's strata — every class with ≥ 2 in-scope examples on its own, single-example
   * classes pooled per bucket — to add their resamples to `sums` [channel × L·B + class × B + b] when the
   * streams run.
   */
  addScopeStrata(scope: ScopeStrataInput, sums: Float64Array): void;
  /** Draws every stream once per resample b < B into the sums of every stratum that uses it. */
  run(B: number): void;
}

export function createResampleStreams(seed: number): ResampleStreams {
  const streams = new Map<string, Stream>();
  const useStream = (id: string, keyPrefix: string, stratum: Stratum, sums: Float64Array): void => {
    let s = streams.get(id);
    if (!s) {
      s = { keyPrefix, length: 0, uses: [] };
      streams.set(id, s);
    }
    s.length = Math.max(s.length, stratum.size);
    s.uses.push({ stratum, sums });
  };
  return {
    addScopeStrata({ labels, bucketOfLabel, classStart, packed }, sums) {
      const pools = new Map<string, number[]>();
      for (let c = 0; c < labels.length; c++) {
        const from = classStart[c];
        const size = classStart[c + 1] - from;
        if (size >= 2) {
          const stratum = {
            cls: Int32Array.of(c),
            packed: packed.slice(from * CHANNELS, (from + size) * CHANNELS),
            size,
            single: true,
          };
          useStream(`class\u241f${labels[c]}`, rngKey(seed, 'bootstrap', labels[c], ''), stratum, sums);
        } else if (size === 1) {
          const pool = pools.get(bucketOfLabel[c]);
          if (pool) pool.push(c);
          else pools.set(bucketOfLabel[c], [c]);
        }
      }
      for (const [bucket, members] of pools) {
        const pooled = new Float64Array(members.length * CHANNELS);
        members.forEach((c, j) => {
          pooled.set(packed.subarray(classStart[c] * CHANNELS, (classStart[c] + 1) * CHANNELS), j * CHANNELS);
        });
        const stratum = {
          cls: Int32Array.from(members),
          packed: pooled,
          size: members.length,
          single: false,
        };
        useStream(`pool\u241f${bucket}`, rngKey(seed, 'bootstrap-pool', bucket, ''), stratum, sums);
      }
    },
    run(B) {
      runStreams(streams.values(), B);
      streams.clear();
    },
  };
}

/**
 * Adds resample b of one stratum, drawn with the uniforms `u`, to the packed per-class sums P
 * [channel × L·B + class × B + b].
 */
function accumulateStratum(st: Stratum, u: Float64Array, b: number, B: number, P: Float64Array): void {
  const { packed, cls, size: m } = st;
  const plane = P.length / CHANNELS;
  if (st.single) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < m; i++) {
      const o = ((u[i] * m) | 0) * CHANNELS;
      s0 += packed[o];
      s1 += packed[o + 1];
      s2 += packed[o + 2];
    }
    const at = cls[0] * B + b;
    P[at] += s0;
    P[plane + at] += s1;
    P[2 * plane + at] += s2;
    return;
  }
  for (let i = 0; i < m; i++) {
    const j = (u[i] * m) | 0;
    const at = cls[j] * B + b;
    const o = j * CHANNELS;
    P[at] += packed[o];
    P[plane + at] += packed[o + 1];
    P[2 * plane + at] += packed[o + 2];
  }
}

/**
 * Draws every stream once per resample and adds the draws to every stratum that uses it. Packed sums are
 * exact integers, so the order of the additions does not matter; no uniforms outlive their resample.
 */
function runStreams(streams: Iterable<Stream>, B: number): void {
  let u = new Float64Array(0);
  for (const stream of streams) {
    if (u.length < stream.length) u = new Float64Array(stream.length);
    for (let b = 0; b < B; b++) {
      const rng = createRng(stream.keyPrefix + b);
      for (let i = 0; i < stream.length; i++) u[i] = rng.next();
      for (const use of stream.uses) accumulateStratum(use.stratum, u, b, B, use.sums);
    }
  }
}

// ───────────────────────────── reading the resamples ─────────────────────────────

/** One scope's resamples, unpacked (each array per [class × B + b]), and a scratch buffer of length B. */
export interface ScopeResamples {
  B: number;
  confidence: number;
  /** changed variants drawn */
  K: Float64Array;
  /** Σ(original correct − variant correct) drawn */
  D: Float64Array;
  /** changed variants of correctly classified originals drawn */
  W: Float64Array;
  /** of those, the ones now wrong */
  R: Float64Array;
  /** changed variants whose prediction changed */
  F: Float64Array;
  /** correctly classified examples drawn */
  O: Float64Array;
  scratch: Float64Array;
}

/** Splits the packed per-class sums [channel × L·B + class × B + b] into the six sums. */
export function unpackResamples(packedSums: Float64Array, B: number, confidence: number): ScopeResamples {
  const plane = packedSums.length / CHANNELS;
  const split = (channel: number): [Float64Array, Float64Array] => {
    const hi = packedSums.slice(channel * plane, (channel + 1) * plane);
    const lo = new Float64Array(plane);
    for (let at = 0; at < plane; at++) {
      const h = Math.floor(hi[at] / PACK);
      lo[at] = hi[at] - h * PACK;
      hi[at] = h;
    }
    return [hi, lo];
  };
  const [K, kPlusD] = split(0);
  for (let at = 0; at < plane; at++) kPlusD[at] -= K[at];
  const [W, R] = split(1);
  const [F, O] = split(2);
  return { B, confidence, K, D: kPlusD, W, R, F, O, scratch: new Float64Array(B) };
}

/** The resampled numerator and denominator of each rate. */
export const RATE_SUMS = {
  drop: { num: 'D', den: 'K' },
  break: { num: 'R', den: 'W' },
  flip: { num: 'F', den: 'K' },
} as const satisfies Record<string, { num: keyof ScopeResamples; den: keyof ScopeResamples }>;

/** Bootstrap values of one rate over a set of classes into `out` (NaN where the resample drew nothing). */
export function resampledRates(
  r: ScopeResamples,
  rate: keyof typeof RATE_SUMS,
  members: readonly number[],
  out: Float64Array,
): Float64Array {
  const { B } = r;
  const num = r[RATE_SUMS[rate].num];
  const den = r[RATE_SUMS[rate].den];
  for (let b = 0; b < B; b++) {
    let sn = 0;
    let sd = 0;
    for (const c of members) {
      sn += num[c * B + b];
      sd += den[c * B + b];
    }
    out[b] = sd > 0 ? sn / sd : Number.NaN;
  }
  return out;
}

/** Percentile CI of B resampled values (NaN skipped, [point, point] when all are); `values` may be the scratch. */
export function resampledInterval(r: ScopeResamples, values: Float64Array, point: number): [number, number] {
  if (values !== r.scratch) r.scratch.set(values);
  return intervalInPlace(r.scratch, r.B, r.confidence, point);
}
