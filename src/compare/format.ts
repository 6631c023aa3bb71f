/** Numbers in the comparison's sentences (verdict, gate failures): percentages and percentage points. */
import { pp } from '../report/common.ts';

/** A percentage in prose: 0.356 → "35.6 %". */
export const percent = (x: number): string => `${(x * 100).toFixed(1)} %`;

/** A difference in prose: 0.111 → "+11.1 pp". */
export const points = (x: number): string => `${pp(x)} pp`;

/** A CI of a difference, after the difference in points: "[+1.1, +5.0]", or "(too few examples)". */
export const pointsCI = (ci: readonly [number, number] | null): string =>
  ci ? `[${pp(ci[0])}, ${pp(ci[1])}]` : '(too few examples)';
