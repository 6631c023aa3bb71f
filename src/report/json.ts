import type { Report } from '../types.ts';

/** The report as JSON: keys in object order, 2-space indent, trailing newline. */
export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
