/**
 * The flags of the commands that perturb (perturb, audit), apart from parse.ts: that module declares
 * the backends' flags, so it loads every backend and zod — start-up time `tailcheck perturb` does not
 * need to spend. parse.ts re-exports these.
 */
import {
  DEFAULT_PERTURB,
  DEFAULT_SEED,
  DEFAULT_SEVERITY,
  DEFAULT_VARIANTS,
  MAX_VARIANTS,
} from '../defaults.ts';
import { UsageError } from '../errors.ts';
import { SEVERITIES, type Severity } from '../types.ts';

/** Options every command that perturbs shares (audit, perturb): one definition, so they cannot drift. */
export const perturbationCliOptions = {
  perturb: {
    type: 'string',
    default: DEFAULT_PERTURB.join(','),
    describe:
      'Perturbations, families, tags (natural, synthetic) or all, comma-separated as a union (see `tailcheck perturbations`)',
  },
  severity: {
    type: 'string',
    describe: `Severity 1, 2, 3, a comma list like 1,3, or all (default ${DEFAULT_SEVERITY}). A perturbation runs only at the levels it declares (\`tailcheck perturbations\`); asking for a level some lack (the default too) runs them without it and warns, one none has is an error`,
  },
  variants: {
    type: 'number',
    default: DEFAULT_VARIANTS,
    describe: `Variants per text, perturbation and severity (1–${MAX_VARIANTS})`,
  },
  seed: {
    type: 'number',
    default: DEFAULT_SEED,
    describe: 'Seed for perturbations (and the bootstrap): same seed, same output',
  },
  protect: {
    type: 'string',
    array: true,
    describe: 'Extra regex of text no perturbation may touch (repeatable)',
  },
  lexicon: {
    type: 'string',
    nargs: 1,
    describe:
      'YAML (or JSON) file of replacement lists for the entity and distractor perturbations, in the suite lexicon format ("person.female: [Ana, Mei]"); an entry given replaces the bundled list, `tailcheck perturbations --json` lists the entries',
  },
  'meaning-check': {
    type: 'boolean',
    default: true,
    describe:
      "Keep a synonym or paraphrase variant only if its sentence embedding stays close to the original (≥ the perturbation's threshold); below it the variant is re-drawn, else recorded as rejected and not counted. Typos and casing are exempt. --no-meaning-check turns it off",
  },
  'embed-model': {
    type: 'string',
    nargs: 1,
    describe:
      'Sentence encoder for the meaning check: a transformers.js feature-extraction folder or hub id (default: the bundled all-MiniLM-L6-v2, q8)',
  },
} as const;

/** `--format` of every command that reads a data file (`--data`). */
export const dataFormatCliOption = {
  format: {
    type: 'string',
    choices: ['jsonl', 'json', 'csv', 'tsv'] as const,
    describe:
      'Format of --data: jsonl (also .ndjson), json (an array of objects, or JSON Lines), csv, tsv. Default: from the extension; jsonl when it names none (stdin, a FIFO, no extension …)',
  },
} as const;

/** `--severity 2`, `--severity 1,3`, `--severity all` (each perturbation's declared levels). */
/** `--severity` → levels; undefined when the flag was not given (the caller's default applies, silently). */
export function parseSeverities(spec: string | undefined): Severity[] | 'all' | undefined {
  if (spec === undefined) return undefined;
  const parts = String(spec)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (parts.includes('all')) return 'all';
  const out = new Set<Severity>();
  for (const p of parts) {
    const n = Number(p);
    if (!SEVERITIES.includes(n as Severity))
      throw new UsageError(`--severity must be 1, 2, 3 or all, got "${p}"`);
    out.add(n as Severity);
  }
  if (out.size === 0) throw new UsageError('--severity must be 1, 2, 3 or all');
  return [...out].sort();
}

/** `--protect REGEX`: compiled with the Unicode flag when the pattern allows it. */
export function parseProtect(patterns: readonly string[] = []): RegExp[] {
  return patterns.map((p) => {
    for (const flags of ['gu', 'g']) {
      try {
        return new RegExp(p, flags);
      } catch {
        // try the next flag set
      }
    }
    throw new UsageError(`--protect: invalid regular expression ${JSON.stringify(p)}`);
  });
}
