/**
 * The perturbation engine: builds each variant's context (seeded rng, protected spans),
 * asks the perturbation for edit proposals, checks them against the protection
 * constraints (protect/constraints.ts) and applies them. `perturbExamples` is the one fan-out from
 * texts to variants; `perturbText` makes a single variant. A variant
 * depends only on (seed, perturbation, severity, variant index, text), never on what was
 * processed before, so results are identical across batch orders, shards and runs.
 */
import type {
  Edit,
  EditProposal,
  PerturbationContext,
  PerturbationDefinition,
  Severity,
  Variant,
} from '../types.ts';
import { createRng, rngKey } from '../util/rng.ts';
import {
  type Constraints,
  compileConstraints,
  ProtectedText,
  type Protection,
} from './protect/constraints.ts';
import { countNegations } from './protect/patterns.ts';

export interface PerturbTextOptions {
  seed: number;
  severity: Severity;
  /** 0-based variant index */
  variant: number;
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
  readonly guard: ProtectedText;
  readonly seed: number;
  readonly options: Readonly<Record<string, unknown>>;
}

function makeContext(src: VariantSource, severity: Severity, variant: number): PerturbationContext {
  const { guard } = src;
  return {
    rng: createRng(rngKey(src.seed, src.def.name, severity, variant, src.text)),
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
    } else if (!guard.isFree(start, end)) {
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

/** One variant of `src`'s text. */
function perturbOne(src: VariantSource, severity: Severity, variant: number): Variant | Promise<Variant> {
  const proposals = src.def.apply(src.text, makeContext(src, severity, variant));
  if (isPromise(proposals)) {
    return proposals.then((p) => applyProposals(src, p, severity, variant));
  }
  return applyProposals(src, proposals, severity, variant);
}

/**
 * One variant of `text`. Synchronous when the perturbation's `apply` is (the typo hot
 * path); a Promise when `apply` is async. The perturbation must have been initialised
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
    guard: new ProtectedText(text, compileConstraints(opts.protect)),
    seed: opts.seed,
    options: opts.options ?? NO_OPTIONS,
  };
  return perturbOne(src, opts.severity, opts.variant);
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
   * async `apply` calls (model-backed perturbations) in flight at once; default 1, one request
   * at a time, as audit and perturb sent them before they shared this fan-out. Raise it only
   * for an endpoint that takes parallel requests.
   */
  concurrency?: number;
  /** progress callback, called once per finished text */
  onText?(i: number): void;
}

/**
 * The one fan-out from texts to variants, used by audit, perturb, suites and tests:
 * result[i] lists text i's variants ordered by perturbation (as given), severity (as
 * given), then variant index. Protected spans are found once per text and shared by its
 * variants; synchronous perturbations run without an await per variant (the typo hot
 * path), async ones (model-backed) with at most `concurrency` (default 1) applies in flight. The
 * perturbations must have been initialised (`initPerturbations`).
 */
export async function perturbExamples(
  texts: readonly string[],
  defs: readonly PerturbationDefinition[],
  opts: PerturbExamplesOptions,
): Promise<Variant[][]> {
  const constraints: Constraints = compileConstraints(opts.protect);
  const options = opts.options ?? NO_OPTIONS;
  const perText = defs.length * opts.severities.length * opts.variants;
  const results: Variant[][] = texts.map(() => new Array<Variant>(perText));
  const remaining = texts.map(() => perText);
  const done = (i: number): void => {
    if (--remaining[i]! === 0) opts.onText?.(i);
  };
  const concurrency = Math.max(1, opts.concurrency ?? 1);
  const inFlight = new Set<Promise<void>>();

  for (let i = 0; i < texts.length; i++) {
    const text = texts[i]!;
    if (perText === 0) opts.onText?.(i);
    const guard = new ProtectedText(text, constraints);
    let slot = 0;
    for (const def of defs) {
      const src: VariantSource = { text, def, guard, seed: opts.seed, options };
      for (const severity of opts.severities) {
        for (let variant = 0; variant < opts.variants; variant++) {
          const at = slot++;
          const result = perturbOne(src, severity, variant);
          if (!isPromise(result)) {
            results[i]![at] = result;
            done(i);
            continue;
          }
          const task = result.then((v) => {
            results[i]![at] = v;
            done(i);
          });
          const tracked: Promise<void> = task.finally(() => inFlight.delete(tracked));
          tracked.catch(() => undefined); // rejections surface through race/all below
          inFlight.add(tracked);
          // Bounded in-flight async calls: wait for one to finish before starting more.
          if (inFlight.size >= concurrency) await Promise.race(inFlight);
        }
      }
    }
  }
  await Promise.all(inFlight);
  return results;
}
