/** `--html FILE`: the self-contained HTML report. */
import { renderHtml } from '../html.ts';
import { defineFormat } from './format.ts';

export default defineFormat({
  flag: 'html',
  // nargs 1: `--html -` reaches the command, which says this format cannot go to stdout.
  nargs: 1,
  describe: () => 'Write a self-contained HTML report',
  render: (report) => renderHtml(report),
});
