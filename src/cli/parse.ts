import { UsageError } from '../errors.ts';

/** `--shard i/n` → { index, count } with 0 ≤ i < n. */
export function parseShard(value: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  if (!m) throw new UsageError(`--shard takes i/n, e.g. 0/4; got "${value}"`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index >= count) throw new UsageError(`--shard i/n needs 0 ≤ i < n; got "${value}"`);
  return { index, count };
}

/** `--protect` patterns → RegExps (global, so every match is protected). */
export function parseRegexList(values: readonly string[] | undefined): RegExp[] | undefined {
  if (!values || values.length === 0) return undefined;
  return values.map((source) => {
    try {
      return new RegExp(source, 'gu');
    } catch (err) {
      throw new UsageError(
        `--protect "${source}" is not a valid regular expression: ${(err as Error).message}`,
      );
    }
  });
}
