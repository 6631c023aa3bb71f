/**
 * Gate outcomes in words: which slice is worst and by how much, the other offenders, and a few
 * flipped examples a reader can act on. The gate engine (src/measure/gates.ts) decides pass/fail;
 * this module only explains, so the matchers, suites and the CLI say the same thing the same way.
 */
import { POOLED } from '../measure/accumulator.ts';
import {
  type Gate,
  type GateCheck,
  type GateMetric,
  type GateName,
  type GateOutcome,
  gateGap,
  isAttackGate,
  type SkippedSlice,
  type UnevaluatedGate,
  worstFirst,
} from '../measure/gates.ts';
import {
  type AttackSlice,
  attackSlices,
  candidateSlices,
  isAttackSlice,
  type Slice,
  type SliceFilter,
} from '../measure/slices.ts';
import {
  type AttackMetrics,
  type AttackRecord,
  DEFAULT_GAP_METRIC,
  type ExampleRecord,
  type GapMetric,
  isCounted,
  type Metrics,
  metricValue,
  type Report,
  type Result,
  type Severity,
  type VariantRecord,
} from '../types.ts';
import { stripControls } from '../util/strings.ts';
import { countRange, GAP_METRIC_NAMES, gapBuckets, pctCI, pp, ppCI, TOO_FEW_EXAMPLES } from './common.ts';

export const fmt = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : String(x));

/** "[0.010, 0.090]", or "(too few examples)" when the interval was withheld. */
export const fmtCI = (ci: readonly [number, number] | null): string =>
  ci ? `[${fmt(ci[0])}, ${fmt(ci[1])}]` : `(${TOO_FEW_EXAMPLES})`;

export const quote = (s: string): string => JSON.stringify(s);

/** The first `k` items formatted, then `… N more` when there were more: every evidence list's shape. */
export function listEvidence<T>(items: readonly T[], format: (item: T) => string, k = 5): string[] {
  const shown = items.slice(0, k).map(format);
  if (items.length > k) shown.push(`… ${items.length - k} more`);
  return shown;
}

// ───────────────────────────── nothing to check ─────────────────────────────

function describeFilter(filter: object): string {
  const parts = Object.entries(filter)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}`);
  return parts.length ? `{ ${parts.join(', ')} }` : 'no filter';
}

/** Thrown (not failed) when a gate has nothing to check: a typo in a filter must not pass silently. */
export class NothingToCheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NothingToCheckError';
  }
}

export class NoSlicesError extends NothingToCheckError {
  constructor(what: string, report: Report, filter: SliceFilter) {
    const available = [
      `perturbations: ${[...new Set(report.results.map((r) => r.perturbation))].join(', ') || '(none)'}`,
      `severities: ${[...new Set(report.results.map((r) => r.severity))].join(', ') || '(none)'}`,
      `buckets: ${report.buckets.map((b) => b.name).join(', ') || '(none)'}`,
    ].join('; ');
    super(
      `${what}: no slice of the report with changed variants matches ${describeFilter(filter)} (${available})`,
    );
    this.name = 'NoSlicesError';
  }
}

/** The error for a gate that selected nothing; `what` names the caller (e.g. the matcher). */
export function nothingToCheck(what: string, report: Report, gate: Gate): NothingToCheckError {
  if (isAttackGate(gate)) {
    const selected = attackSlices(report, gate.filter);
    if (selected.length > 0) {
      return new NothingToCheckError(`${what}: ${noAttackMetric(gate, selected.length)}`);
    }
    const section = report.attack;
    const buckets = Object.keys(section?.buckets ?? {}).join(', ') || '(none)';
    const classes = Object.keys(section?.perClass ?? {}).join(', ') || '(none)';
    return new NothingToCheckError(
      `${what}: no slice of the attack section matches ${describeFilter(gate.filter)} (buckets: ${buckets}; classes: ${classes})`,
    );
  }
  const fairness = gate.filter.fairness;
  if (fairness !== undefined && candidateSlices(report, { fairness }).length === 0) {
    return new NothingToCheckError(`${what}: ${noFairnessSlice(report, fairness)}`);
  }
  if (gate.metric === 'headTailGap') {
    return new NothingToCheckError(
      `${what}: no head/tail gap in ${GAP_METRIC_NAMES[gate.gapMetric ?? DEFAULT_GAP_METRIC]} to check for ${describeFilter(gate.filter)} — fewer than two buckets have data for it, or no result matches`,
    );
  }
  return new NoSlicesError(what, report, gate.filter);
}

/**
 * Why a fairness filter selects nothing: no perturbation of the run declares the slice (the report's
 * `fairness` lists the slices it has).
 */
export function noFairnessSlice(
  report: Partial<Pick<Report, 'fairness'>>,
  selected: true | string | readonly string[],
): string {
  const have = [...new Set((report.fairness ?? []).map((f) => f.slice))];
  const wanted =
    selected === true
      ? 'a fairness slice'
      : `the fairness slice ${(typeof selected === 'string' ? [selected] : selected).map((s) => `"${s}"`).join(' or ')}`;
  const slices = have.length ? `; its slices: ${have.join(', ')}` : '';
  return `no audited perturbation declares ${wanted} (a perturbation declares one with \`fairness\`; \`tailcheck perturbations\` lists them)${slices}`;
}

// ───────────────────────────── slices ─────────────────────────────

/** A slice as describeSlice names it: a result's, or the attack section's. */
export type SliceName =
  | Pick<Slice, 'pooled' | 'perturbation' | 'severity' | 'bucket' | 'class' | 'fairness' | 'attack'>
  | Pick<AttackSlice, 'attack' | 'bucket' | 'class'>;

export function describeSlice(slice: SliceName): string {
  const scope =
    slice.bucket !== undefined
      ? `, bucket "${slice.bucket}"`
      : slice.class !== undefined
        ? `, class "${slice.class}"`
        : '';
  if (slice.attack !== undefined) return `worst-case attack${scope}`;
  const where = slice.pooled
    ? 'all perturbations pooled'
    : slice.fairness !== undefined
      ? `fairness slice ${slice.fairness} (${slice.perturbation})`
      : slice.perturbation;
  return `${where}, severity ${slice.severity}${scope}`;
}

export function describeMetrics(
  m: Metrics,
  metric: 'drop' | 'breakRate' | 'flipRate' | 'robustAccuracy',
): string {
  const n = `n=${m.n} changed variants of ${m.nExamples} examples`;
  if (metric === 'flipRate') {
    const changed = Math.round(m.flipRate * m.n);
    return `invariance failure rate ${fmt(m.flipRate)} ${fmtCI(m.flipRateCI)} (${changed} of ${m.n} changed variants changed the prediction; ${m.nExamples} examples)`;
  }
  if (metric === 'drop') {
    return `drop ${fmt(m.drop)} ${fmtCI(m.dropCI)} (clean ${fmt(m.cleanAccuracy)} → perturbed ${fmt(m.perturbedAccuracy)}, ${n})`;
  }
  if (metric === 'breakRate') {
    const broken = Math.round(m.breakRate * m.nFromCorrect);
    return `break rate ${fmt(m.breakRate)} ${fmtCI(m.breakRateCI)} (${broken} of ${m.nFromCorrect} changed variants of correctly classified originals now wrong; clean ${fmt(m.cleanAccuracy)}, ${n})`;
  }
  return `robust accuracy ${fmt(m.robustAccuracy)} (clean ${fmt(m.cleanAccuracy)}, perturbed ${fmt(m.perturbedAccuracy)}, ${n})`;
}

/** An attack slice's metric with its CI and the counts it is a ratio of. */
export function describeAttackMetrics(
  m: AttackMetrics,
  metric: 'attackSuccessRate' | 'accuracyUnderAttack',
): string {
  const estimate = m[metric];
  const value = estimate.value === null ? '—' : `${fmt(estimate.value)} ${fmtCI(estimate.ci)}`;
  const clean = m.examples > 0 ? `clean accuracy ${fmt(m.correct / m.examples)}` : 'no example';
  if (metric === 'attackSuccessRate') {
    const edits = m.editsToFlip.mean.value;
    const cost = edits === null ? '' : `, mean ${fmt(edits)} edits to flip`;
    return `attack success rate ${value} (${m.flipped} of ${m.correct} correctly classified examples flipped within the budgets${cost}; ${m.examples} examples, ${clean})`;
  }
  return `accuracy under attack ${value} (${m.correct - m.flipped} of ${m.examples} examples correct and not flipped; ${clean})`;
}

/** Why an attack gate's selected slices have nothing to check (`n` slices selected). */
function noAttackMetric(gate: Pick<Gate, 'metric'>, n: number): string {
  const which =
    n === 1
      ? 'the selected slice of the attack section has no'
      : `none of the ${n} selected slices of the attack section has an`;
  return gate.metric === 'accuracyUnderAttack'
    ? `${which} example, so there is no accuracy under attack`
    : `${which} example classified correctly before any edit, so nothing was attacked and there is no attack success rate`;
}

// ───────────────────────────── cheapest flips of an attack ─────────────────────────────

/** The attack's flips in a slice, fewest edits first (ties in record order): what a reader can act on. */
export function cheapestFlips(
  report: Pick<Report, 'buckets' | 'attack'>,
  slice: Pick<AttackSlice, 'bucket' | 'class'>,
  k = 3,
): AttackRecord[] {
  const bucketLabels =
    slice.bucket !== undefined ? new Set(report.buckets.find((b) => b.name === slice.bucket)?.labels) : null;
  return (report.attack?.records ?? [])
    .filter(
      (r) =>
        r.success &&
        (bucketLabels === null || bucketLabels.has(r.label)) &&
        (slice.class === undefined || r.label === slice.class),
    )
    .map((r, i) => ({ r, i }))
    .sort((a, b) => a.r.edits.length - b.r.edits.length || a.i - b.i)
    .slice(0, k)
    .map(({ r }) => r);
}

export function formatAttackFlips(flips: readonly AttackRecord[]): string {
  if (flips.length === 0) return '  (no flipped example in this slice)';
  return flips
    .map((r) => {
      const edits = r.edits.map((e) => `${quote(e.before)} → ${quote(e.after)} ${e.perturbation}`).join(', ');
      return (
        `  ${quote(r.text)} → ${quote(r.adversarial)}  ${r.edits.length} edit${r.edits.length === 1 ? '' : 's'} (${edits}),` +
        ` gold ${r.label}, predicted ${r.finalPrediction}, gold probability ${fmt(r.goldProb)} → ${fmt(r.finalGoldProb)}`
      );
    })
    .join('\n');
}

// ───────────────────────────── flipped examples ─────────────────────────────

export interface FlipEvidence {
  original: string;
  variant: string;
  gold: string;
  /** prediction on the original */
  before: string;
  /** prediction on the variant */
  predicted: string;
  confidence: number;
}

type SliceWhere = Pick<Slice, 'pooled' | 'perturbation' | 'severity' | 'bucket' | 'class'>;

/**
 * Examples of the slice that went from right to wrong under a perturbation (those make
 * up the drop); when there are fewer than `k`, other prediction changes fill in.
 */
export function flippedExamples(report: Report, slice: SliceWhere, k = 3): FlipEvidence[] {
  const examples = report.examples ?? [];
  const bucketLabels =
    slice.bucket !== undefined ? new Set(report.buckets.find((b) => b.name === slice.bucket)?.labels) : null;
  const inSlice = (e: ExampleRecord): boolean =>
    (bucketLabels === null || bucketLabels.has(e.label)) &&
    (slice.class === undefined || e.label === slice.class);
  const variantInSlice = (v: VariantRecord): boolean =>
    isCounted(v) && v.severity === slice.severity && (slice.pooled || v.perturbation === slice.perturbation);
  const breaks: FlipEvidence[] = [];
  const flips: FlipEvidence[] = [];
  for (const e of examples) {
    if (!inSlice(e)) continue;
    for (const v of e.variants) {
      if (!variantInSlice(v) || v.prediction === e.prediction) continue;
      const evidence = {
        original: e.text,
        variant: v.text,
        gold: e.label,
        before: e.prediction,
        predicted: v.prediction,
        confidence: v.confidence,
      };
      if (e.prediction === e.label && v.prediction !== e.label) breaks.push(evidence);
      else flips.push(evidence);
      break; // one variant per example keeps the evidence varied
    }
    if (breaks.length >= k) break;
  }
  return [...breaks, ...flips].slice(0, k);
}

export function formatFlips(flips: readonly FlipEvidence[], report?: Report): string {
  if (flips.length === 0) {
    if (report && !report.examples) {
      return `  (no per-example records in the report${report.examplesFile ? `; see ${report.examplesFile}` : ''})`;
    }
    return '  (no flipped example in this slice)';
  }
  return flips
    .map(
      (f) =>
        `  ${quote(f.original)} → ${quote(f.variant)}  gold ${f.gold}, predicted ${f.predicted} (${fmt(f.confidence)})` +
        (f.before !== f.gold ? `, was ${f.before}` : ''),
    )
    .join('\n');
}

// ───────────────────────────── gate explanations ─────────────────────────────

export interface GateExplanation {
  /** failure explanation when the gate failed; the negated explanation otherwise */
  message: string;
  /** the number the bound was compared with, for machine-readable output */
  worstValue: number;
  /** the worst slice and its numbers, one line */
  worst: string;
  /** failures only: other offenders and flipped examples (the message minus its first two lines) */
  evidence: string;
}

const FLIPPED_EXAMPLES = 'examples (original → variant, gold, predicted):\n';

/** Words per metric: the pass message's wording and the failure headline's. */
const WORDING: Record<GateMetric, { negated: string; worst: string; expected: string; failing: string }> = {
  drop: {
    negated: 'expected some slice to drop more than',
    worst: 'are within it; largest',
    expected: 'expected accuracy drop ≤',
    failing: 'slices exceed it',
  },
  breakRate: {
    negated: 'expected some slice to break more often than',
    worst: 'are within it; largest',
    expected: 'expected break rate ≤',
    failing: 'slices exceed it',
  },
  flipRate: {
    negated: 'expected some slice to fail invariance more often than',
    worst: 'are within it; largest',
    expected: 'expected invariance failure rate ≤',
    failing: 'slices exceed it',
  },
  robustAccuracy: {
    negated: 'expected some slice below robust accuracy',
    worst: 'reach it; lowest',
    expected: 'expected robust accuracy ≥',
    failing: 'slices fall short',
  },
  headTailGap: {
    negated: 'expected some head–tail gap above',
    worst: 'are within it; largest',
    expected: 'expected head–tail gap ≤',
    failing: 'exceed it',
  },
  attackSuccessRate: {
    negated: 'expected some slice to be flipped by the attack more often than',
    worst: 'are within it; largest',
    expected: 'expected attack success rate ≤',
    failing: 'slices exceed it',
  },
  accuracyUnderAttack: {
    negated: 'expected some slice below accuracy under attack',
    worst: 'reach it; lowest',
    expected: 'expected accuracy under attack ≥',
    failing: 'slices fall short',
  },
};

function others(offenders: readonly GateCheck[]): string {
  const rest = offenders.slice(1);
  if (rest.length === 0) return '';
  const shown = rest
    .slice(0, 5)
    .map((c) => `${describeSlice(c)} (${fmt(c.value)})`)
    .join('; ');
  return `also out of bounds: ${shown}${rest.length > 5 ? `; … ${rest.length - 5} more` : ''}\n`;
}

/** Each bucket's value of the metric, with its clean accuracy: "many 0.120 (clean 0.68), few 0.356 (clean 0.19)". */
function bucketValues(report: Report, result: Result, metric: GapMetric): string {
  return report.buckets
    .filter((b) => (result.buckets[b.name]?.n ?? 0) > 0)
    .map((b) => {
      const m = result.buckets[b.name]!;
      // a bucket without a correct original has no break rate: a dash, never a placeholder 0
      if (metric === 'break' && m.nFromCorrect === 0)
        return `${b.name} — (clean ${m.cleanAccuracy.toFixed(2)})`;
      return `${b.name} ${fmt(metricValue(m, metric))} (clean ${m.cleanAccuracy.toFixed(2)})`;
    })
    .join(', ');
}

function describeCheck(report: Report, check: GateCheck, gate: Gate): string {
  const metric = gate.metric;
  if (isAttackSlice(check)) {
    const attackMetric = metric === 'accuracyUnderAttack' ? metric : 'attackSuccessRate';
    return `${describeSlice(check)}: ${describeAttackMetrics(check.attack, attackMetric)}`;
  }
  if (metric === 'attackSuccessRate' || metric === 'accuracyUnderAttack') {
    throw new Error(`${gate.name} checked a slice without attack metrics`);
  }
  if (metric !== 'headTailGap') return `${describeSlice(check)}: ${describeMetrics(check.metrics, metric)}`;
  const gapMetric = gate.gapMetric ?? DEFAULT_GAP_METRIC;
  const gap = gateGap(gate, check.result);
  const name = GAP_METRIC_NAMES[gapMetric];
  const compared = gap ? ` (${gapBuckets(gap, (s) => s)} ${name})` : '';
  return (
    `${describeSlice(check)}: head–tail gap${compared} ${fmt(check.value)} ${fmtCI(check.ci)}` +
    ` (${name} by bucket: ${bucketValues(report, check.result, gapMetric)})`
  );
}

function failureEvidence(report: Report, gate: Gate, offenders: readonly GateCheck[]): string {
  const worst = offenders[0]!;
  if (isAttackSlice(worst)) {
    return `${others(offenders)}cheapest flips (original → adversarial, edits, gold, predicted):\n${formatAttackFlips(cheapestFlips(report, worst))}`;
  }
  if (gate.metric !== 'headTailGap') {
    return `${others(offenders)}flipped ${FLIPPED_EXAMPLES}${formatFlips(flippedExamples(report, worst), report)}`;
  }
  // A gap is about the tail: show flips of the rarest classes it compares.
  const tail = gateGap(gate, worst.result)?.tail;
  const slice: SliceWhere = {
    perturbation: worst.perturbation,
    pooled: worst.pooled,
    severity: worst.severity,
    ...(tail !== undefined ? { bucket: tail } : {}),
  };
  return `flipped tail ${FLIPPED_EXAMPLES}${formatFlips(flippedExamples(report, slice), report)}`;
}

/** Explains a gate's outcome (which must have checked at least one slice). */
export function explainGate(report: Report, gate: Gate, outcome: GateOutcome): GateExplanation {
  const ordered = worstFirst(outcome.checks, gate.comparator);
  const worst = ordered[0];
  if (!worst) throw nothingToCheck(gate.name, report, gate);
  const words = WORDING[gate.metric];
  const head = describeCheck(report, worst, gate);
  const checked = outcome.checks.length;
  if (outcome.passed) {
    return {
      worstValue: worst.value,
      worst: head,
      evidence: '',
      message: `${words.negated} ${fmt(gate.bound)}, but all ${checked} ${words.worst}: ${head}`,
    };
  }
  const offenders = ordered.filter((c) => !c.passed);
  const headline = `${words.expected} ${fmt(gate.bound)}, but ${offenders.length} of ${checked} ${words.failing}`;
  const evidence = failureEvidence(report, gate, offenders);
  return {
    worstValue: worst.value,
    worst: head,
    evidence,
    message: `${headline}\nworst: ${head}\n${evidence}`,
  };
}

// ───────────────────────────── gates that check nothing ─────────────────────────────

/**
 * Why a gate checked no slice, in words (the gate then fails: a gate that was asked for and has
 * nothing to check must never pass silently).
 */
export function whyNotEvaluated(
  report: Pick<Report, 'buckets'> & Partial<Pick<Report, 'fairness'>>,
  unevaluated: UnevaluatedGate,
): string {
  const { gate, skipped } = unevaluated;
  if (isAttackGate(gate)) {
    return skipped.length === 0
      ? `no slice of the attack section matches ${describeFilter(gate.filter)}`
      : noAttackMetric(gate, skipped.length);
  }
  if (gate.scope.tailBucket) {
    const tail = report.buckets.at(-1);
    if (!tail) return 'the report has no frequency buckets, so there is no tail bucket to check';
    if (skipped.length > 0) {
      const bucket = `the tail bucket "${tail.name}" (${tail.labels.length} ${tail.labels.length === 1 ? 'class' : 'classes'} with ${countRange(tail.minCount, tail.maxCount)} training examples)`;
      if (gate.metric === 'breakRate' && skipped.some((s) => !isAttackSlice(s) && s.metrics.n > 0)) {
        return `${bucket} has no changed variant of a correctly classified original in any result (the model classifies none of its perturbed originals correctly), so it has no break rate`;
      }
      return `${bucket} has no changed variants in any result (the data has no example of its classes, or no perturbation changed one)`;
    }
  }
  if (skipped.length === 0 && gate.filter.fairness !== undefined) {
    return noFairnessSlice(report, gate.filter.fairness);
  }
  if (skipped.length === 0) {
    return Object.values(gate.filter).some((v) => v !== undefined)
      ? `no result matches ${describeFilter(gate.filter)}`
      : 'the report has no results';
  }
  if (gate.metric === 'headTailGap') {
    return gate.gapMetric === 'break' || gate.gapMetric === undefined
      ? 'no selected result has changed variants of correctly classified originals in two frequency buckets, so there is no head–tail gap in break rate'
      : `no selected result has changed variants in two frequency buckets, so there is no head–tail gap in ${GAP_METRIC_NAMES[gate.gapMetric]}`;
  }
  return 'no selected slice has changed variants (no perturbation changed a text there)';
}

/** A slice left unchecked, short: "typo.swap s3" or "all s1" (an attack slice: "attack"), with its bucket or class. */
export function shortSlice(s: SkippedSlice): string {
  const what = s.bucket !== undefined ? ` ${s.bucket}` : s.class !== undefined ? ` ${s.class}` : '';
  if (isAttackSlice(s)) return `attack${what}`;
  const where = s.pooled || s.perturbation === POOLED ? 'all' : s.perturbation;
  return `${where} s${s.severity}${what}`;
}

/** The flag that sets each command-line gate (the others come from suites and matchers). */
export const GATE_FLAGS: Readonly<Partial<Record<GateName, string>>> = {
  maxDrop: '--max-drop',
  maxTailDrop: '--max-tail-drop',
  maxTailBreak: '--max-tail-break',
  maxFairnessFailure: '--max-fairness-failure',
  maxAttackSuccess: '--max-attack-success',
  minAccuracyUnderAttack: '--min-accuracy-under-attack',
};

interface GateReads {
  words: string;
  /** a drop and a gap are differences (percentage points), the others rates (percent) */
  unit: 'pp' | '%';
  hasCI: boolean;
  /** the sign of a failure: an upper bound fails when the value is above it */
  bound: 'upper' | 'lower';
}

/** What each gate reads, for its line. */
const GATE_READS: Readonly<Record<GateName, GateReads>> = {
  maxDrop: { words: 'drop', unit: 'pp', hasCI: true, bound: 'upper' },
  maxTailDrop: { words: 'drop', unit: 'pp', hasCI: true, bound: 'upper' },
  maxTailBreak: { words: 'break rate', unit: '%', hasCI: true, bound: 'upper' },
  // The report has no interval for robust accuracy.
  minRobustAccuracy: { words: 'robust accuracy', unit: '%', hasCI: false, bound: 'lower' },
  maxTailGap: { words: 'head–tail gap', unit: 'pp', hasCI: true, bound: 'upper' },
  maxFairnessFailure: { words: 'invariance failure rate', unit: '%', hasCI: true, bound: 'upper' },
  maxAttackSuccess: { words: 'attack success rate', unit: '%', hasCI: true, bound: 'upper' },
  minAccuracyUnderAttack: { words: 'accuracy under attack', unit: '%', hasCI: true, bound: 'lower' },
};

/**
 * A failed check in one line, in the units of text (percentage points for a drop or a gap, percent
 * for a rate) with the flag's own fraction beside the limit:
 * `maxTailDrop: typo.split, severity 2, bucket "few": drop +18.0 pp [+12.0, +25.0] > 5.0 pp (--max-tail-drop 0.05)`.
 * The value gets more decimals when one would print it equal to the limit. Safe to print: outside
 * names (perturbations, buckets, classes) are stripped of control characters. The CLI prefixes it
 * with "GATE FAILED "; CI annotations can reuse it as is.
 */
export function describeFailedCheck(check: GateCheck): string {
  return stripControls(`${check.name}: ${describeFailedSlice(check)}`);
}

/** describeFailedCheck without the gate's name (for a place that names it already, as an annotation's title). */
export function describeFailedSlice(check: GateCheck): string {
  const reads = GATE_READS[check.name];
  const scale = (x: number, digits: number) => (x * 100).toFixed(digits);
  let digits = 1;
  while (digits < 3 && scale(Math.abs(check.value), digits) === scale(Math.abs(check.limit), digits))
    digits++;
  const value = reads.unit === 'pp' ? `${pp(check.value, digits)} pp` : `${scale(check.value, digits)}%`;
  const ci = reads.hasCI ? ` ${reads.unit === 'pp' ? ppCI(check.ci) : pctCI(check.ci)}` : '';
  const op = reads.bound === 'upper' ? (check.passed ? '≤' : '>') : check.passed ? '≥' : '<';
  const limit = `${scale(check.limit, digits)}${reads.unit === 'pp' ? ' pp' : '%'}`;
  const flag = GATE_FLAGS[check.name];
  const asFlag = flag !== undefined ? ` (${flag} ${check.limit})` : '';
  return stripControls(`${describeSlice(check)}: ${reads.words} ${value}${ci} ${op} ${limit}${asFlag}`);
}

/** A gate that checked nothing, in one line: `maxTailDrop: not evaluated — <why>; a gate that checks nothing fails`. */
export function describeUnevaluatedGate(
  unevaluated: UnevaluatedGate,
  report: Pick<Report, 'buckets'>,
): string {
  const why = whyNotEvaluated(report, unevaluated);
  return stripControls(`${unevaluated.gate.name}: not evaluated — ${why}; a gate that checks nothing fails`);
}

/**
 * The lines `audit`/`merge` print to stderr for the command-line gates, always (with --quiet too):
 * one per failed check, naming its slice, and one per gate that could not be evaluated (a failure too).
 */
export function gateFailureLines(outcome: GateOutcome, report: Pick<Report, 'buckets'>): string {
  const lines = outcome.checks.filter((c) => !c.passed).map((c) => `GATE FAILED ${describeFailedCheck(c)}`);
  for (const u of outcome.unevaluated) lines.push(`GATE FAILED ${describeUnevaluatedGate(u, report)}`);
  return lines.map((l) => `${l}\n`).join('');
}

/** One note per gate on the slices it selected but could not check (no changed variants there). */
/** The slices a gate could not check, by gate, in the order the gates first skip one (a gate that checked nothing is said once, as its failure). */
export function skippedByGate(outcome: GateOutcome): Map<GateName, SkippedSlice[]> {
  const unevaluated = new Set(outcome.unevaluated.map((u) => u.gate.name));
  const byGate = new Map<GateName, SkippedSlice[]>();
  for (const s of outcome.skipped) {
    if (unevaluated.has(s.name)) continue;
    byGate.set(s.name, [...(byGate.get(s.name) ?? []), s]);
  }
  return byGate;
}

export function gateSkippedLines(outcome: GateOutcome): string {
  return [...skippedByGate(outcome)]
    .map(
      ([name, skipped]) =>
        `${stripControls(`gate ${name}: not checked in ${skipped.length} slice(s) without changed variants: ${listEvidence(skipped, shortSlice).join(', ')}`)}\n`,
    )
    .join('');
}

// ───────────────────────────── invariance ─────────────────────────────

export interface InvarianceFlip {
  original: string;
  variant: string;
  perturbation: string;
  /** prediction on the original */
  before: string;
  /** prediction on the variant */
  after: string;
  /** probability of `after` on the variant */
  confidence: number;
}

export interface InvarianceOutcome {
  perturbations: string[];
  severity: Severity;
  /** input texts */
  nTexts: number;
  /** changed variants that were classified */
  n: number;
  /** variants the perturbation could not change (no eligible site) — not counted */
  unchanged: number;
  flips: InvarianceFlip[];
  flipRate: number;
  maxFlipRate: number;
  pass: boolean;
}

export function formatInvarianceFlips(flips: readonly InvarianceFlip[], k = 5): string {
  if (flips.length === 0) return '  (none)';
  return listEvidence(
    flips,
    (f) =>
      `${quote(f.original)} → ${quote(f.variant)}  ${f.before} → ${f.after} (${fmt(f.confidence)})` +
      ` [${f.perturbation}]`,
    k,
  )
    .map((line) => `  ${line}`)
    .join('\n');
}

export function invarianceMessage(o: InvarianceOutcome): string {
  const what = `${o.perturbations.join(', ')} at severity ${o.severity}`;
  const counts = `${o.flips.length} of ${o.n} changed variants of ${o.nTexts} texts`;
  if (o.pass) {
    return `expected predictions to change under ${what}, but the flip rate ${fmt(o.flipRate)} (${counts}) is within ${fmt(o.maxFlipRate)}`;
  }
  return (
    `expected flip rate ≤ ${fmt(o.maxFlipRate)} under ${what}, got ${fmt(o.flipRate)} (${counts} changed prediction)\n` +
    `flipped (original → variant, before → after):\n${formatInvarianceFlips(o.flips)}`
  );
}
