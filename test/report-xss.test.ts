/**
 * The HTML report must be inert whatever the dataset contains: hostile texts, labels,
 * ids, perturbation names and model ids are rendered in headless Chromium and must
 * show up as visible text without running anything or loading anything.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateGates } from '../src/measure/gates.ts';
import { renderHtml } from '../src/report/html.ts';
import { renderJunit } from '../src/report/junit.ts';
import { renderMarkdown } from '../src/report/markdown.ts';
import { renderTerminal } from '../src/report/terminal.ts';
import { launchChromium, resolveChromium } from './fixtures/browser.ts';
import { withAttack } from './fixtures/make-attack.ts';
import { HOSTILE, HTML_PAYLOADS, makeReport } from './fixtures/make-report.ts';

const SCREENSHOT = join(tmpdir(), 'tailcheck-report-xss.png');

const report = makeReport({ hostile: true });
const html = renderHtml(report);

// The few browser APIs the page.evaluate callback uses (the project compiles without the DOM lib).
interface PageElement {
  tagName: string;
  textContent: string | null;
  attributes: Iterable<{ name: string; value: string }>;
}
interface PageDocument {
  title: string;
  body: { innerText: string };
  querySelectorAll(selector: string): ArrayLike<PageElement> & Iterable<PageElement>;
}
declare const document: PageDocument;
declare const window: { __xss?: unknown };

interface PageFindings {
  xss: unknown;
  scripts: number;
  onAttributes: string[];
  javascriptUrls: string[];
  embeds: number;
  svgs: number;
  bars: number;
  points: number;
  title: string;
  visibleText: string;
  svgTitles: string[];
}

it('finds Chromium: CHROMIUM_PATH, a system one, else @sparticuz/chromium (missing fails, never skips)', async () => {
  const resolved = await resolveChromium();
  expect(existsSync(resolved.executablePath), resolved.executablePath).toBe(true);
});

describe('HTML report in headless Chromium with hostile dataset strings', () => {
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    // The XSS test must run in a real browser: launchChromium throws (naming what it tried) when there is none.
    browser = await launchChromium();
    dir = mkdtempSync(join(tmpdir(), 'tailcheck-xss-'));
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  // 'no CSP' drops the policy meta tag: escaping alone must hold, the CSP is only a second belt.
  for (const mode of ['setContent', 'file://', 'no CSP'] as const) {
    it(`runs nothing, loads nothing and shows the payloads as text (${mode})`, async () => {
      const file = join(dir, 'report.html');
      const pageUrl = pathToFileURL(file).href;
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const dialogs: string[] = [];
      const requests: string[] = [];
      const consoleErrors: string[] = [];
      const pageErrors: string[] = [];
      page.on('dialog', async (dialog) => {
        dialogs.push(dialog.message());
        await dialog.dismiss();
      });
      page.on('request', (request) => {
        const url = request.url();
        if (!url.startsWith('data:') && !(mode === 'file://' && url === pageUrl)) requests.push(url);
      });
      page.on('console', (message) => {
        if (message.type() === 'error') consoleErrors.push(message.text());
      });
      page.on('pageerror', (error) => pageErrors.push(error.message));

      try {
        if (mode === 'setContent') {
          await page.setContent(html, { waitUntil: 'load' });
        } else if (mode === 'no CSP') {
          const withoutCsp = html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '');
          expect(withoutCsp).not.toContain('Content-Security-Policy');
          await page.setContent(withoutCsp, { waitUntil: 'load' });
        } else {
          writeFileSync(file, html);
          await page.goto(pageUrl, { waitUntil: 'load' });
        }

        const found: PageFindings = await page.evaluate(() => {
          const all = [...document.querySelectorAll('*')];
          const attrs = all.flatMap((el) => [...el.attributes].map((a) => ({ el: el.tagName, a })));
          return {
            xss: window.__xss,
            scripts: document.querySelectorAll('script').length,
            onAttributes: attrs.filter(({ a }) => /^on/i.test(a.name)).map(({ el, a }) => `${el}[${a.name}]`),
            javascriptUrls: attrs
              .filter(({ a }) => /^\s*javascript:/i.test(a.value))
              .map(({ el, a }) => `${el}[${a.name}]`),
            embeds: document.querySelectorAll(
              'img, iframe, object, embed, a, link, form, base, foreignObject',
            ).length,
            svgs: document.querySelectorAll('svg').length,
            bars: document.querySelectorAll('svg .bar').length,
            points: document.querySelectorAll('svg .point').length,
            title: document.title,
            // biome-ignore lint/performance/useDomNodeTextContent: only rendered (visible) text proves escaping
            visibleText: document.body.innerText,
            svgTitles: [...document.querySelectorAll('svg title')].map((t) => t.textContent ?? ''),
          };
        });

        expect(found.xss).toBeUndefined();
        expect(dialogs).toEqual([]);
        expect(pageErrors).toEqual([]);
        expect(consoleErrors).toEqual([]);
        expect(requests).toEqual([]);
        expect(found.scripts).toBe(0);
        expect(found.onAttributes).toEqual([]);
        expect(found.javascriptUrls).toEqual([]);
        expect(found.embeds).toBe(0);

        // The page did render: two bucket charts and two scatter plots, with marks in them.
        expect(found.svgs).toBe(4);
        expect(found.bars).toBe(report.buckets.length * 2);
        expect(found.points).toBe(report.classes.length * 2);

        // Escaped, not dropped: every payload is readable text.
        for (const payload of HTML_PAYLOADS) expect(found.visibleText).toContain(payload);
        expect(found.title).toContain(HOSTILE.script);
        expect(found.svgTitles.some((t) => t.includes(HOSTILE.title))).toBe(true);
        expect(found.visibleText).toContain('virtualRED_card');
        expect(found.visibleText).not.toContain('\u001b');

        if (mode === 'setContent') await page.screenshot({ path: SCREENSHOT, fullPage: true });
      } finally {
        await page.close();
      }
    });
  }
});

describe('HTML attack section in headless Chromium with hostile dataset strings', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('runs nothing and shows the texts, labels and the <script> text of a cheapest flip as text', async () => {
    const attacked = withAttack(makeReport({ hostile: true }));
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const dialogs: string[] = [];
    page.on('dialog', async (dialog) => {
      dialogs.push(dialog.message());
      await dialog.dismiss();
    });
    try {
      await page.setContent(renderHtml(attacked), { waitUntil: 'load' });
      const found = await page.evaluate(() => ({
        xss: window.__xss,
        scripts: document.querySelectorAll('script').length,
        // biome-ignore lint/performance/useDomNodeTextContent: only rendered (visible) text proves escaping
        visibleText: document.body.innerText,
        marked: [...document.querySelectorAll('section.attack ins')].map((e) => e.textContent ?? ''),
        svgs: document.querySelectorAll('section.attack svg').length,
      }));
      expect(found.xss).toBeUndefined();
      expect(dialogs).toEqual([]);
      expect(found.scripts).toBe(0);
      expect(found.svgs).toBe(2);
      expect(found.visibleText).toContain('by the app? <script>alert(1)</script>');
      expect(found.visibleText).toContain(HOSTILE.img); // a hostile label, gold and predicted
      expect(found.marked).toContain('refuzed');
    } finally {
      await page.close();
    }
  });
});

describe('Markdown, JUnit and terminal output with the same payloads', () => {
  it('Markdown carries no raw HTML tags or links', () => {
    const md = renderMarkdown(report);
    expect(md).not.toMatch(/<\s*(script|img|svg|iframe|a|style|title)\b/i);
    expect(md).not.toMatch(/(?<!\\)\]\(javascript:/i);
    expect(md).toContain('\\[click\\](javascript:alert(1))');
    expect(md).toContain('&lt;/title&gt;&lt;script&gt;');
    expect(md).toContain("{{constructor.constructor('window.\\_\\_xss=6')()}}");
  });

  it('JUnit XML escapes every payload', () => {
    const gates = evaluateGates(report, { maxDrop: 0.01, maxTailDrop: 0.01 });
    expect(gates.passed).toBe(false);
    const xml = renderJunit(report, gates);
    expect(xml).not.toMatch(/<\s*(script|img|svg|iframe|a|style|title)\b/i);
    expect(xml).toContain('synonym.&lt;svg onload=&quot;window.__xss=5&quot;&gt;');
    expect(xml).toContain('model: models/&lt;script&gt;window.__xss=1&lt;/script&gt;');
    expect(xml).not.toContain('\u001b');
  });

  it('terminal output carries no escape sequence from the data', () => {
    const text = renderTerminal(report, { color: false });
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  });
});
