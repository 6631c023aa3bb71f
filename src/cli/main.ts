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

async function loadCommands(): Promise<CommandModule[]> {
  const files = readdirSync(fileURLToPath(commandsDir))
    .filter((f) => /\.(ts|js)$/.test(f) && !/\.(test|d)\.ts$/.test(f))
    .sort();
  const modules = await Promise.all(
    files.map((f) => import(new URL(f, commandsDir).href) as Promise<{ default: CommandModule }>),
  );
  return modules.map((m) => m.default);
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
  for (const command of await loadCommands()) cli.command(command);
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
