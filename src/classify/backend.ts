/**
 * The contract of a model backend, like a perturbation's: one file in ./backends/ declares
 *   { name, matches(spec), options, create(spec, options) }
 * and its options ONCE (`defineOption`: key, description, zod schema = type and validation, default,
 * and the CLI flag when it has one). Everything else derives from the declarations: the
 * `ClassifierOptions` type and the suite YAML's `modelOptions` schema (load.ts), the CLI flags and
 * their conversion (cli/parse.ts). An option read by several backends is declared once
 * (./backends/common.ts) and listed by each of them.
 */
import type { z } from 'zod';
import type { Classifier } from '../types.ts';

/** How an option appears on the command line. */
export interface OptionFlag {
  /** the flag's name, kebab-case (`http-map` → `--http-map`) */
  readonly flag: string;
  /**
   * Where the flag is listed: 'model' with the model's options (audit only), 'run' with the
   * prediction-run flags every model-running command shares (audit, suite).
   */
  readonly group: 'model' | 'run';
  /** yargs parsing of the flag (its --help text is the option's `describe`) */
  readonly type?: 'string' | 'number';
  readonly array?: true;
  readonly choices?: readonly string[];
  /** the flag must be an integer ≥ 1 ('positive') or ≥ 0 ('non-negative'); the CLI says so when not */
  readonly integer?: 'positive' | 'non-negative';
  /** the parsed flag → the option's value (default: as is) */
  fromCli?(value: never): unknown;
}

export interface BackendOption {
  /** the key in ClassifierOptions and in a suite's `modelOptions` */
  readonly key: string;
  /** what it does (the --help text when it has a flag) */
  readonly describe: string;
  /** the option's value: its TypeScript type and the suite YAML's validation */
  readonly schema: z.ZodType;
  /** the value a backend uses when the option is not given (one backend's default; see describe) */
  readonly default?: unknown;
  /** false: not settable in a suite's modelOptions (the suite or its CLI sets it) */
  readonly inSuite?: false;
  /**
   * The value names files, so a suite's `modelOptions` value resolves against the suite's folder
   * (suite/context.ts resolveModelOptionPaths): 'file' a path, 'files' a list of paths, 'file-or-text'
   * a path or inline text (a relative value becomes a path only when that file exists in the suite's
   * folder). On the command line, paths are relative to the working directory as usual.
   */
  readonly path?: 'file' | 'files' | 'file-or-text';
  readonly cli?: OptionFlag;
}

/** `{ key?: value }` for a list of options: the object a backend's create() receives. */
export type OptionValues<O extends readonly BackendOption[]> = {
  [D in O[number] as D['key']]?: z.output<D['schema']>;
};

export interface ClassifierBackend<O extends readonly BackendOption[] = readonly BackendOption[]> {
  /** for messages and docs: 'http', 'cmd', … */
  readonly name: string;
  /** what `--model` looks like for this backend; the registry asks backends in order, first match wins */
  matches(spec: string): boolean;
  /** the options it reads */
  readonly options: O;
  /** opens the model; spec '' = no --model given */
  create(spec: string, options: OptionValues<O>): Promise<Classifier>;
}

/** Declares an option with literal types, so flags and option types can be derived from it. */
export function defineOption<const O extends BackendOption>(option: O): O {
  return option;
}

/** Declares a backend; `create` is typed from the options it lists. */
export function defineBackend<const O extends readonly BackendOption[]>(
  backend: ClassifierBackend<O>,
): ClassifierBackend<O> {
  return backend;
}
