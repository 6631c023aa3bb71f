/**
 * The one check every reader of a JSON report makes (`merge`, the vitest matchers): the report must be
 * of this version's schema. Reports of another version are refused with the same sentence everywhere,
 * pointing at docs/report-schema.md, rather than read with fields that moved or changed meaning.
 */
import { REPORT_SCHEMA } from '../types.ts';

const SCHEMA_PATTERN = /^tailcheck\/report@\d+$/;

/** Why `value` is not a report of this version's schema, or null when it is. */
export function reportSchemaProblem(value: unknown): string | null {
  const schema =
    value !== null && typeof value === 'object' ? (value as { schema?: unknown }).schema : undefined;
  if (schema === REPORT_SCHEMA) return null;
  if (typeof schema === 'string' && SCHEMA_PATTERN.test(schema)) {
    return `${schema} — re-run the audit with this version (see docs/report-schema.md); this version reads ${REPORT_SCHEMA}`;
  }
  const got =
    value !== null && typeof value === 'object'
      ? `schema ${JSON.stringify(schema) ?? 'missing'}`
      : typeof value;
  return `not a tailcheck JSON report (${got}; expected "schema": "${REPORT_SCHEMA}")`;
}
