/**
 * The one-line human verdict of a report, read off the pooled summary at the highest severity that
 * changed any text (the most demanding setting measured). It never claims more than the CIs allow:
 * a head–tail difference whose CI contains 0 is called not significant, and a number resting on too few
 * examples for a CI is said to be so. The two buckets compared are the ones the gap names (the first and
 * last with data), so a tail bucket without data is never spoken of.
 *
 * Head and tail are compared on the report's gap metric (`config.gapMetric`, break rate by default):
 * among the predictions each bucket got right, how many break. The absolute drop is capped by clean
 * accuracy — a bucket at 20 % can lose at most 20 points — so when the buckets start more than
 * CLEAN_ACCURACY_GAP apart the verdict says so, never concludes "more robust" from a measure that
 * difference alone can explain, and states the break and drop comparisons both when they disagree.
 *
 * A report with an `attack` section: an attack alone (no random variants) gets the attack's verdict —
 * its success rate among correctly classified examples, the edits a flip took, and how head and tail
 * compare on both; an audit with an attack gets the audit's verdict and one sentence on the attack.
 */
import type {
  AttackEstimate,
  AttackGap,
  AttackSection,
  BucketGap,
  GapMetric,
  Report,
  Result,
} from '../types.ts';
import { DEFAULT_GAP_METRIC, metricValue } from '../types.ts';

export type VerdictInput = Pick<Report, 'summary' | 'buckets' | 'attack'> & {
  config?: { bootstrap?: { confidence: number }; gapMetric?: GapMetric };
};

/** A gap of at least this much (and significant) is "marked". */
const MARKED_GAP = 0.05;

/** Clean accuracies further apart than this (strictly) between head and tail are said in the verdict. */
export const CLEAN_ACCURACY_GAP = 0.15;
/** Floating-point slack: 0.80 − 0.65 is 0.15000000000000002, which is not "more than 15 points". */
const ROUNDING = 1e-9;

const SHOT_NAMES: Record<string, string> = { many: 'many-shot', medium: 'medium-shot', few: 'few-shot' };

function pct(x: number): string {
  const v = Math.round(x * 1000) / 10;
  return (Object.is(v, -0) ? 0 : v).toFixed(1);
}

/** Signed, one decimal: "+11.1", "-3.0", "0.0". */
function signed(x: number): string {
  const s = pct(x);
  return `${x > 0 && s !== '0.0' ? '+' : ''}${s}`;
}

/** A difference in percentage points (a drop, a gap): "+11.1 pp". */
const pp = (x: number): string => `${signed(x)} pp`;

/** The CI of a difference, signed like the reports print it: "[+2.5, +21.5]". */
const ci = (interval: [number, number] | null): string =>
  interval ? `[${signed(interval[0])}, ${signed(interval[1])}]` : '(too few examples for a CI)';

/** "few-shot classes", "tail classes", "classes in q4", "classes with <20 training examples" */
function describeBucket(name: string): string {
  if (SHOT_NAMES[name]) return `${SHOT_NAMES[name]} classes`;
  if (name === 'head' || name === 'middle' || name === 'tail') return `${name} classes`;
  if (/^[<>=\d]/.test(name)) return `classes with ${name} training examples`;
  return `classes in ${name}`;
}

/**
 * The bucket comparison on the gap's metric, e.g. "few-shot classes break 35.6 % of the time vs 24.5 % for
 * many-shot classes (gap +11.1 pp [2.5, 21.5])"; with `subject: 'they'` the head bucket is not named again.
 */
function comparison(pick: Result, gap: BucketGap, subject: string, note = ''): string {
  const tail = pct(metricValue(pick.buckets[gap.tail], gap.metric));
  const head = pct(metricValue(pick.buckets[gap.head], gap.metric));
  const forHead = subject === 'they' ? '' : ` for ${describeBucket(gap.head)}`;
  const numbers = `(gap ${pp(gap.value)} ${ci(gap.ci)}${note})`;
  if (gap.metric === 'break')
    return `${subject} break ${tail} % of the time vs ${head} %${forHead} ${numbers}`;
  if (gap.metric === 'flip') {
    const whose = subject === 'they' ? 'their predictions' : `predictions of ${subject}`;
    return `${whose} flip ${tail} % of the time vs ${head} %${forHead} ${numbers}`;
  }
  // A drop is a difference of accuracies: percentage points, like every drop the reports print.
  return `${subject} drop by ${tail} pp vs ${head} pp${forHead} ${numbers}`;
}

/** What introduces a comparison on the metric: the break rate is conditional on correct predictions. */
const among = (metric: GapMetric): string => (metric === 'break' ? 'among correct predictions, ' : '');

const significance = (gap: BucketGap): 'higher' | 'lower' | 'none' | 'unknown' =>
  !gap.ci ? 'unknown' : gap.ci[0] > 0 ? 'higher' : gap.ci[1] < 0 ? 'lower' : 'none';

export function verdict(report: VerdictInput, opts: { severity?: number } = {}): string {
  const { attack } = report;
  if (!attack) return auditVerdict(report, opts);
  const level = Math.round((report.config?.bootstrap?.confidence ?? 0.95) * 100);
  if (report.summary.length === 0) return attackVerdict(attack, level);
  return `${auditVerdict(report, opts)} ${attackHeadline(attack)}`;
}

function auditVerdict(report: VerdictInput, opts: { severity?: number }): string {
  const level = Math.round((report.config?.bootstrap?.confidence ?? 0.95) * 100);
  const metric = report.config?.gapMetric ?? DEFAULT_GAP_METRIC;
  const measured = report.summary.filter((r) => r.overall.n > 0);
  const pick: Result | undefined =
    opts.severity !== undefined
      ? measured.find((r) => r.severity === opts.severity)
      : measured.reduce<Result | undefined>(
          (best, r) => (!best || r.severity > best.severity ? r : best),
          undefined,
        );
  if (!pick) {
    return report.summary.length === 0
      ? 'No perturbed variants were measured.'
      : 'No perturbation changed any text: nothing was measured.';
  }
  const o = pick.overall;
  const zeroInCI = o.dropCI !== null && o.dropCI[0] <= 0 && o.dropCI[1] >= 0;
  let line =
    `Robustness drop ${pp(o.drop)} ${ci(o.dropCI)} overall at severity ${pick.severity}` +
    (zeroInCI ? ' (not significantly different from 0)' : '');

  const gaps = pick.headTailGaps;
  const gap = gaps[metric];
  if (!gap) {
    const why =
      metric === 'break' && gaps.drop !== null
        ? 'fewer than two frequency buckets have correctly classified examples with changed variants'
        : 'fewer than two frequency buckets have data';
    return `${line}; no head/tail comparison (${why}).`;
  }
  const rarer = describeBucket(gap.tail);
  const common = describeBucket(gap.head);
  const tail = report.buckets.at(-1);
  const tailMetrics = tail ? pick.buckets[tail.name] : undefined;
  // The report's tail bucket when the gap had to stop short of it: without changed variants at all, or
  // (break rate) without one correctly classified original — then its clean accuracy is the finding.
  let tailNote = '';
  if (tail && gap.tail !== tail.name) {
    tailNote =
      tailMetrics && tailMetrics.n > 0
        ? `; the tail bucket ${tail.name} has no correctly classified example to break (clean accuracy ${pct(tailMetrics.cleanAccuracy)} %)`
        : `; the tail bucket ${tail.name} has no data`;
  }

  // How far apart the buckets start: the drop of the lower one is capped by it.
  const cleanTail = pick.buckets[gap.tail].cleanAccuracy;
  const cleanHead = pick.buckets[gap.head].cleanAccuracy;
  const startsApart = Math.abs(cleanTail - cleanHead) > CLEAN_ACCURACY_GAP + ROUNDING;
  if (startsApart) {
    line += `; ${rarer} start at ${pct(cleanTail)} % clean accuracy vs ${pct(cleanHead)} % for ${common}; ${among(metric)}${comparison(pick, gap, 'they', tailNote)}`;
  } else {
    line += `; ${among(metric)}${comparison(pick, gap, rarer, tailNote)}`;
  }

  // Drop and flip rate mix each bucket's right and wrong predictions, so buckets differ on them by
  // composition alone (a bucket at 20 % accuracy can lose at most 20 points; wrong predictions flip at
  // their own rate): a "more robust" reading of them stands only when the break rate agrees.
  const sig = significance(gap);
  const breakAgrees = gaps.break !== null && significance(gaps.break) === 'lower';
  const unconditional = metric !== 'break';
  let conclusion: string;
  if (sig === 'unknown') conclusion = `: too few examples to tell whether ${rarer} are less robust.`;
  else if (sig === 'higher') {
    conclusion =
      gap.value >= MARKED_GAP
        ? `: ${rarer} are markedly less robust.`
        : `: ${rarer} are less robust (significant at ${level} %).`;
  } else if (sig === 'lower' && (!unconditional || breakAgrees)) {
    conclusion = `: ${rarer} are more robust than ${common} (significant at ${level} %).`;
  } else if (sig === 'lower') {
    const lower = metric === 'drop' ? 'a smaller drop' : 'fewer flips';
    const verb = metric === 'drop' ? 'does' : 'do';
    const byBreak =
      gaps.break === null
        ? 'with no break rate to compare'
        : significance(gaps.break) === 'higher'
          ? 'among correct predictions they break more often'
          : 'among correct predictions they do not break significantly less often';
    conclusion = `: ${lower} alone ${verb} not show they are more robust (${byBreak}).`;
  } else conclusion = `: the difference is not significant at ${level} %.`;
  line += conclusion;

  // The break and drop comparisons both, when they point in opposite directions; and the break rate
  // whenever an unconditional measure reads "more robust".
  const others = (['break', 'drop'] as const).filter((m) => m !== metric && gaps[m] !== null);
  const disagree =
    gaps.break !== null && gaps.drop !== null && Math.sign(gaps.break.value) * Math.sign(gaps.drop.value) < 0;
  const stated = others.filter((m) => disagree || (m === 'break' && unconditional && sig === 'lower'));
  for (const m of stated) {
    const other = gaps[m]!;
    const how =
      Math.sign(other.value) * Math.sign(gap.value) < 0 ? ' the comparison points the other way' : '';
    const said = comparison(pick, other, describeBucket(other.tail));
    if (m === 'drop') {
      const lowStart = pick.buckets[other.tail].cleanAccuracy < pick.buckets[other.head].cleanAccuracy;
      const capped =
        disagree && other.value < 0 && lowStart ? ', a drop their lower clean accuracy caps' : '';
      line += ` By absolute drop${how ? `,${how}` : ''}: ${said}${capped}.`;
    } else {
      line += ` Among correct predictions${how ? `,${how}` : ''}: ${said}.`;
    }
  }
  return line;
}

/** A rate with its CI, as the reports print rates: "98.2 % [96.4, 99.4]". */
function rate(e: AttackEstimate): string {
  return `${pct(e.value ?? 0)} %${e.ci ? ` [${pct(e.ci[0])}, ${pct(e.ci[1])}]` : ' (too few examples for a CI)'}`;
}

/** A median number of edits (a whole number or a half): "1 edit", "1.5 edits", "2 edits". */
function edits(n: number): string {
  return `${Number.isInteger(n) ? n : n.toFixed(1)} edit${n === 1 ? '' : 's'}`;
}

/** The budgets in words: "at most 20% of the words and 200 queries per example". */
function budgets(attack: AttackSection): string {
  const m = attack.config.maxEdits;
  const words = m.endsWith('%') ? `${m} of the words` : `${m} word${m === '1' ? '' : 's'}`;
  return `at most ${words} and ${attack.config.maxQueries} queries per example`;
}

/**
 * The attack in one sentence, e.g. "The greedy attack (at most 20% of the words and 200 queries per
 * example) flipped 98.2 % [96.4, 99.4] of the 165 correctly classified examples, with a median of 1 edit
 * (mean 1.13); accuracy under attack 0.8 % [0.0, 1.8]."
 */
function attackHeadline(attack: AttackSection): string {
  const o = attack.overall;
  const who = `The ${attack.config.search} attack (${budgets(attack)})`;
  if (o.correct === 0) {
    return `${who} had nothing to flip: none of the ${o.examples} examples was classified correctly.`;
  }
  const median = o.editsToFlip.median.value;
  const mean = o.editsToFlip.mean.value;
  const cost =
    median === null || mean === null ? '' : `, with a median of ${edits(median)} (mean ${mean.toFixed(2)})`;
  return (
    `${who} flipped ${rate(o.attackSuccessRate)} of the ${o.correct} correctly classified example${o.correct === 1 ? '' : 's'}${cost}; ` +
    `accuracy under attack ${rate(o.accuracyUnderAttack)}.`
  );
}

const capitalised = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** The CI of an edits gap: "[-0.30, +0.02]". */
const editsCI = (g: AttackGap): string =>
  g.ci ? `[${signedNumber(g.ci[0])}, ${signedNumber(g.ci[1])}]` : '(too few examples for a CI)';

function signedNumber(x: number): string {
  const s = x.toFixed(2);
  if (s === '0.00' || s === '-0.00') return '0.00';
  return x > 0 ? `+${s}` : s;
}

const attackSignificance = (gap: AttackGap): 'higher' | 'lower' | 'none' | 'unknown' =>
  !gap.ci ? 'unknown' : gap.ci[0] > 0 ? 'higher' : gap.ci[1] < 0 ? 'lower' : 'none';

/**
 * The verdict of an attack alone: the headline, then head versus tail on the success rate (the share
 * of their correct predictions the attack flipped) and on the mean edits a flip took — the question
 * the attack answers by class frequency: do rarer classes flip more often, after fewer edits?
 */
function attackVerdict(attack: AttackSection, level: number): string {
  let line = attackHeadline(attack);
  if (attack.overall.correct === 0) return line;
  const success = attack.headTailGaps.attackSuccessRate;
  if (!success) {
    return `${line} No head/tail comparison (fewer than two frequency buckets have correctly classified examples).`;
  }
  const rarer = describeBucket(success.tail);
  const common = describeBucket(success.head);
  const rateOf = (bucket: string): string => pct(attack.buckets[bucket]?.attackSuccessRate.value ?? 0);
  line += ` ${capitalised(rarer)} are flipped ${rateOf(success.tail)} % of the time vs ${rateOf(success.head)} % for ${common} (gap ${pp(success.value)} ${ci(success.ci)})`;
  const sig = attackSignificance(success);
  line +=
    sig === 'unknown'
      ? `: too few examples to tell whether ${rarer} are easier to flip.`
      : sig === 'higher'
        ? `: ${rarer} are easier to flip (significant at ${level} %).`
        : sig === 'lower'
          ? `: ${rarer} are harder to flip (significant at ${level} %).`
          : `: the difference is not significant at ${level} %.`;

  const cost = attack.headTailGaps.editsToFlip;
  if (cost) {
    const meanOf = (bucket: string): string =>
      (attack.buckets[bucket]?.editsToFlip.mean.value ?? 0).toFixed(2);
    const tail = describeBucket(cost.tail);
    const head = describeBucket(cost.head);
    const costSig = attackSignificance(cost);
    const reading =
      costSig === 'unknown'
        ? 'too few flips for a CI'
        : costSig === 'none'
          ? `not significant at ${level} %`
          : `${costSig === 'lower' ? 'fewer' : 'more'} for ${tail}, significant at ${level} %`;
    line += ` A flip took a mean of ${meanOf(cost.tail)} edits in ${tail} vs ${meanOf(cost.head)} in ${head} (gap ${signedNumber(cost.value)} ${editsCI(cost)}; ${reading}).`;
  }
  return line;
}
