/**
 * The flags of the worst-case attack (src/attack/), shared by `tailcheck attack` and `audit --attack`:
 * one definition, so the two cannot drift. No yargs defaults: `audit` must tell a flag given from one
 * absent (an attack flag without --attack is a usage error); the defaults are the attack's own
 * (src/attack/), shown in --help through `defaultDescription`.
 */
import { DEFAULT_ATTACK_PERTURB } from '../attack/candidates.ts';
import { checkMaxQueries, DEFAULT_MAX_EDITS, DEFAULT_MAX_QUERIES, parseMaxEdits } from '../attack/run.ts';
import type { AttackOptions } from '../audit.ts';
import { UsageError } from '../errors.ts';
import { ATTACK_SEARCHES } from '../types.ts';

export const attackCliOptions = {
  'attack-perturb': {
    type: 'string',
    nargs: 1,
    defaultDescription: DEFAULT_ATTACK_PERTURB.join(','),
    describe:
      'Word-level edits the attack may make: typo and synonym perturbations or families, comma-separated (typo,synonym = the natural typo kinds and the synonyms that pass the meaning check; synthetic noise such as typo.homoglyph only by exact name; paraphrases never). Separate from --perturb',
  },
  'max-edits': {
    type: 'string',
    nargs: 1,
    defaultDescription: DEFAULT_MAX_EDITS,
    describe:
      'Edit budget per example: words changed at most, a count ("3") or a share of the text\'s words ("20%", at least 1 word)',
  },
  'max-queries': {
    type: 'number',
    defaultDescription: String(DEFAULT_MAX_QUERIES),
    describe: 'Query budget per example: texts the model scores at most (the original not counted)',
  },
  search: {
    type: 'string',
    choices: ATTACK_SEARCHES,
    defaultDescription: 'greedy',
    describe:
      'greedy: words in order of importance (the drop in gold-label probability when deleted), each time the edit that lowers it most; random: the seeded baseline — random word order and random edits, same budgets, restarts until the query budget is spent',
  },
} as const;

/** What the attack flags' parsed values look like (yargs' camelCase keys). */
export interface AttackArgs {
  attackPerturb?: string;
  maxEdits?: string;
  maxQueries?: number;
  search?: (typeof ATTACK_SEARCHES)[number];
}

/**
 * The attack flags → AttackOptions, the budgets checked now (exit 2 before any data is read or model
 * loaded). Unset flags stay unset: the attack's defaults apply.
 */
export function attackOptionsFromCli(argv: AttackArgs): AttackOptions {
  if (argv.maxEdits !== undefined) parseMaxEdits(argv.maxEdits);
  if (argv.maxQueries !== undefined) checkMaxQueries(argv.maxQueries);
  return {
    ...(argv.attackPerturb === undefined ? {} : { perturb: argv.attackPerturb }),
    ...(argv.search === undefined ? {} : { search: argv.search }),
    ...(argv.maxEdits === undefined ? {} : { maxEdits: argv.maxEdits }),
    ...(argv.maxQueries === undefined ? {} : { maxQueries: argv.maxQueries }),
  };
}

/** `audit`: the attack flags mean nothing without --attack; naming the first one given, say what to add. */
export function checkAttackFlagsNeedAttack(argv: AttackArgs & { attack?: boolean }): void {
  if (argv.attack) return;
  const given = (Object.keys(attackCliOptions) as (keyof typeof attackCliOptions)[]).find(
    (flag) => argv[camel(flag)] !== undefined,
  );
  if (given !== undefined) {
    throw new UsageError(
      `--${given} is an option of the worst-case attack: add --attack (or run tailcheck attack for the attack alone)`,
    );
  }
}

const camel = (flag: keyof typeof attackCliOptions): keyof AttackArgs =>
  flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) as keyof AttackArgs;
