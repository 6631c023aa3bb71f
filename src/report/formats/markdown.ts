/** `--md FILE|-`: the Markdown report. */
import { renderMarkdown } from '../markdown.ts';
import { defineFormat } from './format.ts';

export default defineFormat({
  flag: 'md',
  describe: () => 'Write a Markdown report to a file, or - for stdout',
  stdout: true,
  nargs: 1,
  render: (report) => renderMarkdown(report),
});
