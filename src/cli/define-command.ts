/**
 * A yargs command whose handler's argument type is inferred from its builder: the builder's
 * `.options({...})` / `.positional(...)` calls decide the type, so flags and the code reading them
 * cannot disagree (no hand-written Args types, no casts).
 */
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';

export interface TypedCommand<A> {
  command: string;
  describe: string;
  builder(yargs: Argv): Argv<A>;
  handler(argv: ArgumentsCamelCase<A>): void | Promise<void>;
}

export function defineCommand<A>(command: TypedCommand<A>): CommandModule<object, A> {
  return command;
}
