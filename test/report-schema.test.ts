/**
 * Report schema tailcheck/report@2: every reader (`merge` on the command line and as a function, the
 * vitest matchers) refuses a report of another version with one sentence pointing at the migration
 * notes, instead of reading fields that moved or changed meaning.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../src/errors.ts';
import { mergeReports } from '../src/merge.ts';
import { PACKAGE_ROOT } from '../src/paths.ts';
import { reportSchemaProblem } from '../src/report/schema.ts';
import { REPORT_SCHEMA, type Report } from '../src/types.ts';
import { makeReport } from './fixtures/make-report.ts';

const work = mkdtempSync(join(tmpdir(), 'tailcheck-schema-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const MIGRATE = 'tailcheck/report@1 — re-run the audit with this version (see docs/report-schema.md)';
const v1 = (): Report => ({ ...makeReport(), schema: 'tailcheck/report@1' as Report['schema'] });

describe('report schema', () => {
  it('is tailcheck/report@2', () => {
    expect(REPORT_SCHEMA).toBe('tailcheck/report@2');
    expect(makeReport().schema).toBe(REPORT_SCHEMA);
    expect(reportSchemaProblem(makeReport())).toBeNull();
  });

  it('names the old version and where to read about the change', () => {
    expect(reportSchemaProblem(v1())).toContain(MIGRATE);
    expect(reportSchemaProblem({ schema: 'something' })).toMatch(
      /^not a tailcheck JSON report \(schema "something"/,
    );
    expect(reportSchemaProblem(null)).toMatch(/^not a tailcheck JSON report \(object;/);
    expect(reportSchemaProblem([1, 2])).toMatch(/schema missing/);
  });

  it('mergeReports refuses a report@1 with a UsageError', async () => {
    await expect(mergeReports([v1()])).rejects.toThrow(UsageError);
    await expect(mergeReports([v1()])).rejects.toThrow(`report 1: ${MIGRATE}`);
  });

  it('`tailcheck merge` on a report@1 file exits 2 naming the file, with no stack trace', () => {
    const old = join(work, 'old.json');
    writeFileSync(old, JSON.stringify(v1()));
    const notReport = join(work, 'null.json');
    writeFileSync(notReport, 'null');
    for (const [file, expected] of [
      [old, MIGRATE],
      [notReport, 'not a tailcheck JSON report'],
    ] as const) {
      const r = spawnSync(process.execPath, [join(PACKAGE_ROOT, 'bin/tailcheck.js'), 'merge', file], {
        encoding: 'utf8',
        cwd: work,
        env: { ...process.env, CI: '1', NO_COLOR: '1' },
      });
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toContain(`${file}: ${expected}`);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
