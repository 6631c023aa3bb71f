/**
 * The terminal view of a comparison (`tailcheck compare`, default output). Every dataset string
 * (labels, ids, texts, paths, model ids, perturbation names, warnings) goes through `stripControls`;
 * colour codes are added only here, and only when asked.
 */

import type { ChangedVariant, ChangedVariants, Comparison, ScopeComparison } from '../compare/types.ts';
import { stripControls } from '../util/strings.ts';
import { diffVariant } from './common.ts';
import {
  bucketRowsOf,
  classRows,
  comparedSeverities,
  compareLegend,
  deltaCell,
  direction,
  gateSummary,
  pairingLine,
  percent,
  perturbationName,
  pooledAt,
  predictionChange,
  rateChange,
  regressionFailures,
  scopesAt,
} from './compare-common.ts';
import { displayWidth, type Paint, painter, type Style } from './terminal.ts';

export interface CompareTerminalOptions {
  /** ANSI colours */
  color?: boolean;
  /** target line width (default 100) */
  width?: number;
  /** classes and changed variants listed (default 10) */
  top?: number;
  /** list each failed gate check under the gate line (default true; the CLI prints them to stderr instead) */
  gateFailures?: boolean;
}

interface Cell {
  text: string;
  style?: Style;
}

const MAX_NAME = 32;
const GAP = '  ';

export function renderCompareTerminal(c: Comparison, opts: CompareTerminalOptions = {}): string {
  const width = Math.max(50, Math.floor(opts.width ?? 100));
  const top = Math.max(0, Math.floor(opts.top ?? 10));
  const paint = painter(opts.color);
  const out: string[] = [];

  out.push(paint('tailcheck compare — HEAD vs BASE, paired per variant', 'bold'));
  for (const [tag, side] of [
    ['BASE', c.base],
    ['HEAD', c.head],
  ] as const) {
    out.push(
      ...wrap(
        `${tag}  ${stripControls(side.file)} — ${side.examples} examples, clean accuracy ${percent(side.cleanAccuracy)}`,
        width,
        6,
      ),
      ...wrap(
        `model ${stripControls(side.model.id)} (${stripControls(side.model.fingerprint.slice(0, 12))})`,
        width - 6,
      ).map((l) => `      ${l}`),
    );
  }
  out.push(
    ...wrap(
      `data  ${stripControls(c.config.data.path)} — seed ${c.config.seed}, ${c.config.perturbations.length} perturbations at severity ${c.config.severities.join(', ')}; ${c.config.variants} variants per text`,
      width,
      6,
    ),
  );
  out.push(...wrap(`pairs ${pairingLine(c)}`, width, 6));
  out.push('', ...wrapProse(compareLegend(c), width).map((l) => paint(l, 'dim')));

  for (const severity of comparedSeverities(c)) {
    out.push('', paint(`Severity ${severity}`, 'bold'));
    const rows = scopesAt(c, severity).map((s) => scopeCells(s));
    out.push(
      ...fittedTable(
        ['perturbation', 'variants', 'drop B → H %', 'Δ drop pp', 'Δ flip pp', 'Δ break pp'],
        rows,
        ['l', 'r', 'r', 'r', 'r', 'r'],
        width,
        paint,
      ),
    );
    const pooled = pooledAt(c, severity);
    if (!pooled) continue;
    const buckets = bucketRowsOf(c, pooled);
    if (buckets.length > 0) {
      out.push('', paint('  by bucket, all perturbations pooled', 'bold'));
      out.push(
        ...fittedTable(
          ['bucket', 'classes', 'variants', 'drop B → H %', 'Δ drop pp', 'Δ break pp', 'new break/pass'],
          buckets.map((b) => [
            { text: truncate(stripControls(b.name), MAX_NAME) },
            { text: String(b.classes) },
            { text: b.slice.n.toLocaleString('en-US') },
            { text: rateChange(b.slice.drop) },
            deltaStyled(b.slice.drop),
            deltaStyled(b.slice.breakRate),
            { text: `${b.slice.newlyBreaking}/${b.slice.newlyPassing}` },
          ]),
          ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
          width - 2,
          paint,
        ).map((l) => `  ${l}`),
      );
    }
    const classes = classRows(c, pooled, top);
    if (classes.length > 0) {
      out.push(
        '',
        paint(`  classes with the largest Δ drop, all perturbations pooled (top ${classes.length})`, 'bold'),
      );
      out.push(
        ...fittedTable(
          ['class', 'train', 'variants', 'drop B → H %', 'Δ drop pp', 'new break/pass'],
          classes.map((r) => [
            { text: truncate(stripControls(r.label), MAX_NAME) },
            { text: r.trainCount === undefined ? '—' : String(r.trainCount) },
            { text: String(r.slice.n) },
            { text: rateChange(r.slice.drop) },
            deltaStyled(r.slice.drop),
            { text: `${r.slice.newlyBreaking}/${r.slice.newlyPassing}` },
          ]),
          ['l', 'r', 'r', 'r', 'r', 'r'],
          width - 2,
          paint,
        ).map((l) => `  ${l}`),
      );
    }
  }

  out.push(
    '',
    ...changedLines(
      'Newly breaking (right in BASE, wrong in HEAD)',
      'HEAD is most confidently wrong',
      c.newlyBreaking,
      c,
      top,
      width,
      paint,
    ),
  );
  out.push(
    '',
    ...changedLines(
      'Newly passing (wrong in BASE, right in HEAD)',
      'BASE was most confidently wrong',
      c.newlyPassing,
      c,
      top,
      width,
      paint,
    ),
  );

  if (c.warnings.length > 0) {
    out.push('');
    for (const w of c.warnings) {
      wrapProse(stripControls(w), width - 9).forEach((line, i) => {
        out.push(i === 0 ? `${paint('warning:', 'yellow')} ${line}` : `         ${line}`);
      });
    }
  }
  const gate = gateSummary(c);
  if (gate) {
    out.push('', paint(`gate ${gate}`, c.gate?.passed ? 'green' : 'red'));
    if (opts.gateFailures !== false) {
      for (const failure of regressionFailures(c)) out.push(...wrapProse(`  ${failure}`, width, 4));
    }
  }
  out.push('', ...wrapProse(`verdict: ${stripControls(c.verdict)}`, width, 9).map((l) => paint(l, 'bold')));
  return `${out.join('\n')}\n`;
}

function deltaStyled(d: Parameters<typeof deltaCell>[0]): Cell {
  const dir = direction(d);
  return { text: deltaCell(d), style: dir === 'worse' ? 'red' : dir === 'better' ? 'green' : undefined };
}

function scopeCells(s: ScopeComparison): Cell[] {
  const o = s.overall;
  const has = o.n > 0;
  return [
    {
      text: truncate(stripControls(perturbationName(s.perturbation)), MAX_NAME),
      style: s.perturbation === '*' ? 'bold' : undefined,
    },
    { text: o.n.toLocaleString('en-US') },
    { text: has ? rateChange(o.drop) : '—' },
    has ? deltaStyled(o.drop) : { text: '—' },
    has ? deltaStyled(o.flipRate) : { text: '—' },
    has ? deltaStyled(o.breakRate) : { text: '—' },
  ];
}

function changedLines(
  title: string,
  order: string,
  changed: ChangedVariants,
  c: Comparison,
  top: number,
  width: number,
  paint: Paint,
): string[] {
  const shown = changed.top.slice(0, top);
  const of = c.pairing.pairedVariants.toLocaleString('en-US');
  const head = `${title}: ${changed.total.toLocaleString('en-US')} of ${of} paired variants${shown.length > 0 ? `; the ${shown.length} where ${order}` : ''}`;
  const out = wrap(head, width).map((l) => paint(l, 'bold'));
  shown.forEach((v, i) => {
    out.push(...variantLines(v, i + 1, width, paint));
  });
  return out;
}

function variantLines(v: ChangedVariant, rank: number, width: number, paint: Paint): string[] {
  const lead = `${String(rank).padStart(3)}. `;
  const pad = ' '.repeat(lead.length);
  const highlighted = diffVariant(stripControls(v.original), stripControls(v.text))
    .map((seg) => (seg.changed ? paint(seg.text, 'yellow') : seg.text))
    .join('');
  const p = predictionChange(v);
  const lines = [
    `${lead}${stripControls(v.id)} · gold ${stripControls(v.label)} · ${stripControls(v.perturbation)} severity ${v.severity} variant ${v.variant}`,
    ...wrap(`original  ${stripControls(v.original)}`, width - pad.length, 10).map((l) => pad + l),
    // The variant keeps our colour codes: wrapped only when it is too long to fit.
    ...(displayWidth(stripControls(v.text)) + 10 <= width - pad.length
      ? [`${pad}variant   ${highlighted}`]
      : wrap(`variant   ${stripControls(v.text)}`, width - pad.length, 10).map((l) => pad + l)),
    ...wrap(`BASE ${stripControls(p.base)} → HEAD ${stripControls(p.head)}`, width - pad.length - 10, 0).map(
      (l) => `${pad}          ${paint(l, 'dim')}`,
    ),
  ];
  return lines;
}

// ───────────────────────────── layout ─────────────────────────────

function truncate(text: string, max: number): string {
  if (displayWidth(text) <= max) return text;
  let out = '';
  for (const ch of text) {
    if (displayWidth(`${out}${ch}…`) > max) break;
    out += ch;
  }
  return `${out}…`;
}

/** Word-wraps our own sentences: a number keeps its unit ("11.6 %", "+2.0 pp") on its line. */
function wrapProse(text: string, max: number, indent = 0): string[] {
  const glued = text.replace(/(\d\]?) (%|pp)(?=[\s,.;:)]|$)/g, '$1\u00a0$2');
  return wrap(glued, max, indent).map((line) => line.replace(/\u00a0/g, ' '));
}

/** Word-wraps `text` to `max` columns; continuation lines are indented by `indent`. */
function wrap(text: string, max: number, indent = 0): string[] {
  const lines: string[] = [];
  let line = '';
  const limit = () => (lines.length === 0 ? max : max - indent);
  for (const word of text.split(' ')) {
    let w = word;
    while (displayWidth(w) > Math.max(10, limit())) {
      if (line) {
        lines.push(line);
        line = '';
      }
      const head = truncate(w, Math.max(10, limit()) + 1).slice(0, -1);
      lines.push(head);
      w = w.slice(head.length);
    }
    if (!line) line = w;
    else if (displayWidth(`${line} ${w}`) <= limit()) line += ` ${w}`;
    else {
      lines.push(line);
      line = w;
    }
  }
  if (line || lines.length === 0) lines.push(line);
  return lines.map((l, i) => (i === 0 ? l : ' '.repeat(indent) + l));
}

function table(headers: string[], rows: Cell[][], align: ('l' | 'r')[], paint: Paint): string[] {
  const widths = headers.map((h, c) =>
    Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[c].text))),
  );
  const pad = (text: string, c: number) => {
    const fill = ' '.repeat(Math.max(0, widths[c] - displayWidth(text)));
    return align[c] === 'r' ? fill + text : c === widths.length - 1 ? text : text + fill;
  };
  const total = widths.reduce((s, w) => s + w, 0) + GAP.length * (widths.length - 1);
  return [
    paint(headers.map((h, c) => pad(h, c)).join(GAP), 'bold'),
    paint('─'.repeat(total), 'dim'),
    ...rows.map((r) => r.map((cell, c) => paint(pad(cell.text, c), cell.style)).join(GAP)),
  ];
}

/** A table within `width`: whole when it fits, else split into parts that each repeat the first column. */
function fittedTable(
  headers: string[],
  rows: Cell[][],
  align: ('l' | 'r')[],
  width: number,
  paint: Paint,
): string[] {
  const widths = headers.map((h, c) =>
    Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[c].text))),
  );
  const total = widths.reduce((s, w) => s + w, 0) + GAP.length * (widths.length - 1);
  if (total <= width || headers.length <= 2) return table(headers, rows, align, paint);
  const parts: number[][] = [];
  let current: number[] = [];
  let used = widths[0];
  for (let c = 1; c < widths.length; c++) {
    if (current.length > 0 && used + GAP.length + widths[c] > width) {
      parts.push(current);
      current = [];
      used = widths[0];
    }
    current.push(c);
    used += GAP.length + widths[c];
  }
  parts.push(current);
  return parts.flatMap((cols, i) => [
    ...(i > 0 ? [''] : []),
    ...table(
      [headers[0], ...cols.map((c) => headers[c])],
      rows.map((r) => [r[0], ...cols.map((c) => r[c])]),
      [align[0], ...cols.map((c) => align[c])],
      paint,
    ),
  ]);
}
