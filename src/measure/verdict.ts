/**
 * The one-line human verdict of a report, read off the pooled summary at the highest severity that
 * changed any text (the most demanding setting measured). It never claims more than the CIs allow:
 * a head–tail difference whose CI contains 0 is called not significant.
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

const ci = ([lo, hi]: [number, number]): string => `[${pct(lo)}, ${pct(hi)}]`;

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
  const zeroInCI = o.dropCI[0] <= 0 && o.dropCI[1] >= 0;
  let line =
    `Robustness drop ${pct(o.drop)} % ${ci(o.dropCI)} overall at severity ${pick.severity}` +
    (zeroInCI ? ' (not significantly different from 0)' : '');

  const withData = report.buckets.filter((b) => (pick.buckets[b.name]?.n ?? 0) > 0);
  const gap = pick.headTailGap;
  if (withData.length < 2 || !gap) {
    return `${line}; no head/tail comparison (fewer than two frequency buckets have data).`;
  }
  const head = withData[0];
  const tail = withData[withData.length - 1];
  line +=
    `; ${describeBucket(tail.name)} drop ${pct(pick.buckets[tail.name].drop)} % vs ` +
    `${pct(pick.buckets[head.name].drop)} % for ${describeBucket(head.name)} ` +
    `(gap ${pct(gap.value)} % ${ci(gap.ci)})`;
  if (gap.ci[0] > 0) {
    return gap.value >= MARKED_GAP
      ? `${line}: tail classes are markedly less robust.`
      : `${line}: tail classes are less robust (significant at ${level} %).`;
  }
  if (gap.ci[1] < 0)
    return `${line}: tail classes are more robust than head classes (significant at ${level} %).`;
  return `${line}: the head–tail difference is not significant at ${level} %.`;
}
