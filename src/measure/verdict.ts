/**
 * The one-line human verdict of a report, read off the pooled summary at the highest severity that
 * changed any text (the most demanding setting measured). It never claims more than the CIs allow:
 * a head–tail difference whose CI contains 0 is called not significant, and a number resting on too few
 * examples for a CI is said to be so. The two buckets compared are the ones the gap names (the first and
 * last with data), so a tail bucket without data is never spoken of.
 */
import type { Report, Result } from '../types.ts';

export type VerdictInput = Pick<Report, 'summary' | 'buckets'> & {
  config?: { bootstrap?: { confidence: number } };
};

/** A gap of at least this many accuracy points (and significant) is "marked". */
const MARKED_GAP = 0.05;

const SHOT_NAMES: Record<string, string> = { many: 'many-shot', medium: 'medium-shot', few: 'few-shot' };

function pct(x: number): string {
  const v = Math.round(x * 1000) / 10;
  return (Object.is(v, -0) ? 0 : v).toFixed(1);
}

const ci = (interval: [number, number] | null): string =>
  interval ? `[${pct(interval[0])}, ${pct(interval[1])}]` : '(too few examples for a CI)';

/** "few-shot classes", "tail classes", "classes in q4", "classes with <20 training examples" */
function describeBucket(name: string): string {
  if (SHOT_NAMES[name]) return `${SHOT_NAMES[name]} classes`;
  if (name === 'head' || name === 'middle' || name === 'tail') return `${name} classes`;
  if (/^[<>=\d]/.test(name)) return `classes with ${name} training examples`;
  return `classes in ${name}`;
}

export function verdict(report: VerdictInput, opts: { severity?: number } = {}): string {
  const level = Math.round((report.config?.bootstrap?.confidence ?? 0.95) * 100);
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
    `Robustness drop ${pct(o.drop)} % ${ci(o.dropCI)} overall at severity ${pick.severity}` +
    (zeroInCI ? ' (not significantly different from 0)' : '');

  const gap = pick.headTailGap;
  if (!gap) {
    return `${line}; no head/tail comparison (fewer than two frequency buckets have data).`;
  }
  const tailBucket = report.buckets.at(-1)?.name;
  line +=
    `; ${describeBucket(gap.tail)} drop ${pct(pick.buckets[gap.tail].drop)} % vs ` +
    `${pct(pick.buckets[gap.head].drop)} % for ${describeBucket(gap.head)} ` +
    `(gap ${pct(gap.value)} % ${ci(gap.ci)}` +
    (gap.tail !== tailBucket && tailBucket !== undefined
      ? `; the tail bucket ${tailBucket} has no data`
      : '') +
    ')';
  const rarer = describeBucket(gap.tail);
  if (!gap.ci) return `${line}: too few examples to tell whether ${rarer} are less robust.`;
  if (gap.ci[0] > 0) {
    return gap.value >= MARKED_GAP
      ? `${line}: ${rarer} are markedly less robust.`
      : `${line}: ${rarer} are less robust (significant at ${level} %).`;
  }
  if (gap.ci[1] < 0) {
    return `${line}: ${rarer} are more robust than ${describeBucket(gap.head)} (significant at ${level} %).`;
  }
  return `${line}: the difference is not significant at ${level} %.`;
}
