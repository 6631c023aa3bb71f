/**
 * Report output for the commands that write reports (audit, merge): their `--json/--md/--html/…`
 * flags and the writing loop, both from the format registry (src/report/formats/), so a new format
 * is a new flag and a new output without touching the commands.
 */
import { writeFileSync } from 'node:fs';
import type { ReportContext, ReportFormat } from '../report/formats/format.ts';
import { REPORT_FORMATS } from '../report/formats/index.ts';
import type { Report } from '../types.ts';

type Format = (typeof REPORT_FORMATS)[number];

/** What a command can feed the formats: `gates` when it evaluates gates. */
interface Offer<G extends boolean> {
  merged: boolean;
  gates: G;
}

/** The yargs options of the formats a command offers. */
export type ReportOutputOptions<G extends boolean> = {
  [F in Format as F extends { needs: 'gates' } ? (G extends true ? F['flag'] : never) : F['flag']]: {
    type: 'string';
    describe: string;
  } & (F extends { nargs: 1 } ? { nargs: 1 } : unknown);
};

function offered(gates: boolean): readonly ReportFormat[] {
  return REPORT_FORMATS.filter((f: ReportFormat) => f.needs === undefined || (f.needs === 'gates' && gates));
}

export function reportOutputOptions<const G extends boolean>(offer: Offer<G>): ReportOutputOptions<G> {
  const options: Record<string, object> = {};
  for (const f of offered(offer.gates)) {
    options[f.flag] = {
      type: 'string',
      ...(f.nargs === undefined ? {} : { nargs: f.nargs }),
      describe: f.describe({ merged: offer.merged }),
    };
  }
  return options as ReportOutputOptions<G>;
}

/** True when a format writes to stdout (`--json -`): the terminal summary then goes to stderr. */
export function reportToStdout(argv: Readonly<Record<string, unknown>>): boolean {
  return REPORT_FORMATS.some((f: ReportFormat) => f.stdout === true && argv[f.flag] === '-');
}

/** Writes every report the flags ask for, in registry order. */
export function writeReports(
  report: Report,
  argv: Readonly<Record<string, unknown>>,
  context: ReportContext,
): void {
  for (const f of offered(context.gates !== undefined)) {
    const target = argv[f.flag];
    if (typeof target !== 'string' || target === '') continue;
    const text = f.render(report, context);
    if (f.stdout === true && target === '-') process.stdout.write(text);
    else writeFileSync(target, text);
  }
}
