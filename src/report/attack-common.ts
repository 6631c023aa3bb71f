/**
 * What every report format shows of the worst-case attack (`report.attack`): the numbers formatted
 * alike, the per-bucket rows, the gap and slope lines, the outcome counts, the cheapest flips and the
 * spans of their edited words. Every number is read off the section (its metrics, or for the outcome
 * counts and the cheapest flips its records); nothing is re-estimated here. Pure; escaping is the
 * caller's (texts come back raw).
 */
import { attackGapReading, significanceWords } from '../measure/verdict.ts';
import type {
  AttackEstimate,
  AttackGap,
  AttackGapMetric,
  AttackMetrics,
  AttackOutcome,
  AttackRecord,
  AttackSection,
  AttackSlope,
  BucketInfo,
  Report,
} from '../types.ts';
import { compareStrings } from '../util/strings.ts';
import {
  confidenceLabel,
  diffVariant,
  MISSING,
  pct,
  pctCI,
  pp,
  ppCI,
  type Segment,
  TOO_FEW_EXAMPLES,
} from './common.ts';

export { attackGapReading };

// ───────────────────────────── numbers ─────────────────────────────

/** A rate estimate in percent with its CI: "97.6% [94.1, 100.0]"; "—" when the slice has none. */
export function attackRate(e: AttackEstimate): string {
  return e.value === null ? MISSING : `${pct(e.value)} ${pctCI(e.ci)}`;
}

/** "1.13": a mean number of words, two decimals. */
export const editsNumber = (x: number): string => x.toFixed(2);

/** "1", "1.5": a median of whole numbers (an interval's bounds too). */
export const medianNumber = (x: number): string => (Number.isInteger(x) ? String(x) : x.toFixed(1));

/** "21.3": queries per example, one decimal. */
export const queriesNumber = (x: number): string => x.toFixed(1);

/** A number estimate with its CI in the same format: "1.13 [1.06, 1.21]"; "—" when the slice has none. */
export function attackNumber(e: AttackEstimate, format: (x: number) => string): string {
  if (e.value === null) return MISSING;
  const interval = e.ci ? `[${format(e.ci[0])}, ${format(e.ci[1])}]` : `(${TOO_FEW_EXAMPLES})`;
  return `${format(e.value)} ${interval}`;
}

/** A difference in words, signed: "-0.14", "+0.30", "0.00". */
export function signedEdits(x: number): string {
  const text = Math.abs(x).toFixed(2);
  return Number(text) === 0 ? text : `${x < 0 ? '-' : '+'}${text}`;
}

/** Clean accuracy of a slice, from its counts: "35.0%"; "—" without examples. */
export function attackCleanAccuracy(m: AttackMetrics | undefined): string {
  return m && m.examples > 0 ? pct(m.correct / m.examples) : MISSING;
}

// ───────────────────────────── the run ─────────────────────────────

/** "greedy word-importance search" / "random search (the seeded baseline)" */
export const SEARCH_WORDS: Readonly<Record<AttackSection['config']['search'], string>> = {
  greedy: 'greedy word-importance search',
  random: 'random search (the seeded baseline)',
};

/** The budgets in one phrase: "edits: up to 20% of each text's words (at least 1); queries: up to 200 per example; …". */
export function attackBudgets(section: Pick<AttackSection, 'config'>): string {
  const c = section.config;
  const edits = c.maxEdits.endsWith('%')
    ? `up to ${c.maxEdits} of each text's words (at least 1)`
    : `up to ${c.maxEdits} word${c.maxEdits === '1' ? '' : 's'}`;
  const candidates = `${c.candidatesPerWord} candidate${c.candidatesPerWord === 1 ? '' : 's'}`;
  return `edits: ${edits}; queries: up to ${c.maxQueries} per example; ${candidates} per word and transformation`;
}

/** What the attack's numbers are, for the legends of every format. */
export function attackLegend(report: Report): string {
  return `Attack success rate = share of the correctly classified examples the search flipped within the budgets; accuracy under attack = share of all examples still classified correctly after it; edits to flip = words changed in a flipped example (mean, median, and mean share of the text's words); queries = texts the model scored per attacked example. ${confidenceLabel(report)}s from a class-stratified bootstrap; a slice of fewer than 2 examples (for edits to flip: flipped examples) shows "${TOO_FEW_EXAMPLES}"`;
}

/** A report that measured the attack and no perturbation (`audit({ perturb: [], attack })`). */
export function attackOnly(report: Report): boolean {
  return report.attack !== undefined && report.summary.length === 0 && report.results.length === 0;
}

// ───────────────────────────── by bucket ─────────────────────────────

export interface AttackBucketRow {
  /** the bucket, or undefined for the row of all classes */
  bucket: BucketInfo | undefined;
  classes: number;
  metrics: AttackMetrics | undefined;
}

/** One row per bucket in the report's order (head → tail), then all classes. */
export function attackBucketRows(
  report: Pick<Report, 'buckets' | 'classes'>,
  section: AttackSection,
): AttackBucketRow[] {
  return [
    ...report.buckets.map((b) => ({ bucket: b, classes: b.labels.length, metrics: section.buckets[b.name] })),
    { bucket: undefined, classes: report.classes.length, metrics: section.overall },
  ];
}

/** The cells of a bucket row after its name, train count and classes (also the column headers below). */
export function attackMetricCells(m: AttackMetrics | undefined): string[] {
  if (!m || m.examples === 0) return ['0', MISSING, MISSING, MISSING, MISSING, MISSING, MISSING, MISSING];
  return [
    String(m.examples),
    `${attackCleanAccuracy(m)} (${m.correct})`,
    `${attackRate(m.attackSuccessRate)} (${m.flipped})`,
    attackRate(m.accuracyUnderAttack),
    attackNumber(m.editsToFlip.mean, editsNumber),
    attackNumber(m.editsToFlip.median, medianNumber),
    attackRate(m.editsToFlip.shareOfWords),
    attackNumber(m.queriesPerExample, queriesNumber),
  ];
}

/** Headers of `attackMetricCells`, with the CI's label. */
export function attackMetricHeaders(report: Report): string[] {
  const ci = confidenceLabel(report);
  return [
    'examples',
    'clean (correct)',
    `success rate [${ci}] (flipped)`,
    `accuracy under attack [${ci}]`,
    `edits to flip, mean [${ci}]`,
    `median [${ci}]`,
    `share of words [${ci}]`,
    `queries per example [${ci}]`,
  ];
}

// ───────────────────────────── gaps and slopes ─────────────────────────────

export const ATTACK_METRIC_NAMES: Readonly<Record<AttackGapMetric, string>> = {
  attackSuccessRate: 'attack success rate',
  editsToFlip: 'edits to flip (mean)',
};

/** The metrics in the order the reports list them: the question (edits to flip) first. */
export const ATTACK_GAP_METRICS: readonly AttackGapMetric[] = ['editsToFlip', 'attackSuccessRate'];

/** A gap or slope value with its CI, without unit: "+5.0 [+1.0, +9.0]" (pp), "-0.14 [-0.29, 0.00]" (words). */
export function attackDifference(
  metric: AttackGapMetric,
  value: number,
  ci: readonly [number, number] | null,
): string {
  if (metric === 'attackSuccessRate') return `${pp(value)} ${ppCI(ci)}`;
  const interval = ci ? `[${signedEdits(ci[0])}, ${signedEdits(ci[1])}]` : `(${TOO_FEW_EXAMPLES})`;
  return `${signedEdits(value)} ${interval}`;
}

/** The unit of a head–tail gap: "pp" (success rate), "words" (edits to flip). */
export const GAP_UNITS: Readonly<Record<AttackGapMetric, string>> = {
  attackSuccessRate: 'pp',
  editsToFlip: 'words',
};

/** The unit of a slope: "pp per ln(train count)", "words per ln(train count)". */
export const SLOPE_UNITS: Readonly<Record<AttackGapMetric, string>> = {
  attackSuccessRate: 'pp per ln(train count)',
  editsToFlip: 'words per ln(train count)',
};

export const SLOPE_WEIGHT_WORDS: Readonly<Record<AttackSlope['weights'], string>> = {
  correctExamples: 'their correctly classified examples',
  flippedExamples: 'their flipped examples',
};

/** What a slope of each sign says about the rarer classes (the slope is against ln(train count)). */
const SLOPE_READINGS: Readonly<Record<AttackGapMetric, { negative: string; positive: string }>> = {
  attackSuccessRate: {
    negative: 'rarer classes are flipped more often',
    positive: 'rarer classes are flipped less often',
  },
  editsToFlip: {
    negative: 'rarer classes flip after more edits',
    positive: 'rarer classes flip after fewer edits',
  },
};

/** How to read the gap and slope columns of the attack's gap tables. */
export const ATTACK_GAP_LEGEND =
  'Head–tail gaps are tail − head bucket, tail slopes are per ln(train count) with each class weighted by its evidence; the rarer classes fare worse when the success rate gap is positive or its slope negative, and when the edits-to-flip gap is negative or its slope positive (they flip after fewer edits)';

export interface AttackGapLine {
  metric: AttackGapMetric;
  gap: AttackGap | null;
  slope: AttackSlope | null;
  /** "head–tail gap in edits to flip (mean): few-shot classes flip after fewer edits than … (gap …; not significant at 95 %)", or n/a and why */
  gapText: string;
  /** "tail slope of edits to flip (mean): +0.07 [+0.02, +0.11] words per ln(train count): rarer classes flip after fewer edits (…)", or n/a */
  slopeText: string;
  /** the tail fares worse and the CI excludes 0: success higher in the tail, or edits fewer */
  tailWorse: boolean;
}

/**
 * A slope after its value, in words: "words per ln(train count): rarer classes flip after fewer edits
 * (significant at 95 %; classes weighted by their flipped examples)".
 */
export function slopeReading(metric: AttackGapMetric, slope: AttackSlope, level: number): string {
  const printed = metric === 'attackSuccessRate' ? pp(slope.value) : signedEdits(slope.value);
  const flat = Number(printed) === 0;
  const reading = flat
    ? 'no trend with class frequency'
    : SLOPE_READINGS[metric][slope.value < 0 ? 'negative' : 'positive'];
  return `${SLOPE_UNITS[metric]}: ${reading} (${significanceWords(slope.ci, level)}; classes weighted by ${SLOPE_WEIGHT_WORDS[slope.weights]})`;
}

/** Per metric (edits to flip first): the head–tail gap in plain words, and the tail slope. Raw text. */
export function attackGapLines(report: Report, section: AttackSection): AttackGapLine[] {
  const level = Math.round(report.config.bootstrap.confidence * 100);
  return ATTACK_GAP_METRICS.map((metric) => {
    const name = ATTACK_METRIC_NAMES[metric];
    const gap = section.headTailGaps[metric];
    const slope = section.tailSlopes[metric];
    const evidence = metric === 'editsToFlip' ? 'flipped' : 'attacked';
    const reading = attackGapReading(section, metric, level);
    const gapText = reading
      ? `head–tail gap in ${name}: ${reading}`
      : `head–tail gap in ${name}: n/a (fewer than two buckets with ${evidence} examples)`;
    const slopeText = slope
      ? `tail slope of ${name}: ${attackDifference(metric, slope.value, slope.ci)} ${slopeReading(metric, slope, level)}`
      : `tail slope of ${name}: n/a (fewer than three classes with ${evidence} examples and a training count)`;
    const ci = gap?.ci;
    const tailWorse = !!ci && (metric === 'attackSuccessRate' ? ci[0] > 0 : ci[1] < 0);
    return { metric, gap, slope, gapText, slopeText, tailWorse };
  });
}

// ───────────────────────────── outcomes ─────────────────────────────

export const ATTACK_OUTCOMES: readonly AttackOutcome[] = [
  'flipped',
  'max-edits',
  'max-queries',
  'exhausted',
  'no-candidates',
  'misclassified',
];

/** What each outcome means, for the legends. */
export const OUTCOME_LEGEND =
  'flipped = the prediction left the gold label within the budgets; max-edits / max-queries = that budget ran out first; exhausted = every editable word tried without a flip; no-candidates = no word could be edited; misclassified = wrong before any edit, not attacked';

/** How many records ended in each outcome, every outcome listed (in ATTACK_OUTCOMES order). */
export function outcomeCounts(
  section: Pick<AttackSection, 'records'>,
): { outcome: AttackOutcome; count: number }[] {
  const counts = new Map<AttackOutcome, number>();
  for (const r of section.records) counts.set(r.outcome, (counts.get(r.outcome) ?? 0) + 1);
  return ATTACK_OUTCOMES.map((outcome) => ({ outcome, count: counts.get(outcome) ?? 0 }));
}

/** "21 flipped · 0 max-edits · … · 39 misclassified" */
export function outcomeLine(section: Pick<AttackSection, 'records'>): string {
  return outcomeCounts(section)
    .map(({ outcome, count }) => `${count} ${outcome}`)
    .join(' · ');
}

// ───────────────────────────── cheapest flips ─────────────────────────────

/** How many cheapest flips the Markdown and HTML reports list. */
export const CHEAPEST_FLIPS = 20;

export const CHEAPEST_FLIPS_ORDER =
  'fewest edits first; ties: fewest queries, then the most confident original (highest gold-label probability), then id';

/** The flipped records with the fewest edits (order: CHEAPEST_FLIPS_ORDER), at most `k`. */
export function cheapestFlips(records: readonly AttackRecord[], k: number = CHEAPEST_FLIPS): AttackRecord[] {
  return records
    .filter((r) => r.success)
    .sort(
      (a, b) =>
        a.edits.length - b.edits.length ||
        a.queries - b.queries ||
        b.goldProb - a.goldProb ||
        compareStrings(a.id, b.id) ||
        (a.row ?? 0) - (b.row ?? 0),
    )
    .slice(0, Math.max(0, k));
}

/** A run of a record's text: unchanged, or the word of an edit (`edit`: its 0-based index in `edits`). */
export interface EditSegment extends Segment {
  edit?: number;
}

/**
 * The original and the adversarial text cut at the edited words, from the edits' spans (`from`, in
 * the original): the original's runs carry each edit's `before`, the adversarial's its `after`. When
 * the spans do not rebuild the record's adversarial text (a hand-edited or foreign record), the
 * original comes back whole and the adversarial text unmarked but for a word diff.
 */
export function editSegments(record: Pick<AttackRecord, 'text' | 'adversarial' | 'edits'>): {
  original: EditSegment[];
  adversarial: EditSegment[];
} {
  const order = record.edits.map((e, i) => ({ e, i })).sort((a, b) => a.e.from[0] - b.e.from[0]);
  const original: EditSegment[] = [];
  const adversarial: EditSegment[] = [];
  let cursor = 0;
  let consistent = true;
  for (const { e, i } of order) {
    const [start, end] = e.from;
    if (
      start < cursor ||
      end < start ||
      end > record.text.length ||
      record.text.slice(start, end) !== e.before
    ) {
      consistent = false;
      break;
    }
    const between = record.text.slice(cursor, start);
    if (between) {
      original.push({ text: between, changed: false });
      adversarial.push({ text: between, changed: false });
    }
    original.push({ text: e.before, changed: true, edit: i });
    adversarial.push({ text: e.after, changed: true, edit: i });
    cursor = end;
  }
  const rest = record.text.slice(cursor);
  if (rest) {
    original.push({ text: rest, changed: false });
    adversarial.push({ text: rest, changed: false });
  }
  if (consistent && adversarial.map((s) => s.text).join('') === record.adversarial)
    return { original, adversarial };
  return {
    original: [{ text: record.text, changed: false }],
    adversarial: diffVariant(record.text, record.adversarial),
  };
}
