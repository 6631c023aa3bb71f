/**
 * Robustness gates as JUnit XML: one testcase per gate check, so CI systems show
 * "drop typo.keyboard s2 ≤ 0.05" as a passing or failing test with the measured
 * value and its confidence interval. The checks come from the gate engine (src/measure/gates.ts).
 */
import type { GateCheck, GateOutcome } from '../measure/gates.ts';
import type { Report } from '../types.ts';
import { stripControls } from '../util/strings.ts';
import { POOLED, perturbationLabel } from './common.ts';
import { type JunitTestCase, junitXml } from './junit-xml.ts';

const fixed = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : String(x));

/** Test name like `drop typo.keyboard s2 ≤ 0.05` or `few drop all s2 ≤ 0.1`. */
export function gateTestName(check: GateCheck): string {
  const metric = check.bucket !== undefined ? `${stripControls(check.bucket)} drop` : 'drop';
  const scope = check.perturbation === POOLED ? 'all' : stripControls(check.perturbation);
  return `${metric} ${scope} s${check.severity} ≤ ${check.limit}`;
}

export function renderJunit(report: Report, gates: GateOutcome): string {
  const confidence = `${Math.round(report.config.bootstrap.confidence * 100)}% CI`;
  const tests = gates.checks.map((check): JunitTestCase => {
    const name = gateTestName(check);
    const classname = `tailcheck.${check.perturbation === POOLED ? 'all' : stripControls(check.perturbation)}`;
    if (check.passed) return { name, classname };
    const { metrics } = check;
    const message = `${check.bucket !== undefined ? `${stripControls(check.bucket)} bucket drop` : 'drop'} ${fixed(check.value)} [${fixed(check.ci[0])}, ${fixed(check.ci[1])}] exceeds the limit ${check.limit} (${stripControls(perturbationLabel(check.perturbation))}, severity ${check.severity})`;
    const details = [
      message,
      `${confidence}: [${fixed(check.ci[0])}, ${fixed(check.ci[1])}]`,
      `clean accuracy ${fixed(metrics.cleanAccuracy)}, perturbed accuracy ${fixed(metrics.perturbedAccuracy)}, n = ${metrics.n} changed variants over ${metrics.nExamples} examples`,
      `model: ${stripControls(report.config.model.id)}`,
      `data: ${stripControls(report.config.data.path)}`,
    ].join('\n');
    return { name, classname, failure: { message, details } };
  });
  return junitXml([{ name: 'tailcheck robustness gates', tests }]);
}
