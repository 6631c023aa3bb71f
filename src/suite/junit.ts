/** A suite outcome as JUnit XML: one testcase per suite test, gates and evidence in the failure body. */
import { type JunitTestCase, junitXml } from '../report/junit-xml.ts';
import { formatPath, formatProblem, SuiteError } from './load.ts';
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

/**
 * A suite that could not run (an invalid file, an unknown perturbation, label or bucket, unreadable
 * data) as JUnit XML, so CI shows why instead of a missing file: one errored testcase per problem,
 * named by its YAML path and line, or one for an error that is not about a place in the file.
 */
export function suiteErrorJunit(suiteName: string, file: string, error: Error): string {
  const classname = `${suiteName}.suite`;
  const tests: JunitTestCase[] =
    error instanceof SuiteError
      ? error.problems.map((p) => ({
          name: `${formatPath(p.path)}${p.line !== undefined ? ` (line ${p.line})` : ''}`,
          classname,
          error: { message: p.message, details: formatProblem(error.file, p), type: 'SuiteError' },
        }))
      : [
          {
            name: `suite ${file} could not run`,
            classname,
            error: { message: error.message.split('\n')[0]!, details: error.message, type: error.name },
          },
        ];
  return junitXml([{ name: suiteName, tests }]);
}
