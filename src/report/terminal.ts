/**
 * Plain-text report for the terminal. Every dataset string (labels, ids, paths, model
 * id, perturbation names, warnings) goes through `stripControls`, so a label cannot
 * smuggle ANSI escapes or cursor movement into the user's terminal; colour codes are
 * only ever added by this module, and only when asked.
 */
import { POOLED } from '../measure/accumulator.ts';
import type { AttackSection, BucketInfo, Metrics, Report, Result, Severity } from '../types.ts';
import { stripControls } from '../util/strings.ts';
import {
  attackBucketRows,
  attackBudgets,
  attackCleanAccuracy,
  attackGapLines,
  attackLegend,
  attackMetricCells,
  attackMetricHeaders,
  attackNumber,
  attackOnly,
  attackRate,
  editsNumber,
  medianNumber,
  OUTCOME_LEGEND,
  outcomeLine,
  queriesNumber,
  SEARCH_WORDS,
} from './attack-common.ts';
import {
  bucketRows,
  classCount,
  confidenceLabel,
  countRange,
  DROP_DEFINITION,
  dropWithCI,
  fairnessLine,
  GAP_METRIC_NAMES,
  GAP_TABLE_LEGEND,
  gapBuckets,
  gapRows,
  hasData,
  headlineMetric,
  MISSING,
  metricWithCI,
  pct,
  perturbationLabel,
  pooledFor,
  pp,
  ppCI,
  RATES_DEFINITION,
  rowsForSeverity,
  severitiesOf,
  significantDrop,
  significantGain,
  slopeDirection,
  slopeWeighting,
  TOO_FEW_LEGEND,
  tailShortfall,
  VARIANTS_LEGEND,
  variantCountCells,
  worstClasses,
} from './common.ts';

export interface TerminalOptions {
  /** ANSI colours (the CLI passes `process.stdout.isTTY && !NO_COLOR`) */
  color?: boolean;
  /** target line width; wide tables are split and long text wrapped (default 100) */
  width?: number;
  /** worst classes listed per severity (default 5) */
  worst?: number;
}

export type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan';
const ANSI: Record<Style, string> = {
  bold: '\u001b[1m',
  dim: '\u001b[2m',
  red: '\u001b[31m',
  green: '\u001b[32m',
  yellow: '\u001b[33m',
  cyan: '\u001b[36m',
};
const RESET = '\u001b[0m';

/** Paints text in a style when colour is on; plain text otherwise. */
export type Paint = (text: string, style?: Style) => string;
export const painter =
  (color: boolean | undefined): Paint =>
  (text, style) =>
    color && style ? `${ANSI[style]}${text}${RESET}` : text;

interface Cell {
  text: string;
  style?: Style;
}
type Align = 'l' | 'r';

const MAX_NAME_WIDTH = 32;

export function renderTerminal(report: Report, opts: TerminalOptions = {}): string {
  const width = Math.max(40, Math.floor(opts.width ?? 100));
  const worst = Math.max(0, Math.floor(opts.worst ?? 5));
  const paint = painter(opts.color);
  const out: string[] = [];

  out.push(...header(report, width, paint));

  const ci = confidenceLabel(report);
  const severities = severitiesOf(report);
  // The perturbation legends only above perturbation results (an attack-only report has none).
  const legends =
    severities.length === 0
      ? []
      : [
          `${DROP_DEFINITION}. In percentage points (pp), ${ci}; ${TOO_FEW_LEGEND}.`,
          `${RATES_DEFINITION}. The headline head–tail comparison is on the ${GAP_METRIC_NAMES[headlineMetric(report)]}. ${GAP_TABLE_LEGEND}.`,
        ];
  for (const legend of legends) out.push('', ...wrap(legend, width).map((l) => paint(l, 'dim')));
  for (const severity of severities) {
    out.push('');
    out.push(paint(`Severity ${severity}`, 'bold'));
    out.push(...resultsTable(report, severity, width, paint));
    const pooled = pooledFor(report, severity);
    if (pooled) {
      out.push('', ...bucketTableLines(report, pooled, width, paint));
      out.push(...tailLines(report, pooled, width, paint));
      out.push(...worstClassLines(report, pooled, worst, width, paint));
    }
  }

  out.push(...fairnessLines(report, width, paint));
  if (report.logitAdjusted) out.push('', ...logitAdjustedLines(report, paint));
  out.push(...variantLines(report, width, paint));
  if (report.attack) out.push('', ...attackLines(report, report.attack, width, paint));

  if (report.warnings.length > 0) {
    out.push('');
    for (const warning of report.warnings) {
      const lines = wrap(stripControls(warning), width - 9);
      lines.forEach((line, i) => {
        out.push(i === 0 ? `${paint('warning:', 'yellow')} ${line}` : `         ${line}`);
      });
    }
  }

  out.push('', paint(`verdict: ${stripControls(report.verdict)}`, 'bold'));
  return `${out.join('\n')}\n`;
}

// ───────────────────────────── sections ─────────────────────────────

function header(report: Report, width: number, paint: (t: string, s?: Style) => string): string[] {
  const c = report.config;
  const rows: [string, string][] = [
    ['model', `${stripControls(c.model.id)} (${stripControls(c.model.fingerprint)})`],
    [
      'data',
      `${stripControls(c.data.path)} · ${c.data.n} examples · text field "${stripControls(c.data.textField)}", label field "${stripControls(c.data.labelField)}"`,
    ],
    attackOnly(report)
      ? ['perturbations', `none (attack only) · seed ${c.seed}`]
      : [
          'perturbations',
          `${c.perturbations.map(stripControls).join(', ')} · severities ${c.severities.join(', ')} · ${c.variants} variant(s) each · seed ${c.seed}`,
        ],
    ['frequencies', `source: ${stripControls(c.frequencySource)} · buckets: ${bucketSummary(report)}`],
    [
      'bootstrap',
      `${c.bootstrap.resamples} resamples, ${confidenceLabel(report)} (examples resampled within each class)`,
    ],
  ];
  if (c.logitAdjust) rows.push(['logit adjust', `τ = ${c.logitAdjust.tau}`]);
  if (c.shard) rows.push(['shard', `${c.shard.index} of ${c.shard.count}`]);
  if (report.examplesFile) rows.push(['examples', `written to ${stripControls(report.examplesFile)}`]);

  const labelWidth = Math.max(...rows.map(([k]) => k.length)) + 2;
  const lines = [
    paint(`${report.tool.name} ${stripControls(report.tool.version)} · robustness report`, 'bold'),
  ];
  for (const [key, value] of rows) {
    wrap(value, width - labelWidth - 2).forEach((line, i) => {
      lines.push(`  ${i === 0 ? paint(key.padEnd(labelWidth), 'cyan') : ' '.repeat(labelWidth)}${line}`);
    });
  }
  return lines;
}

function bucketSummary(report: Report): string {
  const mode = `${stripControls(report.config.buckets.mode)} (spec ${stripControls(report.config.buckets.spec)})`;
  const parts = report.buckets.map(
    (b) => `${stripControls(b.name)} ${countRange(b.minCount, b.maxCount)} (${classCount(b.labels.length)})`,
  );
  return [mode, ...parts].join(' · ');
}

function resultsTable(
  report: Report,
  severity: Severity,
  width: number,
  paint: (t: string, s?: Style) => string,
): string[] {
  const rows = rowsForSeverity(report, severity);
  const nameCell = (r: Result): Cell => ({
    text: truncate(stripControls(perturbationLabel(r.perturbation)), MAX_NAME_WIDTH),
    style: r.perturbation === POOLED ? 'bold' : undefined,
  });
  const mainHeader = ['perturbation', 'n', 'clean', 'perturbed', `drop [${confidenceLabel(report)}]`, 'flip'];
  const mainAlign: Align[] = ['l', 'r', 'r', 'r', 'l', 'r'];
  const mainRows = rows.map((r) => [nameCell(r), ...mainCells(r.overall)]);
  const bucketNames = report.buckets.map((b) => stripControls(b.name));
  const bucketAlign: Align[] = report.buckets.map(() => 'l');
  const bucketRows = rows.map((r) => report.buckets.map((b) => bucketCell(r.buckets[b.name])));

  const combined = table(
    [...mainHeader, ...bucketNames.map((name) => `${name} drop (n)`)],
    mainRows.map((row, i) => [...row, ...bucketRows[i]]),
    [...mainAlign, ...bucketAlign],
    paint,
  );
  if (report.buckets.length === 0 || combined.plainWidth <= width) return combined.lines;
  // Too wide for the terminal: drops per bucket go into their own table.
  const main = table(mainHeader, mainRows, mainAlign, paint);
  const perBucket = table(
    ['drop by bucket', ...bucketNames.map((name) => `${name} (n)`)],
    rows.map((r, i) => [nameCell(r), ...bucketRows[i]]),
    ['l', ...bucketAlign],
    paint,
  );
  return [...main.lines, '', ...perBucket.lines];
}

function mainCells(m: Metrics): Cell[] {
  if (!hasData(m)) return [{ text: '0', style: 'dim' }, ...Array.from({ length: 4 }, () => missing())];
  return [
    { text: String(m.n) },
    { text: pct(m.cleanAccuracy) },
    { text: pct(m.perturbedAccuracy) },
    { text: dropWithCI(m), style: dropStyle(m) },
    { text: pct(m.flipRate) },
  ];
}

function bucketCell(m: Metrics | undefined): Cell {
  if (!hasData(m)) return missing();
  return { text: `${pp(m.drop)} (${m.n})`, style: dropStyle(m) };
}

function missing(): Cell {
  return { text: MISSING, style: 'dim' };
}

function dropStyle(m: Metrics): Style | undefined {
  if (significantDrop(m.dropCI)) return 'red';
  if (significantGain(m.dropCI)) return 'green';
  return undefined;
}

/** The pooled result bucket by bucket: clean accuracy beside the drop, break rate and flip rate. */
function bucketTableLines(
  report: Report,
  pooled: Result,
  width: number,
  paint: (t: string, s?: Style) => string,
): string[] {
  const ci = confidenceLabel(report);
  const rows = bucketRows(report, pooled).map(({ bucket, classes, metrics: m }): Cell[] => [
    bucket
      ? { text: truncate(stripControls(bucket.name), MAX_NAME_WIDTH) }
      : { text: 'all classes', style: 'bold' },
    { text: bucket ? countRange(bucket.minCount, bucket.maxCount) : '' },
    { text: String(classes) },
    { text: String(m?.nExamples ?? 0), style: hasData(m) ? undefined : 'dim' },
    hasData(m) ? { text: pct(m.cleanAccuracy) } : missing(),
    hasData(m) ? { text: dropWithCI(m), style: dropStyle(m) } : missing(),
    cellOrMissing(metricWithCI(m, 'break')),
    cellOrMissing(metricWithCI(m, 'flip')),
  ]);
  const lines = fittedTable(
    [
      'bucket',
      'train',
      'classes',
      'examples',
      'clean',
      `drop [${ci}]`,
      `break rate [${ci}]`,
      `flip rate [${ci}]`,
    ],
    rows,
    ['l', 'r', 'r', 'r', 'r', 'l', 'l', 'l'],
    width - 2,
    paint,
  );
  return [paint('By bucket, head → tail, all perturbations pooled', 'bold'), ...lines].map(indent);
}

/** Two spaces before a line of a pooled section; an empty line stays empty. */
function indent(line: string): string {
  return line ? `  ${line}` : line;
}

function cellOrMissing(text: string): Cell {
  return text === MISSING ? missing() : { text };
}

/** The headline head–tail gap and tail slope, named, then all three metrics' gaps and slopes. */
function tailLines(report: Report, pooled: Result, width: number, paint: (t: string, s?: Style) => string) {
  const metric = headlineMetric(report);
  const name = GAP_METRIC_NAMES[metric];
  const parts: string[] = [];
  const g = pooled.headTailGap;
  if (g) {
    const shortfall = tailShortfall(report, pooled, g);
    const noTail = shortfall ? `; ${shortfall}` : '';
    const text = `head–tail gap in ${name} (${gapBuckets(g)}${noTail}): ${pp(g.value)} pp ${ppCI(g.ci)}`;
    parts.push(significantDrop(g.ci) ? paint(text, 'red') : text);
  } else {
    parts.push(paint(`head–tail gap in ${name}: n/a (fewer than two buckets with data)`, 'dim'));
  }
  const s = pooled.tailSlope;
  if (s) {
    parts.push(
      `tail slope of ${name}: ${pp(s.value)} pp per ln(train count) ${ppCI(s.ci)} (${slopeWeighting(s)}; ${slopeDirection(metric)})`,
    );
  } else {
    parts.push(paint(`tail slope of ${name}: n/a (fewer than three classes with data)`, 'dim'));
  }
  const ci = confidenceLabel(report);
  const gapTable = fittedTable(
    ['gap metric', `head–tail gap [${ci}]`, 'buckets', `tail slope [${ci}]`],
    gapRows(report, pooled).map((row): Cell[] => [
      {
        text: `${GAP_METRIC_NAMES[row.metric]}${row.headline ? ' (headline)' : ''}`,
        style: row.headline ? 'bold' : undefined,
      },
      row.gap
        ? {
            text: `${pp(row.gap.value)} ${ppCI(row.gap.ci)}`,
            style: significantDrop(row.gap.ci) ? 'red' : undefined,
          }
        : missing(),
      row.gap ? { text: gapBuckets(row.gap) } : missing(),
      row.slope ? { text: `${pp(row.slope.value)} ${ppCI(row.slope.ci)}` } : missing(),
    ]),
    ['l', 'l', 'l', 'l'],
    width - 2,
    paint,
  );
  return ['', ...parts.flatMap((p) => wrapStyled(p, width - 2)), ...gapTable].map(indent);
}

function worstClassLines(
  report: Report,
  pooled: Result,
  k: number,
  width: number,
  paint: (t: string, s?: Style) => string,
): string[] {
  const rows = worstClasses(pooled, report.classes, k);
  if (rows.length === 0) return [];
  const t = table(
    ['worst classes', 'bucket', 'train', 'n', `drop [${confidenceLabel(report)}]`],
    rows.map(({ info, metrics }) => [
      { text: truncate(stripControls(info.label), Math.min(MAX_NAME_WIDTH, width - 40)) },
      { text: truncate(stripControls(info.bucket), 16) },
      { text: String(info.trainCount) },
      { text: String(metrics.n) },
      { text: dropWithCI(metrics), style: dropStyle(metrics) },
    ]),
    ['l', 'l', 'r', 'r', 'l'],
    paint,
  );
  return ['', ...t.lines].map(indent);
}

function logitAdjustedLines(report: Report, paint: (t: string, s?: Style) => string): string[] {
  const adjusted = report.logitAdjusted;
  if (!adjusted) return [];
  const tau = report.config.logitAdjust?.tau;
  const head: BucketInfo | undefined = report.buckets[0];
  const tail: BucketInfo | undefined = report.buckets[report.buckets.length - 1];
  const rows: Cell[][] = [];
  for (const severity of severitiesOf(report)) {
    const plain = pooledFor(report, severity);
    const adj = pooledFor(adjusted, severity);
    for (const [name, r] of [
      ['plain', plain],
      ['adjusted', adj],
    ] as const) {
      if (!r) continue;
      const m = r.overall;
      rows.push([
        { text: name === 'plain' ? String(severity) : '' },
        { text: name, style: name === 'adjusted' ? 'cyan' : undefined },
        { text: hasData(m) ? pct(m.cleanAccuracy) : MISSING },
        { text: hasData(m) ? pct(m.perturbedAccuracy) : MISSING },
        hasData(m) ? { text: dropWithCI(m), style: dropStyle(m) } : missing(),
        head ? bucketCell(r.buckets[head.name]) : missing(),
        tail && tail !== head ? bucketCell(r.buckets[tail.name]) : missing(),
      ]);
    }
  }
  const title = `Logit adjustment${tau === undefined ? '' : ` (τ = ${tau})`}: plain vs adjusted, all perturbations pooled`;
  const t = table(
    [
      'severity',
      'predictions',
      'clean',
      'perturbed',
      `drop [${confidenceLabel(report)}]`,
      head ? `${stripControls(head.name)} drop (n)` : 'head drop',
      tail && tail !== head ? `${stripControls(tail.name)} drop (n)` : 'tail drop',
    ],
    rows,
    ['r', 'l', 'r', 'r', 'l', 'l', 'l'],
    paint,
  );
  return [paint(title, 'bold'), ...t.lines];
}

/** One line per fairness slice × severity (perturbations that declare a slice); nothing when none ran. */
function fairnessLines(report: Report, width: number, paint: (t: string, s?: Style) => string): string[] {
  const entries = report.fairness ?? [];
  if (entries.length === 0) return [];
  return [
    '',
    paint('Fairness slices', 'bold'),
    ...entries.flatMap((entry) => wrap(fairnessLine(report, entry, stripControls), width - 2).map(indent)),
  ];
}

/** Variants made per perturbation and why the uncounted ones do not count. */
function variantLines(report: Report, width: number, paint: (t: string, s?: Style) => string): string[] {
  const rows = variantCountCells(report);
  if (rows.length === 0) return [];
  const t = table(
    ['variants', 'made', 'counted', 'unchanged', 'duplicate', 'rejected', 'threshold'],
    rows.map((r) => [
      { text: truncate(stripControls(r.perturbation), MAX_NAME_WIDTH) },
      { text: String(r.total) },
      { text: String(r.counted) },
      { text: String(r.unchanged), style: r.unchanged > 0 ? 'dim' : undefined },
      { text: String(r.duplicate), style: r.duplicate > 0 ? 'dim' : undefined },
      { text: String(r.rejected), style: r.rejected > 0 ? 'yellow' : undefined },
      { text: r.threshold, style: 'dim' },
    ]),
    ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
    paint,
  );
  return ['', ...t.lines, ...wrap(VARIANTS_LEGEND, width).map((l) => paint(l, 'dim'))];
}

/**
 * The worst-case attack: the run's search and budgets, the overall numbers, a table by bucket, the
 * head–tail gaps in plain words and the tail slopes, and how the attacks ended.
 */
function attackLines(report: Report, section: AttackSection, width: number, paint: Paint): string[] {
  const o = section.overall;
  const rows: [string, string][] = [
    ['search', `${SEARCH_WORDS[section.config.search]}; ${attackBudgets(section)}`],
    ['transformations', section.config.perturbations.map(stripControls).join(', ')],
    [
      'success rate',
      `${attackRate(o.attackSuccessRate)}: ${o.flipped} of ${o.correct} correctly classified examples flipped`,
    ],
    [
      'accuracy',
      `${attackCleanAccuracy(o)} clean (${o.correct} of ${o.examples}) → ${attackRate(o.accuracyUnderAttack)} under attack`,
    ],
    [
      'edits to flip',
      `mean ${attackNumber(o.editsToFlip.mean, editsNumber)} · median ${attackNumber(o.editsToFlip.median, medianNumber)} · ${attackRate(o.editsToFlip.shareOfWords)} of the words`,
    ],
    ['queries', `${attackNumber(o.queriesPerExample, queriesNumber)} per attacked example`],
    ['outcomes', outcomeLine(section)],
  ];
  const labelWidth = Math.max(...rows.map(([k]) => k.length)) + 2;
  const lines = [paint('Worst-case attack', 'bold')];
  for (const [key, value] of rows) {
    wrap(value, width - labelWidth - 2).forEach((line, i) => {
      lines.push(`  ${i === 0 ? paint(key.padEnd(labelWidth), 'cyan') : ' '.repeat(labelWidth)}${line}`);
    });
  }
  const bucketTable = fittedTable(
    ['bucket', 'train', 'classes', ...attackMetricHeaders(report)],
    attackBucketRows(report, section).map(({ bucket, classes, metrics }): Cell[] => [
      bucket
        ? { text: truncate(stripControls(bucket.name), MAX_NAME_WIDTH) }
        : { text: 'all classes', style: 'bold' },
      { text: bucket ? countRange(bucket.minCount, bucket.maxCount) : '' },
      { text: String(classes) },
      ...attackMetricCells(metrics).map((text) => (text === MISSING ? missing() : { text })),
    ]),
    ['l', 'r', 'r', 'r', 'r', 'l', 'l', 'l', 'l', 'l', 'l'],
    width - 2,
    paint,
  );
  // A wrapped line's continuation is indented under its first line.
  // "95 %" stays on one line (a no-break space while wrapping).
  const hanging = (text: string, style?: Style): string[] =>
    wrap(stripControls(text).replace(/ %/g, '\u00a0%'), width - 4).map((l, i) =>
      paint((i === 0 ? l : `  ${l}`).replace(/\u00a0%/g, ' %'), style),
    );
  const gaps = attackGapLines(report, section).flatMap((g) => [
    ...hanging(g.gapText, g.tailWorse ? 'red' : undefined),
    ...hanging(g.slopeText),
  ]);
  const legend = `${attackLegend(report)}. Outcomes: ${OUTCOME_LEGEND}.`;
  return [
    ...lines,
    '',
    ...[paint('By bucket, head → tail', 'bold'), ...bucketTable, '', ...gaps].map(indent),
    '',
    ...wrap(legend, width).map((l) => paint(l, 'dim')),
  ];
}

// ───────────────────────────── layout ─────────────────────────────

const COLUMN_GAP = '  ';

function columnWidths(headers: readonly string[], rows: readonly Cell[][]): number[] {
  return headers.map((h, c) =>
    Math.max(displayWidth(h), ...rows.map((row) => displayWidth(row[c]?.text ?? ''))),
  );
}

function table(
  headers: string[],
  rows: Cell[][],
  align: Align[],
  paint: (t: string, s?: Style) => string,
): { lines: string[]; plainWidth: number } {
  const widths = columnWidths(headers, rows);
  const last = widths.length - 1;
  const pad = (text: string, c: number) => {
    const fill = ' '.repeat(Math.max(0, widths[c] - displayWidth(text)));
    if (align[c] === 'r') return fill + text;
    // No trailing padding after the last cell, inside or outside colour codes.
    return c === last ? text : text + fill;
  };
  const plainWidth = widths.reduce((s, w) => s + w, 0) + COLUMN_GAP.length * (widths.length - 1);
  const lines = [
    paint(headers.map((h, c) => pad(h, c)).join(COLUMN_GAP), 'bold'),
    paint('─'.repeat(plainWidth), 'dim'),
    ...rows.map((row) => row.map((cell, c) => paint(pad(cell.text, c), cell.style)).join(COLUMN_GAP)),
  ];
  return { lines, plainWidth };
}

/**
 * A table within `width`: whole when it fits, else split into as few tables as greedy packing needs,
 * one after another, each led by the first (key) column and taking the next columns in order. The
 * split is balanced (the narrowest line limit giving that many tables), so no part is left with a
 * lone column when the columns could be shared out more evenly.
 */
function fittedTable(
  headers: string[],
  rows: Cell[][],
  align: Align[],
  width: number,
  paint: (t: string, s?: Style) => string,
): string[] {
  const whole = table(headers, rows, align, paint);
  if (whole.plainWidth <= width || headers.length <= 2) return whole.lines;
  const widths = columnWidths(headers, rows);
  const fewest = packColumns(widths, width).length;
  let lo = widths[0] + COLUMN_GAP.length + Math.max(...widths.slice(1));
  let hi = Math.max(lo, width);
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (packColumns(widths, mid).length <= fewest) hi = mid;
    else lo = mid + 1;
  }
  return packColumns(widths, lo).flatMap((columns, i) => {
    const pick = <T>(items: readonly T[]): T[] => [items[0], ...columns.map((c) => items[c])];
    const part = table(pick(headers), rows.map(pick), pick(align), paint);
    return i === 0 ? part.lines : ['', ...part.lines];
  });
}

/** Columns 1.. in order, in groups that each fit `width` beside column 0 (at least one per group). */
function packColumns(widths: readonly number[], width: number): number[][] {
  const groups: number[][] = [];
  let group: number[] = [];
  let used = widths[0];
  for (let c = 1; c < widths.length; c++) {
    const extra = COLUMN_GAP.length + widths[c];
    if (group.length > 0 && used + extra > width) {
      groups.push(group);
      group = [];
      used = widths[0];
    }
    group.push(c);
    used += extra;
  }
  groups.push(group);
  return groups;
}

/** Columns a string occupies in a terminal: wide East Asian characters and emoji take two, marks none. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (/\p{M}/u.test(ch) || cp === 0x200b || cp === 0x200d || (cp >= 0xfe00 && cp <= 0xfe0f)) continue;
    width += isWide(cp) ? 2 : 1;
  }
  return width;
}

function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

function truncate(text: string, max: number): string {
  if (displayWidth(text) <= max) return text;
  let out = '';
  for (const ch of text) {
    if (displayWidth(`${out}${ch}`) > max - 1) break;
    out += ch;
  }
  return `${out}…`;
}

/** Greedy word wrap; words longer than a line are cut. */
function wrap(text: string, max: number): string[] {
  max = Math.max(10, max);
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    let w = word;
    while (displayWidth(w) > max) {
      if (line) {
        lines.push(line);
        line = '';
      }
      const head = truncate(w, max + 1).slice(0, -1);
      lines.push(head);
      w = w.slice(head.length);
    }
    if (!line) line = w;
    else if (displayWidth(`${line} ${w}`) <= max) line += ` ${w}`;
    else {
      lines.push(line);
      line = w;
    }
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}

/** Wraps text that may already carry our own colour codes around the whole string. */
function wrapStyled(text: string, max: number): string[] {
  const m = /^(\u001b\[\d+m)(.*)\u001b\[0m$/s.exec(text);
  if (!m) return wrap(text, max);
  return wrap(m[2], max).map((line) => `${m[1]}${line}${RESET}`);
}
