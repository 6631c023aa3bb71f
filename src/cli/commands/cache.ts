/**
 * `tailcheck cache info` and `tailcheck cache prune`: look at and trim the prediction cache
 * (`<cache-dir>/predictions/*.jsonl`, one file per model fingerprint; the library is
 * src/classify/cache-store.ts). Only prediction cache files are listed or removed; other folders under
 * the cache dir (e.g. paraphrase answers, which cost money to recompute) are left alone.
 */
import type { Argv } from 'yargs';
import { CACHE_FORMAT, cacheFileInfo, listCacheFiles, pruneCache } from '../../classify/cache-store.ts';
import { DEFAULT_CACHE_DIR } from '../../defaults.ts';
import { UsageError } from '../../errors.ts';
import { stripControls } from '../../util/strings.ts';
import { defineCommand } from '../define-command.ts';

const cacheDirOption = {
  'cache-dir': { type: 'string', default: DEFAULT_CACHE_DIR, describe: 'Prediction cache folder' },
} as const;

const DAY_MS = 24 * 60 * 60 * 1000;

function bytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = n;
  let unit = -1;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

function lastUsed(date: Date, now: Date): string {
  const days = Math.floor((now.getTime() - date.getTime()) / DAY_MS);
  const ago = days <= 0 ? 'today' : days === 1 ? '1 day ago' : `${days} days ago`;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC (${ago})`;
}

const count = (n: number) => n.toLocaleString('en-US');

const info = defineCommand({
  command: 'info',
  describe: 'Per cache file: fingerprint, model, entries, bad lines, size, last use',
  builder: (yargs: Argv) =>
    yargs.options({
      ...cacheDirOption,
      json: { type: 'boolean', default: false, describe: 'Print the list as JSON' },
    }),
  handler: async (argv) => {
    const files = await listCacheFiles(argv.cacheDir);
    const infos = await Promise.all(files.map(cacheFileInfo));
    if (argv.json) {
      const rows = infos.map((i) => ({ ...i, lastUsed: i.lastUsed.toISOString() }));
      process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      return;
    }
    if (infos.length === 0) {
      process.stdout.write(`no prediction cache files in ${stripControls(argv.cacheDir)}\n`);
      return;
    }
    const now = new Date();
    const lines: string[] = [];
    for (const i of infos) {
      const current = i.format === CACHE_FORMAT;
      const format =
        i.format === undefined
          ? 'unknown (no readable header)'
          : current
            ? i.format
            : `${stripControls(i.format)} — an older format, no longer read (prune removes it)`;
      lines.push(
        stripControls(i.file),
        `  fingerprint  ${stripControls(i.fingerprint ?? '?')}`,
        `  model        ${stripControls(i.model ?? '?')}`,
        `  format       ${format}`,
        `  entries      ${count(i.entries)}${i.tornLines > 0 ? ` (+ ${count(i.tornLines)} cut short by an interrupted run)` : ''}`,
        `  bad lines    ${count(i.badLines)}${i.badLines > 0 ? ' (checksum mismatch: ignored, recomputed when needed)' : ''}`,
        `  size         ${bytes(i.bytes)}`,
        `  last used    ${lastUsed(i.lastUsed, now)}`,
        '',
      );
    }
    const total = infos.reduce((sum, i) => sum + i.bytes, 0);
    lines.push(`${infos.length} file${infos.length === 1 ? '' : 's'}, ${bytes(total)}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  },
});

const prune = defineCommand({
  command: 'prune',
  describe: 'Remove cache files of models not used for N days (--older-than DAYS), or all (--all)',
  builder: (yargs: Argv) =>
    yargs
      .options({
        ...cacheDirOption,
        'older-than': {
          type: 'number',
          describe: 'Remove files whose model was last used more than DAYS days ago',
        },
        all: { type: 'boolean', default: false, describe: 'Remove every prediction cache file' },
        'dry-run': {
          type: 'boolean',
          default: false,
          describe: 'List what would be removed; remove nothing',
        },
      })
      .example('$0 cache prune --older-than 30', 'drop caches of models unused for a month')
      .example('$0 cache prune --all --dry-run', 'show what --all would remove'),
  handler: async (argv) => {
    const days = argv.olderThan;
    if (days !== undefined && !(Number.isFinite(days) && days >= 0)) {
      throw new UsageError(`--older-than takes a number of days ≥ 0; got ${days}`);
    }
    if (days === undefined && !argv.all) throw new UsageError('cache prune needs --older-than DAYS or --all');
    if (days !== undefined && argv.all)
      throw new UsageError('cache prune takes --older-than DAYS or --all, not both');
    const result = await pruneCache(argv.cacheDir, {
      olderThanDays: days,
      all: argv.all,
      dryRun: argv.dryRun,
    });
    const now = new Date();
    const verb = argv.dryRun ? 'would remove' : 'removed';
    const lines = result.removed.map(
      (r) => `${verb} ${stripControls(r.file)} (${bytes(r.bytes)}, last used ${lastUsed(r.lastUsed, now)})`,
    );
    const freed = result.removed.reduce((sum, r) => sum + r.bytes, 0);
    lines.push(
      `${argv.dryRun ? 'would remove' : 'removed'} ${result.removed.length} file${result.removed.length === 1 ? '' : 's'} (${bytes(freed)}), kept ${result.kept}`,
    );
    process.stdout.write(`${lines.join('\n')}\n`);
  },
});

export default defineCommand({
  command: 'cache',
  describe: 'Inspect (info) or trim (prune) the prediction cache',
  builder: (yargs) =>
    yargs
      .command(info)
      .command(prune)
      .demandCommand(1, 'Name a subcommand: tailcheck cache info, tailcheck cache prune'),
  handler: () => undefined,
});
