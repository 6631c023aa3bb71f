import type { AuditOptions } from '../../audit.ts';
import { attackCliOptions, attackOptionsFromCli } from '../attack-options.ts';
import { defineCommand } from '../define-command.ts';
import { UNITS_EPILOG } from '../parse.ts';
import {
  AUDIT_ONLY_OPTIONS,
  AUDIT_OPTION_GROUPS,
  type RunArgs,
  runOptionsFromCli,
  runReportCommand,
  sharedRunCliOptions,
} from './audit.ts';

const auditOnly: ReadonlySet<string> = new Set(AUDIT_ONLY_OPTIONS);
const attackFlags: ReadonlySet<string> = new Set(Object.keys(attackCliOptions));

/**
 * `attack --help` in the audit's groups, minus the audit's own options; the attack's flags lead the
 * "Attack:" group, with the settings of the edits themselves (seed, protected spans, meaning check).
 */
export const ATTACK_OPTION_GROUPS: ReadonlyArray<readonly [string, readonly string[]]> =
  AUDIT_OPTION_GROUPS.map(([name, keys]): readonly [string, readonly string[]] => {
    const kept = keys.filter((k) => !auditOnly.has(k) && !attackFlags.has(k));
    return name === 'Perturbations:' ? ['Attack:', [...attackFlags, ...kept]] : [name, kept];
  }).filter(([, keys]) => keys.length > 0);

/** `tailcheck attack`: the audit's run with no random variants, the attack only. */
export function toAttackRunOptions(argv: RunArgs): AuditOptions {
  // the budgets first: a bad one is named before anything else is looked at
  const attack = attackOptionsFromCli(argv);
  return { ...runOptionsFromCli(argv, true), perturb: [], attack };
}

export default defineCommand({
  command: 'attack',
  describe:
    'Search each correctly classified example for the fewest word edits that flip it; report by class frequency',
  builder: (yargs) =>
    ATTACK_OPTION_GROUPS.reduce(
      (y, [name, keys]) => y.group([...keys], name),
      yargs.options(sharedRunCliOptions),
    )
      .usage(
        [
          '$0 attack [options]',
          '',
          'The worst case, where `audit` measures the average: for every correctly classified example, a greedy',
          'word-importance search (as in TextAttack) ranks its words by how much deleting each lowers the gold-label',
          'probability, then edits them in that order, each time keeping the typo or meaning-checked synonym that',
          'lowers it most, until the prediction flips. Budgets per example: --max-edits words changed (default 20 %',
          'of its words, at least 1) and --max-queries texts scored (default 200). Success = a flip within both',
          'budgets; the report gives the success rate, accuracy under attack and edits-to-flip by frequency bucket',
          'and class, with bootstrap CIs (--search random: the seeded baseline, same budgets).',
        ].join('\n'),
      )
      .example(
        '$0 attack',
        'the bundled model on the bundled banking queries, greedy search, default budgets',
      )
      .example(
        '$0 attack --max-edits 2 --max-queries 50 --json attack.json',
        'tighter budgets, a JSON report',
      )
      .example('$0 attack --search random --seed 1', 'the random-search baseline')
      .example(
        '$0 attack --shard 1/4 --json shard-1.json',
        'one of four CI matrix jobs; then `tailcheck merge`',
      )
      .epilog(UNITS_EPILOG),
  handler: async (argv) => runReportCommand(argv, toAttackRunOptions(argv)),
});
