import type { Report } from '../types.ts';

/** Marks an example record's place in the indented JSON; NUL never appears in JSON text unescaped. */
const SLOT = (i: number) => `\u0000record ${i}\u0000`;
const SLOT_PATTERN = /"\\u0000record (\d+)\\u0000"/g;

/**
 * The report as JSON: keys in object order, 2-space indent, trailing newline — except that each per-example
 * record (`examples[]`) is one line. Records are most of a report's bytes (each carries its
 * probability vectors), and indenting their ~20 fields per variant added a third to the file for nothing
 * a reader scrolls through; one line per example also lets `grep` find an example with its variants.
 */
export function renderJson(report: Report): string {
  const records = report.examples ?? [];
  const lines = records.map((r) => JSON.stringify(r));
  const indented = JSON.stringify(
    report,
    function (this: unknown, key, value) {
      return key === 'examples' && this === report ? records.map((_, i) => SLOT(i)) : value;
    },
    2,
  );
  return `${indented.replace(SLOT_PATTERN, (_, i: string) => lines[Number(i)] as string)}\n`;
}
