/**
 * The comparison as GitHub-flavoured Markdown, sized for a PR comment: verdict, the pooled table and
 * the gate in view; per perturbation, per bucket, per class and the changed variants folded in
 * `<details>`. Dataset strings go through `escapeMarkdown` (markdown.ts).
 */
import type { ChangedVariants, Comparison, ScopeComparison, SliceComparison } from '../compare/types.ts';
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
} from './compare-common.ts';
import { escapeMarkdown } from './markdown.ts';

export interface CompareMarkdownOptions {
  /** classes and changed variants listed (default 10) */
  top?: number;
}

/** Variant text with the changed words in bold (boundaries fall on whitespace, so emphasis always closes). */
function highlight(original: string, variant: string): string {
  return diffVariant(stripControls(original), stripControls(variant))
    .map((seg) => (seg.changed ? `**${escapeMarkdown(seg.text)}**` : escapeMarkdown(seg.text)))
    .join('');
}

/** A Δ cell, bold when its CI excludes 0. */
function delta(d: Parameters<typeof deltaCell>[0]): string {
  const text = deltaCell(d);
  return direction(d) === 'same' ? text : `**${text}**`;
}

function sliceCells(s: SliceComparison): string {
  if (s.n === 0) return '0 | — | — | — | — | 0 / 0';
  return `${s.n} | ${rateChange(s.drop)} | ${delta(s.drop)} | ${delta(s.flipRate)} | ${delta(s.breakRate)} | ${s.newlyBreaking} / ${s.newlyPassing}`;
}

const SLICE_HEAD = 'Variants | Drop B → H % | Δ drop pp | Δ flip pp | Δ break pp | New break / pass |';
const SLICE_RULE = '---:|---:|---:|---:|---:|---:|';

function details(summary: string, body: string[]): string[] {
  return ['', `<details><summary>${summary}</summary>`, '', ...body, '', '</details>'];
}

export function renderCompareMarkdown(c: Comparison, opts: CompareMarkdownOptions = {}): string {
  const top = Math.max(0, Math.floor(opts.top ?? 10));
  const out: string[] = [];
  out.push('### tailcheck compare: HEAD vs BASE', '');
  out.push(`**Verdict:** ${escapeMarkdown(c.verdict)}`, '');
  const side = (tag: string, s: Comparison['base']) =>
    `**${tag}** ${escapeMarkdown(s.file)} (model ${escapeMarkdown(s.model.id)}, clean accuracy ${percent(s.cleanAccuracy)})`;
  out.push(`${side('BASE', c.base)} · ${side('HEAD', c.head)}  `);
  out.push(
    `${escapeMarkdown(pairingLine(c))} · Δ = HEAD − BASE in pp, ${Math.round(c.config.bootstrap.confidence * 100)} % paired bootstrap CI; **bold** = CI excludes 0`,
    '',
  );
  out.push(`| Severity (all pooled) | ${SLICE_HEAD}`, `|---|${SLICE_RULE}`);
  for (const s of c.summary) out.push(`| ${s.severity} | ${sliceCells(s.overall)} |`);

  const gate = gateSummary(c);
  if (gate) {
    out.push('', `**Gate** ${escapeMarkdown(gate)}`);
    for (const failure of regressionFailures(c)) out.push(`- ${escapeMarkdown(failure)}`);
  }
  if (c.warnings.length > 0) {
    out.push('');
    for (const w of c.warnings) out.push(`- ⚠️ ${escapeMarkdown(w)}`);
  }

  out.push(
    ...details('Per perturbation', [
      `| Perturbation | Severity | ${SLICE_HEAD}`,
      `|---|---:|${SLICE_RULE}`,
      ...c.results.map(
        (s) =>
          `| ${escapeMarkdown(perturbationName(s.perturbation))} | ${s.severity} | ${sliceCells(s.overall)} |`,
      ),
    ]),
  );
  const pooledScopes = comparedSeverities(c)
    .map((sev) => pooledAt(c, sev))
    .filter((s): s is ScopeComparison => s !== undefined);
  const bucketLines = pooledScopes.flatMap((s) =>
    bucketRowsOf(c, s).map(
      (b) => `| ${escapeMarkdown(b.name)} | ${s.severity} | ${b.classes} | ${sliceCells(b.slice)} |`,
    ),
  );
  if (bucketLines.length > 0) {
    out.push(
      ...details('Per bucket (all perturbations pooled)', [
        `| Bucket | Severity | Classes | ${SLICE_HEAD}`,
        `|---|---:|---:|${SLICE_RULE}`,
        ...bucketLines,
      ]),
    );
  }
  const classLines = pooledScopes.flatMap((s) =>
    classRows(c, s, top).map(
      (r) =>
        `| ${escapeMarkdown(r.label)} | ${s.severity} | ${r.trainCount ?? '—'} | ${sliceCells(r.slice)} |`,
    ),
  );
  if (classLines.length > 0) {
    out.push(
      ...details(`Classes with the largest Δ drop (top ${top} per severity, all perturbations pooled)`, [
        `| Class | Severity | Train | ${SLICE_HEAD}`,
        `|---|---:|---:|${SLICE_RULE}`,
        ...classLines,
      ]),
    );
  }
  out.push(...changedSection('Newly breaking (right in BASE, wrong in HEAD)', c.newlyBreaking, top));
  out.push(...changedSection('Newly passing (wrong in BASE, right in HEAD)', c.newlyPassing, top));
  out.push(...details('How these numbers are computed', [escapeMarkdown(compareLegend(c))]));
  return `${out.join('\n')}\n`;
}

function changedSection(title: string, changed: ChangedVariants, top: number): string[] {
  const shown = changed.top.slice(0, top);
  const summary = `${title}: ${changed.total} variants${shown.length < changed.total ? ` (top ${shown.length})` : ''}`;
  if (shown.length === 0) return ['', `${summary}.`];
  return details(summary, [
    '| Example | Gold | Perturbation | Variant (changes in bold) | BASE → HEAD |',
    '|---|---|---|---|---|',
    ...shown.map((v) => {
      const p = predictionChange(v);
      return `| ${escapeMarkdown(v.id)} | ${escapeMarkdown(v.label)} | ${escapeMarkdown(v.perturbation)} s${v.severity} #${v.variant} | ${highlight(v.original, v.text)} | ${escapeMarkdown(p.base)} → ${escapeMarkdown(p.head)} |`;
    }),
  ]);
}
