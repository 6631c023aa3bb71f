/** `--junit FILE`: the gate checks as JUnit XML (only where gates are evaluated). */
import { renderJunit } from '../junit.ts';
import { defineFormat } from './format.ts';

export default defineFormat({
  flag: 'junit',
  nargs: 1,
  describe: () => 'Write the gate checks as JUnit XML',
  needs: 'gates',
  render: (report, { gates }) => renderJunit(report, gates!),
});
