/**
 * The files a command reads and writes, checked before anything is opened (exit 2, naming the
 * flags), so a careless command line costs nothing:
 * - every output can be written: not a folder, its folder exists and is writable, the file (when
 *   it exists) is writable — found now, not as a stack trace after an hour-long audit;
 * - no output is an input (`--data v.jsonl --examples-out v.jsonl` would replace the data) and no
 *   two outputs are one file (`--json X --html X` would lose the JSON);
 * - at most one output is stdout (`-`), and only one that can be.
 * Paths are compared as resolved real paths (symlinks followed: the realpath of an existing file,
 * else of its folder) and, when both exist, by device and inode, which also catches hard links.
 */
import { accessSync, constants, existsSync, realpathSync, type Stats, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '../errors.ts';

/** A path named on the command line; `name` is how messages refer to it: `--data`, `report 2`. */
export interface NamedPath {
  name: string;
  path: string;
  /** an output that may be `-`, stdout (`--json -`); elsewhere `-` is refused, not taken as a file name */
  stdout?: boolean;
}

interface Resolved extends NamedPath {
  real: string;
  stats?: Stats;
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function resolvePath(p: NamedPath): Resolved {
  const stats = statOrUndefined(p.path);
  if (stats) return { ...p, real: realpathSync(p.path), stats };
  const folder = dirname(resolve(p.path));
  const real = existsSync(folder) ? join(realpathSync(folder), basename(p.path)) : resolve(p.path);
  return { ...p, real };
}

function sameFile(a: Resolved, b: Resolved): boolean {
  if (a.stats && b.stats) return a.stats.dev === b.stats.dev && a.stats.ino === b.stats.ino;
  return a.real === b.real;
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function checkWritable(out: Resolved): void {
  const at = `${out.name} ${out.path}`;
  if (out.stats?.isDirectory()) throw new UsageError(`${at}: is a directory; name a file in it`);
  const folder = dirname(resolve(out.path));
  const folderStats = statOrUndefined(folder);
  if (!folderStats) throw new UsageError(`${at}: folder does not exist: ${folder}`);
  if (!folderStats.isDirectory()) throw new UsageError(`${at}: ${folder} is not a folder`);
  if (out.stats && !writable(out.path)) throw new UsageError(`${at}: not writable`);
  // A regular file is replaced by renaming a temp file written beside it: the folder must be writable.
  if ((!out.stats || out.stats.isFile()) && !writable(folder)) {
    throw new UsageError(`${at}: not writable (no write permission on the folder ${folder})`);
  }
}

/**
 * Throws a UsageError when an output cannot be written or overlaps an input or another output.
 * Entries with an empty path are ignored; an output `-` is stdout; inputs that do not exist are left
 * to their readers (which say "file not found").
 */
export function checkOutputPaths(inputs: readonly NamedPath[], outputs: readonly NamedPath[]): void {
  const toStdout = outputs.filter((o) => o.path === '-');
  const notStdout = toStdout.find((o) => o.stdout !== true);
  if (notStdout) throw new UsageError(`${notStdout.name} cannot write to stdout; name a file`);
  if (toStdout.length > 1) {
    throw new UsageError(
      `${toStdout.map((o) => `${o.name} -`).join(' and ')} ${toStdout.length === 2 ? 'both' : 'all'} ask for stdout; send all but one to files`,
    );
  }
  const files = outputs.filter((o) => o.path !== '' && o.path !== '-').map(resolvePath);
  for (const out of files) checkWritable(out);
  const existingInputs = inputs
    .filter((i) => i.path !== '' && i.path !== '-' && statOrUndefined(i.path) !== undefined)
    .map(resolvePath);
  for (const out of files) {
    const input = existingInputs.find((i) => sameFile(i, out));
    if (input) {
      throw new UsageError(
        `${out.name} ${out.path} is the same file as ${input.name} ${input.path}: refusing to overwrite an input`,
      );
    }
  }
  for (const [i, a] of files.entries()) {
    const b = files.slice(i + 1).find((other) => sameFile(a, other));
    if (b) {
      throw new UsageError(
        `${a.name} ${a.path} and ${b.name} ${b.path} name the same file: give each output its own file`,
      );
    }
  }
}

/**
 * The files a model spec reads: a module or model folder path, or the existing files among the
 * words of a `cmd:` command line (`cmd:"python model.py"` → model.py). URLs read nothing local.
 */
export function modelInputPaths(model: string | undefined): string[] {
  if (model === undefined || model === '' || /^https?:\/\//i.test(model)) return [];
  if (model.startsWith('cmd:')) {
    return model
      .slice(4)
      .split(/\s+/)
      .map((word) => word.replace(/^["']|["']$/g, ''))
      .filter((word) => word !== '' && statOrUndefined(word)?.isFile() === true);
  }
  return [model];
}

/** The values of `flags` in argv as named paths (`--data`), skipping flags not given. */
export function flagPaths(
  argv: Readonly<Record<string, unknown>>,
  flags: readonly string[],
  options: { stdout?: boolean } = {},
): NamedPath[] {
  return flags.flatMap((flag) => {
    const values: unknown[] = ([] as unknown[]).concat(argv[flag] ?? []);
    return values
      .filter((v): v is string => typeof v === 'string' && v !== '')
      .map((path) => ({ name: `--${flag}`, path, stdout: options.stdout }));
  });
}

/** `--model`'s local files as named paths. */
export function modelPaths(model: string | undefined, name = '--model'): NamedPath[] {
  return modelInputPaths(model).map((path) => ({ name, path }));
}
