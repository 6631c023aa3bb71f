/**
 * "Did you mean …?" for the parser's complaints. yargs' strict mode says `Unknown arguments: mx-drop,
 * mxDrop` (the camelCase twin included, no hint) and its recommendCommands says `Did you mean merge?`
 * without the word that was typed. Both are rewritten here: each unknown option, command or argument
 * named as typed, with the nearest known names when some are a few edits away.
 */
import { compareStrings, editDistance } from '../util/strings.ts';

/** `maxDrop`, `max_drop`, `MAX-DROP` → `max-drop`: how option names are compared. */
export function kebab(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/_/g, '-')
    .toLowerCase();
}

/**
 * The known names within a few edits of `typed` (case, `_` and camelCase ignored), nearest first; a
 * known name that `typed` begins (`--max-tail` → `--max-tail-drop`, `--max-tail-break`) counts as near.
 */
export function closestNames(typed: string, known: readonly string[], k = 3): string[] {
  const want = kebab(typed);
  // One edit for short names: two would turn any letter into any two-letter option.
  const limit = want.length <= 3 ? 1 : Math.max(2, Math.floor(want.length / 4));
  return [...new Set(known)]
    .map((name) => ({ name, d: editDistance(want, kebab(name)) }))
    .filter(({ name, d }) => d <= limit || (want.length >= 3 && kebab(name).startsWith(want)))
    .sort((a, b) => a.d - b.d || compareStrings(a.name, b.name))
    .slice(0, k)
    .map(({ name }) => name);
}

const orList = (names: readonly string[]): string =>
  names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;

/** What the parser knew when it failed: the matched command path and what could follow it. */
export interface ParseContext {
  /** the raw arguments */
  argv: readonly string[];
  /** the commands matched so far: [] at the top, ['cache'] inside `tailcheck cache` */
  path: readonly string[];
  /** the commands (or subcommands) that could come next; [] when the command takes none */
  commands: readonly string[];
  /** the option names of the matched command (and the global ones) */
  options: readonly string[];
  /** those of them that are booleans (the only ones `--no-…` negates) */
  booleans: readonly string[];
}

/** How the argument `key` was typed, if as an option: `--mx-drop`, `--mx-drop=1`, `--no-cach`, `-q`. */
function typedAsOption(
  argv: readonly string[],
  key: string,
): { shown: string; negated: boolean } | undefined {
  for (const token of argv) {
    if (token === '--') break;
    const name = token.replace(/^-{1,2}/, '').replace(/=.*$/s, '');
    if (!token.startsWith('-') || name === '') continue;
    if (name === key) return { shown: `${token.startsWith('--') ? '--' : '-'}${key}`, negated: false };
    if (name === `no-${key}`) return { shown: `--no-${key}`, negated: true };
  }
  return undefined;
}

function unknownCommand(typed: string, context: ParseContext): string {
  const prefix = context.path.length ? `${context.path.join(' ')} ` : '';
  const close = closestNames(typed, context.commands);
  const hint = close.length
    ? ` (did you mean ${orList(close.map((c) => `tailcheck ${prefix}${c}`))}?)`
    : `; the commands are ${context.commands.map((c) => `${prefix}${c}`).join(', ')}`;
  return `unknown command "${prefix}${typed}"${hint}`;
}

/**
 * The parser's message in our words, or undefined when it is not about unknown names (then it is
 * printed as yargs wrote it).
 */
export function explainUnknown(message: string, context: ParseContext): string | undefined {
  const commands = new Set(context.commands);
  if (/^Did you mean /.test(message)) {
    // recommendCommands: the first word after the command path that is no command.
    const typed = context.argv.filter((t) => !t.startsWith('-'))[context.path.length];
    return typed !== undefined && !commands.has(typed) ? unknownCommand(typed, context) : undefined;
  }
  const m = /^Unknown arguments?: (.*)$/s.exec(message);
  if (!m) return undefined;
  const keys = m[1]!.split(', ');
  const asOption = new Map(keys.map((key) => [key, typedAsOption(context.argv, key)]));
  // yargs lists an unknown `--mx-drop` twice, as typed and as `mxDrop`: name it once, as typed.
  const typedOptions = new Set(keys.filter((key) => asOption.get(key)).map(kebab));
  const lines: string[] = [];
  for (const key of keys) {
    const option = asOption.get(key);
    if (option) {
      const names = option.negated ? context.booleans.map((o) => `no-${o}`) : context.options;
      const close = closestNames(option.negated ? `no-${key}` : key, names).map((n) => `--${n}`);
      const command = context.path.length ? ` for tailcheck ${context.path.join(' ')}` : '';
      lines.push(
        `unknown option ${option.shown}${command}${close.length ? ` (did you mean ${orList(close)}?)` : ''}`,
      );
    } else if (typedOptions.has(kebab(key))) {
      // the twin of an option named above
    } else if (context.commands.length > 0) {
      lines.push(unknownCommand(key, context));
    } else {
      lines.push(`unexpected argument ${JSON.stringify(key)}`);
    }
  }
  return lines.join('\n');
}
