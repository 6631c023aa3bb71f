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
 * A worst-case attack (`report.attack`) adds a sentence read off its section: how many correctly
 * classified examples flipped and after how many edits, and the head–tail gap of edits to flip in
 * words with its significance; an attack-only report's verdict is that sentence alone.
 */
import type { AttackGapMetric, AttackSection, BucketGap, GapMetric, Report, Result } from '../types.ts';
import { DEFAULT_GAP_METRIC, metricValue } from '../types.ts';

/** What the attack's sentence of the verdict reads (the section without its records). */
export type AttackVerdictInput = Pick<AttackSection, 'config' | 'overall' | 'buckets' | 'headTailGaps'>;

export type VerdictInput = Pick<Report, 'summary' | 'buckets'> & {
  config?: { bootstrap?: { confidence: number }; gapMetric?: GapMetric };
  attack?: AttackVerdictInput;
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
export function describeBucket(name: string): string {
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

/**
 * The verdict: the perturbation audit's line, then the worst-case attack's sentence when one ran. An
 * attack-only run (no perturbation asked for, `summary` empty) is judged on the attack alone.
 */
export function verdict(report: VerdictInput, opts: { severity?: number } = {}): string {
  const level = Math.round((report.config?.bootstrap?.confidence ?? 0.95) * 100);
  if (!report.attack) return perturbationVerdict(report, level, opts);
  const attack = attackVerdict(report.attack, level);
  return report.summary.length === 0 ? attack : `${perturbationVerdict(report, level, opts)} ${attack}`;
}

function perturbationVerdict(report: VerdictInput, level: number, opts: { severity?: number }): string {
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

// ───────────────────────────── attack ─────────────────────────────

/** "1.13": a mean number of words, two decimals. */
const words2 = (x: number): string => x.toFixed(2);

/** A difference in words, signed, two decimals: "-0.14", "+0.30", "0.00". */
function signedWords(x: number): string {
  const text = Math.abs(x).toFixed(2);
  return Number(text) === 0 ? text : `${x < 0 ? '-' : '+'}${text}`;
}

/** "1", "1.5": a median of whole numbers. */
const median = (x: number): string => (Number.isInteger(x) ? String(x) : x.toFixed(1));

/** A rate's CI, unsigned: "[30.1, 41.0]". */
const rateCI = (interval: [number, number] | null): string =>
  interval ? `[${pct(interval[0])}, ${pct(interval[1])}]` : '(too few examples for a CI)';

/** The budgets in short: "≤ 20% of the words, ≤ 200 queries". */
function shortBudgets(c: AttackVerdictInput['config']): string {
  const edits = c.maxEdits.endsWith('%')
    ? `${c.maxEdits} of the words`
    : `${c.maxEdits} word${c.maxEdits === '1' ? '' : 's'}`;
  return `≤ ${edits}, ≤ ${c.maxQueries} queries`;
}

/** "significant at 95 %" when the CI excludes 0, "not significant at 95 %" when it spans it. */
export function significanceWords(interval: readonly [number, number] | null, level: number): string {
  if (!interval) return 'too few examples for a CI';
  return interval[0] > 0 || interval[1] < 0 ? `significant at ${level} %` : `not significant at ${level} %`;
}

/** Below this the printed gap is 0.0 pp / 0.00 words: the reading says "as often" / "as many". */
const NO_GAP: Readonly<Record<AttackGapMetric, number>> = { attackSuccessRate: 0.0005, editsToFlip: 0.005 };

/**
 * The head–tail gap of an attack metric in plain words, with its CI and significance: "few-shot
 * classes flip after fewer edits than many-shot classes: 1.04 vs 1.18 words changed on average (gap
 * -0.14 [-0.29, 0.00]; not significant at 95 %)". Every number is the section's; null without a gap.
 * Bucket names are not escaped: each format escapes the whole sentence.
 */
export function attackGapReading(
  attack: Pick<AttackSection, 'buckets' | 'headTailGaps'>,
  metric: AttackGapMetric,
  level: number,
): string | null {
  const g = attack.headTailGaps[metric];
  if (!g) return null;
  const rarer = describeBucket(g.tail);
  const common = describeBucket(g.head);
  const sign = Math.abs(g.value) < NO_GAP[metric] ? 0 : Math.sign(g.value);
  const sig = significanceWords(g.ci, level);
  if (metric === 'attackSuccessRate') {
    const value = (bucket: string) => attack.buckets[bucket]?.attackSuccessRate.value ?? Number.NaN;
    const how = sign > 0 ? 'more often than' : sign < 0 ? 'less often than' : 'as often as';
    const gap = `${pp(g.value)}${g.ci ? ` ${ci(g.ci)}` : ''}`;
    return `the attack flips ${rarer} ${how} ${common}: ${pct(value(g.tail))} % vs ${pct(value(g.head))} % of their correctly classified examples (gap ${gap}; ${sig})`;
  }
  const value = (bucket: string) => attack.buckets[bucket]?.editsToFlip.mean.value ?? Number.NaN;
  const how =
    sign < 0 ? 'after fewer edits than' : sign > 0 ? 'after more edits than' : 'after as many edits as';
  const gap = `${signedWords(g.value)}${g.ci ? ` [${signedWords(g.ci[0])}, ${signedWords(g.ci[1])}]` : ''}`;
  return `${rarer} flip ${how} ${common}: ${words2(value(g.tail))} vs ${words2(value(g.head))} words changed on average (gap ${gap}; ${sig})`;
}

/**
 * The worst-case attack in one sentence: budgets, flipped of attacked with the success rate's CI,
 * edits to flip, accuracy before and under attack, then the head–tail reading of edits to flip (the
 * question the attack asks: do rarer classes flip after fewer edits?) and, when it is significant or
 * the only gap, of the success rate.
 */
export function attackVerdict(attack: AttackVerdictInput, level: number): string {
  const o = attack.overall;
  const c = attack.config;
  const budget = `${c.search} search, ${shortBudgets(c)}`;
  if (o.correct === 0) {
    return `Worst-case attack (${budget}): no example was classified correctly, so none was attacked.`;
  }
  const sr = o.attackSuccessRate;
  let line = `Worst-case attack (${budget}): ${o.flipped} of ${o.correct} correctly classified examples flipped (${pct(sr.value ?? Number.NaN)} % ${rateCI(sr.ci)})`;
  const mean = o.editsToFlip.mean.value;
  const mid = o.editsToFlip.median.value;
  if (mean !== null && mid !== null)
    line += ` after ${words2(mean)} words changed on average (median ${median(mid)})`;
  const under = o.accuracyUnderAttack.value;
  if (under !== null) line += `; accuracy ${pct(o.correct / o.examples)} % → ${pct(under)} % under attack`;
  const edits = attackGapReading(attack, 'editsToFlip', level);
  if (edits) line += `; ${edits}`;
  // The success rate's gap too when it is significant, or the only one there is (the reports list both).
  const rateGap = attack.headTailGaps.attackSuccessRate;
  const rateSignificant = rateGap?.ci != null && (rateGap.ci[0] > 0 || rateGap.ci[1] < 0);
  const rate = attackGapReading(attack, 'attackSuccessRate', level);
  if (rate && (rateSignificant || !edits)) line += `; ${rate}`;
  return `${line}.`;
}
