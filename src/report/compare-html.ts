/**
 * The comparison as one self-contained HTML page: inline CSS, no script, no external request. Every
 * dataset string (texts, labels, ids, perturbation names, model ids, paths, warnings, the verdict) passes
 * through `escapeHtml` (html.ts), and the Content-Security-Policy forbids scripts and network loads even
 * if something slipped.
 */
import type { ChangedVariants, Comparison, PairedDelta, SliceComparison } from '../compare/types.ts';
import { stripControls } from '../util/strings.ts';
import { diffVariant, pp } from './common.ts';
import {
  bucketRowsOf,
  classRows,
  comparedSeverities,
  compareLegend,
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
import { escapeHtml, htmlDocument } from './html.ts';

export interface CompareHtmlOptions {
  /** changed variants listed each way (default 10); every class is listed */
  top?: number;
}

const STYLE = `
:root{--fg:#1f2937;--muted:#6b7280;--line:#e5e7eb;--bg:#f6f7f9;--card:#fff;--bad:#b91c1c;--good:#047857;--accent:#2563eb}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1160px;margin:0 auto;padding:28px 24px 48px}
h1{font-size:24px;margin:0 0 8px}
h2{font-size:18px;margin:32px 0 10px;padding-bottom:6px;border-bottom:1px solid var(--line)}
h3{font-size:15px;margin:18px 0 8px}
.meta{color:var(--muted);margin:2px 0}
.verdict{background:var(--card);border:1px solid var(--line);border-left:4px solid var(--accent);border-radius:6px;padding:12px 16px;margin:16px 0;font-size:16px}
.gate{border-radius:6px;padding:10px 14px;margin:12px 0;border:1px solid var(--line);background:var(--card)}
.gate.failed{border-left:4px solid var(--bad)}
.gate.passed{border-left:4px solid var(--good)}
.legend{color:var(--muted);font-size:13px}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;background:var(--card);border:1px solid var(--line);font-variant-numeric:tabular-nums;margin-bottom:10px}
th,td{padding:5px 9px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{font-size:11px;font-weight:600;color:var(--muted);text-transform:uppercase;letter-spacing:.04em;background:#fafbfc}
td.num,th.num{text-align:right;white-space:nowrap}
td.num .ci{display:block;font-size:11px;color:var(--muted);font-weight:400}
tr.pooled td{font-weight:600;background:#f3f6fb}
.worse{color:var(--bad);font-weight:600}
.better{color:var(--good);font-weight:600}
.label{overflow-wrap:break-word}
td.name{min-width:190px}
td.bucket{white-space:nowrap}
td.texts{min-width:300px;width:45%}
mark{background:#fde68a;padding:0 1px;border-radius:2px}
.muted{color:var(--muted)}
details{margin:8px 0}
summary{cursor:pointer;font-weight:600;padding:4px 0}
footer{margin-top:32px;color:var(--muted);font-size:12px}
`;

/** A difference in pp, its CI on a second, smaller line; coloured when the CI excludes 0. */
function deltaTd(d: PairedDelta | null): string {
  if (d === null) return '<td class="num">—</td>';
  const dir = direction(d);
  const cls = dir === 'same' ? 'num' : `num ${dir}`;
  const ci = d.ci ? `[${pp(d.ci[0])}, ${pp(d.ci[1])}]` : 'too few examples';
  return `<td class="${cls}">${escapeHtml(pp(d.diff))}<span class="ci">${escapeHtml(ci)}</span></td>`;
}

const SLICE_HEADERS =
  '<th class="num">Variants</th><th class="num">Drop B → H %</th><th class="num">Δ drop pp</th><th class="num">Δ flip pp</th><th class="num">Break B → H %</th><th class="num">Δ break pp</th><th class="num">New break / pass</th>';

function sliceTds(s: SliceComparison): string {
  if (s.n === 0)
    return `<td class="num">0</td>${'<td class="num">—</td>'.repeat(5)}<td class="num">0 / 0</td>`;
  return [
    `<td class="num">${s.n}</td>`,
    `<td class="num">${escapeHtml(rateChange(s.drop))}</td>`,
    deltaTd(s.drop),
    deltaTd(s.flipRate),
    `<td class="num">${escapeHtml(rateChange(s.breakRate))}</td>`,
    deltaTd(s.breakRate),
    `<td class="num">${s.newlyBreaking} / ${s.newlyPassing}</td>`,
  ].join('');
}

/** A label, escaped, with line-break opportunities after underscores so snake_case labels wrap between words. */
function escapeLabel(value: unknown): string {
  return escapeHtml(value).replace(/_/g, '_<wbr>');
}

function highlighted(original: string, variant: string): string {
  return diffVariant(stripControls(original), stripControls(variant))
    .map((seg) => (seg.changed ? `<mark>${escapeHtml(seg.text)}</mark>` : escapeHtml(seg.text)))
    .join('');
}

export function renderCompareHtml(c: Comparison, opts: CompareHtmlOptions = {}): string {
  const top = Math.max(0, Math.floor(opts.top ?? 10));
  const body: string[] = [];
  body.push('<h1>tailcheck compare: HEAD vs BASE</h1>');
  for (const [tag, s] of [
    ['BASE', c.base],
    ['HEAD', c.head],
  ] as const) {
    body.push(
      `<p class="meta"><b>${tag}</b> ${escapeHtml(s.file)} · model ${escapeHtml(s.model.id)} <span class="muted">(${escapeHtml(s.model.fingerprint.slice(0, 12))})</span> · ${s.examples} examples · clean accuracy ${escapeHtml(percent(s.cleanAccuracy))}</p>`,
    );
  }
  body.push(
    `<p class="meta"><b>Data</b> ${escapeHtml(c.config.data.path)} · seed ${c.config.seed} · perturbations ${c.config.perturbations.map(escapeHtml).join(', ')} · severity ${c.config.severities.join(', ')} · ${c.config.variants} variants per text</p>`,
  );
  body.push(`<p class="meta"><b>Pairs</b> ${escapeHtml(pairingLine(c))}</p>`);
  body.push(`<div class="verdict">${escapeHtml(c.verdict)}</div>`);
  const gate = gateSummary(c);
  if (gate) {
    const failures = regressionFailures(c);
    body.push(
      `<div class="gate ${c.gate?.passed ? 'passed' : 'failed'}"><b>Gate</b> ${escapeHtml(gate)}${
        failures.length > 0 ? `<ul>${failures.map((f) => `<li>${escapeHtml(f)}</li>`).join('')}</ul>` : ''
      }</div>`,
    );
  }
  body.push(`<p class="legend">${escapeHtml(compareLegend(c))}</p>`);

  for (const severity of comparedSeverities(c)) {
    body.push(`<h2>Severity ${severity}</h2>`);
    const rows = scopesAt(c, severity).map(
      (s) =>
        `<tr${s.perturbation === '*' ? ' class="pooled"' : ''}><td class="label name">${escapeLabel(perturbationName(s.perturbation))}</td>${sliceTds(s.overall)}</tr>`,
    );
    body.push(
      `<div class="scroll"><table><thead><tr><th>Perturbation</th>${SLICE_HEADERS}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`,
    );
    const pooled = pooledAt(c, severity);
    if (!pooled) continue;
    const buckets = bucketRowsOf(c, pooled);
    if (buckets.length > 0) {
      body.push('<h3>By bucket, all perturbations pooled (head → tail)</h3>');
      body.push(
        `<div class="scroll"><table><thead><tr><th>Bucket</th><th class="num">Classes</th>${SLICE_HEADERS}</tr></thead><tbody>${buckets
          .map(
            (b) =>
              `<tr><td class="label">${escapeHtml(b.name)}</td><td class="num">${b.classes}</td>${sliceTds(b.slice)}</tr>`,
          )
          .join('')}</tbody></table></div>`,
      );
    }
    const classes = classRows(c, pooled, Number.POSITIVE_INFINITY);
    if (classes.length > 0) {
      body.push(
        `<details${severity === comparedSeverities(c)[0] ? ' open' : ''}><summary>By class, all perturbations pooled: ${classes.length} classes, largest Δ drop first</summary>`,
      );
      body.push(
        `<div class="scroll"><table><thead><tr><th>Class</th><th>Bucket</th><th class="num">Train</th>${SLICE_HEADERS}</tr></thead><tbody>${classes
          .map(
            (r) =>
              `<tr><td class="label name">${escapeLabel(r.label)}</td><td class="label bucket">${escapeHtml(r.bucket ?? '—')}</td><td class="num">${r.trainCount ?? '—'}</td>${sliceTds(r.slice)}</tr>`,
          )
          .join('')}</tbody></table></div></details>`,
      );
    }
  }

  body.push(
    changedSection(
      'Newly breaking',
      'right in BASE, wrong in HEAD',
      'HEAD is most confidently wrong',
      c.newlyBreaking,
      c,
      top,
    ),
  );
  body.push(
    changedSection(
      'Newly passing',
      'wrong in BASE, right in HEAD',
      'BASE was most confidently wrong',
      c.newlyPassing,
      c,
      top,
    ),
  );

  if (c.pairing.mismatchSamples.length > 0) {
    body.push(
      `<h2>Variants not paired: text differs</h2><p>${c.pairing.textMismatches} variant keys hold different texts in the two reports; the first ${c.pairing.mismatchSamples.length}:</p>`,
    );
    body.push(
      `<div class="scroll"><table><thead><tr><th>Example</th><th>Perturbation</th><th>BASE text</th><th>HEAD text</th></tr></thead><tbody>${c.pairing.mismatchSamples
        .map(
          (m) =>
            `<tr><td class="label">${escapeHtml(m.id)}</td><td class="label">${escapeHtml(m.perturbation)} s${m.severity} #${m.variant}</td><td class="texts">${escapeHtml(m.base)}</td><td class="texts">${escapeHtml(m.head)}</td></tr>`,
        )
        .join('')}</tbody></table></div>`,
    );
  }
  if (c.warnings.length > 0) {
    body.push(`<h2>Warnings</h2><ul>${c.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul>`);
  }
  body.push(
    `<footer>Generated by ${escapeHtml(c.tool.name)} ${escapeHtml(c.tool.version)} · ${escapeHtml(c.schema)}</footer>`,
  );

  return htmlDocument(`tailcheck compare · ${c.head.model.id} vs ${c.base.model.id}`, STYLE, body.join('\n'));
}

function changedSection(
  title: string,
  meaning: string,
  order: string,
  changed: ChangedVariants,
  c: Comparison,
  top: number,
): string {
  const shown = changed.top.slice(0, top);
  const head = `<h2>${title} <span class="muted">(${meaning})</span></h2><p>${changed.total} of ${c.pairing.pairedVariants} paired variants${shown.length > 0 ? `; the ${shown.length} where ${order}` : ''}.</p>`;
  if (shown.length === 0) return head;
  const rows = shown.map((v) => {
    const p = predictionChange(v);
    return `<tr><td class="label">${escapeHtml(v.id)}</td><td class="label">${escapeLabel(v.label)}</td><td class="label">${escapeHtml(v.perturbation)} s${v.severity} #${v.variant}</td><td class="texts">${escapeHtml(v.original)}<br>${highlighted(v.original, v.text)}</td><td class="label">${escapeLabel(p.base)}</td><td class="label">${escapeLabel(p.head)}</td></tr>`;
  });
  return `${head}<div class="scroll"><table><thead><tr><th>Example</th><th>Gold</th><th>Perturbation</th><th>Original / variant (changes marked)</th><th>BASE prediction</th><th>HEAD prediction</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}
