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
import type { Family, PerturbationDefinition } from '../types.ts';
import { PERTURBATION_TAGS, SEVERITIES } from '../types.ts';
import { compareStrings } from '../util/strings.ts';

/** src/perturb → perturbations, and dist/src/perturb → dist/perturbations. */
export const PERTURBATIONS_DIR = fileURLToPath(new URL('../../perturbations/', import.meta.url));

export const FAMILIES: readonly Family[] = ['typo', 'synonym', 'paraphrase'];

export interface ResolveOptions {
  /** include needsModel perturbations in family / `all` selections (when a model is configured) */
  includeNeedsModel?: boolean;
  /**
   * the perturbation options of the run: a needsModel perturbation whose `configured(options)` says
   * they name its model joins family / `all` selections too
   */
  options?: Readonly<Record<string, unknown>>;
}

export interface PerturbationRegistry {
  /** every perturbation, sorted by name */
  list(): PerturbationDefinition[];
  get(name: string): PerturbationDefinition | undefined;
  /**
   * Perturbations named by `spec`: comma lists of exact names (`typo.keyboard`), family
   * names (`typo`, or `typo.*`) and `all`; deduplicated, sorted by name. needsModel
   * perturbations are only selected by exact name unless `includeNeedsModel` or the options
   * configure their model.
   * Unknown names → UsageError listing the valid ones.
   */
  resolve(spec: string | readonly string[], options?: ResolveOptions): PerturbationDefinition[];
}

const NAME_RE = /^[a-z][a-z0-9-]*\.[a-z][a-z0-9_-]*$/;
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
  if (typeof d.severities !== 'object' || d.severities === null) fail('severities 1–3 are not documented');
  for (const s of SEVERITIES) {
    const text = (d.severities as Record<number, unknown>)[s];
    if (typeof text !== 'string' || text.trim() === '') fail(`severity ${s} is not documented`);
  }
  if (typeof d.apply !== 'function') fail('apply is not a function');
  checkMeaningPolicy(d, fail);
  if (d.init !== undefined && typeof d.init !== 'function') fail('init is not a function');
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
  for (const folder of folders) {
    for (const [stem, file] of moduleFiles(join(dir, folder))) {
      const path = join(dir, folder, file);
      const mod = (await import(pathToFileURL(path).href)) as { default?: unknown };
      const def = validateDefinition(mod.default, folder, stem, path);
      const other = seen.get(def.name);
      if (other) throw new Error(`duplicate perturbation name ${def.name} in ${other} and ${path}`);
      seen.set(def.name, path);
      defs.push(def);
    }
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
      options.includeNeedsModel === true ||
      !d.needsModel ||
      (options.options !== undefined && d.configured?.(options.options) === true);
    for (const part of parts) {
      const name = part.toLowerCase();
      const family = name.endsWith('.*') ? name.slice(0, -2) : name;
      const exact = byName.get(name);
      if (exact) picked.add(exact);
      else if (name === 'all') {
        for (const d of defs.filter(bulk)) picked.add(d);
      } else if (families.has(family as Family)) {
        const members = defs.filter((d) => d.family === family);
        const usable = members.filter(bulk);
        if (usable.length === 0) {
          throw new UsageError(
            `every ${family} perturbation needs a model; name one explicitly: ${members.map((d) => d.name).join(', ')}`,
          );
        }
        for (const d of usable) picked.add(d);
      } else {
        const valid = ['all', ...[...families].sort(), ...defs.map((d) => d.name)].join(', ');
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
