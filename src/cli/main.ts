/**
 * CLI entry: a name → command registry, like vitest's. Each file in ./commands/
 * default-exports a yargs CommandModule; adding a command means adding a file.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import yargs, { type CommandModule } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { EXIT_USAGE } from '../errors.ts';
import { stripControlsKeepLines } from '../util/strings.ts';
import { VERSION } from '../version.ts';

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
      process.stderr.write(
        `tailcheck: ${stripControlsKeepLines(msg ?? err?.message ?? '')}\nRun with --help for usage.\n`,
      );
      process.exit(EXIT_USAGE);
    });
  for (const command of await loadCommands()) cli.command(command);
  await cli.parseAsync();
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
