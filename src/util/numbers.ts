/** Small numeric helpers that several stages need (one copy each). */

/** Index of the highest value; the lowest index on ties (0 for an empty array). */
export function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}
