/**
 * Report output for the commands that write reports (audit, merge): their `--json/--md/--html/…`
 * flags and the writing loop, both from the format registry (src/report/formats/), so a new format
 * is a new flag and a new output without touching the commands.
 */
import type { ReportContext, ReportFormat } from '../report/formats/format.ts';
import { REPORT_FORMATS } from '../report/formats/index.ts';
import type { Report } from '../types.ts';
import { writeFilesAtomic } from '../util/atomic-write.ts';
import type { NamedPath } from './io-paths.ts';

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

/** True when a format writes to stdout (`--json -`, `--md -`): the terminal summary then goes to stderr. */
export function reportToStdout(argv: Readonly<Record<string, unknown>>): boolean {
  return REPORT_FORMATS.some((f: ReportFormat) => f.stdout === true && argv[f.flag] === '-');
}

/** The report files the flags ask for, for the up-front path checks (cli/io-paths.ts). */
export function reportOutputPaths(
  argv: Readonly<Record<string, unknown>>,
  offer: { gates: boolean },
): NamedPath[] {
  return offered(offer.gates).flatMap((f) => {
    const target = argv[f.flag];
    if (typeof target !== 'string' || target === '') return [];
    return [{ name: `--${f.flag}`, path: target, stdout: f.stdout === true }];
  });
}

/**
 * Writes every report the flags ask for. All are rendered and written to temp files first, then
 * renamed into place in registry order: a failure leaves the previous reports, never a mix of
 * half-written ones. (An examples file they point to was renamed into place before: it comes first.)
 */
export function writeReports(
  report: Report,
  argv: Readonly<Record<string, unknown>>,
  context: ReportContext,
): void {
  const files: { path: string; text: string }[] = [];
  let stdout: string | undefined;
  for (const f of offered(context.gates !== undefined)) {
    const target = argv[f.flag];
    if (typeof target !== 'string' || target === '') continue;
    const text = f.render(report, context);
    if (f.stdout === true && target === '-') stdout = text;
    else files.push({ path: target, text });
  }
  writeFilesAtomic(files);
  if (stdout !== undefined) process.stdout.write(stdout);
}
