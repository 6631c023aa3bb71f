/** `--html FILE`: the self-contained HTML report. */
import { renderHtml } from '../html.ts';
import { defineFormat } from './format.ts';

export default defineFormat({
  flag: 'html',
  describe: () => 'Write a self-contained HTML report',
  render: (report) => renderHtml(report),
});
