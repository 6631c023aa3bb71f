/**
 * The perturbation catalogue, discovered at runtime: every `perturbations/<family>/<kind>.ts`
 * (or `.js` after a build) default-exports a PerturbationDefinition. Adding a perturbation
 * means adding a file there; nothing is listed by hand. Files starting with `_` or `.`,
 * tests and declaration files are skipped.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { UsageError } from '../errors.ts';
import type { Family, PerturbationDefinition, PerturbationTag, Severity } from '../types.ts';
import { EDITABLE_PROTECTIONS, PERTURBATION_TAGS, SEVERITIES } from '../types.ts';
import { compareStrings } from '../util/strings.ts';

/** src/perturb → perturbations, and dist/src/perturb → dist/perturbations. */
export const PERTURBATIONS_DIR = fileURLToPath(new URL('../../perturbations/', import.meta.url));

export const FAMILIES: readonly Family[] = [
  'typo',
  'synonym',
  'paraphrase',
  'entity',
  'distractor',
  'directional',
];

export interface ResolveOptions {
  /** include needsModel perturbations in family / `all` selections (when a model is configured) */
  includeNeedsModel?: boolean;
  /**
   * the perturbation options of the run: a needsModel perturbation whose `configured(options)` says
   * they name its model joins family / `all` selections too
   */
  options?: Readonly<Record<string, unknown>>;
  /**
   * allow directional transforms (suite `directional` tests, `tailcheck perturb`) when named exactly;
   * without it naming one is a usage error (an audit measures invariance, never a meant change)
   */
  directional?: boolean;
}

export interface PerturbationRegistry {
  /** every perturbation, sorted by name */
  list(): PerturbationDefinition[];
  get(name: string): PerturbationDefinition | undefined;
  /**
   * Perturbations named by `spec`: comma lists of exact names (`typo.keyboard`), family
   * names (`typo`, or `typo.*`), tags (`natural`, `synthetic`) and `all`, as a union;
   * deduplicated, sorted by name. needsModel perturbations are only selected by exact name
   * unless `includeNeedsModel` or the options configure their model.
   * Unknown names → UsageError listing the valid ones.
   */
  resolve(spec: string | readonly string[], options?: ResolveOptions): PerturbationDefinition[];
}

const NAME_RE = /^[a-z][a-z0-9-]*\.[a-z][a-z0-9_-]*$/;
/** A fairness slice's name (`PerturbationDefinition.fairness`): one lowercase word. */
export const FAIRNESS_SLICE_RE = /^[a-z]+$/;
const MODULE_RE = /^([a-z][a-z0-9_-]*)\.(ts|js|mts|mjs)$/;

/** Throws (naming the file) unless `def` is a well-formed definition for `<folder>/<stem>`. */
export function validateDefinition(
  def: unknown,
  folder: string,
  stem: string,
  file: string,
): PerturbationDefinition {
  const fail = (why: string): never => {
    throw new Error(`invalid perturbation module ${file}: ${why}`);
  };
  if (typeof def !== 'object' || def === null) return fail('no default-exported definition object');
  const d = def as Partial<PerturbationDefinition>;
  const expected = `${folder}.${stem}`;
  if (typeof d.name !== 'string' || !NAME_RE.test(d.name)) return fail(`name must look like "family.kind"`);
  if (d.name !== expected) fail(`name "${d.name}" does not match its file (expected "${expected}")`);
  if (d.family !== folder) fail(`family "${String(d.family)}" does not match its folder "${folder}"`);
  if (!PERTURBATION_TAGS.includes(d.tag as never)) fail(`tag must be one of ${PERTURBATION_TAGS.join(', ')}`);
  if (typeof d.description !== 'string' || d.description.trim() === '') fail('description is missing');
  if (typeof d.severities !== 'object' || d.severities === null) fail('severities are not documented');
  const levels = d.severities as Record<string, unknown>;
  for (const key of Object.keys(levels)) {
    if (!SEVERITIES.includes(Number(key) as Severity)) fail(`severity "${key}" is not one of 1, 2, 3`);
    const text = levels[key];
    if (typeof text !== 'string' || text.trim() === '') fail(`severity ${key} is not documented`);
  }
  if (!('1' in levels)) fail('severity 1 is not documented (every perturbation has level 1)');
  if (typeof d.apply !== 'function') fail('apply is not a function');
  checkMeaningPolicy(d, fail);
  if (d.init !== undefined && typeof d.init !== 'function') fail('init is not a function');
  if (d.editsProtected !== undefined) {
    if (d.family !== 'entity') fail('only entity perturbations may edit protected spans (editsProtected)');
    if (!Array.isArray(d.editsProtected) || d.editsProtected.some((e) => !EDITABLE_PROTECTIONS.includes(e))) {
      fail(`editsProtected must list some of ${EDITABLE_PROTECTIONS.join(', ')}`);
    }
  }
  if ((d.directional === true) !== (d.family === 'directional')) {
    fail('directional: true belongs to the directional family, and only there');
  }
  if (d.fairness !== undefined) {
    if (typeof d.fairness !== 'string' || !FAIRNESS_SLICE_RE.test(d.fairness)) {
      fail(
        `fairness must be a lowercase word naming the slice (e.g. "gender"); got ${JSON.stringify(d.fairness)}`,
      );
    }
    // A fairness slice is read as an invariance failure rate: a meant change of meaning has none.
    if (d.directional === true) fail('a directional transform cannot declare a fairness slice');
  }
  return d as PerturbationDefinition;
}

/**
 * Synonym and paraphrase perturbations must say how the meaning check treats them (a threshold in
 * (0, 1), or an exemption with its reason); typos are exempt and declare nothing.
 */
function checkMeaningPolicy(d: Partial<PerturbationDefinition>, fail: (why: string) => never): void {
  const m = d.meaning as { threshold?: unknown; exempt?: unknown } | undefined;
  if (m === undefined) {
    if (d.family !== 'typo') fail('meaning is missing: give { threshold } (0–1) or { exempt: "why" }');
    return;
  }
  if (d.family === 'typo') fail('typos are exempt from the meaning check: remove meaning');
  if (typeof m !== 'object' || m === null) fail('meaning must be { threshold } or { exempt }');
  if ('threshold' in m) {
    const t = m.threshold;
    if (typeof t !== 'number' || !(t > 0 && t < 1)) fail('meaning.threshold must be a number in (0, 1)');
  } else if (typeof m.exempt !== 'string' || m.exempt.trim() === '') {
    fail('meaning must be { threshold } or { exempt: "why" }');
  }
}

/** The severity levels `def` declares, ascending (always including 1). */
export function severitiesOf(def: Pick<PerturbationDefinition, 'severities'>): Severity[] {
  return SEVERITIES.filter((s) => hasSeverity(def, s));
}

/** True when `def` declares level `severity` (the engine runs no other level). */
export function hasSeverity(def: Pick<PerturbationDefinition, 'severities'>, severity: Severity): boolean {
  const text = (def.severities as Partial<Record<Severity, string>>)[severity];
  return typeof text === 'string';
}

/** A (perturbation, severity) pair asked for but not declared, so not run. */
export interface SkippedSeverity {
  perturbation: string;
  severity: Severity;
}

export interface SeverityPlan {
  /** the levels the run covers, ascending: those asked, or with `all` every level any perturbation declares */
  severities: Severity[];
  /** pairs asked for that their perturbation does not declare (empty with `all`) */
  skipped: SkippedSeverity[];
}

/**
 * The levels a run asks of `defs`: `all` means each perturbation's declared levels; a list runs every
 * perturbation at the listed levels it declares. A listed level that none of `defs` declares is a
 * usage error naming them; levels only some declare are skipped for the others (`skipped`, to warn).
 */
export function planSeverities(
  defs: readonly PerturbationDefinition[],
  requested: readonly Severity[] | 'all',
): SeverityPlan {
  if (requested === 'all') {
    return { severities: SEVERITIES.filter((s) => defs.some((d) => hasSeverity(d, s))), skipped: [] };
  }
  const severities = [...new Set(requested)].sort((a, b) => a - b);
  for (const s of severities) {
    if (defs.length > 0 && !defs.some((d) => hasSeverity(d, s))) {
      const declared = defs.map((d) => `${d.name} (${severitiesOf(d).join(', ')})`).join(', ');
      throw new UsageError(
        `no selected perturbation has severity ${s}; their levels: ${declared}. Ask for a level they declare, or --severity all`,
      );
    }
  }
  const skipped: SkippedSeverity[] = [];
  for (const d of defs) {
    for (const s of severities) if (!hasSeverity(d, s)) skipped.push({ perturbation: d.name, severity: s });
  }
  return { severities, skipped };
}

/** One line saying which asked-for pairs do not run (their perturbation does not declare the level). */
export function skippedSeveritiesMessage(skipped: readonly SkippedSeverity[]): string {
  const byName = new Map<string, Severity[]>();
  for (const { perturbation, severity } of skipped) {
    byName.set(perturbation, [...(byName.get(perturbation) ?? []), severity]);
  }
  const parts = [...byName].map(([name, levels]) => `${name} at severity ${levels.join(', ')}`);
  return `not run, the perturbation has no such level: ${parts.join('; ')} (--severity all runs every level each perturbation has)`;
}

/** Module files of one family folder, one per kind (prefers the extension this file runs as). */
function moduleFiles(dir: string): Map<string, string> {
  const ownExt = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  const byStem = new Map<string, string>();
  for (const file of readdirSync(dir).sort()) {
    const m = MODULE_RE.exec(file);
    if (!m) continue; // also skips *.test.ts, *.d.ts, *.golden.json, _helpers.ts
    const [, stem, ext] = m;
    if (!byStem.has(stem!) || ext === ownExt) byStem.set(stem!, file);
  }
  return byStem;
}

/** Loads and validates every perturbation under `dir` (no caching; see loadRegistry). */
export async function loadRegistryFrom(dir: string = PERTURBATIONS_DIR): Promise<PerturbationRegistry> {
  const defs: PerturbationDefinition[] = [];
  const seen = new Map<string, string>();
  const folders = readdirSync(dir)
    .filter((f) => !f.startsWith('.') && !f.startsWith('_') && statSync(join(dir, f)).isDirectory())
    .sort();
  const files = folders.flatMap((folder) =>
    [...moduleFiles(join(dir, folder))].map(([stem, file]) => ({
      folder,
      stem,
      path: join(dir, folder, file),
    })),
  );
  // Imported together, not one after another: the loader then reads and links them in one pass
  // (start-up of `tailcheck perturbations`). Validated in file order, so errors stay deterministic.
  const modules = await Promise.all(
    files.map(({ path }) => import(pathToFileURL(path).href) as Promise<{ default?: unknown }>),
  );
  for (const [i, { folder, stem, path }] of files.entries()) {
    const def = validateDefinition(modules[i]!.default, folder, stem, path);
    const other = seen.get(def.name);
    if (other) throw new Error(`duplicate perturbation name ${def.name} in ${other} and ${path}`);
    seen.set(def.name, path);
    defs.push(def);
  }
  return createRegistry(defs);
}

export function createRegistry(definitions: readonly PerturbationDefinition[]): PerturbationRegistry {
  const defs = definitions.slice().sort((a, b) => compareStrings(a.name, b.name));
  const byName = new Map(defs.map((d) => [d.name, d]));
  const families = new Set(defs.map((d) => d.family));

  const resolve = (
    spec: string | readonly string[],
    options: ResolveOptions = {},
  ): PerturbationDefinition[] => {
    const parts = (typeof spec === 'string' ? [spec] : spec)
      .flatMap((s) => s.split(','))
      .map((s) => s.trim())
      .filter((s) => s !== '');
    if (parts.length === 0) throw new UsageError('no perturbation named; try "typo" or "all"');
    const picked = new Set<PerturbationDefinition>();
    const bulk = (d: PerturbationDefinition): boolean =>
      d.directional !== true &&
      (options.includeNeedsModel === true ||
        !d.needsModel ||
        (options.options !== undefined && d.configured?.(options.options) === true));
    for (const part of parts) {
      const name = part.toLowerCase();
      const family = name.endsWith('.*') ? name.slice(0, -2) : name;
      const exact = byName.get(name);
      if (exact?.directional && options.directional !== true) {
        throw new UsageError(
          `${exact.name} changes the meaning on purpose, so it is not an invariance perturbation and never enters an audit; use it in a suite directional test (transform: ${exact.name})`,
        );
      }
      if (exact) picked.add(exact);
      else if (name === 'all') {
        for (const d of defs.filter(bulk)) picked.add(d);
      } else if (PERTURBATION_TAGS.includes(name as PerturbationTag)) {
        const tagged = defs.filter((d) => d.tag === name);
        const usable = tagged.filter(bulk);
        if (usable.length === 0) {
          throw new UsageError(
            tagged.length === 0
              ? `no perturbation is tagged ${name}`
              : `every ${name} perturbation needs a model; name one explicitly: ${tagged.map((d) => d.name).join(', ')}`,
          );
        }
        for (const d of usable) picked.add(d);
      } else if (families.has(family as Family)) {
        const members = defs.filter((d) => d.family === family);
        const usable = members.filter(bulk);
        if (usable.length === 0) {
          const names = members.map((d) => d.name).join(', ');
          throw new UsageError(
            members.every((d) => d.directional)
              ? `the ${family} family changes the meaning on purpose and never enters an audit; name a transform (${names}) in a suite directional test`
              : `every ${family} perturbation needs a model; name one explicitly: ${names}`,
          );
        }
        for (const d of usable) picked.add(d);
      } else {
        const valid = ['all', ...PERTURBATION_TAGS, ...[...families].sort(), ...defs.map((d) => d.name)].join(
          ', ',
        );
        throw new UsageError(`unknown perturbation "${part}". Valid: ${valid}`);
      }
    }
    return defs.filter((d) => picked.has(d));
  };

  return {
    list: () => defs.slice(),
    get: (name) => byName.get(name),
    resolve,
  };
}

let cached: Promise<PerturbationRegistry> | undefined;

/** The registry of the bundled perturbations, loaded once per process. */
export function loadRegistry(): Promise<PerturbationRegistry> {
  cached ??= loadRegistryFrom().catch((err: unknown) => {
    cached = undefined;
    throw err;
  });
  return cached;
}
