import { describe, expect, it } from 'vitest';
import { COMPARE_SCHEMA, compareReports, renderCompareJson } from '../src/compare/index.ts';
import type { Comparison } from '../src/compare/types.ts';
import { renderCompareHtml } from '../src/report/compare-html.ts';
import { renderCompareMarkdown } from '../src/report/compare-markdown.ts';
import { renderCompareTerminal } from '../src/report/compare-terminal.ts';
import type { BucketInfo, ClassInfo, ExampleRecord } from '../src/types.ts';
import { example, pairReport, type VariantSpec } from './fixtures/compare/make-pair.ts';
import { HOSTILE, HTML_PAYLOADS } from './fixtures/make-report.ts';

const LABEL_A = `A${HOSTILE.script}`;
const LABEL_B = `B${HOSTILE.ansi}${HOSTILE.markdown}`;
const PERTURBATION = `typo.${HOSTILE.svg}`;
const CLASSES: ClassInfo[] = [
  { label: LABEL_A, trainCount: 100, bucket: `head${HOSTILE.img}` },
  { label: LABEL_B, trainCount: 5, bucket: 'tail' },
];
const BUCKETS: BucketInfo[] = [
  { name: `head${HOSTILE.img}`, minCount: 50, maxCount: 1000, labels: [LABEL_A] },
  { name: 'tail', minCount: 0, maxCount: 49, labels: [LABEL_B] },
];

function records(side: 'base' | 'head'): ExampleRecord[] {
  return Array.from({ length: 8 }, (_, i) => {
    const gold = i % 2 ? LABEL_B : LABEL_A;
    const other = gold === LABEL_A ? LABEL_B : LABEL_A;
    const payload = HTML_PAYLOADS[i % HTML_PAYLOADS.length];
    const text = `query ${i} ${payload} ${HOSTILE.jsLink}`;
    // HEAD gets the second variant of every example wrong; BASE gets it right.
    const variants: VariantSpec[] = [0, 1].map((v) => [
      PERTURBATION,
      1,
      v,
      `${text} ${HOSTILE.ansi} v${v}`,
      side === 'head' && v === 1 ? other : gold,
    ]);
    return example(`id${i}${HOSTILE.iframe}`, gold, gold, variants, text);
  });
}

async function hostileComparison(): Promise<Comparison> {
  const opts = (model: string) => ({
    model,
    classes: CLASSES,
    buckets: BUCKETS,
    config: { data: { path: `/data/${HOSTILE.title}.jsonl`, n: 8, textField: 'text', labelField: 'label' } },
  });
  return compareReports(
    pairReport(records('base'), opts(`base ${HOSTILE.style}`)),
    pairReport(records('head'), opts(`head ${HOSTILE.template}`)),
    {
      names: { base: `base${HOSTILE.jsAnchor}.json`, head: 'head.json' },
      maxRegression: 0.05,
    },
  );
}

describe('compare renderers', () => {
  it('HTML: self-contained, every dataset string escaped', async () => {
    const c = await hostileComparison();
    const html = renderCompareHtml(c);
    expect(html).toContain('http-equiv="Content-Security-Policy"');
    expect(html).not.toMatch(/<\s*(script|img|svg|iframe|a|title\s*>\s*<)\b/i);
    expect(html.match(/<title>/g)).toHaveLength(1);
    expect(html.match(/<\/style>/g)).toHaveLength(1);
    expect(html).not.toMatch(/<[^>]*\b(src|href|on[a-z]+)=/i);
    expect(html).toContain('&lt;script&gt;window.__xss=1&lt;/script&gt;');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=&quot;window.__xss=2&quot;&gt;');
    expect(html).not.toContain('\u001b');
    // the failed gate and the newly breaking variants are on the page
    expect(html).toContain('FAILED');
    expect(html).toContain('<mark>');
  });

  it('Markdown: no live HTML, links or mentions from the data; compact', async () => {
    const c = await hostileComparison();
    const md = renderCompareMarkdown(c);
    const outsideOurTags = md.replace(/<\/?(details|summary)>/g, '');
    expect(outsideOurTags).not.toMatch(/<\s*[a-z!/]/i);
    expect(md).not.toMatch(/(?<!\\)\]\(javascript:/i);
    expect(md).toContain('@&#8203;someone');
    expect(md).not.toContain('\u001b');
    // Every table row keeps its column count: pipes in the data are escaped.
    for (const table of md.split(/\n\n/).filter((block) => block.startsWith('|'))) {
      const counts = table.split('\n').map((row) => row.replace(/\\\|/g, '').split('|').length);
      expect(new Set(counts).size).toBe(1);
    }
    const visible = md.replace(/<details>[\s\S]*?<\/details>/g, '');
    expect(visible.split('\n').length).toBeLessThanOrEqual(40);
  });

  it('terminal: control characters stripped, colour only when asked', async () => {
    const c = await hostileComparison();
    const plain = renderCompareTerminal(c, { width: 90 });
    expect(plain).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(plain).toContain('verdict:');
    expect(plain).toContain('gate --max-regression 0.05');
    const coloured = renderCompareTerminal(c, { width: 90, color: true });
    expect(coloured).toContain('\u001b[1m');
    // only our own SGR codes
    expect(coloured.replace(/\u001b\[\d+m/g, '')).not.toContain('\u001b');
  });

  it('JSON: the versioned schema, and the dataset strings as they are', async () => {
    const c = await hostileComparison();
    const parsed = JSON.parse(renderCompareJson(c)) as Comparison;
    expect(parsed.schema).toBe(COMPARE_SCHEMA);
    expect(COMPARE_SCHEMA).toBe('tailcheck/compare@1');
    expect(Object.keys(parsed.summary[0].perClass)).toEqual([LABEL_A, LABEL_B]);
    expect(parsed.newlyBreaking.total).toBe(8);
    expect(parsed.newlyBreaking.top[0].perturbation).toBe(PERTURBATION);
    expect(parsed.gate?.passed).toBe(false);
  });
});
