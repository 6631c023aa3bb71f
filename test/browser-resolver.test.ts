/**
 * The browser the HTML tests use: CHROMIUM_PATH, then a system Chromium/Chrome, then the one inside
 * @sparticuz/chromium. The packaged fallback is launched here on every Linux x64 machine, so it stays
 * tested where a system browser would otherwise always win.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findSystemChromium, launchChromium, resolveChromium } from './fixtures/browser.ts';

const dir = mkdtempSync(join(tmpdir(), 'tailcheck-browser-resolver-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in binary (never launched): `name` is relative to the test's directory or absolute. */
function file(name: string, executable: boolean): string {
  const path = isAbsolute(name) ? name : join(dir, name);
  writeFileSync(path, '#!/bin/sh\n');
  chmodSync(path, executable ? 0o755 : 0o644);
  return path;
}

const noSystem = { env: { PATH: '' }, systemPaths: [] };

describe('CHROMIUM_PATH', () => {
  it('is used as given when it is an executable', async () => {
    const binary = file('my-chrome', true);
    const resolved = await resolveChromium({ env: { CHROMIUM_PATH: binary, PATH: '' } });
    expect(resolved).toMatchObject({ executablePath: binary, source: 'CHROMIUM_PATH' });
  });

  it('fails, naming the path, when it is missing or not executable (no silent fallback)', async () => {
    const missing = join(dir, 'no-such-chrome');
    await expect(resolveChromium({ env: { CHROMIUM_PATH: missing } })).rejects.toThrow(
      `CHROMIUM_PATH=${missing} is not an executable file`,
    );
    const notExecutable = file('not-executable-chrome', false);
    await expect(resolveChromium({ env: { CHROMIUM_PATH: notExecutable } })).rejects.toThrow(
      `CHROMIUM_PATH=${notExecutable} is not an executable file`,
    );
  });
});

describe('system browser', () => {
  it('takes the first usual command on PATH, skipping files that are not executable', () => {
    const pathDir = mkdtempSync(join(dir, 'path-'));
    const laterDir = mkdtempSync(join(dir, 'path-'));
    file(join(pathDir, 'chromium'), false);
    file(join(laterDir, 'google-chrome'), true);
    file(join(laterDir, 'chromium-browser'), true);
    const found = findSystemChromium({
      env: { PATH: `${pathDir}:${laterDir}` },
      platform: 'linux',
      arch: 'x64',
      systemPaths: [],
    });
    expect(found.path).toBe(join(laterDir, 'chromium-browser'));
    expect(found.tried).toEqual(['chromium on PATH', 'chromium-browser on PATH']);
  });

  it('falls back to the install paths, in order', async () => {
    const installed = file('installed-chrome', true);
    const resolved = await resolveChromium({
      env: { PATH: '' },
      systemPaths: [join(dir, 'not-installed'), installed],
    });
    expect(resolved).toMatchObject({ executablePath: installed, source: 'system' });
  });
});

describe('no browser at all', () => {
  it('fails with everything it tried (a missing browser is a failure, never a skip)', async () => {
    await expect(resolveChromium({ ...noSystem, platform: 'darwin', arch: 'arm64' })).rejects.toThrow(
      'No Chromium for the browser tests. Tried: CHROMIUM_PATH (unset); chromium on PATH, chromium-browser on PATH, ' +
        'google-chrome on PATH, google-chrome-stable on PATH; @sparticuz/chromium ships a Linux x64 build only (this is darwin arm64)',
    );
  });
});

describe('@sparticuz/chromium when no system browser is found', () => {
  const packagedHere = process.platform === 'linux' && process.arch === 'x64';

  it('is launched on Linux x64 (bundled font, survives a closed page), refused with the reason elsewhere', async () => {
    if (!packagedHere) {
      await expect(resolveChromium(noSystem)).rejects.toThrow('ships a Linux x64 build only');
      return;
    }
    const resolved = await resolveChromium(noSystem);
    expect(resolved.source).toBe('@sparticuz/chromium');
    expect(resolved.args).not.toContain('--disable-web-security');
    const browser = await launchChromium(resolved);
    try {
      expect(browser.version()).toMatch(/^138\./);
      const page = await browser.newPage();
      // Open Sans comes with the package, reachable through the fonts.conf written next to the binary:
      // on a machine without fonts it is the only one, and without it text has no width at all.
      await page.setContent('<span id="text" style="font: 20px OpenSansProbe">tail slices</span>');
      const font = await page.evaluate(`(async () => {
        const face = new FontFace('OpenSansProbe', "local('OpenSans-Regular')");
        document.fonts.add(await face.load().catch(() => face));
        return { status: face.status, width: document.getElementById('text').getBoundingClientRect().width };
      })()`);
      expect(font).toMatchObject({ status: 'loaded' });
      expect((font as { width: number }).width).toBeGreaterThan(0);
      // The tests open and close one context per page: the browser must outlive a closed one.
      await page.close();
      const next = await browser.newPage();
      expect(await next.evaluate('1 + 1')).toBe(2);
    } finally {
      await browser.close();
    }
  });
});
