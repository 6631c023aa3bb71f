/**
 * Robustness gates as JUnit XML: one testcase per gate check, so CI systems show
 * "drop typo.keyboard s2 ≤ 0.05" as a passing or failing test with the measured
 * value and its confidence interval. The checks come from the gate engine (src/measure/gates.ts).
 * A slice the gate could not check (no changed variants) is a skipped testcase, and a gate that
 * checked nothing at all is a FAILED testcase saying why — a gate never vanishes from the file.
 * Without any gate the file holds one passing "audit completed" case with the verdict and the
 * pooled numbers (never an empty `tests="0"`), and the command warns that nothing was gated.
 * The attack gates' checks are cases of their own class, `tailcheck.attack`.
 */
import { POOLED } from '../measure/accumulator.ts';
import type {
  Comparator,
  GateCheck,
  GateName,
  GateOutcome,
  SkippedSlice,
  UnevaluatedGate,
} from '../measure/gates.ts';
import { isAttackSlice } from '../measure/slices.ts';
import type { Report } from '../types.ts';
import { stripControls } from '../util/strings.ts';
import { GAP_METRIC_NAMES, gapBuckets, hasData, hasMetricData, pp, ppCI } from './common.ts';
import {
  describeAttackMetrics,
  describeFailedCheck,
  describeMetrics,
  fmtCI,
  GATE_FLAGS,
  whyNotEvaluated,
} from './explain.ts';
import { type JunitTestCase, junitXml } from './junit-xml.ts';

const fixed = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : String(x));

/** What names a test case: a checked or a skipped slice. */
type Named = SkippedSlice;

/** What each gate checks, in a test name: `maxTailBreak` checks the tail bucket's break rate. */
const GATE_METRIC_WORDS: Readonly<Record<GateName, string>> = {
  maxDrop: 'drop',
  maxTailDrop: 'drop',
  maxTailBreak: 'break rate',
  minRobustAccuracy: 'robust accuracy',
  maxTailGap: 'head–tail gap',
  maxFairnessFailure: 'invariance failure rate',
  maxAttackSuccess: 'attack success rate',
  minAccuracyUnderAttack: 'accuracy under attack',
};

const comparatorOf = (name: GateName): Comparator => (name.startsWith('min') ? '≥' : '≤');

/**
 * Test name like `drop typo.keyboard s2 ≤ 0.05`, `few drop all s2 ≤ 0.1` or `few break rate all s2 ≤ 0.3`;
 * an attack slice has no perturbation or severity: `attack success rate ≤ 0.4`, `few accuracy under attack ≥ 0.3`.
 */
export function gateTestName(check: Named): string {
  const words = GATE_METRIC_WORDS[check.name];
  const where = check.bucket ?? (isAttackSlice(check) ? check.class : undefined);
  const metric = where !== undefined ? `${stripControls(where)} ${words}` : words;
  const bound = `${comparatorOf(check.name)} ${check.limit}`;
  if (isAttackSlice(check)) return `${metric} ${bound}`;
  const scope = check.perturbation === POOLED ? 'all' : stripControls(check.perturbation);
  return `${metric} ${scope} s${check.severity} ${bound}`;
}

const classnameOf = (slice: Named): string =>
  isAttackSlice(slice)
    ? 'tailcheck.attack'
    : `tailcheck.${slice.perturbation === POOLED ? 'all' : stripControls(slice.perturbation)}`;

function checkCase(report: Report, check: GateCheck, confidence: string): JunitTestCase {
  const name = gateTestName(check);
  const classname = classnameOf(check);
  if (check.passed) return { name, classname };
  // the GATE FAILED line's sentence: the slice, the value and its CI in text units, the limit and its flag
  const message = describeFailedCheck(check);
  if (isAttackSlice(check)) {
    const metric = check.name === 'minAccuracyUnderAttack' ? 'accuracyUnderAttack' : 'attackSuccessRate';
    const config = report.attack?.config;
    const details = [
      message,
      `${confidence}: ${fmtCI(check.ci)}`,
      describeAttackMetrics(check.attack, metric),
      ...(config
        ? [
            `attack: ${config.search} search over ${config.perturbations.map((p) => stripControls(p)).join(', ')}, max edits ${config.maxEdits}, max queries ${config.maxQueries}`,
          ]
        : []),
      `model: ${stripControls(report.config.model.id)}`,
      `data: ${stripControls(report.config.data.path)}`,
    ].join('\n');
    return { name, classname, failure: { message, details } };
  }
  const { metrics } = check;
  const details = [
    message,
    `${confidence}: ${fmtCI(check.ci)}`,
    ...(check.name === 'maxTailBreak' ? [describeMetrics(metrics, 'breakRate')] : []),
    ...(check.name === 'maxFairnessFailure' ? [describeMetrics(metrics, 'flipRate')] : []),
    `clean accuracy ${fixed(metrics.cleanAccuracy)}, perturbed accuracy ${fixed(metrics.perturbedAccuracy)}, n = ${metrics.n} changed variants over ${metrics.nExamples} examples`,
    `model: ${stripControls(report.config.model.id)}`,
    `data: ${stripControls(report.config.data.path)}`,
  ].join('\n');
  return { name, classname, failure: { message, details } };
}

function skippedCase(slice: SkippedSlice): JunitTestCase {
  return {
    name: gateTestName(slice),
    classname: classnameOf(slice),
    skipped: isAttackSlice(slice)
      ? slice.name === 'minAccuracyUnderAttack'
        ? 'not checked: no example in this slice'
        : 'not checked: no correctly classified example in this slice, so nothing was attacked'
      : slice.name === 'maxTailBreak' && slice.metrics.n > 0
        ? 'not checked: no changed variant of a correctly classified original in this slice'
        : 'not checked: no changed variants in this slice',
  };
}

/** `few drop ≤ 0.05` / `drop ≤ 0.05` / `few break rate ≤ 0.3`: the gate as a whole, for a gate that checked nothing. */
function unevaluatedCase(report: Report, u: UnevaluatedGate): JunitTestCase {
  const tail = report.buckets.at(-1)?.name;
  const words = GATE_METRIC_WORDS[u.gate.name];
  const metric = u.gate.scope.tailBucket ? `${stripControls(tail ?? 'tail')} ${words}` : words;
  const message = `${u.gate.name} not evaluated: ${stripControls(whyNotEvaluated(report, u))}; a gate that checks nothing fails`;
  const details = [
    message,
    `model: ${stripControls(report.config.model.id)}`,
    `data: ${stripControls(report.config.data.path)}`,
  ].join('\n');
  return {
    name: `${metric} ${u.gate.comparator} ${u.gate.bound}`,
    classname: 'tailcheck.gates',
    failure: { message, details },
  };
}

/** True when no gate was asked for: the engine checked, skipped and failed to evaluate nothing. */
export function noGateSet(gates: GateOutcome): boolean {
  return gates.checks.length === 0 && gates.skipped.length === 0 && gates.unevaluated.length === 0;
}

/** The stderr warning of a JUnit file written without a gate (it can fail nothing). */
export const NO_GATE_WARNING =
  'tailcheck: warning: no gate set, so the JUnit file holds one passing "audit completed" case and fails nothing; ' +
  `gate with ${orList(Object.values(GATE_FLAGS))} (fractions, e.g. --max-drop 0.05)\n`;

/** "a, b or c" */
function orList(items: readonly string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

/** "35.6 %" */
const percent = (x: number) => `${(x * 100).toFixed(1)} %`;

/** The report's key numbers as plain lines, for the system-out of the "audit completed" case. */
export function auditSummaryLines(report: Report): string[] {
  const c = report.config;
  const lines = [
    `verdict: ${stripControls(report.verdict)}`,
    `model: ${stripControls(c.model.id)}`,
    `data: ${stripControls(c.data.path)} (${c.data.n} examples)`,
    `perturbations: ${c.perturbations.map((p) => stripControls(p)).join(', ')}`,
  ];
  for (const pooled of report.summary) {
    const m = pooled.overall;
    const gap = pooled.headTailGap;
    const gapText = gap
      ? `; head–tail gap in ${GAP_METRIC_NAMES[gap.metric]} ${pp(gap.value)} pp ${ppCI(gap.ci)} (${gapBuckets(gap)})`
      : '';
    const breakRate = hasMetricData(m, 'break') ? percent(m.breakRate) : 'n/a';
    lines.push(
      hasData(m)
        ? `severity ${pooled.severity}, all perturbations pooled: accuracy ${percent(m.cleanAccuracy)} → ${percent(m.perturbedAccuracy)}, drop ${pp(m.drop)} pp ${ppCI(m.dropCI)}, break rate ${breakRate}, flip rate ${percent(m.flipRate)} (${m.n} changed variants)${gapText}`
        : `severity ${pooled.severity}, all perturbations pooled: no changed variants`,
    );
  }
  return lines;
}

export function renderJunit(report: Report, gates: GateOutcome): string {
  if (noGateSet(gates)) {
    const completed: JunitTestCase = {
      name: 'audit completed',
      classname: 'tailcheck.audit',
      systemOut: [
        ...auditSummaryLines(report),
        'no gate was set: this case passes whatever the numbers',
      ].join('\n'),
    };
    return junitXml([{ name: 'tailcheck robustness gates', tests: [completed] }]);
  }
  const confidence = `${Math.round(report.config.bootstrap.confidence * 100)}% CI`;
  // A gate that checked nothing is one failed case; its empty slices are not listed again.
  const unevaluated = new Set(gates.unevaluated.map((u) => u.gate.name));
  const tests = [
    ...gates.unevaluated.map((u) => unevaluatedCase(report, u)),
    ...gates.checks.map((check) => checkCase(report, check, confidence)),
    ...gates.skipped.filter((s) => !unevaluated.has(s.name)).map(skippedCase),
  ];
  return junitXml([{ name: 'tailcheck robustness gates', tests }]);
}
