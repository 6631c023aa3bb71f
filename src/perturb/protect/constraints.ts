/**
 * Spans no perturbation may touch: changing them changes the meaning or the label rather
 * than the surface form (an amount, a date, a link, a negation).
 *
 * Protection is a list of constraints, composed the way TextAttack composes them: span
 * constraints (numbers, amounts, URLs, e-mails, mentions, hashtags, negations, user regexes)
 * whose ranges no edit may touch, and edit constraints (grapheme boundaries) every edit must
 * pass. The built-in ones always apply; callers add theirs through `protect`. Negation spans
 * are the one exception: an edit marked `rewritesNegation` may rewrite them (the engine checks
 * that the negation survives). The patterns themselves live in patterns.ts.
 */
import type { EditableProtection, EditProposal, Span } from '../../types.ts';
import { isGraphemeBoundary } from '../text/index.ts';
import {
  findAmounts,
  findEmails,
  findHashtags,
  findMatches,
  findMentions,
  findNegations,
  findNumbers,
  findUrls,
} from './patterns.ts';

/**
 * A rule marking ranges of a text that no edit may touch. Constraints compose like
 * TextAttack's: the engine takes the union of every span constraint's ranges.
 */
export interface SpanConstraint {
  readonly name: string;
  /** ranges of `text` no edit may touch, in any order, overlaps allowed */
  spans(text: string): readonly Span[];
  /** the ranges are negations: an edit marked `rewritesNegation` may overlap them if it keeps the negation */
  readonly negation?: boolean;
}

/** A rule each applied edit must satisfy: returns what is wrong with the edit, or undefined. */
export interface EditConstraint {
  readonly name: string;
  check(text: string, edit: EditProposal): string | undefined;
}

export type Constraint = SpanConstraint | EditConstraint;

/**
 * What callers pass as `protect`, on top of the built-in constraints (which always apply):
 * span constraints, or regexes as shorthand for "every match is protected".
 */
export type Protection = SpanConstraint | RegExp;

const globalCache = new WeakMap<RegExp, RegExp>();

function asGlobal(re: RegExp): RegExp {
  if (re.global) return re;
  let g = globalCache.get(re);
  if (!g) {
    g = new RegExp(re.source, `${re.flags}g`);
    globalCache.set(re, g);
  }
  return g;
}

/** A user regex as a span constraint: every match is protected. */
export function regexConstraint(re: RegExp): SpanConstraint {
  const global = asGlobal(re);
  return { name: String(re), spans: (text) => findMatches(global, text) };
}

/** Numbers with their glued units, dates and times. */
export const numbers: SpanConstraint = { name: 'numbers', spans: findNumbers };

/** Currency amounts ("$5", "20 EUR", "£1.5k"). */
export const amounts: SpanConstraint = { name: 'amounts', spans: findAmounts };

export const urls: SpanConstraint = { name: 'urls', spans: findUrls };

export const emails: SpanConstraint = { name: 'emails', spans: findEmails };

export const mentions: SpanConstraint = { name: 'mentions', spans: findMentions };

export const hashtags: SpanConstraint = { name: 'hashtags', spans: findHashtags };

export const negations: SpanConstraint = { name: 'negations', negation: true, spans: findNegations };

/** Edits start and end between user-perceived characters, never inside an emoji or é. */
export const graphemeBoundaries: EditConstraint = {
  name: 'grapheme boundaries',
  check: (text, { start, end }) =>
    isGraphemeBoundary(text, start) && isGraphemeBoundary(text, end)
      ? undefined
      : `[${start}, ${end}) is not on grapheme boundaries`,
};

/** Every variant of every text obeys these, whatever the caller passes as `protect`. */
export const BUILTIN_CONSTRAINTS: readonly Constraint[] = [
  numbers,
  amounts,
  urls,
  emails,
  mentions,
  hashtags,
  negations,
  graphemeBoundaries,
];

/** The built-in constraints plus the caller's, split by kind; compile once per run. */
export interface Constraints {
  readonly spanRules: readonly SpanConstraint[];
  readonly editRules: readonly EditConstraint[];
}

function isSpanConstraint(c: Constraint): c is SpanConstraint {
  return typeof (c as SpanConstraint).spans === 'function';
}

const BUILTIN: Constraints = {
  spanRules: BUILTIN_CONSTRAINTS.filter(isSpanConstraint),
  editRules: BUILTIN_CONSTRAINTS.filter((c): c is EditConstraint => !isSpanConstraint(c)),
};

export function compileConstraints(protect?: readonly Protection[]): Constraints {
  if (!protect || protect.length === 0) return BUILTIN;
  const user = protect.map((p) => (p instanceof RegExp ? regexConstraint(p) : p));
  return { spanRules: [...BUILTIN.spanRules, ...user], editRules: BUILTIN.editRules };
}

/**
 * `constraints` without the built-in span rules an entity perturbation edits (its `editsProtected`):
 * entity.amount may rewrite "$45.99", never a URL, a negation or a user's `--protect` match.
 */
export function releaseProtections(
  constraints: Constraints,
  released: readonly EditableProtection[] | undefined,
): Constraints {
  if (!released || released.length === 0) return constraints;
  const builtin = new Set<SpanConstraint>(BUILTIN.spanRules);
  return {
    spanRules: constraints.spanRules.filter(
      (r) => !(builtin.has(r) && released.includes(r.name as EditableProtection)),
    ),
    editRules: constraints.editRules,
  };
}

/** Sort and merge overlapping or touching spans. */
export function mergeSpans(spans: Span[]): Span[] {
  if (spans.length < 2) return spans;
  spans.sort((a, b) => a.start - b.start || a.end - b.end);
  const out: Span[] = [{ ...spans[0]! }];
  for (let i = 1; i < spans.length; i++) {
    const s = spans[i]!;
    const last = out[out.length - 1]!;
    if (s.start <= last.end) last.end = Math.max(last.end, s.end);
    else out.push({ ...s });
  }
  return out;
}

/**
 * The span constraints evaluated on one text: every rule runs once, and the result is shared
 * by all the text's variants. The spans without negations (for `rewritesNegation` edits) are
 * merged from the same rule results, only when first asked. `isFree` and
 * `isFreeExceptNegations` are bound, so the engine hands them to every variant's context as
 * they are, without a closure per variant.
 */
export class ProtectedText {
  /** sorted, merged: every range no edit may touch */
  readonly spans: readonly Span[];
  /** the non-negation rules' spans, unmerged; kept only when the text holds a negation */
  private readonly otherSpans: Span[] | undefined;
  private withoutNegations: readonly Span[] | undefined;

  constructor(
    private readonly text: string,
    private readonly constraints: Constraints,
  ) {
    const others: Span[] = [];
    let negationSpans: Span[] | undefined;
    for (const rule of constraints.spanRules) {
      const found = rule.spans(text);
      if (found.length === 0) continue;
      if (rule.negation) {
        negationSpans ??= [];
        for (const s of found) negationSpans.push(s);
      } else {
        for (const s of found) others.push(s);
      }
    }
    if (negationSpans === undefined) {
      // Most texts hold no negation: the spans without them are the same spans.
      this.spans = mergeSpans(others);
      this.withoutNegations = this.spans;
    } else {
      this.spans = mergeSpans(others.concat(negationSpans));
      this.otherSpans = others;
    }
  }

  /** True when [start, end) overlaps no protected span. */
  readonly isFree = (start: number, end: number): boolean => isFreeOf(this.spans, start, end);

  /** True when [start, end) overlaps no protected span other than negations. */
  readonly isFreeExceptNegations = (start: number, end: number): boolean => {
    this.withoutNegations ??= mergeSpans(this.otherSpans!);
    return isFreeOf(this.withoutNegations, start, end);
  };

  /** What is wrong with `edit` under the edit constraints (grapheme boundaries …), or undefined. */
  editProblem(edit: EditProposal): string | undefined {
    for (const rule of this.constraints.editRules) {
      const problem = rule.check(this.text, edit);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }
}

/** What the engine asks of a text's protections (a ProtectedText, or a view of one). */
export type TextGuard = Pick<ProtectedText, 'spans' | 'isFree' | 'isFreeExceptNegations' | 'editProblem'>;

/**
 * `guard` with everything outside [start, end) protected too: a perturbation then edits only that
 * range (the attack's one-word candidates). The text's own rules are not run again.
 */
export function confine(guard: TextGuard, start: number, end: number): TextGuard {
  const inside = (a: number, b: number): boolean => a >= start && b <= end;
  return {
    spans: guard.spans,
    isFree: (a, b) => inside(a, b) && guard.isFree(a, b),
    isFreeExceptNegations: (a, b) => inside(a, b) && guard.isFreeExceptNegations(a, b),
    editProblem: (edit) => guard.editProblem(edit),
  };
}

/**
 * True when [start, end) overlaps none of the sorted `spans`. An insertion (start = end)
 * is blocked only strictly inside a span: text glued to a span's edge leaves it intact.
 */
export function isFreeOf(spans: readonly Span[], start: number, end: number): boolean {
  for (const s of spans) {
    if (s.start >= end) return true;
    if (start === end ? s.start < start && start < s.end : start < s.end) return false;
  }
  return true;
}
