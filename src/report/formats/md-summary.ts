/** `--md-summary FILE|-`: the compact Markdown summary for a PR comment (≤ ~40 lines; `--md` is the full report). */
import { renderMarkdownSummary } from '../markdown-summary.ts';
import { defineFormat } from './format.ts';

export default defineFormat({
  flag: 'md-summary',
  describe: () =>
    'Write a compact Markdown summary for a PR comment (verdict, pooled table, worst slices, gates; details folded) to a file, or - for stdout',
  stdout: true,
  nargs: 1,
  render: (report, { gates }) => renderMarkdownSummary(report, { gates }),
});
