/**
 * The backends' 'run'-group flags (those audit and suite share, e.g. --dtype) are derived from the
 * option declarations, not mapped by hand (review r1, item 2): every one reaches classifierOptions.
 */

import { describe, expect, it } from 'vitest';
import yargs from 'yargs';
import type { BackendOption } from '../src/classify/backend.ts';
import { BACKEND_OPTIONS } from '../src/classify/load.ts';
import { type AuditArgs, auditCliOptions, toAuditOptions } from '../src/cli/commands/audit.ts';
import { modelRunCliOptions } from '../src/cli/parse.ts';

const runFlags = (BACKEND_OPTIONS as readonly BackendOption[]).filter((o) => o.cli?.group === 'run');

describe("the backends' run-group flags", () => {
  it('exist (dtype at least) and are offered by every model-running command', () => {
    expect(runFlags.map((o) => o.key)).toContain('dtype');
    for (const o of runFlags) expect(Object.keys(modelRunCliOptions)).toContain(o.cli!.flag);
  });

  it('audit: each given flag reaches classifierOptions', () => {
    for (const o of runFlags) {
      const value = o.cli!.choices?.[o.cli!.choices.length - 1] ?? (o.cli!.type === 'number' ? 3 : 'x');
      const argv = yargs()
        .options(auditCliOptions)
        .parseSync([`--${o.cli!.flag}`, String(value)]) as unknown as AuditArgs;
      const options = toAuditOptions(argv);
      expect((options.classifierOptions as Record<string, unknown>)[o.key]).toEqual(value);
    }
  });
});
