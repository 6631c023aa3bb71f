/**
 * The contract of a report format, like a backend's or a perturbation's: one file in this folder
 * declares `{ flag, describe, render }`, and the commands that write reports (audit, merge) derive
 * their output flags and their writing loop from the registry (./index.ts).
 */

import type { Report } from '../../types.ts';
import type { renderJunit } from '../junit.ts';

/** What a format may need besides the report; a command offers only the formats it can feed. */
export interface ReportContext {
  /** the robustness gates' outcome, for commands that evaluate gates */
  gates?: Parameters<typeof renderJunit>[1];
}

export interface ReportFormat {
  /** the CLI flag naming the output file: `--json out.json` */
  readonly flag: string;
  /** the flag's --help text; `merged`: for the report `tailcheck merge` writes */
  describe(command: { merged: boolean }): string;
  /** `--<flag> -` writes to stdout instead of a file named "-" */
  readonly stdout?: true;
  /** yargs: the flag always takes the next argument as its value (so `--json -` is not a flag) */
  readonly nargs?: 1;
  /** needs this part of the context; commands without it do not offer the format */
  readonly needs?: keyof ReportContext;
  render(report: Report, context: ReportContext): string;
}

/** Declares a format with literal types, so the flags' types can be derived from it. */
export function defineFormat<const F extends ReportFormat>(format: F): F {
  return format;
}
