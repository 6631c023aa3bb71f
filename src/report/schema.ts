/**
 * The one check every reader of a JSON report makes (`merge`, the vitest matchers): the report must be
 * of this version's schema. Reports of another version are refused with the same sentence everywhere,
 * pointing at docs/report-schema.md, rather than read with fields that moved or changed meaning.
 *
 * The optional `attack` section (docs/report-schema.md, "AttackSection") is checked for the fields its
 * readers recompute from — its config and records — so a hand-edited or cut-short section is named
 * here instead of failing as a TypeError inside `merge`.
 */
import { ATTACK_SEARCHES, REPORT_SCHEMA } from '../types.ts';

const SCHEMA_PATTERN = /^tailcheck\/report@\d+$/;

/** Why `value` is not a report of this version's schema, or null when it is. */
export function reportSchemaProblem(value: unknown): string | null {
  const schema =
    value !== null && typeof value === 'object' ? (value as { schema?: unknown }).schema : undefined;
  if (schema === REPORT_SCHEMA) {
    const attack = (value as { attack?: unknown }).attack;
    const problem = attack === undefined ? null : attackSectionProblem(attack);
    return problem === null ? null : `malformed attack section: ${problem} (see docs/report-schema.md)`;
  }
  if (typeof schema === 'string' && SCHEMA_PATTERN.test(schema)) {
    return `${schema} — re-run the audit with this version (see docs/report-schema.md); this version reads ${REPORT_SCHEMA}`;
  }
  const got =
    value !== null && typeof value === 'object'
      ? `schema ${JSON.stringify(schema) ?? 'missing'}`
      : typeof value;
  return `not a tailcheck JSON report (${got}; expected "schema": "${REPORT_SCHEMA}")`;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** The fields of each attack record the metrics are recomputed from, with their JSON types. */
const RECORD_FIELDS: Readonly<Record<string, 'string' | 'number' | 'boolean'>> = {
  id: 'string',
  label: 'string',
  outcome: 'string',
  success: 'boolean',
  queries: 'number',
  words: 'number',
  maxEdits: 'number',
};

function attackSectionProblem(attack: unknown): string | null {
  if (!isObject(attack)) return 'not an object';
  const { config, records } = attack;
  if (!isObject(config)) return 'config is missing';
  if (!(ATTACK_SEARCHES as readonly unknown[]).includes(config.search)) {
    return `config.search is ${JSON.stringify(config.search)}, not one of ${ATTACK_SEARCHES.join(', ')}`;
  }
  if (!Array.isArray(config.perturbations)) return 'config.perturbations is not an array';
  if (typeof config.maxEdits !== 'string') return 'config.maxEdits is not a string';
  if (typeof config.maxQueries !== 'number') return 'config.maxQueries is not a number';
  for (const key of ['overall', 'buckets', 'perClass', 'headTailGaps', 'tailSlopes']) {
    if (!isObject(attack[key])) return `${key} is missing`;
  }
  if (!Array.isArray(records)) return 'records is not an array';
  for (const [i, rec] of records.entries()) {
    if (!isObject(rec)) return `records[${i}] is not an object`;
    for (const [field, type] of Object.entries(RECORD_FIELDS)) {
      if (typeof rec[field] !== type) return `records[${i}].${field} is not a ${type}`;
    }
    if (!Array.isArray(rec.edits)) return `records[${i}].edits is not an array`;
  }
  return null;
}
