/**
 * A small generic JUnit XML writer (the de-facto schema read by GitHub Actions,
 * GitLab, Jenkins): <testsuites> → <testsuite> → <testcase> with optional
 * <failure>, <error> or <skipped>, and <system-out>. Used for robustness gates and
 * `tailcheck suite --junit`.
 */

export interface JunitTestCase {
  name: string;
  /** defaults to the suite name */
  classname?: string;
  timeMs?: number;
  failure?: { message: string; details?: string };
  /** the test could not run (an invalid suite file): counted in `errors`, not `failures` */
  error?: { message: string; details?: string; type?: string };
  /** reason the test was skipped */
  skipped?: string;
  /** what the test printed: key numbers a passing case carries */
  systemOut?: string;
}

export interface JunitSuite {
  name: string;
  tests: JunitTestCase[];
}

// Characters XML 1.0 does not allow anywhere, even escaped, plus lone surrogates.
const ILLEGAL_XML =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const TEXT_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};
// In attributes, whitespace other than space is normalised away by parsers unless written as a reference.
const ATTRIBUTE_ENTITIES: Record<string, string> = {
  ...TEXT_ENTITIES,
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

/** Removes characters that are illegal in XML 1.0 (C0 controls except tab/LF/CR, U+FFFE/U+FFFF, lone surrogates). */
export function stripIllegalXml(value: string): string {
  return value.replace(ILLEGAL_XML, '');
}

/** Escapes text content: `& < > " '` as entities, illegal characters removed. */
export function escapeXml(value: unknown): string {
  return stripIllegalXml(String(value)).replace(/[&<>"']/g, (ch) => TEXT_ENTITIES[ch]);
}

/** Escapes a (double-quoted) attribute value; tabs and line breaks survive as character references. */
export function escapeXmlAttribute(value: unknown): string {
  return stripIllegalXml(String(value)).replace(/[&<>"'\t\n\r]/g, (ch) => ATTRIBUTE_ENTITIES[ch]);
}

function seconds(ms: number | undefined): string {
  return ms !== undefined && Number.isFinite(ms) && ms > 0 ? (ms / 1000).toFixed(3) : '0.000';
}

export function junitXml(suites: JunitSuite[]): string {
  let tests = 0;
  let failures = 0;
  let errors = 0;
  let skipped = 0;
  let totalMs = 0;
  const body: string[] = [];
  for (const suite of suites) {
    const suiteFailures = suite.tests.filter((t) => t.failure).length;
    const suiteErrors = suite.tests.filter((t) => !t.failure && t.error).length;
    const suiteSkipped = suite.tests.filter((t) => !t.failure && !t.error && t.skipped !== undefined).length;
    const suiteMs = suite.tests.reduce(
      (s, t) => s + (Number.isFinite(t.timeMs) ? Math.max(0, t.timeMs ?? 0) : 0),
      0,
    );
    tests += suite.tests.length;
    failures += suiteFailures;
    errors += suiteErrors;
    skipped += suiteSkipped;
    totalMs += suiteMs;
    body.push(
      `  <testsuite name="${escapeXmlAttribute(suite.name)}" tests="${suite.tests.length}" failures="${suiteFailures}" errors="${suiteErrors}" skipped="${suiteSkipped}" time="${seconds(suiteMs)}">`,
    );
    for (const t of suite.tests) {
      const open = `    <testcase name="${escapeXmlAttribute(t.name)}" classname="${escapeXmlAttribute(t.classname ?? suite.name)}" time="${seconds(t.timeMs)}"`;
      const inner: string[] = [];
      if (t.failure) {
        const details = t.failure.details ?? t.failure.message;
        inner.push(
          `      <failure message="${escapeXmlAttribute(t.failure.message)}" type="AssertionError">${escapeXml(details)}</failure>`,
        );
      } else if (t.error) {
        const details = t.error.details ?? t.error.message;
        inner.push(
          `      <error message="${escapeXmlAttribute(t.error.message)}" type="${escapeXmlAttribute(t.error.type ?? 'Error')}">${escapeXml(details)}</error>`,
        );
      } else if (t.skipped !== undefined) {
        inner.push(`      <skipped message="${escapeXmlAttribute(t.skipped)}"/>`);
      }
      if (t.systemOut !== undefined) inner.push(`      <system-out>${escapeXml(t.systemOut)}</system-out>`);
      if (inner.length === 0) body.push(`${open}/>`);
      else body.push(`${open}>`, ...inner, '    </testcase>');
    }
    body.push('  </testsuite>');
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites tests="${tests}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${seconds(totalMs)}">`,
    ...body,
    '</testsuites>',
    '',
  ].join('\n');
}
