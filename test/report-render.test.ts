import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateGates } from '../src/measure/gates.ts';
import { attackGapReading, editSegments } from '../src/report/attack-common.ts';
import { diffVariant, pp, ppCI, worstFlips } from '../src/report/common.ts';
import { describeFailedCheck } from '../src/report/explain.ts';
import { githubAnnotations } from '../src/report/github.ts';
import { escapeHtml, renderHtml } from '../src/report/html.ts';
import { renderJson } from '../src/report/json.ts';
import { noGateSet, renderJunit } from '../src/report/junit.ts';
import { escapeXml, junitXml } from '../src/report/junit-xml.ts';
import { escapeMarkdown, renderMarkdown } from '../src/report/markdown.ts';
import { renderMarkdownSummary } from '../src/report/markdown-summary.ts';
import { displayWidth, renderTerminal } from '../src/report/terminal.ts';
import type { AttackEstimate, Metrics, Report, Result } from '../src/types.ts';
import { stripControls } from '../src/util/strings.ts';
import { launchChromium } from './fixtures/browser.ts';
import { attackOnlyReport, SCRIPT_TEXT, withAttack } from './fixtures/make-attack.ts';
import { HOSTILE, makeReport } from './fixtures/make-report.ts';

// The few browser APIs the page.evaluate callbacks use (the project compiles without the DOM lib).
interface XmlElement {
  nodeName: string;
  textContent: string | null;
  getAttribute(name: string): string | null;
}
interface XmlDocument {
  documentElement: XmlElement;
  getElementsByTagName(name: string): ArrayLike<XmlElement> & Iterable<XmlElement>;
}
declare const DOMParser: new () => { parseFromString(source: string, type: string): XmlDocument };
interface ClientRect {
  left: number;
  right: number;
  top: number;
  bottom: number;
}
interface PageNode {
  textContent: string | null;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): ClientRect;
  querySelectorAll(selector: string): ArrayLike<PageNode> & Iterable<PageNode>;
}
declare const document: { querySelectorAll(selector: string): ArrayLike<PageNode> & Iterable<PageNode> };

/** Independent formatting for expectations: signed percentage points, one decimal. */
function signedPp(x: number): string {
  const text = Math.abs(x * 100).toFixed(1);
  return Number(text) === 0 ? text : `${x < 0 ? '-' : '+'}${text}`;
}
const percent = (x: number) => `${(x * 100).toFixed(1)}%`;
/** "[+5.0, +9.3]" */
const ppInterval = (ci: readonly [number, number]) => `[${signedPp(ci[0])}, ${signedPp(ci[1])}]`;
/** "+7.1 [+5.0, +9.3]" */
const ppWithCI = (x: number, ci: readonly [number, number]) => `${signedPp(x)} ${ppInterval(ci)}`;
/** "35.6% [30.1, 41.0]" */
const rateWithCI = (x: number, ci: readonly [number, number]) =>
  `${percent(x)} [${(ci[0] * 100).toFixed(1)}, ${(ci[1] * 100).toFixed(1)}]`;

/** The cells every format's per-bucket table shows for one bucket (or all classes): clean, drop, break, flip. */
function bucketCells(m: Metrics): string[] {
  return [
    percent(m.cleanAccuracy),
    ppWithCI(m.drop, m.dropCI!),
    rateWithCI(m.breakRate, m.breakRateCI!),
    rateWithCI(m.flipRate, m.flipRateCI!),
  ];
}

const pooled = (report: Report, severity: number): Result => {
  const r = report.summary.find((s) => s.severity === severity);
  if (!r) throw new Error(`fixture has no pooled result at severity ${severity}`);
  return r;
};

/** Cells of a Markdown table row, split on pipes not escaped by an odd run of backslashes. */
function markdownCells(row: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let backslashes = 0;
  for (const ch of row) {
    if (ch === '|' && backslashes % 2 === 0) {
      cells.push(cell);
      cell = '';
    } else {
      cell += ch;
    }
    backslashes = ch === '\\' ? backslashes + 1 : 0;
  }
  cells.push(cell);
  return cells.slice(1, -1);
}

/** Every table (consecutive lines starting with `|`) keeps the header's column count on every row. */
function expectWellFormedTables(markdown: string): number {
  let tables = 0;
  let width = -1;
  for (const line of markdown.split('\n')) {
    if (!line.startsWith('|')) {
      width = -1;
      continue;
    }
    expect(line.endsWith('|'), line).toBe(true);
    const n = markdownCells(line).length;
    if (width === -1) {
      width = n;
      tables++;
    } else {
      expect(n, line).toBe(width);
    }
  }
  return tables;
}

describe('stripControls', () => {
  it('removes ANSI sequences, control characters and bidi overrides, and flattens line breaks', () => {
    expect(stripControls('a\u001b[31mred\u001b[0m b')).toBe('ared b');
    expect(stripControls('title\u001b]0;pwned\u0007 ok')).toBe('title ok');
    expect(stripControls('x\u009b2Jy')).toBe('xy');
    expect(stripControls('one\ntwo\r\nthree\tfour')).toBe('one two three four');
    expect(stripControls('nul\u0000bell\u0007del\u007f')).toBe('nulbelldel');
    expect(stripControls('abc\u202edcba\u2066x')).toBe('abcdcbax');
    expect(stripControls('lone \ud800 surrogate')).toBe('lone \ufffd surrogate');
    expect(stripControls('émoji 👍 中文')).toBe('émoji 👍 中文');
  });
});

describe('diffVariant', () => {
  it('marks only the changed words of the variant', () => {
    expect(diffVariant('my card has not arrived', 'my crad has not arrived')).toEqual([
      { text: 'my ', changed: false },
      { text: 'crad', changed: true },
      { text: ' has not arrived', changed: false },
    ]);
  });

  it('joins adjacent changed words and handles insertions', () => {
    const segments = diffVariant('I lost my card', 'I misplaced the card today');
    expect(segments.filter((s) => s.changed).map((s) => s.text)).toEqual(['misplaced the', 'today']);
    expect(segments.map((s) => s.text).join('')).toBe('I misplaced the card today');
  });

  it('reports nothing changed for identical texts', () => {
    expect(diffVariant('same text', 'same text')).toEqual([{ text: 'same text', changed: false }]);
  });
});

describe('worstFlips', () => {
  it('keeps only correct originals whose changed variant is wrong, most confident first', () => {
    const report = makeReport();
    const flips = worstFlips(report.examples, 10);
    expect(flips.map((f) => f.example.id)).toEqual(['ex-1', 'ex-4', 'ex-0', 'ex-5', 'ex-3']);
    expect(flips.every((f) => f.variant.changed)).toBe(true);
    expect(worstFlips(report.examples, 2)).toHaveLength(2);
    expect(worstFlips(undefined, 5)).toEqual([]);
  });
});

describe('renderTerminal', () => {
  const report = makeReport();
  const text = renderTerminal(report, { width: 140 });

  it('shows the header, every severity table and the pooled rows', () => {
    expect(text).toContain('models/banking77-lt');
    expect(text).toContain('data/bank-queries.jsonl');
    expect(text).toContain(`${report.config.data.n} examples`);
    expect(text).toContain('source: train');
    expect(text).toContain('buckets: shots');
    expect(text).toContain('Severity 1');
    expect(text).toContain('Severity 2');
    expect(text.match(/^all \(pooled\)/gm)).toHaveLength(2);
  });

  it('prints the key numbers: accuracies, drop with CI, flip rate, bucket drops, gap and slope', () => {
    for (const r of [...report.results, ...report.summary]) {
      const m = r.overall;
      const drop = `${signedPp(m.drop)} [${signedPp(m.dropCI![0])}, ${signedPp(m.dropCI![1])}]`;
      const row = text
        .split('\n')
        .find(
          (line) =>
            line.startsWith(r.perturbation === '*' ? 'all (pooled)' : r.perturbation) && line.includes(drop),
        );
      expect(row, `${r.perturbation} s${r.severity}`).toBeDefined();
      expect(row).toContain(percent(m.cleanAccuracy));
      expect(row).toContain(percent(m.perturbedAccuracy));
      expect(row).toContain(percent(m.flipRate));
      for (const b of report.buckets)
        expect(row).toContain(`${signedPp(r.buckets[b.name].drop)} (${r.buckets[b.name].n})`);
    }
    const p2 = pooled(report, 2);
    expect(text).toContain(
      `head–tail gap in break rate (few − many): ${signedPp(p2.headTailGap!.value)} pp ${ppInterval(p2.headTailGap!.ci!)}`,
    );
    expect(text).toContain(
      `tail slope of break rate: ${signedPp(p2.tailSlope!.value)} pp per ln(train count) ${ppInterval(p2.tailSlope!.ci!)}`,
    );
  });

  it('tabulates each bucket of the pooled result: clean accuracy, drop, break rate and flip rate', () => {
    for (const severity of [1, 2]) {
      const p = pooled(report, severity);
      const section = text.slice(text.indexOf(`Severity ${severity}`));
      const lines = section
        .slice(section.indexOf('By bucket, head → tail, all perturbations pooled'))
        .split('\n');
      expect(lines[1]).toMatch(
        /^\s+bucket\s+train\s+classes\s+examples\s+clean\s+drop \[95% CI\]\s+break rate \[95% CI\]\s+flip rate \[95% CI\]$/,
      );
      for (const [i, b] of report.buckets.entries()) {
        const m = p.buckets[b.name];
        const row = lines[3 + i];
        expect(row).toMatch(
          new RegExp(
            `^\\s+${b.name}\\s+${b.minCount}–${b.maxCount}\\s+${b.labels.length}\\s+${m.nExamples}\\s`,
          ),
        );
        for (const cell of bucketCells(m)) expect(row, `${b.name} s${severity}`).toContain(cell);
      }
      const all = lines[3 + report.buckets.length];
      expect(all).toMatch(
        new RegExp(`^\\s+all classes\\s+${report.classes.length}\\s+${p.overall.nExamples}\\s`),
      );
      for (const cell of bucketCells(p.overall)) expect(all).toContain(cell);
    }
  });

  it("shows every metric's head–tail gap and tail slope, marking the headline one", () => {
    const p2 = pooled(report, 2);
    const section = text.slice(text.indexOf('Severity 2'));
    const lines = section.split('\n');
    const header = lines.findIndex((l) =>
      /^\s+gap metric\s+head–tail gap \[95% CI\]\s+buckets\s+tail slope \[95% CI\]$/.test(l),
    );
    expect(header).toBeGreaterThan(0);
    const rows = lines.slice(header + 2, header + 5);
    expect(rows.map((l) => l.trim().split(/\s{2,}/)[0])).toEqual([
      'break rate (headline)',
      'flip rate',
      'drop',
    ]);
    (['break', 'flip', 'drop'] as const).forEach((metric, i) => {
      const gap = p2.headTailGaps[metric]!;
      const slope = p2.tailSlopes[metric]!;
      expect(rows[i]).toContain(ppWithCI(gap.value, gap.ci!));
      expect(rows[i]).toContain('few − many');
      expect(rows[i]).toContain(ppWithCI(slope.value, slope.ci!));
    });
  });

  it("follows the report's gap metric for the headline", () => {
    const dropReport = makeReport({ gapMetric: 'drop' });
    const out = renderTerminal(dropReport, { width: 140 });
    const g = pooled(dropReport, 2).headTailGap!;
    expect(g.metric).toBe('drop');
    expect(out).toContain(`head–tail gap in drop (few − many): ${signedPp(g.value)} pp`);
    expect(out).toContain('(classes weighted by their examples; negative = rarer classes drop more)');
    expect(out).toMatch(/^\s+drop \(headline\)\s+/m);
    expect(out).not.toContain('break rate (headline)');
    expect(out).toContain('The headline head–tail comparison is on the drop.');
  });

  it('lists the worst classes, largest drop first, limited by `worst`', () => {
    const lines = renderTerminal(report, { width: 140, worst: 2 }).split('\n');
    const header = lines.findIndex((l) => l.includes('worst classes'));
    expect(lines[header + 2]).toMatch(/^\s+virtual_card_not_working\s+few\s+4\s/);
    expect(lines[header + 3]).toMatch(/^\s+top_up_failed\s+few\s+12\s/);
    expect(lines[header + 4]).not.toMatch(/exchange_rate/);
  });

  it('compares plain and logit-adjusted numbers', () => {
    const adjusted = report.logitAdjusted!.summary[1].overall;
    expect(text).toContain('Logit adjustment (τ = 1)');
    const row = text
      .split('\n')
      .find((l) => /^\s+adjusted\s/.test(l) && l.includes(percent(adjusted.perturbedAccuracy)));
    expect(row).toContain(percent(adjusted.cleanAccuracy));
    expect(row).toContain(signedPp(adjusted.drop));
    expect(renderTerminal(makeReport({ logitAdjusted: false }))).not.toContain('Logit adjustment');
  });

  it('ends with the verdict and shows warnings', () => {
    const lines = text.trimEnd().split('\n');
    expect(lines[lines.length - 1]).toBe(`verdict: ${report.verdict}`);
    expect(text).toContain(`warning: ${report.warnings[0]}`);
  });

  it('colours only when asked, and colour codes are the only difference', () => {
    expect(text).not.toContain('\u001b');
    const coloured = renderTerminal(report, { width: 140, color: true });
    expect(coloured).toContain('\u001b[31m');
    expect(coloured.replace(/\u001b\[\d+m/g, '')).toBe(text);
  });

  it('splits the bucket columns into their own table when the terminal is narrow', () => {
    const narrow = renderTerminal(report, { width: 80 });
    expect(narrow).toContain('drop by bucket');
    expect(text).not.toContain('drop by bucket');
    const p1 = pooled(report, 1);
    expect(narrow).toContain(`${signedPp(p1.buckets.few.drop)} (${p1.buckets.few.n})`);
    expect(text).toContain('many drop (n)');
  });

  it('splits the per-bucket table into parts that fit, each led by the bucket column', () => {
    for (const width of [80, 100]) {
      const narrow = renderTerminal(report, { width });
      for (const line of narrow.split('\n')) {
        if (/^\s+(bucket|many|medium|few|all classes)\s/.test(line))
          expect(displayWidth(line), line).toBeLessThanOrEqual(width);
      }
      const section = narrow.slice(narrow.indexOf('Severity 2'));
      const p2 = pooled(report, 2);
      const headers = section.split('\n').filter((l) => /^\s+bucket\s/.test(l));
      expect(headers.length, `width ${width}`).toBeGreaterThanOrEqual(2);
      for (const b of report.buckets) {
        const rows = section.split('\n').filter((l) => l.trimStart().startsWith(`${b.name} `));
        const joined = rows.join(' ');
        for (const cell of bucketCells(p2.buckets[b.name]))
          expect(joined, `${b.name} at ${width}`).toContain(cell);
      }
    }
  });

  it('strips control characters and escape sequences from dataset strings', () => {
    const hostile = renderTerminal(makeReport({ hostile: true }), { width: 120, color: false });
    expect(hostile).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(hostile).toContain('virtualRED_card');
    expect(hostile).toContain(`models/${HOSTILE.script}`);
    const coloured = renderTerminal(makeReport({ hostile: true }), { width: 120, color: true });
    // Our own SGR colour codes are the only escape sequences left.
    expect(coloured.replace(/\u001b\[\d+m/g, '')).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  });

  it('measures display width of wide characters', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('中文')).toBe(4);
    expect(displayWidth('e\u0301')).toBe(1);
  });
});

/**
 * The fixture with its severity-2 pooled result as measured when the tail bucket has no data (the gap
 * is then medium − many) and one class rests on a single example (no CI).
 */
function thinReport(): Report {
  const report = makeReport();
  const p2 = pooled(report, 2);
  const few = p2.buckets.few;
  p2.buckets.few = {
    ...few,
    n: 0,
    nExamples: 0,
    drop: 0,
    dropCI: null,
    ciNote: 'too few examples',
    nFromCorrect: 0,
    breakRate: 0,
    breakRateCI: null,
    flipRate: 0,
    flipRateCI: null,
  };
  for (const metric of ['break', 'flip', 'drop'] as const) {
    const value = (m: Metrics) =>
      metric === 'break' ? m.breakRate : metric === 'flip' ? m.flipRate : m.drop;
    const gap = value(p2.buckets.medium) - value(p2.buckets.many);
    p2.headTailGaps[metric] = {
      metric,
      value: gap,
      ci: [gap - 0.05, gap + 0.05],
      ciNote: null,
      head: 'many',
      tail: 'medium',
    };
  }
  p2.headTailGap = p2.headTailGaps.break;
  p2.perClass.change_pin = {
    ...p2.perClass.change_pin,
    n: 2,
    nExamples: 1,
    drop: 0.5,
    dropCI: null,
    ciNote: 'too few examples',
  };
  p2.perClass.virtual_card_not_working = { ...p2.perClass.virtual_card_not_working, n: 0, nExamples: 0 };
  p2.perClass.top_up_failed = { ...p2.perClass.top_up_failed, n: 0, nExamples: 0 };
  return report;
}

describe('every renderer labels what is computed', () => {
  const report = thinReport();
  const gap = pooled(report, 2).headTailGap!;
  const outputs = {
    terminal: renderTerminal(report, { width: 160 }),
    markdown: renderMarkdown(report),
    html: renderHtml(report),
  };

  it('names the metric and the two buckets the head–tail gap compares, and that the tail bucket has no data', () => {
    expect(gap.metric).toBe('break');
    expect(outputs.terminal).toContain(
      `head–tail gap in break rate (medium − many; tail bucket few has no data): ${signedPp(gap.value)} pp`,
    );
    expect(outputs.markdown).toContain(
      `Head–tail gap in break rate (medium − many; tail bucket few has no data): **${signedPp(gap.value)} pp**`,
    );
    expect(outputs.html).toContain(
      `head–tail gap in break rate</span> <span class="">${signedPp(gap.value)} pp</span>`,
    );
    expect(outputs.html).toContain('(medium − many)</span>');
    expect(outputs.html).toContain('tail bucket few has no data');
    for (const out of Object.values(outputs)) expect(out).not.toContain('few − many; ');
  });

  it('shows a bucket without changed variants as missing in the per-bucket table', () => {
    expect(outputs.terminal).toMatch(/^\s+few\s+0–19\s+2\s+0\s+—\s+—\s+—\s+—$/m);
    expect(outputs.markdown).toContain('| few | 0–19 | 2 | 0 | — | — | — | — |');
    expect(outputs.html).toContain(
      '<td class="text name">few</td><td class="num">0–19</td><td class="num">2</td><td class="num">0</td>' +
        '<td class="num muted">—</td>'.repeat(4),
    );
  });

  it('shows a one-example slice as "too few examples", never a zero-width interval', () => {
    expect(outputs.terminal).toMatch(/change_pin\s+medium\s+64\s+2\s+\+50\.0 \(too few examples\)/);
    expect(outputs.markdown).toContain('| change_pin | medium | 64 | 2 | +50.0 (too few examples) |');
    expect(outputs.html).toContain('+50.0 <span class="ci">(too few examples)</span>');
    for (const out of Object.values(outputs)) expect(out).not.toContain('+50.0 [+50.0, +50.0]');
  });

  it('defines the drop as the paired, variant-weighted mean, not "clean − perturbed"', () => {
    const definition = 'Drop = mean over changed variants of (original correct − variant correct)';
    expect(outputs.terminal.replace(/\s+/g, ' ')).toContain(definition);
    expect(outputs.markdown).toContain(definition);
    expect(outputs.html).toContain(definition);
    for (const out of Object.values(outputs)) {
      expect(out).not.toMatch(/drop = clean − perturbed/i);
      expect(out).toContain('only when every example has the same number of changed variants');
    }
  });

  it('says how each tail slope weights the classes: by correct examples for break, by examples otherwise', () => {
    const weighting = 'classes weighted by their correctly classified examples';
    expect(outputs.terminal.replace(/\s+/g, ' ')).toContain(weighting);
    expect(outputs.markdown).toContain(weighting);
    expect(outputs.html).toContain(weighting);
    const legend =
      'The break-rate slope weights each class by its correctly classified examples, the flip-rate and drop slopes by its examples';
    expect(outputs.terminal.replace(/\s+/g, ' ')).toContain(legend);
    expect(outputs.markdown).toContain(legend);
    expect(outputs.html).toContain(legend);
    const dropReport = makeReport({ gapMetric: 'drop' });
    for (const out of [
      renderTerminal(dropReport, { width: 200 }),
      renderMarkdown(dropReport),
      renderHtml(dropReport),
    ]) {
      expect(out).toContain('classes weighted by their examples');
      expect(out).not.toContain(weighting);
    }
  });
});

describe('escapeMarkdown', () => {
  it.each([
    ['a|b', 'a\\|b'],
    ['run `rm -rf`', 'run \\`rm -rf\\`'],
    ['<b>x</b> & y', '&lt;b&gt;x&lt;/b&gt; &amp; y'],
    ['line1\nline2\r\nline3', 'line1 line2 line3'],
    ['# title', '\\# title'],
    ['- item', '\\- item'],
    ['+ item', '\\+ item'],
    ['* item', '\\* item'],
    ['1. first', '1\\. first'],
    ['2) second', '2\\) second'],
    ['2024.5 euros', '2024.5 euros'],
    ['[x](javascript:alert(1))', '\\[x\\](javascript:alert(1))'],
    ['![img](x.png)', '!\\[img\\](x.png)'],
    ['**bold** _em_ ~~gone~~', '\\*\\*bold\\*\\* \\_em\\_ \\~\\~gone\\~\\~'],
    ['card_arrival', 'card_arrival'],
    ['__init__', '\\_\\_init\\_\\_'],
    ['$x^2$', '\\$x^2\\$'],
    ['ping @octocat', 'ping @&#8203;octocat'],
    ['back\\slash', 'back\\\\slash'],
    ['\u001b[31mred\u001b[0m', 'red'],
  ])('%j', (input, expected) => {
    expect(escapeMarkdown(input)).toBe(expected);
  });
});

describe('renderMarkdown', () => {
  const report = makeReport();
  const md = renderMarkdown(report);

  it('renders well-formed GFM tables with the key numbers', () => {
    expect(expectWellFormedTables(md)).toBeGreaterThanOrEqual(10);
    expect(md).toContain('## Severity 1');
    expect(md).toContain('## Severity 2');
    for (const r of report.results) {
      const m = r.overall;
      expect(md).toContain(
        `| ${r.perturbation} | ${m.n} | ${percent(m.cleanAccuracy)} | ${percent(m.perturbedAccuracy)} | ${signedPp(m.drop)} [${signedPp(m.dropCI![0])}, ${signedPp(m.dropCI![1])}] | ${percent(m.flipRate)} |`,
      );
    }
    expect(md).toContain(`**Verdict:** ${escapeMarkdown(report.verdict)}`);
    expect(md).toContain(`**${signedPp(pooled(report, 2).headTailGap!.value)} pp**`);
    expect(md).toContain('## Logit adjustment (τ = 1)');
    expect(md).toContain('| virtual_card_not_working | few | 4 | 8 |');
  });

  it("tabulates each bucket of the pooled result, then every metric's gap and slope with the headline marked", () => {
    for (const severity of [1, 2]) {
      const p = pooled(report, severity);
      const section = md.slice(
        md.indexOf(`### By bucket at severity ${severity} (all perturbations pooled)`),
      );
      expect(section).toContain(
        '| Bucket | Train count | Classes | Examples | Clean | Drop [95% CI] | Break rate [95% CI] | Flip rate [95% CI] |',
      );
      for (const b of report.buckets) {
        const m = p.buckets[b.name];
        expect(section).toContain(
          `| ${b.name} | ${b.minCount}–${b.maxCount} | ${b.labels.length} | ${m.nExamples} | ${bucketCells(m).join(' | ')} |`,
        );
      }
      expect(section).toContain(
        `| **All classes** |  | ${report.classes.length} | ${p.overall.nExamples} | ${bucketCells(p.overall).join(' | ')} |`,
      );
      const rows = (['break', 'flip', 'drop'] as const).map((metric) => {
        const gap = p.headTailGaps[metric]!;
        const slope = p.tailSlopes[metric]!;
        const name =
          metric === 'break' ? '**break rate** (headline)' : metric === 'flip' ? 'flip rate' : 'drop';
        const weights = metric === 'break' ? 'their correctly classified examples' : 'their examples';
        return `| ${name} | ${ppWithCI(gap.value, gap.ci!)} | few − many | ${ppWithCI(slope.value, slope.ci!)} | ${weights} |`;
      });
      const first = section.indexOf(rows[0]);
      expect(first).toBeGreaterThan(0);
      expect(section.indexOf(rows[1])).toBeGreaterThan(first);
      expect(section.indexOf(rows[2])).toBeGreaterThan(section.indexOf(rows[1]));
    }
    expect(md).toContain('The headline head–tail comparison is on the **break rate**.');
    expect(md).toContain('| Head–tail gap in break rate |');
  });

  it("puts the report's gap metric first when it is not the break rate", () => {
    const dropMd = renderMarkdown(makeReport({ gapMetric: 'drop' }));
    expect(dropMd).toMatch(/^\| \*\*drop\*\* \(headline\) \|/m);
    expect(dropMd).not.toContain('**break rate** (headline)');
    expect(dropMd).toContain('Head–tail gap in drop (few − many)');
  });

  it('lists the worst flipped examples with the changed words in bold', () => {
    const section = md.slice(md.indexOf('## Worst flipped examples'));
    const ids = [...section.matchAll(/^\| \d+ \| (ex-\d) \|/gm)].map((m) => m[1]);
    expect(ids).toEqual(['ex-1', 'ex-4', 'ex-0', 'ex-5', 'ex-3']);
    expect(section).toContain('I think I **lots** my card on the train yesterday');
    expect(section).toContain('| lost_or_stolen_card | card_arrival (91%) |');
  });

  it('says where examples are when they were written separately', () => {
    const r = { ...makeReport({ examples: false }), examplesFile: 'out/examples.jsonl' };
    expect(renderMarkdown(r)).toContain('Per-example records were written to out/examples.jsonl.');
  });

  it('escapes hostile dataset strings and keeps every table row intact', () => {
    const hostile = renderMarkdown(makeReport({ hostile: true }));
    expectWellFormedTables(hostile);
    expect(hostile).not.toMatch(/<(script|img|svg|iframe|a|b|style)\b/i);
    expect(hostile).not.toMatch(/(?<!\\)\]\(javascript:/);
    expect(hostile).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(hostile).toContain('&lt;script&gt;window.\\_\\_xss=1&lt;/script&gt;');
    expect(hostile).toContain('@&#8203;someone');
  });
});

describe('renderHtml', () => {
  const report = makeReport();
  const html = renderHtml(report);

  it('is one self-contained document with a strict CSP and no script or external reference', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:;`,
    );
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\ssrc=|\shref=|@import|url\(/i);
    expect(html.match(/https?:\/\/[^"]*/g) ?? []).toEqual(
      Array(4).fill('http://www.w3.org/2000/svg'), // SVG namespace only, never fetched
    );
  });

  it('contains the summary, charts, tables, comparison and worst flips', () => {
    const p2 = pooled(report, 2);
    expect(html).toContain(escapeHtml(report.verdict));
    expect(html).toContain(`${signedPp(p2.overall.drop)} pp`);
    expect(html.match(/<rect class="bar"/g)).toHaveLength(report.buckets.length * 2);
    expect(html.match(/<g class="point">/g)).toHaveLength(report.classes.length * 2);
    expect(html).toContain('Logit adjustment (τ = 1)');
    expect(html).toContain('my new <mark>cadr</mark> still has not arrived after two weeks');
    expect(html.indexOf('I think I lost my card')).toBeLessThan(html.indexOf('my top up failed again'));
    for (const r of report.results) expect(html).toContain(`${signedPp(r.overall.drop)} <span class="ci">`);
  });

  it("charts the headline metric per bucket with its CI, beside each bucket's clean accuracy", () => {
    expect(html).toContain('<h2>Break rate by class frequency</h2>');
    expect(html).toContain('break rate (%)</text>');
    expect(html.match(/<rect class="clean"/g)).toHaveLength(report.buckets.length * 2);
    expect(html.match(/<line class="errorbar"/g)).toHaveLength(report.buckets.length * 2 * 3);
    for (const severity of [1, 2]) {
      const p = pooled(report, severity);
      const chart = html.slice(
        html.indexOf(`aria-label="Break rate per frequency bucket at severity ${severity}`),
      );
      const svgText = chart.slice(0, chart.indexOf('</svg>'));
      for (const b of report.buckets) {
        const m = p.buckets[b.name];
        expect(svgText).toContain(`class="value">${percent(m.breakRate)}</text>`);
        expect(svgText).toContain(`clean ${percent(m.cleanAccuracy)}</text>`);
        expect(svgText).toContain(`break rate ${rateWithCI(m.breakRate, m.breakRateCI!)}`);
        expect(svgText).toContain(`clean accuracy ${percent(m.cleanAccuracy)} over ${m.nExamples} examples`);
      }
      expect(svgText).toContain(`all ${percent(p.overall.breakRate)}</text>`);
    }
    const drop = renderHtml(makeReport({ gapMetric: 'drop' }));
    expect(drop).toContain('<h2>Drop by class frequency</h2>');
    expect(drop).toContain('drop (pp)</text>');
    expect(drop).toContain(`class="value">${signedPp(pooled(report, 2).buckets.few.drop)}</text>`);
    // the per-class scatter plots what the headline tail slope is fitted to
    expect(html).toContain('<h2>Per-class break rate against training examples</h2>');
    expect(html).toContain('aria-label="Per-class break rate against training count at severity 2"');
    expect(drop).toContain('<h2>Per-class drop against training examples</h2>');
  });

  it("tabulates each bucket and every metric's gap and slope, the headline marked", () => {
    const p2 = pooled(report, 2);
    for (const b of report.buckets) {
      const m = p2.buckets[b.name];
      expect(html).toContain(
        `<td class="text name">${b.name}</td><td class="num">${b.minCount}–${b.maxCount}</td><td class="num">${b.labels.length}</td><td class="num">${m.nExamples}</td><td class="num">${percent(m.cleanAccuracy)}</td>`,
      );
      expect(html).toContain(
        `${percent(m.breakRate)} <span class="ci">${rateWithCI(m.breakRate, m.breakRateCI!).split(' ').slice(1).join(' ')}</span></td><td class="num">${percent(m.flipRate)} <span class="ci">`,
      );
    }
    const gap = p2.headTailGaps.break!;
    // The last table is severity 2's.
    const headlineRow = html.slice(
      html.lastIndexOf('<tr class="pooled"><td>break rate <span class="muted">(headline)</span></td>'),
    );
    expect(headlineRow.slice(0, headlineRow.indexOf('</tr>'))).toContain(
      `${signedPp(gap.value)} <span class="ci">${ppInterval(gap.ci!)}</span></td><td class="nowrap">few − many</td>`,
    );
    expect(html).toContain('<th class="num">Head–tail gap<br>in break rate</th>');
    const flip = p2.headTailGaps.flip!;
    expect(html).toContain(`<tr><td>flip rate</td><td class="num`);
    expect(html).toContain(`${signedPp(flip.value)} <span class="ci">${ppInterval(flip.ci!)}</span>`);
  });

  it('escapeHtml escapes the five special characters and strips controls', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
    expect(escapeHtml('a\u0000b\u001b[31mc')).toBe('abc');
  });
});

describe('renderHtml: per-class scatter and bucket labels', () => {
  const report = makeReport();
  const html = renderHtml(report);

  it('names the classes with the highest plotted metric on the chart and tabulates every class under it', () => {
    const p2 = pooled(report, 2);
    const chart = html.slice(
      html.indexOf('aria-label="Per-class break rate against training count at severity 2"'),
    );
    const svgText = chart.slice(0, chart.indexOf('</svg>'));
    const ranked = report.classes
      .map((c) => ({ label: c.label, value: p2.perClass[c.label]!.breakRate }))
      .sort((a, b) => b.value - a.value);
    const named = [...svgText.matchAll(/class="point-label"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(named).toEqual(ranked.slice(0, 5).map((c) => c.label));
    // The y axis of a rate reads in percent, like the bucket chart's
    expect(svgText).toContain('>100%</text>');
    expect(svgText).not.toMatch(/>\+\d+<\/text>/);

    const table = chart.slice(chart.indexOf('<details class="class-table" open>'));
    const body = table.slice(0, table.indexOf('</table>'));
    expect(body).toContain('Severity 2: the 6 classes of the chart, highest break rate first');
    const rows = [...body.matchAll(/<tr><td class="text">(.*?)<\/tr>/g)].map((m) => m[0]);
    expect(rows).toHaveLength(report.classes.length);
    const worst = report.classes.find((c) => c.label === ranked[0]!.label)!;
    const m = p2.perClass[worst.label]!;
    expect(rows[0]).toBe(
      `<tr><td class="text">${worst.label.replace(/_/g, '_<wbr>')}</td><td>${worst.bucket}</td><td class="num">${worst.trainCount}</td><td class="num">${rateWithCI(m.breakRate, m.breakRateCI!)}</td><td class="num">${percent(m.cleanAccuracy)}</td></tr>`,
    );
  });

  it('says "1 class", never "1 classes"', () => {
    const one = makeReport();
    one.buckets[2]!.labels = one.buckets[2]!.labels.slice(0, 1);
    const outputs = [renderHtml(one), renderMarkdown(one), renderTerminal(one, { width: 140 })];
    for (const text of outputs) {
      expect(text).not.toContain('1 classes');
      expect(text).toMatch(/0–19 \(1 class\)/);
    }
  });

  it('prints long bucket names whole under their bars', () => {
    const long = renderHtml(
      makeReport({ bucketNames: ['>=1010000', '200000-1000000', '<200000'], trainCountScale: 10_000 }),
    );
    for (const name of ['&gt;=1010000', '200000-1000000', '&lt;200000']) {
      expect(long).toContain(`class="bucket-name">${name}</text>`);
    }
    expect(long).toContain('>1010000–4200000 train</text>');
  });
});

describe('HTML chart labels in Chromium: none clipped, none overlapping', () => {
  let browser: Browser;
  beforeAll(async () => {
    // launchChromium throws (naming what it tried) when there is no browser: never a skip.
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  const reports = {
    default: makeReport(),
    'long bucket names and counts': makeReport({
      bucketNames: ['>=1010000', '200000-1000000', '<200000'],
      trainCountScale: 10_000,
      gapMetric: 'drop',
    }),
  };

  for (const [name, report] of Object.entries(reports)) {
    it(`lays out the bucket charts and the scatter (${name})`, async () => {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      try {
        await page.setContent(renderHtml(report));
        const charts = await page.evaluate(() =>
          [...document.querySelectorAll('svg.chart')].map((svg) => ({
            chart: svg.getAttribute('aria-label') ?? '',
            box: svg.getBoundingClientRect(),
            texts: [...svg.querySelectorAll('text')].map((t) => {
              const r = t.getBoundingClientRect();
              return {
                text: t.textContent ?? '',
                kind: t.getAttribute('class') ?? '',
                box: { left: r.left, right: r.right, top: r.top, bottom: r.bottom },
              };
            }),
          })),
        );
        expect(charts.length).toBe(4); // two bucket charts, two scatters
        const overlap = (a: ClientRect, b: ClientRect) =>
          a.left < b.right - 0.5 &&
          b.left < a.right - 0.5 &&
          a.top < b.bottom - 0.5 &&
          b.top < a.bottom - 0.5;
        for (const { chart, box, texts } of charts) {
          for (const t of texts) {
            const inside =
              t.box.left >= box.left - 0.5 &&
              t.box.right <= box.right + 0.5 &&
              t.box.top >= box.top - 0.5 &&
              t.box.bottom <= box.bottom + 0.5;
            expect(inside, `${chart}: "${t.text}" runs past the chart's edge`).toBe(true);
          }
          // Labels of one kind never cover each other: bucket names, the small labels under the bars, point labels.
          for (const kind of ['bucket-name', 'small', 'point-label', 'value']) {
            const same = texts.filter((t) => t.kind === kind);
            for (let i = 0; i < same.length; i++) {
              for (let j = i + 1; j < same.length; j++) {
                expect(
                  overlap(same[i]!.box, same[j]!.box),
                  `${chart}: "${same[i]!.text}" and "${same[j]!.text}" overlap`,
                ).toBe(false);
              }
            }
          }
        }
        const pointLabels = charts.flatMap((c) => c.texts.filter((t) => t.kind === 'point-label'));
        expect(pointLabels.length).toBeGreaterThanOrEqual(8); // most of the 5 + 5 fit
      } finally {
        await page.close();
      }
    });
  }
});

describe('renderJson', () => {
  it('round-trips with object key order, 2-space indent and a trailing newline', () => {
    const report = makeReport();
    const json = renderJson(report);
    expect(json.endsWith('}\n')).toBe(true);
    expect(json.split('\n')[1]).toBe('  "schema": "tailcheck/report@2",');
    const parsed = JSON.parse(json);
    expect(parsed).toEqual(report);
    expect(Object.keys(parsed)).toEqual(Object.keys(report));
  });
});

describe('junitXml', () => {
  it('escapes special characters in attributes and text and counts outcomes', () => {
    const xml = junitXml([
      {
        name: 'suite <1> & "quotes"',
        tests: [
          { name: "it's <ok>", timeMs: 1500 },
          {
            name: 'fails',
            classname: 'a.b',
            failure: { message: 'x < y & "z"', details: 'line1\nline2 ]]> end' },
          },
          { name: 'skipped', skipped: 'no model' },
        ],
      },
    ]);
    expect(xml).toContain(
      '<testsuite name="suite &lt;1&gt; &amp; &quot;quotes&quot;" tests="3" failures="1"',
    );
    expect(xml).toContain('skipped="1" time="1.500"');
    expect(xml).toContain(
      '<testcase name="it&apos;s &lt;ok&gt;" classname="suite &lt;1&gt; &amp; &quot;quotes&quot;" time="1.500"/>',
    );
    expect(xml).toContain(
      '<failure message="x &lt; y &amp; &quot;z&quot;" type="AssertionError">line1\nline2 ]]&gt; end</failure>',
    );
    expect(xml).toContain('<skipped message="no model"/>');
    expect(xml).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites tests="3" failures="1" errors="0" skipped="1"/,
    );
  });

  it('counts errored cases apart from failures and writes system-out', () => {
    const xml = junitXml([
      {
        name: 's',
        tests: [
          { name: 'ok', systemOut: 'drop +7.2 pp <CI> & more' },
          {
            name: 'bad file',
            error: { message: 'unknown label "x"', details: 'a.yaml: label (line 3)', type: 'SuiteError' },
          },
          { name: 'no type', error: { message: 'boom' } },
        ],
      },
    ]);
    expect(xml).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites tests="3" failures="0" errors="2" skipped="0"/,
    );
    expect(xml).toContain('<testsuite name="s" tests="3" failures="0" errors="2" skipped="0"');
    expect(xml).toContain(
      '<testcase name="ok" classname="s" time="0.000">\n      <system-out>drop +7.2 pp &lt;CI&gt; &amp; more</system-out>\n    </testcase>',
    );
    expect(xml).toContain(
      '<error message="unknown label &quot;x&quot;" type="SuiteError">a.yaml: label (line 3)</error>',
    );
    expect(xml).toContain('<error message="boom" type="Error">boom</error>');
  });

  it('strips characters that are illegal in XML 1.0 and keeps valid surrogate pairs', () => {
    expect(escapeXml('a\u0000b\u0008c\u000bd\u000ce\u001ff\ufffeg\uffffh')).toBe('abcdefgh');
    expect(escapeXml('lone \ud800 high, lone \udc00 low, pair 😀')).toBe('lone  high, lone  low, pair 😀');
    expect(escapeXml('tab\tnl\ncr\r')).toBe('tab\tnl\ncr\r');
  });
});

describe('renderJunit', () => {
  const report = makeReport();
  const gates = evaluateGates(report, { maxDrop: 0.05, maxTailDrop: 0.15 });
  const xml = renderJunit(report, gates);

  it('writes one testcase per gate check with the value and CI on failures', () => {
    expect(xml.match(/<testcase /g)).toHaveLength(gates.checks.length);
    const failed = gates.checks.filter((c) => !c.passed);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.length).toBeLessThan(gates.checks.length);
    expect(xml).toContain(`failures="${failed.length}"`);
    expect(xml).toContain(
      'name="drop typo.keyboard s1 ≤ 0.05" classname="tailcheck.typo.keyboard" time="0.000"/>',
    );
    const r = report.results.find((x) => x.perturbation === 'typo.keyboard' && x.severity === 2)!.overall;
    // the GATE FAILED line's sentence, in text units (points), with the flag's fraction
    expect(xml).toContain(
      `<failure message="maxDrop: typo.keyboard, severity 2: drop ${pp(r.drop)} pp ${ppCI(r.dropCI)} &gt; 5.0 pp (--max-drop 0.05)"`,
    );
    expect(xml).toContain('name="few drop all s2 ≤ 0.15"');
  });
});

describe('renderJunit without a gate', () => {
  it('writes one passing "audit completed" case carrying the verdict and the pooled numbers', () => {
    const report = makeReport();
    const gates = evaluateGates(report, {});
    expect(noGateSet(gates)).toBe(true);
    expect(noGateSet(evaluateGates(report, { maxDrop: 1 }))).toBe(false);
    const xml = renderJunit(report, gates);
    expect(xml).toContain('<testsuites tests="1" failures="0" errors="0" skipped="0"');
    expect(xml).toContain('<testcase name="audit completed" classname="tailcheck.audit" time="0.000">');
    const out = xml.slice(xml.indexOf('<system-out>') + 12, xml.indexOf('</system-out>')).split('\n');
    expect(out[0]).toBe(`verdict: ${report.verdict}`);
    expect(out).toContain('model: models/banking77-lt');
    expect(out).toContain('data: data/bank-queries.jsonl (117 examples)');
    const m = pooled(report, 2).overall;
    const gap = pooled(report, 2).headTailGap!;
    expect(out).toContain(
      `severity 2, all perturbations pooled: accuracy ${(m.cleanAccuracy * 100).toFixed(1)} % → ${(m.perturbedAccuracy * 100).toFixed(1)} %, drop ${signedPp(m.drop)} pp ${ppInterval(m.dropCI!)}, break rate ${(m.breakRate * 100).toFixed(1)} %, flip rate ${(m.flipRate * 100).toFixed(1)} % (${m.n} changed variants); head–tail gap in break rate ${signedPp(gap.value)} pp ${ppInterval(gap.ci!)} (few − many)`,
    );
    expect(out.at(-1)).toBe('no gate was set: this case passes whatever the numbers');
  });
});

describe('renderJunit with the tail break-rate gate', () => {
  it('names the break rate, not the drop, in the test case and the failure', () => {
    const report = makeReport();
    const gates = evaluateGates(report, { maxTailBreak: 0.1 });
    const xml = renderJunit(report, gates);
    const few2 = pooled(report, 2).buckets.few;
    expect(few2.breakRate).toBeGreaterThan(0.1);
    expect(xml).toContain('name="few break rate all s2 ≤ 0.1"');
    const check = gates.checks.find((c) => !c.passed && c.pooled && c.severity === 2)!;
    expect(describeFailedCheck(check)).toContain('bucket "few": break rate ');
    expect(xml).toContain(`<failure message="${escapeXml(describeFailedCheck(check))}"`);
    expect(xml).toContain(
      `of ${few2.nFromCorrect} changed variants of correctly classified originals now wrong`,
    );
    expect(xml).not.toMatch(/name="few drop/);
  });
});

describe('XML well-formedness in a real parser (Chromium DOMParser)', () => {
  let browser: Browser;
  beforeAll(async () => {
    // A real parser: launchChromium throws (naming what it tried) when there is no browser.
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('parses the JUnit output for hostile inputs and preserves the escaped strings', async () => {
    const hostile = makeReport({ hostile: true });
    const nasty = `${HOSTILE.script} ${HOSTILE.img} & 'apos' \u0000\u0007\ud800\uffff tab\tnewline\n end`;
    const xmls = [
      renderJunit(hostile, evaluateGates(hostile, { maxDrop: 0.05, maxTailDrop: 0.15 })),
      junitXml([
        {
          name: nasty,
          tests: [
            { name: nasty, classname: nasty, failure: { message: nasty, details: nasty }, skipped: nasty },
          ],
        },
      ]),
    ];
    const page = await browser.newPage();
    try {
      await page.setContent('<!doctype html><title>xml</title>');
      for (const xml of xmls) {
        expect(xml).not.toMatch(/<script|<img|<svg onload/);
        const parsed = await page.evaluate((source) => {
          const doc = new DOMParser().parseFromString(source, 'application/xml');
          const error = doc.getElementsByTagName('parsererror')[0];
          const cases = [...doc.getElementsByTagName('testcase')];
          return {
            error: error?.textContent ?? null,
            root: doc.documentElement.nodeName,
            names: cases.map((c) => c.getAttribute('name')),
            failures: [...doc.getElementsByTagName('failure')].map((f) => ({
              message: f.getAttribute('message'),
              text: f.textContent,
            })),
          };
        }, xml);
        expect(parsed.error).toBeNull();
        expect(parsed.root).toBe('testsuites');
        expect(parsed.names.length).toBeGreaterThan(0);
      }
      const parsed = await page.evaluate((source) => {
        const doc = new DOMParser().parseFromString(source, 'application/xml');
        const failure = doc.getElementsByTagName('failure')[0];
        return {
          name: doc.getElementsByTagName('testcase')[0].getAttribute('name'),
          text: failure.textContent,
        };
      }, xmls[1]);
      const legal = `${HOSTILE.script} ${HOSTILE.img} & 'apos'  tab\tnewline\n end`;
      expect(parsed.name).toBe(legal);
      expect(parsed.text).toBe(legal);
    } finally {
      await page.close();
    }
  });
});

// ───────────────────────────── worst-case attack ─────────────────────────────

/** Wrapped terminal lines joined back (a continuation line starts with spaces). */
const unwrap = (text: string): string => text.replace(/\n +/g, ' ');
/** "1.33 [1.00, 2.00]": a number with its CI, two decimals. */
const twoDecimals = (e: AttackEstimate): string =>
  `${e.value!.toFixed(2)} [${e.ci![0].toFixed(2)}, ${e.ci![1].toFixed(2)}]`;
/** "35.6% [30.1, 41.0]" from an estimate. */
const rateEstimate = (e: AttackEstimate): string => rateWithCI(e.value!, e.ci!);

describe('the worst-case attack section in every format', () => {
  const report = withAttack(makeReport());
  const a = report.attack!;
  const terminal = renderTerminal(report, { width: 140 });
  const md = renderMarkdown(report);
  const html = renderHtml(report);
  const attackHtml = html.slice(html.indexOf('<section class="attack">'));
  /** Flipped records, cheapest first, as the fixture's ties are meant to resolve. */
  const CHEAPEST = ['e1', 'c1', 'e2', 'f1', 'd1', 'a2', 'b2', 'a1'];

  it('terminal: search, budgets and transformations, then the overall numbers with their CIs and the outcomes', () => {
    const o = a.overall;
    const block = unwrap(terminal.slice(terminal.indexOf('Worst-case attack')));
    expect(block).toContain(
      "greedy word-importance search; edits: up to 20% of each text's words (at least 1); queries: up to 200 per example",
    );
    expect(block).toContain(`transformations  ${a.config.perturbations.join(', ')}`);
    expect(block).toContain(
      `success rate     ${rateEstimate(o.attackSuccessRate)}: ${o.flipped} of ${o.correct} correctly classified examples flipped`,
    );
    expect(block).toContain(
      `${percent(o.correct / o.examples)} clean (${o.correct} of ${o.examples}) → ${rateEstimate(o.accuracyUnderAttack)} under attack`,
    );
    expect(block).toContain(
      `mean ${twoDecimals(o.editsToFlip.mean)} · median 1 [1, 2] · ${rateEstimate(o.editsToFlip.shareOfWords)} of the words`,
    );
    expect(block).toContain(
      `${o.queriesPerExample.value!.toFixed(1)} [${o.queriesPerExample.ci![0].toFixed(1)}, ${o.queriesPerExample.ci![1].toFixed(1)}] per attacked example`,
    );
    expect(block).toContain(
      '8 flipped · 1 max-edits · 1 max-queries · 1 exhausted · 1 no-candidates · 2 misclassified',
    );
  });

  it('terminal: one row per bucket in the report order, then all classes, with every metric and its CI', () => {
    const block = terminal.slice(
      terminal.indexOf('By bucket, head → tail', terminal.indexOf('Worst-case attack')),
    );
    const rowOf = (name: string, from = 0) =>
      block
        .split('\n')
        .filter((l) => l.trim().startsWith(name))
        .slice(from);
    for (const b of report.buckets) {
      const m = a.buckets[b.name]!;
      const row = rowOf(b.name).join(' ');
      expect(row).toContain(`${percent(m.correct / m.examples)} (${m.correct})`);
      expect(row).toContain(`${rateEstimate(m.attackSuccessRate)} (${m.flipped})`);
      expect(row).toContain(rateEstimate(m.accuracyUnderAttack));
      expect(row).toContain(twoDecimals(m.editsToFlip.mean));
      expect(row).toContain(rateEstimate(m.editsToFlip.shareOfWords));
    }
    expect(rowOf('all classes').join(' ')).toContain(twoDecimals(a.overall.editsToFlip.mean));
    const order = report.buckets.map((b) => block.indexOf(`\n  ${b.name} `));
    expect(order).toEqual([...order].sort((x, y) => x - y));
    expect(block.indexOf('all classes')).toBeGreaterThan(order.at(-1)!);
  });

  it('reads the edits-to-flip gap in plain words, with the significance its CI gives, in every format and the verdict', () => {
    const gap = a.headTailGaps.editsToFlip!;
    const few = a.buckets.few!.editsToFlip.mean.value!;
    const many = a.buckets.many!.editsToFlip.mean.value!;
    expect(gap.ci![1]).toBeLessThan(0);
    const reading = `few-shot classes flip after fewer edits than many-shot classes: ${few.toFixed(2)} vs ${many.toFixed(2)} words changed on average (gap ${gap.value.toFixed(2)} [${gap.ci![0].toFixed(2)}, ${gap.ci![1].toFixed(2)}]; significant at 95 %)`;
    expect(unwrap(terminal)).toContain(`head–tail gap in edits to flip (mean): ${reading}`);
    expect(md).toContain(`- Head–tail gap in edits to flip (mean): ${escapeMarkdown(reading)}`);
    expect(attackHtml).toContain(escapeHtml(reading));
    expect(report.verdict).toContain(
      `Worst-case attack (greedy search, ≤ 20% of the words, ≤ 200 queries): 8 of 12 correctly classified examples flipped`,
    );
    expect(report.verdict).toContain(reading);
    const slope = a.tailSlopes.editsToFlip!;
    expect(unwrap(terminal)).toContain(
      `tail slope of edits to flip (mean): +${slope.value.toFixed(2)} [+${slope.ci![0].toFixed(2)}, +${slope.ci![1].toFixed(2)}] words per ln(train count): rarer classes flip after fewer edits (significant at 95 %;`,
    );
    const rate = a.headTailGaps.attackSuccessRate!;
    expect(unwrap(terminal)).toContain(
      `the attack flips few-shot classes more often than many-shot classes: 100.0 % vs 60.0 % of their correctly classified examples (gap ${ppWithCI(rate.value, rate.ci!).replace(' [', ' pp [')}; significant at 95 %)`,
    );
  });

  it('says "not significant" when the gap\'s CI spans 0, and that there are too few examples without a CI', () => {
    const spanning = {
      ...a,
      headTailGaps: {
        ...a.headTailGaps,
        editsToFlip: { ...a.headTailGaps.editsToFlip!, ci: [-1.5, 0] as [number, number] },
      },
    };
    expect(attackGapReading(spanning, 'editsToFlip', 95)).toMatch(
      /\[-1\.50, 0\.00\]; not significant at 95 %\)$/,
    );
    const withoutCI = {
      ...a,
      headTailGaps: { ...a.headTailGaps, editsToFlip: { ...a.headTailGaps.editsToFlip!, ci: null } },
    };
    expect(attackGapReading(withoutCI, 'editsToFlip', 95)).toMatch(
      /\(gap -1\.33; too few examples for a CI\)$/,
    );
    const none = { ...a, headTailGaps: { ...a.headTailGaps, editsToFlip: null } };
    expect(attackGapReading(none, 'editsToFlip', 95)).toBeNull();
    expect(renderTerminal({ ...report, attack: { ...a, ...none } })).toContain(
      'head–tail gap in edits to flip (mean): n/a (fewer than two buckets with flipped examples)',
    );
  });

  it('markdown: the attack table by bucket and the gap table, well-formed, numbers from the section', () => {
    expectWellFormedTables(md);
    const section = md.slice(md.indexOf('## Worst-case attack'));
    for (const b of report.buckets) {
      const m = a.buckets[b.name]!;
      expect(section).toContain(
        `| ${b.name} | ${b.minCount}–${b.maxCount} | ${b.labels.length} | ${m.examples} | ${percent(m.correct / m.examples)} (${m.correct}) | ${rateEstimate(m.attackSuccessRate)} (${m.flipped}) | ${rateEstimate(m.accuracyUnderAttack)} | ${twoDecimals(m.editsToFlip.mean)} |`,
      );
    }
    const gap = a.headTailGaps.editsToFlip!;
    expect(section).toContain(
      `| Edits to flip (mean) | ${gap.value.toFixed(2)} [${gap.ci![0].toFixed(2)}, ${gap.ci![1].toFixed(2)}] words | few − many |`,
    );
    expect(section).toContain(
      `- **Outcomes** 8 flipped · 1 max-edits · 1 max-queries · 1 exhausted · 1 no-candidates · 2 misclassified`,
    );
    expect(section.indexOf('## Worst-case attack')).toBeLessThan(
      section.indexOf('### The 20 cheapest flips'),
    );
  });

  it('markdown and HTML: the cheapest flips, fewest edits first; ties by queries, then the more confident original, then id', () => {
    const mdIds = [
      ...md.slice(md.indexOf('### The 20 cheapest flips')).matchAll(/^\| \d+ \| (\w+) \|/gm),
    ].map((m) => m[1]);
    expect(mdIds).toEqual(CHEAPEST);
    const htmlIds = [...attackHtml.matchAll(/<div class="muted text">id (\w+)<\/div>/g)].map((m) => m[1]);
    expect(htmlIds).toEqual(CHEAPEST);
    expect(md).toContain(
      'fewest edits first; ties: fewest queries, then the most confident original (highest gold-label probability), then id',
    );
    expect(md.slice(md.indexOf('### The 20 cheapest flips'))).not.toContain('| b1 |'); // max-edits: not a flip
  });

  it('markdown: edited words struck through in the original and bold in the adversarial text, each edit with the gold probability after it', () => {
    const row = md.split('\n').find((l) => l.startsWith('| 8 | a1 |'))!;
    expect(row).toContain('| card_arrival → change_pin | 3 · 34 |');
    expect(row).toContain('| When will the card I ~~ordered~~ last ~~week~~ finally ~~show~~ up? |');
    expect(row).toContain('| When will the card I **orderd** last **weeek** finally **shwo** up? |');
    expect(row).toContain(
      'gold 91.0% before any edit<br>1. ~~ordered~~ → **orderd** (typo.delete): 71.0%<br>2. ~~week~~ → **weeek** (typo.repeat): 44.0%<br>3. ~~show~~ → **shwo** (typo.swap): 12.0% |',
    );
  });

  it('HTML: edits to flip and the success rate by bucket as bars with CI error bars, and accessible tables', () => {
    expect(attackHtml).toContain('<figcaption>Edits to flip by bucket</figcaption>');
    expect(attackHtml).toContain('<figcaption>Attack success rate by bucket</figcaption>');
    expect(attackHtml).toContain('aria-label="Mean edits to flip per frequency bucket"');
    expect(attackHtml.match(/<rect class="bar"/g)).toHaveLength(report.buckets.length * 2);
    // every bucket here has a CI for both metrics: three lines per error bar
    expect(attackHtml.match(/<line class="errorbar"/g)).toHaveLength(report.buckets.length * 2 * 3);
    expect(attackHtml).toContain(
      `edits to flip, mean ${twoDecimals(a.buckets.many!.editsToFlip.mean)}, median 2 [2, 3], over 3 flipped examples`,
    );
    expect(attackHtml).toContain(
      `attack success rate ${rateEstimate(a.buckets.few!.attackSuccessRate)}, 3 of 3 correctly classified examples flipped`,
    );
    expect(attackHtml).toContain('<caption>Attack by bucket, head (most training examples) → tail</caption>');
    expect(attackHtml).toContain('<caption>Head–tail gaps and tail slopes of the attack</caption>');
    expect(attackHtml).toContain('<caption>The 8 flipped examples with the fewest edits</caption>');
    expect(attackHtml).toContain('<th scope="row" class="text name">few</th>');
    expect(attackHtml).toContain(
      `${twoDecimals(a.overall.editsToFlip.mean).replace(' [', ' <span class="ci">[')}</span>`,
    );
  });

  it('HTML: marks edited words with <del>/<ins> and escapes a text carrying a <script> tag', () => {
    expect(attackHtml).toContain(
      'When will the card I <del>ordered</del> last <del>week</del> finally <del>show</del> up?',
    );
    expect(attackHtml).toContain(
      'When will the card I <ins>orderd</ins> last <ins>weeek</ins> finally <ins>shwo</ins> up?',
    );
    expect(attackHtml).toContain(
      '<li><del>week</del> → <ins>weeek</ins> <span class="muted">typo.repeat</span> · gold 44.0%</li>',
    );
    expect(SCRIPT_TEXT).toContain('<script>');
    expect(html).not.toMatch(/<script/i);
    expect(attackHtml).toContain(
      'Why was my top up <ins>refuzed</ins> by the app? &lt;script&gt;alert(1)&lt;/script&gt;',
    );
    const hostile = renderHtml(withAttack(makeReport({ hostile: true })));
    expect(hostile).not.toMatch(/<script|<img|<svg onload|<iframe/i);
    const hostileMd = renderMarkdown(withAttack(makeReport({ hostile: true })));
    expectWellFormedTables(hostileMd);
    expect(hostileMd).not.toMatch(/<(script|img|svg|iframe|a|b|style)\b/i);
  });

  it('falls back to a word diff when the edit spans do not rebuild the adversarial text', () => {
    const record = a.records.find((r) => r.id === 'a2')!;
    const foreign = { ...record, adversarial: `${record.adversarial} now` };
    const { original, adversarial } = editSegments(foreign);
    expect(original).toEqual([{ text: record.text, changed: false }]);
    expect(adversarial.filter((s) => s.changed).map((s) => s.text)).toEqual(['arived', 'pots. now']);
    expect(
      editSegments(record)
        .adversarial.filter((s) => s.changed)
        .map((s) => [s.text, s.edit]),
    ).toEqual([
      ['arived', 0],
      ['pots', 1],
    ]);
  });
});

describe('an attack-only report (no perturbation ran)', () => {
  for (const hostile of [false, true]) {
    const report = attackOnlyReport(makeReport({ hostile }));

    it(`renders in every format without throwing${hostile ? ' (hostile strings)' : ''}`, () => {
      expect(report.summary).toEqual([]);
      expect(report.results).toEqual([]);
      const none = evaluateGates(report, {});
      const gated = evaluateGates(report, { maxDrop: 0.05 });
      const outputs = [
        renderTerminal(report),
        renderTerminal(report, { width: 60, color: true }),
        renderMarkdown(report),
        renderMarkdownSummary(report),
        renderMarkdownSummary(report, { gates: gated }),
        renderHtml(report),
        renderJson(report),
        renderJunit(report, none),
        renderJunit(report, gated),
        githubAnnotations(report, gated).join('\n'),
      ];
      for (const out of outputs) expect(out.length).toBeGreaterThan(0);
      expect(JSON.parse(renderJson(report)).attack.records).toHaveLength(14);
      expect(renderJunit(report, none)).toContain('Worst-case attack (greedy search');
    });
  }

  const report = attackOnlyReport(makeReport());

  it('is judged on the attack alone, and shows no empty perturbation tables or legends', () => {
    expect(report.verdict).toMatch(
      /^Worst-case attack \(greedy search, ≤ 20% of the words, ≤ 200 queries\): 8 of 12 /,
    );
    const terminal = renderTerminal(report, { width: 120 });
    expect(terminal).toContain('perturbations  none (attack only) · seed 7');
    expect(terminal).not.toMatch(/Severity \d|Drop = |Break rate = /);
    expect(terminal).toContain('Worst-case attack');
    expect(terminal.trimEnd().split('\n').at(-1)).toBe(`verdict: ${report.verdict}`);
    const md = renderMarkdown(report);
    expectWellFormedTables(md);
    expect(md).toContain('| Perturbations | none (attack only) |');
    expect(md).not.toMatch(/## Severity|## Worst flipped examples|Drop = /);
    expect(md).toContain('### The 20 cheapest flips');
    const html = renderHtml(report);
    expect(html).not.toMatch(/<h2>Results<\/h2>|<section class="cards"><\/section>|Worst flipped examples/);
    expect(html).toContain('<span class="k">perturbations</span> none (attack only)');
    expect(html).toContain('<figcaption>Edits to flip by bucket</figcaption>');
  });
});
