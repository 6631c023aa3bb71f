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
import { audit } from '../src/audit.ts';
import { UsageError } from '../src/errors.ts';
import { mergeReports } from '../src/merge.ts';
import { PACKAGE_ROOT } from '../src/paths.ts';
import { reportSchemaProblem } from '../src/report/schema.ts';
import { REPORT_SCHEMA, type Report } from '../src/types.ts';
import { BANK_COUNTS, BANK_ROWS } from './fixtures/bank-rows.ts';
import { makeReport } from './fixtures/make-report.ts';
import { keywordClassifier } from './fixtures/suite-classifier.ts';

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

describe('report schema: the attack section', () => {
  it('a JSON report with an attack section passes; a malformed one is named, field by field', async () => {
    const report = await audit({
      model: keywordClassifier(),
      data: BANK_ROWS,
      classCounts: BANK_COUNTS,
      perturb: [],
      attack: { perturb: 'typo.keyboard' },
      cacheDir: null,
    });
    const json = JSON.parse(JSON.stringify(report)) as Report;
    expect(json.attack!.records).toHaveLength(BANK_ROWS.length);
    expect(reportSchemaProblem(json)).toBeNull();
    const broken = (edit: (attack: Record<string, unknown>) => void): string | null => {
      const copy = structuredClone(json) as unknown as { attack: Record<string, unknown> };
      edit(copy.attack);
      return reportSchemaProblem(copy);
    };
    expect(broken((a) => delete a.records)).toBe(
      'malformed attack section: records is not an array (see docs/report-schema.md)',
    );
    expect(broken((a) => ((a.config as Record<string, unknown>).search = 'beam'))).toContain(
      'config.search is "beam", not one of greedy, random',
    );
    expect(broken((a) => delete (a.records as Record<string, unknown>[])[1]!.success)).toContain(
      'records[1].success is not a boolean',
    );
    expect(broken((a) => delete a.overall)).toContain('overall is missing');
    await expect(
      mergeReports([{ ...json, attack: { ...json.attack!, records: 'none' } } as unknown as Report]),
    ).rejects.toThrow('report 1: malformed attack section: records is not an array');
  });
});
