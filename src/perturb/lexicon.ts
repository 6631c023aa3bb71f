/**
 * User lexicons for the perturbations that draw replacements from word lists (entity names, places,
 * organisations, distractor sentences): `--lexicon FILE.yaml` on the command line, `lexicons:` in a
 * suite, `perturbationOptions.lexicon` from the API. The format is the suite's: a map from an entry's
 * key to a list of strings, at the top of the file or under `lexicons:`. An entry the user gives
 * replaces the bundled list of that key; the others stay bundled. Which keys exist is declared by the
 * perturbations themselves (`PerturbationDefinition.lexicons`), so `tailcheck perturbations --json`
 * lists them and an unknown key is an error, not a silent no-op. Reading the file is the CLI's job
 * (src/cli/lexicon-file.ts): perturbation modules import this one, and must not load a YAML parser.
 */
import { createHash } from 'node:crypto';
import { UsageError } from '../errors.ts';
import type { PerturbationDefinition } from '../types.ts';
import { compareStrings } from '../util/strings.ts';

export type Lexicon = Readonly<Record<string, readonly string[]>>;

/** The perturbation option holding the user's lexicon (a parsed `Lexicon`). */
export const LEXICON_OPTION = 'lexicon';

/** Checks a parsed value is `{ key: [string, …] }` (or `{ lexicons: { … } }`); `source` names it in errors. */
export function toLexicon(value: unknown, source: string): Lexicon {
  const fail = (why: string): never => {
    throw new UsageError(`${source}: ${why}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(
      'a lexicon is a map from an entry name to a list of strings (e.g. "person.female: [Ana, Mei]")',
    );
  }
  const top = value as Record<string, unknown>;
  const map = 'lexicons' in top && Object.keys(top).length === 1 ? top.lexicons : top;
  if (typeof map !== 'object' || map === null || Array.isArray(map)) return fail('"lexicons" must be a map');
  const out: Record<string, string[]> = {};
  for (const [key, list] of Object.entries(map as Record<string, unknown>)) {
    if (!Array.isArray(list) || list.length === 0) fail(`entry "${key}" must be a non-empty list of strings`);
    const items = (list as unknown[]).map((item) =>
      typeof item === 'string' || typeof item === 'number' ? String(item).trim() : '',
    );
    if (items.some((s) => s === '')) fail(`entry "${key}" holds an empty or non-string item`);
    out[key] = [...new Set(items)];
  }
  return out;
}

/** Every lexicon key the perturbations read, with what it lists and who reads it. */
export function lexiconKeys(
  defs: readonly PerturbationDefinition[],
): Map<string, { describe: string; perturbations: string[] }> {
  const keys = new Map<string, { describe: string; perturbations: string[] }>();
  for (const def of defs) {
    for (const [key, describe] of Object.entries(def.lexicons ?? {})) {
      const entry = keys.get(key) ?? { describe, perturbations: [] };
      entry.perturbations.push(def.name);
      keys.set(key, entry);
    }
  }
  return new Map([...keys].sort(([a], [b]) => compareStrings(a, b)));
}

/** A usage error naming the keys of `lexicon` no perturbation reads (a typo would otherwise do nothing). */
export function checkLexiconKeys(
  lexicon: Lexicon,
  defs: readonly PerturbationDefinition[],
  source: string,
): void {
  const known = lexiconKeys(defs);
  const unknown = Object.keys(lexicon).filter((k) => !known.has(k));
  if (unknown.length > 0) {
    throw new UsageError(
      `${source}: no perturbation reads ${unknown.map((k) => `"${k}"`).join(', ')}; the entries are: ${[...known.keys()].join(', ')}`,
    );
  }
}

/** The user's list for `key` when the run's options carry a lexicon with it, else `bundled`. */
export function lexiconEntry(
  options: Readonly<Record<string, unknown>>,
  key: string,
  bundled: readonly string[],
): readonly string[] {
  const user = options[LEXICON_OPTION] as Lexicon | undefined;
  return user?.[key] ?? bundled;
}

/** sha256 of the entries, key-sorted: what the report records, so a run with another lexicon differs. */
export function lexiconDigest(lexicon: Lexicon): string {
  const sorted = Object.keys(lexicon)
    .sort(compareStrings)
    .map((k) => [k, lexicon[k]]);
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex');
}
