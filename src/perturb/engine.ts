/**
 * The perturbation engine: builds each variant's context (seeded rng, protected spans),
 * asks the perturbation for edit proposals, checks them against the protection
 * constraints (protect/constraints.ts) and applies them. `perturbExamples` is the one fan-out from
 * texts to variants; `perturbText` makes a single draw. A draw depends only on (seed, perturbation,
 * severity, variant index, draw number, text), never on what was processed before, so results are
 * identical across batch orders, shards and runs.
 *
 * The fan-out keeps a variant only when it counts as evidence (TextAttack's transformation +
 * constraints): it must differ from the variants of the same example × perturbation × severity already
 * kept, and — for perturbations with a meaning threshold, when a meaning check is given — its
 * similarity to the original must reach the threshold. A draw that fails is re-drawn (draw numbers
 * 1 … MAX_DRAWS − 1, each with its own rng); when every draw fails, the first draw is emitted with
 * `dropped: 'duplicate' | 'rejected'` so the records still show it (never counted). The variants of a
 * group are drawn in index order, so the outcome depends only on the group itself.
 */
import type {
  DropReason,
  Edit,
  EditProposal,
  PerturbationContext,
  PerturbationDefinition,
  Severity,
  Span,
  Variant,
} from '../types.ts';
import { createRng, rngKey } from '../util/rng.ts';
import type { MeaningCheck } from './meaning/check.ts';
import {
  type Constraints,
  compileConstraints,
  confine,
  ProtectedText,
  type Protection,
  releaseProtections,
  type TextGuard,
} from './protect/constraints.ts';
import { countNegations } from './protect/patterns.ts';
import { hasSeverity } from './registry.ts';

/** Draws per variant at most: the first and up to 4 re-draws after a duplicate or a rejection. */
export const MAX_DRAWS = 5;
/** Groups waiting on the meaning check at once (the encoder runs one text at a time; this keeps it fed). */
const MEANING_IN_FLIGHT = 8;

export interface PerturbTextOptions {
  seed: number;
  severity: Severity;
  /** 0-based variant index */
  variant: number;
  /** 0-based draw number (re-draws after a duplicate or rejection); default 0 */
  draw?: number;
  /** constraints (or regexes) to protect, on top of the built-in ones */
  protect?: readonly Protection[];
  /** perturbation-specific options (passed to `apply` as ctx.options) */
  options?: Readonly<Record<string, unknown>>;
}

const NO_OPTIONS: Readonly<Record<string, unknown>> = Object.freeze({});

/** Thrown when a perturbation proposes an invalid edit: always a bug in that perturbation. */
export class PerturbationBugError extends Error {
  constructor(perturbation: string, text: string, problem: string) {
    super(
      `perturbation ${perturbation} proposed an invalid edit (${problem}) for text ${JSON.stringify(text)}`,
    );
    this.name = 'PerturbationBugError';
  }
}

/**
 * What every variant of one (text, perturbation) pair shares: built once, then each variant
 * needs only its (severity, variant index).
 */
interface VariantSource {
  readonly text: string;
  readonly def: PerturbationDefinition;
  /** the text's protected spans, shared with its other variants */
  readonly guard: TextGuard;
  readonly seed: number;
  readonly options: Readonly<Record<string, unknown>>;
}

function makeContext(
  src: VariantSource,
  severity: Severity,
  variant: number,
  draw: number,
): PerturbationContext {
  const { guard } = src;
  // draw 0 keeps the key variants always had: a variant that needs no re-draw is what it was before
  const key =
    draw === 0
      ? rngKey(src.seed, src.def.name, severity, variant, src.text)
      : rngKey(src.seed, src.def.name, severity, variant, `draw ${draw}`, src.text);
  return {
    rng: createRng(key),
    severity,
    protectedSpans: guard.spans,
    // bound once per text by ProtectedText: no closure per variant on the typo hot path
    isFree: guard.isFree,
    isFreeExceptNegations: guard.isFreeExceptNegations,
    options: src.options,
  };
}

/**
 * Checks proposals against the original text and applies them. Throws
 * PerturbationBugError on anything out of range, overlapping, touching a protected span
 * or failing an edit constraint (grapheme boundaries); no-op proposals are dropped from `edits`.
 */
function applyProposals(
  src: VariantSource,
  proposals: readonly EditProposal[],
  severity: Severity,
  variant: number,
): Variant {
  const { text, def, guard } = src;
  if (!Array.isArray(proposals))
    throw new PerturbationBugError(def.name, text, 'apply did not return an array');
  const sorted =
    proposals.length < 2 ? proposals : proposals.slice().sort((a, b) => a.start - b.start || a.end - b.end);
  const edits: Edit[] = [];
  let out = '';
  let cursor = 0;
  let prev: EditProposal | undefined;
  for (const p of sorted) {
    const { start, end, replacement } = p;
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > text.length || start > end) {
      throw new PerturbationBugError(def.name, text, `range [${start}, ${end}) outside [0, ${text.length}]`);
    }
    if (typeof replacement !== 'string') {
      throw new PerturbationBugError(def.name, text, `replacement at [${start}, ${end}) is not a string`);
    }
    if (prev && (start < prev.end || (start === end && prev.start === prev.end && prev.start === start))) {
      throw new PerturbationBugError(
        def.name,
        text,
        `[${start}, ${end}) overlaps [${prev.start}, ${prev.end})`,
      );
    }
    if (p.rewritesNegation) {
      if (!guard.isFreeExceptNegations(start, end)) {
        throw new PerturbationBugError(def.name, text, `[${start}, ${end}) touches a protected span`);
      }
      const negations = countNegations(text.slice(start, end));
      if (negations === 0 || countNegations(replacement) !== negations) {
        throw new PerturbationBugError(
          def.name,
          text,
          `negation rewrite [${start}, ${end}) → ${JSON.stringify(replacement)} does not keep the negation`,
        );
      }
    } else if (!(def.directional ? guard.isFreeExceptNegations(start, end) : guard.isFree(start, end))) {
      // a directional transform exists to insert or remove negations: only it may edit them freely
      throw new PerturbationBugError(def.name, text, `[${start}, ${end}) touches a protected span`);
    }
    const problem = guard.editProblem(p);
    if (problem !== undefined) throw new PerturbationBugError(def.name, text, problem);
    prev = p;
    const before = text.slice(start, end);
    if (before === replacement) continue;
    out += text.slice(cursor, start);
    const toStart = out.length;
    out += replacement;
    edits.push({ from: [start, end], to: [toStart, out.length], before, after: replacement });
    cursor = end;
  }
  const newText = edits.length === 0 ? text : out + text.slice(cursor);
  return {
    text: newText,
    perturbation: def.name,
    severity,
    variant,
    changed: newText !== text,
    edits,
  };
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** One draw of a variant of `src`'s text. */
function perturbOne(
  src: VariantSource,
  severity: Severity,
  variant: number,
  draw = 0,
): Variant | Promise<Variant> {
  const proposals = src.def.apply(src.text, makeContext(src, severity, variant, draw));
  if (isPromise(proposals)) {
    return proposals.then((p) => applyProposals(src, p, severity, variant));
  }
  return applyProposals(src, proposals, severity, variant);
}

/**
 * One draw of a variant of `text` (draw 0: the first), without the distinctness and meaning checks
 * of `perturbExamples` — what the perturbation itself makes (golden files, perturbation tests).
 * Synchronous when the perturbation's `apply` is (the typo hot path); a Promise when `apply` is async. The perturbation must have been initialised
 * (`initPerturbations`) when it has an `init`.
 */
export function perturbText(
  text: string,
  def: PerturbationDefinition,
  opts: PerturbTextOptions,
): Variant | Promise<Variant> {
  const src: VariantSource = {
    text,
    def,
    guard: new ProtectedText(text, releaseProtections(compileConstraints(opts.protect), def.editsProtected)),
    seed: opts.seed,
    options: opts.options ?? NO_OPTIONS,
  };
  return perturbOne(src, opts.severity, opts.variant, opts.draw ?? 0);
}

/**
 * One draw of `def` at severity 1 confined to `span` of `text` (everything outside it counts as
 * protected, on top of `guard`, the text's ProtectedText built once for all its spans): a word-level
 * candidate of the attack (src/attack/candidates.ts), checked like every variant. `variant` numbers
 * the span; no distinctness or meaning check (the attack applies its own).
 */
export function perturbWithin(
  text: string,
  def: PerturbationDefinition,
  guard: ProtectedText,
  span: Span,
  opts: { seed: number; variant: number; draw: number; options: Readonly<Record<string, unknown>> },
): Variant | Promise<Variant> {
  const src: VariantSource = {
    text,
    def,
    guard: confine(guard, span.start, span.end),
    seed: opts.seed,
    options: opts.options,
  };
  return perturbOne(src, 1, opts.variant, opts.draw);
}

/** Like perturbText, but throws when the perturbation is asynchronous. */
export function perturbTextSync(
  text: string,
  def: PerturbationDefinition,
  opts: PerturbTextOptions,
): Variant {
  const result = perturbText(text, def, opts);
  if (isPromise(result)) {
    // Swallow the pending result's rejection: the caller gets this error instead.
    result.catch(() => undefined);
    throw new Error(`perturbation ${def.name} is asynchronous; use perturbText or perturbExamples`);
  }
  return result;
}

/** Runs every `init` once (idempotent per definition) with the given options. */
export async function initPerturbations(
  defs: readonly PerturbationDefinition[],
  options: Readonly<Record<string, unknown>> = NO_OPTIONS,
): Promise<void> {
  for (const def of defs) if (def.init) await def.init(options);
}

export interface PerturbExamplesOptions {
  seed: number;
  severities: readonly Severity[];
  /** variants per (text, perturbation, severity) */
  variants: number;
  /** constraints (or regexes) to protect, on top of the built-in ones */
  protect?: readonly Protection[];
  /** perturbation-specific options (passed to `apply` as ctx.options) */
  options?: Readonly<Record<string, unknown>>;
  /**
   * The meaning check: variants of perturbations with a threshold are re-drawn or dropped as
   * `rejected` below it, and carry their `similarity`. Absent or null: no check (`--no-meaning-check`).
   */
  meaning?: MeaningCheck | null;
  /**
   * async `apply` calls (model-backed perturbations) in flight at once; default 1, one request
   * at a time, as audit and perturb sent them before they shared this fan-out. Raise it only
   * for an endpoint that takes parallel requests.
   */
  concurrency?: number;
  /** progress callback, called once per finished text */
  onText?(i: number): void;
}

/** The meaning threshold `def`'s variants must reach under `meaning`, or null when not checked. */
function thresholdOf(def: PerturbationDefinition, meaning: MeaningCheck | null | undefined): number | null {
  if (!meaning || !def.meaning || !('threshold' in def.meaning)) return null;
  return def.meaning.threshold;
}

/** Perturbations whose `apply` returned a Promise: their groups are drawn asynchronously. */
const asyncDefs = new WeakSet<PerturbationDefinition>();

/** Keeps or drops one draw against the group's kept texts; returns why it fails, or undefined. */
type Verdict = DropReason | undefined;

function finishVariant(first: Variant | undefined, reason: Verdict, accepted: Variant | undefined): Variant {
  if (accepted) return accepted;
  // every draw failed: emit the first, marked, so the records show what was not counted and why
  return { ...(first as Variant), dropped: reason };
}

/**
 * The variants of one group (text × perturbation × severity), synchronously: distinct draws only, no
 * meaning check. When `apply` turns out to be asynchronous, the group is drawn by `drawGroup` instead:
 * the first draw's pending result is handed over (an async perturbation is asynchronous from its
 * first call); a later surprise re-draws the group asynchronously.
 */
function drawGroupSync(
  src: VariantSource,
  severity: Severity,
  variants: number,
): Variant[] | { firstDraw: Promise<Variant> | undefined } {
  const out: Variant[] = [];
  const kept = new Set<string>();
  for (let k = 0; k < variants; k++) {
    let first: Variant | undefined;
    let accepted: Variant | undefined;
    for (let draw = 0; draw < MAX_DRAWS && !accepted; draw++) {
      const v = perturbOne(src, severity, k, draw);
      if (isPromise(v)) {
        asyncDefs.add(src.def);
        if (k === 0 && draw === 0) return { firstDraw: v };
        v.catch(() => undefined); // the asynchronous re-draw reports any failure
        return { firstDraw: undefined };
      }
      if (!v.changed) {
        if (draw === 0) accepted = v; // no eligible site: nothing to re-draw
        continue;
      }
      if (kept.has(v.text)) first ??= v;
      else accepted = v;
    }
    const variant = finishVariant(first, 'duplicate', accepted);
    if (variant.changed && !variant.dropped) kept.add(variant.text);
    out.push(variant);
  }
  return out;
}

/** The variants of one group with the meaning check (and/or an asynchronous `apply`). */
async function drawGroup(
  src: VariantSource,
  severity: Severity,
  variants: number,
  threshold: number | null,
  meaning: MeaningCheck | null | undefined,
  firstDraw?: Promise<Variant>,
): Promise<Variant[]> {
  const out: Variant[] = [];
  const kept = new Set<string>();
  for (let k = 0; k < variants; k++) {
    let first: Variant | undefined;
    let firstReason: Verdict;
    let accepted: Variant | undefined;
    for (let draw = 0; draw < MAX_DRAWS && !accepted; draw++) {
      const v = await (k === 0 && draw === 0 && firstDraw ? firstDraw : perturbOne(src, severity, k, draw));
      if (!v.changed) {
        if (draw === 0) accepted = v;
        continue;
      }
      let reason: Verdict;
      if (kept.has(v.text)) reason = 'duplicate';
      else if (threshold !== null && meaning) {
        v.similarity = await meaning.similarity(src.text, v.text);
        if (v.similarity < threshold) reason = 'rejected';
      }
      if (reason === undefined) accepted = v;
      else if (!first) {
        first = v;
        firstReason = reason;
      }
    }
    const variant = finishVariant(first, firstReason, accepted);
    if (variant.changed && !variant.dropped) kept.add(variant.text);
    out.push(variant);
  }
  return out;
}

/**
 * The one fan-out from texts to variants, used by audit, perturb, suites and tests:
 * result[i] lists text i's variants ordered by perturbation (as given), severity (as
 * given; only the levels a perturbation declares), then variant index. Protected spans are found once
 * per text and shared by its variants; groups without a meaning check and with a synchronous
 * `apply` run without an await (the typo hot path); model-backed ones with at most `concurrency`
 * (default 1) groups in flight, meaning-checked ones with a few more. The perturbations must have been
 * initialised (`initPerturbations`).
 */
export async function perturbExamples(
  texts: readonly string[],
  defs: readonly PerturbationDefinition[],
  opts: PerturbExamplesOptions,
): Promise<Variant[][]> {
  const constraints: Constraints = compileConstraints(opts.protect);
  const options = opts.options ?? NO_OPTIONS;
  const { meaning, variants } = opts;
  const plan = defs.map((def) => ({
    def,
    severities: opts.severities.filter((s) => hasSeverity(def, s)),
    threshold: thresholdOf(def, meaning),
    // entity perturbations that edit numbers or amounts see those spans free; the rest share one guard
    released: def.editsProtected?.length ? releaseProtections(constraints, def.editsProtected) : null,
  }));
  const perText = plan.reduce((n, p) => n + p.severities.length * variants, 0);
  const results: Variant[][] = texts.map(() => new Array<Variant>(perText));
  const remaining = texts.map(() => perText);
  const done = (i: number, n: number): void => {
    remaining[i]! -= n;
    if (remaining[i] === 0) opts.onText?.(i);
  };
  const modelInFlight = new Set<Promise<void>>();
  const meaningInFlight = new Set<Promise<void>>();
  const concurrency = Math.max(1, opts.concurrency ?? 1);
  // a group that fails after leaving its in-flight set must still fail the call
  let failure: { error: unknown } | undefined;

  for (let i = 0; i < texts.length; i++) {
    if (failure) break;
    const text = texts[i]!;
    if (perText === 0) opts.onText?.(i);
    const guard = new ProtectedText(text, constraints);
    let slot = 0;
    for (const { def, severities, threshold, released } of plan) {
      const own = released ? new ProtectedText(text, released) : guard;
      const src: VariantSource = { text, def, guard: own, seed: opts.seed, options };
      for (const severity of severities) {
        const at = slot;
        slot += variants;
        const place = (vs: Variant[]): void => {
          for (let k = 0; k < vs.length; k++) results[i]![at + k] = vs[k]!;
          done(i, vs.length);
        };
        let firstDraw: Promise<Variant> | undefined;
        if (threshold === null && !asyncDefs.has(def)) {
          const group = drawGroupSync(src, severity, variants);
          if (Array.isArray(group)) {
            place(group);
            continue;
          }
          firstDraw = group.firstDraw;
        }
        const inFlight = asyncDefs.has(def) ? modelInFlight : meaningInFlight;
        const limit = asyncDefs.has(def) ? concurrency : MEANING_IN_FLIGHT;
        const task = drawGroup(src, severity, variants, threshold, meaning, firstDraw).then(place);
        const tracked: Promise<void> = task
          .catch((error: unknown) => {
            failure ??= { error };
          })
          .finally(() => inFlight.delete(tracked));
        inFlight.add(tracked);
        // Bounded in-flight groups: wait for one to finish before starting more.
        if (inFlight.size >= limit) await Promise.race(inFlight);
      }
    }
  }
  await Promise.all([...modelInFlight, ...meaningInFlight]);
  if (failure) throw failure.error;
  return results;
}
