/**
 * Text from outside reaches the terminal without its control characters (issue 10, item 15): a
 * suite name, a backend's error message, an id from the data file, an unknown flag — ESC[2J would
 * clear the screen. Our own line breaks survive.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stripControls, stripControlsKeepLines } from '../src/util/strings.ts';
import { auditArgs, hasStackTrace, runCli, scratch, writeFixtures } from './cli-helpers.ts';

const dir = scratch('cli-controls');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fx = writeFixtures(dir);
const ESC = '\u001b';
const CLEAR = `${ESC}[2J`;

const expectClean = (text: string) => {
  expect(text).not.toContain(ESC);
  expect(text).not.toContain('\u009b');
};

describe('control characters from outside text', { timeout: 120_000 }, () => {
  it('a suite and test name with ESC[2J', () => {
    const suite = join(dir, 'evil.yaml');
    writeFileSync(
      suite,
      [
        'name: "evil \\e[2J suite"',
        'model: ./model.mjs',
        'tests:',
        '  - type: expect',
        '    name: "\\e]0;pwned\\a red \\e[31mtest"',
        '    texts: ["\\e[2Jbad thing"]',
        '    label: pos',
        '',
      ].join('\n'),
    );
    const r = runCli(dir, ['suite', suite, '--no-cache']);
    expect(r.code, r.stderr).toBe(1);
    expectClean(r.stdout);
    expectClean(r.stderr);
    expect(r.stdout).toContain('suite "evil  suite"');
    expect(r.stdout).toContain('red test');
    expect(r.stdout).not.toContain('pwned');
  });

  it("a backend's error message, keeping its own line breaks", () => {
    const r = runCli(dir, [...auditArgs(fx), '--quiet'], {
      T10_FAIL_AFTER: '0',
      T10_MESSAGE: `server said ${CLEAR}boom${ESC}]8;;http://evil${ESC}\\\nsecond line\r\n`,
    });
    expect(r.code).toBe(2);
    expectClean(r.stderr);
    expect(r.stderr).toContain('boom');
    expect(r.stderr).toContain('\nsecond line');
    expect(r.stderr).not.toContain('\r');
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it('an id from the data file quoted in an error', () => {
    const data = join(dir, 'dup.jsonl');
    const row = { id: `x${CLEAR}`, text: 'good', label: 'pos' };
    writeFileSync(data, `${JSON.stringify(row)}\n${JSON.stringify(row)}\n`);
    const r = runCli(dir, ['audit', '--model', fx.model, '--data', data, '--no-cache']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('duplicate id "x');
    expectClean(r.stderr);
  });

  it('an unknown argument echoed by the parser', () => {
    const r = runCli(dir, ['audit', `--x${CLEAR}`]);
    expect(r.code).toBe(2);
    expectClean(r.stderr);
  });

  it('unit: one line for quoted text, line breaks kept for whole messages', () => {
    const text = `a${CLEAR}b\tc\r\nd\u0007e\u202ef`;
    expect(stripControls(text)).toBe('ab c def');
    expect(stripControlsKeepLines(text)).toBe('ab\tc\ndef');
  });
});
