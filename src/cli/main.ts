/**
 * CLI entry: a name → command registry, like vitest's. Each file in ./commands/
 * default-exports a yargs CommandModule; adding a command means adding a file.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import yargs, { type Argv, type CommandModule } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { EXIT_USAGE } from '../errors.ts';
import { stripControlsKeepLines } from '../util/strings.ts';
import { VERSION } from '../version.ts';
import { explainUnknown, type ParseContext } from './suggest.ts';

const commandsDir = new URL('./commands/', import.meta.url);

/** Command modules by command name: `commands/<name>.ts` (`.js` once built) holds command `<name>`. */
function commandFiles(): Map<string, URL> {
  const files = readdirSync(fileURLToPath(commandsDir))
    .filter((f) => /\.(ts|js)$/.test(f) && !/\.(test|d)\.ts$/.test(f))
    .sort();
  return new Map(files.map((f) => [f.replace(/\.(ts|js)$/, ''), new URL(f, commandsDir)]));
}

/**
 * The commands yargs needs for `argv`. Start-up time: each command module imports what it runs
 * (the audit pipeline, zod, csv-parse, yaml …), so when the command comes first (`tailcheck perturb …`)
 * only its module is loaded. Anything else — `--help`, `--version`, a misspelt or missing command —
 * loads them all, for the command list and yargs' suggestions.
 */
async function loadCommands(argv: readonly string[]): Promise<CommandModule[]> {
  const files = commandFiles();
  const named = argv[0] === undefined ? undefined : files.get(argv[0]);
  const wanted = named === undefined ? [...files.values()] : [named];
  const modules = await Promise.all(
    wanted.map((url) => import(url.href) as Promise<{ default: CommandModule }>),
  );
  return modules.map((m) => m.default);
}

/**
 * Once a command's handler has started, yargs renders that command's whole help text and keeps it,
 * in case a later failure shows help (`cacheHelpMessage`). Ours never does (`.fail` prints one line;
 * `--help` is rendered on its own path), and for `perturb` or `audit` that rendering (string widths,
 * wrapping of 20–40 options) was the largest part of the start-up. yargs has no switch for it, so
 * its internal method is replaced; if a yargs version lacks it, nothing changes but the time.
 */
function skipHelpCache(cli: Argv): void {
  type Internals = { getInternalMethods?(): { getUsageInstance?(): { cacheHelpMessage?: unknown } } };
  const usage = (cli as unknown as Internals).getInternalMethods?.().getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
}

export async function main(argv: string[] = hideBin(process.argv)): Promise<void> {
  const cli = yargs(argv)
    .scriptName('tailcheck')
    .usage(
      'tailcheck — robustness of text classifiers under typos, synonyms and paraphrases,\n' +
        'broken down by class frequency (many / medium / few-shot classes).\n\nUsage: $0 <command> [options]',
    )
    .version(VERSION)
    .strict()
    .demandCommand(1, 'Name a command: tailcheck audit, tailcheck perturb, tailcheck perturbations, …')
    .recommendCommands()
    .wrap(Math.min(110, process.stdout.columns || 110))
    .epilog('Docs: README.md. Exit codes: 0 ok, 1 a robustness gate failed, 2 usage or input error.')
    .fail((msg, err) => {
      // yargs' own parse errors (e.g. `--json` or `--data` without its value) are usage errors too.
      if (err && err.name !== 'YError') throw err;
      const message = msg ?? err?.message ?? '';
      const context = parseContext(cli, argv);
      const explained = context && explainUnknown(message, context);
      const lines = explained ? explained.split('\n') : [message];
      process.stderr.write(
        `${lines.map((l) => `tailcheck: ${stripControlsKeepLines(l)}\n`).join('')}Run with --help for usage.\n`,
      );
      process.exit(EXIT_USAGE);
    });
  for (const command of await loadCommands(argv)) cli.command(command);
  skipHelpCache(cli);
  await cli.parseAsync();
}

/**
 * Where the parser stood when it failed, for the did-you-mean (./suggest.ts): the current command's
 * options (yargs 18's getOptions()) and the commands that could follow (its internal command
 * registry; neither is declared by the @types of yargs 17). Undefined if those internals change:
 * yargs' own message is printed then.
 */
function parseContext(cli: Argv, argv: readonly string[]): ParseContext | undefined {
  const parser = cli as unknown as {
    getOptions(): { key: Record<string, unknown>; boolean: string[] };
    getInternalMethods(): {
      getContext(): { commands: string[] };
      getCommandInstance(): { getCommands(): string[] };
    };
  };
  try {
    const internal = parser.getInternalMethods();
    const options = parser.getOptions();
    return {
      argv,
      path: internal.getContext().commands,
      commands: internal.getCommandInstance().getCommands(),
      options: Object.keys(options.key),
      booleans: options.boolean,
    };
  } catch {
    return undefined;
  }
}

// The one place errors are printed. Their messages quote outside text (a backend's error body, a
// `cmd:` model's stderr, a data line), which may carry terminal escapes (ESC[2J clears the screen):
// stripped here, keeping the newlines and tabs that lay out our own multi-line messages.
try {
  await main();
} catch (err) {
  const exitCode = (err as { exitCode?: number }).exitCode;
  if (typeof exitCode === 'number') {
    process.stderr.write(`tailcheck: ${stripControlsKeepLines((err as Error).message)}\n`);
    process.exitCode = exitCode;
  } else {
    // A bug: the stack trace is for its report, printed as Node would (exit 1), minus the escapes.
    const text = err instanceof Error ? (err.stack ?? String(err)) : String(err);
    process.stderr.write(`${stripControlsKeepLines(text)}\n`);
    process.exitCode = 1;
  }
}
