import type { BackendOption, OptionFlag } from '../classify/backend.ts';
import { type AnyBackendOption, BACKEND_OPTIONS, type ClassifierOptions } from '../classify/load.ts';
import { DEFAULT_BATCH_SIZE, DEFAULT_CACHE_DIR, DEFAULT_CONCURRENCY } from '../defaults.ts';
import { UsageError } from '../errors.ts';
import { checkAttackLimits, checkGateLimit, type GateLimits } from '../measure/gates.ts';
import { GAP_METRICS } from '../types.ts';

export {
  dataFormatCliOption,
  parseProtect,
  parseSeverities,
  perturbationCliOptions,
} from './perturb-options.ts';

type FlagGroup = OptionFlag['group'];

/** The yargs options of the backends' flags in one group, typed from their declarations. */
export type BackendCliOptions<G extends FlagGroup> = {
  [O in AnyBackendOption as O extends { cli: { flag: infer F extends string; group: G } }
    ? F
    : never]: O extends {
    cli: infer C;
    describe: infer D;
  }
    ? Omit<C, 'flag' | 'group' | 'integer' | 'fromCli'> & { describe: D }
    : never;
};

const flagsIn = (group: FlagGroup) =>
  (BACKEND_OPTIONS as readonly BackendOption[]).filter(
    (o): o is BackendOption & { cli: OptionFlag } => o.cli?.group === group,
  );

/**
 * The flags the backends declare (src/classify/backends/): 'model' — the model's own options (labels,
 * HTTP mapping, timeouts …), 'run' — the ones every model-running command offers (dtype).
 */
export function backendCliOptions<G extends FlagGroup>(group: G): BackendCliOptions<G> {
  const options: Record<string, object> = {};
  for (const { cli, describe } of flagsIn(group)) {
    const { flag, group: _group, integer: _integer, fromCli: _fromCli, ...yargsOptions } = cli;
    options[flag] = { ...yargsOptions, describe };
  }
  return options as BackendCliOptions<G>;
}

/** How predictions are made and cached: shared by every command that runs a model (audit, suite). */
export const modelRunCliOptions = {
  'cache-dir': { type: 'string', default: DEFAULT_CACHE_DIR, describe: 'Prediction cache folder' },
  cache: { type: 'boolean', default: true, describe: 'Use the prediction cache (--no-cache to disable)' },
  'batch-size': { type: 'number', default: DEFAULT_BATCH_SIZE, describe: 'Texts per model call' },
  concurrency: { type: 'number', default: DEFAULT_CONCURRENCY, describe: 'Model calls in flight at once' },
  ...backendCliOptions('run'),
} as const;

/**
 * The robustness gates of commands that end with a report (audit, merge): one definition, so a
 * sharded CI can gate the merged report exactly as it would gate an unsharded audit.
 */
export const gateCliOptions = {
  'max-drop': {
    type: 'number',
    describe:
      'Exit 1 when any drop (each perturbation × severity, and pooled) exceeds this fraction in [0, 1]: 0.05 = 5 points',
  },
  'max-tail-drop': {
    type: 'number',
    describe: "Exit 1 when the tail bucket's drop exceeds this fraction in [0, 1] in any result",
  },
  'max-tail-break': {
    type: 'number',
    describe:
      "Exit 1 when the tail bucket's break rate (share of changed variants of correctly classified originals now wrong) exceeds this fraction in [0, 1] in any result",
  },
  'max-fairness-failure': {
    type: 'number',
    describe:
      "Exit 1 when a fairness slice's invariance failure rate (share of changed variants whose prediction changed when only, e.g., the gender changed) exceeds this fraction in [0, 1], for any perturbation declaring a slice × severity; fails when none ran",
  },
  'max-attack-success': {
    type: 'number',
    describe:
      "Exit 1 when the attack's success rate (share of correctly classified examples the worst-case search flipped) exceeds this fraction in [0, 1]; needs the report's attack section (`tailcheck attack`, `audit --attack`)",
  },
  'min-accuracy-under-attack': {
    type: 'number',
    describe:
      "Exit 1 when the accuracy under attack (share of all examples correct and not flipped by the worst-case search) is below this fraction in [0, 1]; needs the report's attack section",
  },
} as const;

/** The unit rule (and what a failed gate prints), for the --help of the commands that take gates. */
export const UNITS_EPILOG = [
  'Units: gate limits and the numbers of the JSON report are fractions (--max-drop 0.05 = 5 points); text',
  '(terminal, Markdown, HTML, messages) shows percentage points (pp) for drops and gaps, percentages for rates.',
  'A failed gate is always printed to stderr, one line per failed check, --quiet or not.',
  'Exit codes: 0 ok, 1 a gate failed or could not be evaluated, 2 usage or input error.',
].join('\n');

/**
 * The gate flags (gateCliOptions) → the engine's limits; a non-number or a limit outside [0, 1] is a
 * usage error (exit 2) before any work. A command that knows up front whether its report will have an
 * attack section says so with `hasAttack`: an attack limit without one is then refused before any work
 * too (otherwise the engine refuses it once the report is there).
 */
export function parseGateLimits(argv: GateLimits, hasAttack?: boolean): GateLimits {
  const limits = {
    maxDrop: checkGateLimit('--max-drop', argv.maxDrop),
    maxTailDrop: checkGateLimit('--max-tail-drop', argv.maxTailDrop),
    maxTailBreak: checkGateLimit('--max-tail-break', argv.maxTailBreak),
    maxFairnessFailure: checkGateLimit('--max-fairness-failure', argv.maxFairnessFailure),
    maxAttackSuccess: checkGateLimit('--max-attack-success', argv.maxAttackSuccess),
    minAccuracyUnderAttack: checkGateLimit('--min-accuracy-under-attack', argv.minAccuracyUnderAttack),
  };
  if (hasAttack !== undefined) checkAttackLimits(limits, hasAttack);
  return limits;
}

/** `--gap-metric`: what the headline head–tail gap, tail slope and verdict compare (audit, merge). */
export const gapMetricCliOption = {
  'gap-metric': {
    type: 'string',
    choices: GAP_METRICS,
    describe:
      'Compare head and tail buckets on: break (default; break rate among correctly classified originals — fair when the buckets start from different clean accuracies), flip (prediction changed; needs no label) or drop (absolute, capped by clean accuracy)',
  },
} as const;

/** A flag that must be a positive integer when given. */
export function positiveInt(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= 1)) {
    throw new UsageError(`--${name} must be a positive integer; got ${value}`);
  }
}

/**
 * `--labels-that-flip positive:negative,negative:positive` → { positive: 'negative', negative: 'positive' };
 * undefined when the flag is absent. Each pair is FROM:TO, comma-separated; a label given twice as FROM
 * is a usage error.
 */
export function labelsThatFlip(value: string | undefined): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  const usage = (why: string) =>
    new UsageError(
      `--labels-that-flip ${why}; expected FROM:TO pairs, e.g. positive:negative,negative:positive`,
    );
  const map: Record<string, string> = {};
  const pairs = value.split(',').map((p) => p.trim());
  if (pairs.every((p) => p === '')) throw usage('is empty');
  for (const pair of pairs) {
    const parts = pair.split(':').map((p) => p.trim());
    if (parts.length !== 2 || parts[0] === '' || parts[1] === '')
      throw usage(`has a malformed pair "${pair}"`);
    const [from, to] = parts as [string, string];
    if (Object.hasOwn(map, from)) throw usage(`maps "${from}" twice`);
    map[from] = to;
  }
  return map;
}

/** A flag that must be an integer ≥ 0 when given. */
export function nonNegativeInt(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= 0)) {
    throw new UsageError(`--${name} must be a non-negative integer; got ${value}`);
  }
}

/** Checks the integer flags of a group, in declaration order. */
export function checkBackendFlags(argv: Readonly<Record<string, unknown>>, group: FlagGroup): void {
  for (const { cli } of flagsIn(group)) {
    const value = argv[cli.flag] as number | undefined;
    if (cli.integer === 'positive') positiveInt(cli.flag, value);
    else if (cli.integer === 'non-negative') nonNegativeInt(cli.flag, value);
  }
}

/** The backends' flags of a group → ClassifierOptions (each flag converted as its option declares). */
export function backendOptionsFromCli(
  argv: Readonly<Record<string, unknown>>,
  group: FlagGroup,
): ClassifierOptions {
  const options: Record<string, unknown> = {};
  for (const { key, cli } of flagsIn(group)) {
    const value = argv[cli.flag];
    options[key] = cli.fromCli ? (cli.fromCli as (v: unknown) => unknown)(value) : value;
  }
  return options as ClassifierOptions;
}

/**
 * `--shard i/n` (also `--shard=i/n`) → { index: i, count: n }, 1-based as in vitest, Jest and
 * Playwright: `1/4` … `4/4`. `0/4` is refused with a pointer to the convention rather than read as
 * the old 0-based first shard, so a matrix written for 0-based shards fails loudly instead of
 * auditing three shards and leaving one out.
 */
export function parseShard(value: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  if (!m) throw new UsageError(`--shard takes i/n, 1-based: 1/4 … 4/4 for four shards; got "${value}"`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1) throw new UsageError(`--shard i/n needs n ≥ 1; got "${value}"`);
  if (index === 0) {
    throw new UsageError(
      `--shard is 1-based (as in vitest, Jest and Playwright): 1/${count} … ${count}/${count}; got "${value}"`,
    );
  }
  if (index > count) throw new UsageError(`--shard i/n needs 1 ≤ i ≤ n; got "${value}"`);
  return { index, count };
}
