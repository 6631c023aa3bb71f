/**
 * A yargs command whose handler's argument type is inferred from its builder: the builder's
 * `.options({...})` / `.positional(...)` calls decide the type, so flags and the code reading them
 * cannot disagree (no hand-written Args types, no casts).
 *
 * Every command also refuses a single-value option given twice (`--json a --json b`): yargs would
 * hand the handler an array where it expects one value — a TypeError after an hour-long run, or
 * one of the two silently ignored. Options declared `array: true` (`--protect`, `--header`) repeat.
 */
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { UsageError } from '../errors.ts';

export interface TypedCommand<A> {
  command: string;
  describe: string;
  builder(yargs: Argv): Argv<A>;
  handler(argv: ArgumentsCamelCase<A>): void | Promise<void>;
}

/** What yargs knows of a command's options: every declared key, and which of them are arrays. */
interface DeclaredOptions {
  key: Record<string, unknown>;
  array: string[];
}

/** The message for the first single-value option of `argv` given more than once, if any. */
export function repeatedOption(
  argv: Readonly<Record<string, unknown>>,
  declared: readonly string[],
  arrays: ReadonlySet<string>,
): string | undefined {
  for (const key of declared) {
    const value = argv[key];
    if (arrays.has(key) || !Array.isArray(value) || value.length < 2) continue;
    const times = value.length === 2 ? 'twice' : `${value.length} times`;
    return `--${key} given ${times} (${value.map((v) => JSON.stringify(String(v))).join(', ')}); it takes one value`;
  }
  return undefined;
}

export function defineCommand<A>(command: TypedCommand<A>): CommandModule<object, A> {
  return {
    ...command,
    builder: (yargs: Argv): Argv<A> => {
      const built = command.builder(yargs);
      // yargs 18 has getOptions(); its @types (17) do not declare it.
      const options = (built as Argv<A> & { getOptions(): DeclaredOptions }).getOptions();
      // Checked before the handler runs: a usage error (exit 2) before any work is done.
      return built.check((argv) => {
        const message = repeatedOption(argv, Object.keys(options.key), new Set(options.array));
        if (message !== undefined) throw new UsageError(message);
        return true;
      });
    },
  };
}
