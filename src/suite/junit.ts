/** A suite outcome as JUnit XML: one testcase per suite test, gates and evidence in the failure body. */
import { type JunitTestCase, junitXml } from '../report/junit-xml.ts';
import type { SuiteOutcome } from './outcome.ts';

export function suiteJunit(outcome: SuiteOutcome): string {
  const tests = outcome.tests.map((t): JunitTestCase => {
    const base = { name: t.name, classname: `${outcome.name}.${t.type}`, timeMs: t.durationMs };
    if (t.status === 'passed') return base;
    if (t.status === 'known-failure') return { ...base, skipped: t.summary };
    const gates = t.gates.length > 1 ? t.gates.map((g) => g.line) : [];
    return {
      ...base,
      failure: {
        message: t.status === 'error' ? t.summary : `${t.type} failed: ${t.summary}`,
        details: [t.summary, ...gates, '', ...t.evidence].join('\n'),
      },
    };
  });
  return junitXml([{ name: outcome.name, tests }]);
}
