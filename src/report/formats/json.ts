/** `--json FILE|-`: the JSON report (schema tailcheck/report@2, docs/report-schema.md). */
import { renderJson } from '../json.ts';
import { defineFormat } from './format.ts';

export default defineFormat({
  flag: 'json',
  describe: ({ merged }) => `Write the ${merged ? 'merged ' : ''}JSON report to a file, or - for stdout`,
  stdout: true,
  nargs: 1,
  render: (report) => renderJson(report),
});
