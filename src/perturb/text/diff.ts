/**
 * The minimal edit between two spellings of a word: character-level perturbations (typos)
 * rewrite a word whole, then report only the units that actually changed, so edits stay small
 * and protected neighbours are never part of one.
 */

/**
 * The smallest replacement turning `before` into `after`, as offsets relative to `before`
 * (common prefix and suffix trimmed). Returns null when they are equal.
 */
export function minimalDiff(
  before: string,
  after: string,
): { start: number; end: number; replacement: string } | null {
  if (before === after) return null;
  let p = 0;
  const max = Math.min(before.length, after.length);
  while (p < max && before.charCodeAt(p) === after.charCodeAt(p)) p++;
  let s = 0;
  while (s < max - p && before.charCodeAt(before.length - 1 - s) === after.charCodeAt(after.length - 1 - s))
    s++;
  return { start: p, end: before.length - s, replacement: after.slice(p, after.length - s) };
}
