/**
 * GitHub-flavoured Markdown report (for PR comments, job summaries, READMEs).
 * Dataset strings are escaped with `escapeMarkdown`, which neutralises inline HTML,
 * table pipes, emphasis, links, code spans, math, block starters and @mentions.
 */
import { POOLED } from '../measure/accumulator.ts';
import type { AttackRecord, AttackSection, Metrics, Report, Result } from '../types.ts';
import { stripControls } from '../util/strings.ts';
import {
  ATTACK_GAP_LEGEND,
  ATTACK_METRIC_NAMES,
  attackBucketRows,
  attackBudgets,
  attackCleanAccuracy,
  attackDifference,
  attackGapLines,
  attackLegend,
  attackMetricCells,
  attackMetricHeaders,
  attackNumber,
  attackOnly,
  attackRate,
  CHEAPEST_FLIPS,
  CHEAPEST_FLIPS_ORDER,
  cheapestFlips,
  editSegments,
  editsNumber,
  GAP_UNITS,
  medianNumber,
  OUTCOME_LEGEND,
  outcomeLine,
  queriesNumber,
  SEARCH_WORDS,
  SLOPE_WEIGHT_WORDS,
} from './attack-common.ts';
import {
  bucketRows,
  classCount,
  confidenceLabel,
  countRange,
  DROP_DEFINITION,
  diffVariant,
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
  SLOPE_WEIGHTS,
  severitiesOf,
  slopeDirection,
  slopeWeighting,
  TOO_FEW_LEGEND,
  tailShortfall,
  VARIANTS_LEGEND,
  variantCountCells,
  worstClasses,
  worstFlips,
} from './common.ts';

export interface MarkdownOptions {
  /** worst classes listed per severity (default 5) */
  worstClasses?: number;
  /** worst flipped examples listed (default 10) */
  worstExamples?: number;
}

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * Escapes an untrusted string for inline Markdown (a table cell or after a prefix on
 * a line): one line, no control characters, `& < >` as entities (GitHub renders
 * inline HTML), Markdown punctuation (`\ \` * _ [ ] | ~ $`) backslash-escaped, block starters at the
 * beginning (`#`, `-`, `+`, `=`, `1.`) escaped, and `@` followed by a zero-width
 * space so names are not turned into GitHub mentions.
 */
export function escapeMarkdown(value: unknown): string {
  let text = stripControls(value).replace(/[&<>]/g, (ch) => HTML_ENTITIES[ch]);
  // Links and images need `[`, autolinks `<`: escaping those makes `(`, `)` and `!` harmless.
  text = text.replace(/[\\`*[\]|~$]/g, '\\$&');
  // GFM never treats an underscore between two alphanumerics as emphasis: keep snake_case labels readable.
  text = text.replace(/(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu, '\\_');
  text = text.replace(/@/g, '@&#8203;');
  // Block syntax only matters at the start of a line.
  text = text.replace(/^(\s*)([#+=-])/, '$1\\$2').replace(/^(\s*\d{1,9})([.)])(?=\s|$)/, '$1\\$2');
  return text;
}

/** Dataset text with the changed words in bold (boundaries fall on whitespace, so emphasis always closes). */
function highlightVariant(original: string, variant: string): string {
  return diffVariant(stripControls(original), stripControls(variant))
    .map((seg) => (seg.changed ? `**${escapeMarkdown(seg.text)}**` : escapeMarkdown(seg.text)))
    .join('');
}

export function renderMarkdown(report: Report, opts: MarkdownOptions = {}): string {
  const worstK = opts.worstClasses ?? 5;
  const exampleK = opts.worstExamples ?? 10;
  const ci = confidenceLabel(report);
  const c = report.config;
  const out: string[] = [];

  out.push('# tailcheck robustness report', '');
  out.push(`**Verdict:** ${escapeMarkdown(report.verdict)}`, '');

  out.push('| | |', '|---|---|');
  out.push(`| Model | ${escapeMarkdown(c.model.id)} (${escapeMarkdown(c.model.fingerprint)}) |`);
  out.push(
    `| Data | ${escapeMarkdown(c.data.path)}: ${c.data.n} examples (text field ${escapeMarkdown(c.data.textField)}, label field ${escapeMarkdown(c.data.labelField)}) |`,
  );
  if (attackOnly(report)) {
    out.push('| Perturbations | none (attack only) |', `| Seed | ${c.seed} |`);
  } else {
    out.push(`| Perturbations | ${c.perturbations.map(escapeMarkdown).join(', ')} |`);
    out.push(`| Severities · variants · seed | ${c.severities.join(', ')} · ${c.variants} · ${c.seed} |`);
  }
  out.push(
    `| Class frequencies | source ${escapeMarkdown(c.frequencySource)}; buckets ${escapeMarkdown(c.buckets.mode)} (spec ${escapeMarkdown(c.buckets.spec)}): ${report.buckets
      .map(
        (b) =>
          `${escapeMarkdown(b.name)} ${countRange(b.minCount, b.maxCount)} (${classCount(b.labels.length)})`,
      )
      .join(', ')} |`,
  );
  out.push(`| Bootstrap | ${c.bootstrap.resamples} resamples, ${ci}, examples resampled within each class |`);
  if (c.logitAdjust) out.push(`| Logit adjustment | τ = ${c.logitAdjust.tau} |`);
  if (c.shard) out.push(`| Shard | ${c.shard.index} of ${c.shard.count} |`);
  out.push(`| Tool | ${escapeMarkdown(report.tool.name)} ${escapeMarkdown(report.tool.version)} |`);
  // The perturbation legends only above perturbation results (an attack-only report has none).
  if (severitiesOf(report).length > 0) {
    out.push('');
    out.push(
      `${DROP_DEFINITION}. In percentage points, with the ${ci}; ${TOO_FEW_LEGEND}. Buckets run from head (most training examples) to tail.`,
    );
    out.push(
      '',
      `${RATES_DEFINITION}. The headline head–tail comparison is on the **${GAP_METRIC_NAMES[headlineMetric(report)]}**. ${GAP_TABLE_LEGEND}.`,
    );
  }

  for (const severity of severitiesOf(report)) {
    out.push('', `## Severity ${severity}`, '');
    const bucketHeads = report.buckets.map((b) => `${escapeMarkdown(b.name)} drop (n)`);
    out.push(
      `| Perturbation | n | Clean | Perturbed | Drop [${ci}] | Flip rate | ${bucketHeads.join(' | ')}${bucketHeads.length ? ' |' : ''}`,
    );
    out.push(`|---|---:|---:|---:|---|---:|${report.buckets.map(() => '---|').join('')}`);
    for (const r of rowsForSeverity(report, severity)) out.push(resultRow(report, r));

    const pooled = pooledFor(report, severity);
    if (pooled) {
      out.push('', ...bucketSection(report, pooled));
      out.push('', `- ${tailSummary(report, pooled)}`, '', ...gapTable(report, pooled));
      const worst = worstClasses(pooled, report.classes, worstK);
      if (worst.length > 0) {
        out.push('', `### Worst classes at severity ${severity}`, '');
        out.push(`| Class | Bucket | Train count | n | Drop [${ci}] |`, '|---|---|---:|---:|---|');
        for (const { info, metrics } of worst) {
          out.push(
            `| ${escapeMarkdown(info.label)} | ${escapeMarkdown(info.bucket)} | ${info.trainCount} | ${metrics.n} | ${dropWithCI(metrics)} |`,
          );
        }
      }
    }
  }

  out.push(...fairnessSection(report));
  if (report.logitAdjusted) out.push('', ...logitAdjustedSection(report));
  out.push(...variantsSection(report));
  if (report.attack) out.push('', ...attackSection(report, report.attack));
  // The worst flips are perturbation variants: an attack-only report has its cheapest flips instead.
  if (!attackOnly(report)) out.push('', ...flipsSection(report, exampleK));

  if (report.warnings.length > 0) {
    out.push('', '## Warnings', '');
    for (const w of report.warnings) out.push(`- ${escapeMarkdown(w)}`);
  }
  return `${out.join('\n')}\n`;
}

/** One bullet per fairness slice × severity, in the wording of every format; nothing when none ran. */
function fairnessSection(report: Report): string[] {
  const entries = report.fairness ?? [];
  if (entries.length === 0) return [];
  return [
    '',
    '## Fairness slices',
    '',
    ...entries.map((entry) => `- ${fairnessLine(report, entry, escapeMarkdown)}`),
  ];
}

function variantsSection(report: Report): string[] {
  const rows = variantCountCells(report);
  if (rows.length === 0) return [];
  return [
    '',
    '## Variants',
    '',
    VARIANTS_LEGEND,
    '',
    '| Perturbation | Made | Counted | Unchanged | Duplicate | Rejected | Meaning threshold |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${escapeMarkdown(r.perturbation)} | ${r.total} | ${r.counted} | ${r.unchanged} | ${r.duplicate} | ${r.rejected} | ${r.threshold} |`,
    ),
  ];
}

function resultRow(report: Report, r: Result): string {
  const name = escapeMarkdown(perturbationLabel(r.perturbation));
  const m = r.overall;
  const cells = hasData(m)
    ? [String(m.n), pct(m.cleanAccuracy), pct(m.perturbedAccuracy), dropWithCI(m), pct(m.flipRate)]
    : ['0', MISSING, MISSING, MISSING, MISSING];
  const buckets = report.buckets.map((b) => bucketCell(r.buckets[b.name]));
  const row = `| ${r.perturbation === POOLED ? `**${name}**` : name} | ${[...cells, ...buckets].join(' | ')} |`;
  return row;
}

function bucketCell(m: Metrics | undefined): string {
  return hasData(m) ? `${pp(m.drop)} ${ppCI(m.dropCI)} (${m.n})` : MISSING;
}

/** The pooled result bucket by bucket: clean accuracy beside the drop, break rate and flip rate. */
function bucketSection(report: Report, pooled: Result): string[] {
  const ci = confidenceLabel(report);
  return [
    `### By bucket at severity ${pooled.severity} (all perturbations pooled)`,
    '',
    `| Bucket | Train count | Classes | Examples | Clean | Drop [${ci}] | Break rate [${ci}] | Flip rate [${ci}] |`,
    '|---|---:|---:|---:|---:|---|---|---|',
    ...bucketRows(report, pooled).map(({ bucket, classes, metrics: m }) => {
      const name = bucket ? escapeMarkdown(bucket.name) : '**All classes**';
      const train = bucket ? countRange(bucket.minCount, bucket.maxCount) : '';
      const cells = [
        name,
        train,
        String(classes),
        String(m?.nExamples ?? 0),
        hasData(m) ? pct(m.cleanAccuracy) : MISSING,
        hasData(m) ? dropWithCI(m) : MISSING,
        metricWithCI(m, 'break'),
        metricWithCI(m, 'flip'),
      ];
      return `| ${cells.join(' | ')} |`;
    }),
  ];
}

/** The headline gap and slope in one sentence, naming their metric. */
function tailSummary(report: Report, pooled: Result): string {
  const metric = headlineMetric(report);
  const name = GAP_METRIC_NAMES[metric];
  const g = pooled.headTailGap;
  const shortfall = tailShortfall(report, pooled, g);
  const noTail = shortfall ? `; ${escapeMarkdown(shortfall)}` : '';
  const gap = g
    ? `Head–tail gap in ${name} (${gapBuckets(g, escapeMarkdown)}${noTail}): **${pp(g.value)} pp** ${ppCI(g.ci)}`
    : `Head–tail gap in ${name}: n/a (fewer than two buckets with data)`;
  const s = pooled.tailSlope;
  const slope = s
    ? `tail slope of ${name}: ${pp(s.value)} pp per ln(train count) ${ppCI(s.ci)} (${slopeWeighting(s)}; ${slopeDirection(metric)})`
    : `tail slope of ${name}: n/a (fewer than three classes with data)`;
  return `${gap}; ${slope}.`;
}

/** The head–tail gap and tail slope on every metric, the headline one first and marked. */
function gapTable(report: Report, pooled: Result): string[] {
  const ci = confidenceLabel(report);
  return [
    `| Gap metric | Head–tail gap, pp [${ci}] | Buckets | Tail slope, pp per ln(train count) [${ci}] | Slope weights each class by |`,
    '|---|---|---|---|---|',
    ...gapRows(report, pooled).map((row) => {
      const name = GAP_METRIC_NAMES[row.metric];
      const cells = [
        row.headline ? `**${name}** (headline)` : name,
        row.gap ? `${pp(row.gap.value)} ${ppCI(row.gap.ci)}` : MISSING,
        row.gap ? gapBuckets(row.gap, escapeMarkdown) : MISSING,
        row.slope ? `${pp(row.slope.value)} ${ppCI(row.slope.ci)}` : MISSING,
        row.slope ? SLOPE_WEIGHTS[row.slope.weights] : MISSING,
      ];
      return `| ${cells.join(' | ')} |`;
    }),
  ];
}

function logitAdjustedSection(report: Report): string[] {
  const adjusted = report.logitAdjusted;
  if (!adjusted) return [];
  const ci = confidenceLabel(report);
  const head = report.buckets[0];
  const tail = report.buckets[report.buckets.length - 1];
  const tau = report.config.logitAdjust?.tau;
  const out = [
    `## Logit adjustment${tau === undefined ? '' : ` (τ = ${tau})`}`,
    '',
    'All perturbations pooled; plain predictions vs post-hoc logit-adjusted predictions.',
    '',
    `| Severity | Predictions | Clean | Perturbed | Drop [${ci}] | ${head ? escapeMarkdown(head.name) : 'head'} drop | ${tail ? escapeMarkdown(tail.name) : 'tail'} drop | Head–tail gap in ${GAP_METRIC_NAMES[headlineMetric(report)]} |`,
    '|---:|---|---:|---:|---|---|---|---|',
  ];
  for (const severity of severitiesOf(report)) {
    for (const [name, r] of [
      ['plain', pooledFor(report, severity)],
      ['adjusted', pooledFor(adjusted, severity)],
    ] as const) {
      if (!r) continue;
      const m = r.overall;
      const gap = r.headTailGap
        ? `${pp(r.headTailGap.value)} ${ppCI(r.headTailGap.ci)} (${gapBuckets(r.headTailGap, escapeMarkdown)})`
        : MISSING;
      out.push(
        `| ${severity} | ${name} | ${hasData(m) ? pct(m.cleanAccuracy) : MISSING} | ${hasData(m) ? pct(m.perturbedAccuracy) : MISSING} | ${hasData(m) ? dropWithCI(m) : MISSING} | ${head ? bucketCell(r.buckets[head.name]) : MISSING} | ${tail ? bucketCell(r.buckets[tail.name]) : MISSING} | ${gap} |`,
      );
    }
  }
  return out;
}

function flipsSection(report: Report, k: number): string[] {
  const out = ['## Worst flipped examples', ''];
  if (!report.examples) {
    out.push(
      report.examplesFile
        ? `Per-example records were written to ${escapeMarkdown(report.examplesFile)}.`
        : 'No per-example records in this report.',
    );
    return out;
  }
  const flips = worstFlips(report.examples, k);
  if (flips.length === 0) {
    out.push('No correctly classified example was flipped to a wrong label by a changed variant.');
    return out;
  }
  out.push(
    'Originals the model got right whose variant it gets wrong, most confident first; changed words in bold.',
    '',
    '| # | Id | Perturbation | Gold | Predicted (confidence) | Original | Variant |',
    '|---:|---|---|---|---|---|---|',
  );
  flips.forEach(({ example, variant }, i) => {
    out.push(
      `| ${i + 1} | ${escapeMarkdown(example.id)} | ${escapeMarkdown(variant.perturbation)} s${variant.severity} | ${escapeMarkdown(example.label)} | ${escapeMarkdown(variant.prediction)} (${pct(variant.confidence, 0)}) | ${escapeMarkdown(example.text)} | ${highlightVariant(example.text, variant.text)} |`,
    );
  });
  return out;
}

// ───────────────────────────── attack ─────────────────────────────

/**
 * The worst-case attack: search and budgets, the numbers by bucket, every metric's head–tail gap and
 * tail slope (the gaps also in plain words), the outcomes, then the cheapest flips.
 */
function attackSection(report: Report, section: AttackSection): string[] {
  const ci = confidenceLabel(report);
  const o = section.overall;
  const gaps = attackGapLines(report, section);
  return [
    '## Worst-case attack',
    '',
    `Search: ${SEARCH_WORDS[section.config.search]}; ${attackBudgets(section)}. Transformations: ${section.config.perturbations.map(escapeMarkdown).join(', ')}.`,
    '',
    `- **Attack success rate** ${attackRate(o.attackSuccessRate)}: ${o.flipped} of ${o.correct} correctly classified examples flipped`,
    `- **Accuracy** ${attackCleanAccuracy(o)} clean (${o.correct} of ${o.examples}) → ${attackRate(o.accuracyUnderAttack)} under attack`,
    `- **Edits to flip** mean ${attackNumber(o.editsToFlip.mean, editsNumber)}, median ${attackNumber(o.editsToFlip.median, medianNumber)}, ${attackRate(o.editsToFlip.shareOfWords)} of the words`,
    `- **Queries** ${attackNumber(o.queriesPerExample, queriesNumber)} per attacked example`,
    `- **Outcomes** ${outcomeLine(section)}`,
    '',
    `${attackLegend(report)}. Outcomes: ${OUTCOME_LEGEND}.`,
    '',
    '### Attack by bucket (head → tail)',
    '',
    `| Bucket | Train count | Classes | ${attackMetricHeaders(report)
      .map((h) => h[0]!.toUpperCase() + h.slice(1))
      .join(' | ')} |`,
    `|---|---:|---:|---:|---:|${'---|'.repeat(6)}`,
    ...attackBucketRows(report, section).map(({ bucket, classes, metrics }) => {
      const cells = [
        bucket ? escapeMarkdown(bucket.name) : '**All classes**',
        bucket ? countRange(bucket.minCount, bucket.maxCount) : '',
        String(classes),
        ...attackMetricCells(metrics),
      ];
      return `| ${cells.join(' | ')} |`;
    }),
    '',
    `| Attack metric | Head–tail gap [${ci}] | Buckets | Tail slope per ln(train count) [${ci}] | Slope weights each class by |`,
    '|---|---|---|---|---|',
    ...gaps.map((g) => {
      const unit = GAP_UNITS[g.metric];
      const cells = [
        capitalize(ATTACK_METRIC_NAMES[g.metric]),
        g.gap ? `${attackDifference(g.metric, g.gap.value, g.gap.ci)} ${unit}` : MISSING,
        g.gap ? gapBuckets(g.gap, escapeMarkdown) : MISSING,
        g.slope ? `${attackDifference(g.metric, g.slope.value, g.slope.ci)} ${unit}` : MISSING,
        g.slope ? SLOPE_WEIGHT_WORDS[g.slope.weights] : MISSING,
      ];
      return `| ${cells.join(' | ')} |`;
    }),
    '',
    `${ATTACK_GAP_LEGEND}. In words:`,
    '',
    ...gaps.map((g) => `- ${capitalize(escapeMarkdown(g.gapText))}`),
    '',
    ...cheapestFlipsSection(section),
  ];
}

const capitalize = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/** Text between two marks ("~~", "**"); an empty replacement (a removed word) says so unmarked. */
const marked = (text: string, mark: string): string => (text ? `${mark}${text}${mark}` : '(removed)');

/** The record's text with the edited words struck through (`original`) or in bold (`adversarial`). */
function markedText(record: AttackRecord, side: 'original' | 'adversarial'): string {
  const mark = side === 'original' ? '~~' : '**';
  return editSegments(record)
    [side].map((seg) => {
      const text = escapeMarkdown(seg.text);
      // an empty replacement (a removed word) has nothing to mark: the original shows it struck
      return seg.changed && text ? `${mark}${text}${mark}` : text;
    })
    .join('');
}

/** The flipped examples with the fewest edits: both texts marked, each edit with the gold probability after it. */
function cheapestFlipsSection(section: AttackSection): string[] {
  const flips = cheapestFlips(section.records, CHEAPEST_FLIPS);
  const title = `### The ${CHEAPEST_FLIPS} cheapest flips`;
  if (flips.length === 0) return [title, '', 'No example was flipped within the budgets.'];
  return [
    title,
    '',
    `Flipped examples, ${CHEAPEST_FLIPS_ORDER}. Edited words struck through in the original, in bold in the adversarial text; after each edit, the gold label's probability.`,
    '',
    '| # | Id | Gold → predicted | Edits · queries | Original | Adversarial | Edits in order (gold probability after) |',
    '|---:|---|---|---:|---|---|---|',
    ...flips.map((r, i) => {
      const steps = r.edits.map(
        (e, k) =>
          `${k + 1}. ${marked(escapeMarkdown(e.before), '~~')} → ${marked(escapeMarkdown(e.after), '**')} (${escapeMarkdown(e.perturbation)}): ${pct(e.goldProb)}`,
      );
      const cells = [
        String(i + 1),
        escapeMarkdown(r.id),
        `${escapeMarkdown(r.label)} → ${escapeMarkdown(r.finalPrediction)}`,
        `${r.edits.length} · ${r.queries}`,
        markedText(r, 'original'),
        markedText(r, 'adversarial'),
        [`gold ${pct(r.goldProb)} before any edit`, ...steps].join('<br>'),
      ];
      return `| ${cells.join(' | ')} |`;
    }),
  ];
}
