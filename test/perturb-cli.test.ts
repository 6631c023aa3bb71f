import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/tailcheck.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tailcheck-perturb-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const ROWS = [
  {
    id: 'q1',
    text: 'I still have not received my new card after 10 days.',
    label: 'card_arrival',
    source: 'chat',
  },
  { id: 'q2', text: "Why can't I transfer £50 to my friend's account?", label: 'failed_transfer' },
  {
    id: 'q3',
    text: 'Please explain the exchange rate you used on www.example.com yesterday',
    label: 'exchange_rate',
  },
  { id: 'q4', text: 'Is there a fee for topping up with a foreign card?', label: 'top_up_fee' },
  { id: 'q5', text: 'ok', label: 'other' },
];

function writeJsonl(name: string, rows: readonly object[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
  return path;
}

describe('tailcheck perturb', { timeout: 180_000 }, () => {
  const input = writeJsonl('in.jsonl', ROWS);
  const args = [
    'perturb',
    '--data',
    input,
    '--perturb',
    'typo.keyboard,typo.swap',
    '--severity',
    'all',
    '--variants',
    '2',
    '--seed',
    '7',
  ];

  it('writes one JSON line per variant with the input fields passed through', () => {
    const r = run(args);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(ROWS.length * 2 * 3 * 2);
    const first = lines[0];
    expect(Object.keys(first).slice(0, 7)).toEqual([
      'id',
      'text',
      'perturbation',
      'severity',
      'variant',
      'changed',
      'edits',
    ]);
    expect(first).toMatchObject({
      id: 'q1',
      perturbation: 'typo.keyboard',
      severity: 1,
      variant: 0,
      changed: true,
      label: 'card_arrival',
      source: 'chat',
    });
    // negation and the amount survive every variant
    for (const l of lines.filter((x) => x.id === 'q2')) expect(l.text).toMatch(/can't .*£50/);
    // a text without an eligible site is reported unchanged
    const ok = lines.filter((l) => l.id === 'q5');
    expect(ok.every((l) => l.changed === false && l.text === 'ok' && l.edits.length === 0)).toBe(true);
  });

  it('is byte-identical across runs and, line for line, across input orders', () => {
    const a = run(args).stdout;
    expect(run(args).stdout).toBe(a);
    const shuffled = writeJsonl('shuffled.jsonl', [ROWS[3], ROWS[0], ROWS[4], ROWS[2], ROWS[1]]);
    const b = run(['perturb', ...args.slice(1, 2), shuffled, ...args.slice(3)]).stdout;
    expect(b).not.toBe(a);
    const sortLines = (s: string) => s.trimEnd().split('\n').sort();
    expect(sortLines(b)).toEqual(sortLines(a));
  });

  it('uses the 0-based line number as id, writes --out, and honours --protect and --text-field', () => {
    const input2 = writeJsonl('noid.jsonl', [
      { body: 'ORDER-AAAA arrived broken' },
      { body: 'ORDER-BBBB never arrived here' },
    ]);
    const out = join(dir, 'out.jsonl');
    const r = run([
      'perturb',
      '--data',
      input2,
      '--text-field',
      'body',
      '--perturb',
      'typo.keyboard',
      '--severity',
      '2',
      '--variants',
      '1',
      '--protect',
      'ORDER-[A-Z]+',
      '--out',
      out,
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const lines = readFileSync(out, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual(['0', '1']);
    expect(lines[0].text.startsWith('ORDER-AAAA ')).toBe(true);
    expect(lines[1].text.startsWith('ORDER-BBBB never ')).toBe(true);
    expect(lines.every((l) => l.changed)).toBe(true);
  });

  it('honours --protect in negation rewrites, as audit does ("do not" stays, other sites change)', () => {
    const input3 = writeJsonl('negations.jsonl', [
      { id: 'n1', text: 'I do not want this card, it is not working.' },
    ]);
    const r = run([
      'perturb',
      '--data',
      input3,
      '--perturb',
      'paraphrase.contraction',
      '--severity',
      '1',
      '--variants',
      '1',
      '--protect',
      'do not',
    ]);
    expect(r.code).toBe(0);
    const [line] = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(line.text).toBe("I do not want this card, it's not working.");
  });

  it.each([
    ['bad JSON', '{"text": "fine"}\n{"text": oops}\n', /bad\.jsonl:line 2.*JSON/],
    [
      'a missing text field',
      '{"text": "fine"}\n{"text": "also fine"}\n{"title": "x"}\n',
      /bad\.jsonl:line 3.*missing text field/,
    ],
    ['a non-string text', '{"text": 12}\n', /bad\.jsonl:line 1.*text must be a string/],
  ])('exits 2 with the file and line number on %s', (_why, content, message) => {
    const path = join(dir, 'bad.jsonl');
    writeFileSync(path, content);
    const out = join(dir, 'bad-out.jsonl');
    const r = run(['perturb', '--data', path, '--perturb', 'typo.delete', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    // no partial output file, no temp file (.bad-out.jsonl.<pid>.<n>.tmp) left behind
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('bad-out'))).toEqual([]);
  });

  it('on a bad line, writes the rows before it to stdout, then exits 2 with the input error', () => {
    const path = join(dir, 'bad-stdout.jsonl');
    writeFileSync(
      path,
      '{"id": "a", "text": "first fine line"}\n{"id": "b", "text": "second one"}\n{"text": oops}\n',
    );
    const r = run(['perturb', '--data', path, '--perturb', 'typo.delete', '--variants', '2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad-stdout\.jsonl:line 3.*JSON/);
    const lines = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; variant: number });
    expect(lines.map((l) => [l.id, l.variant])).toEqual([
      ['a', 0],
      ['a', 1],
      ['b', 0],
      ['b', 1],
    ]);
  });

  it('exits 2 on an unknown perturbation or severity, naming the valid choices', () => {
    const unknown = run(['perturb', '--data', input, '--perturb', 'typo.nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown perturbation "typo.nope".*typo\.keyboard/);
    const sev = run(['perturb', '--data', input, '--severity', '4']);
    expect(sev.code).toBe(2);
    expect(sev.stderr).toMatch(/--severity must be 1, 2, 3 or all/);
  });
});

describe('tailcheck perturbations', { timeout: 180_000 }, () => {
  it('lists the catalogue as JSON', () => {
    const r = run(['perturbations', '--json']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as {
      name: string;
      family: string;
      severities: Record<string, string>;
      heavy: boolean;
      needsModel: boolean;
    }[];
    const keyboard = rows.find((x) => x.name === 'typo.keyboard');
    expect(keyboard).toMatchObject({ family: 'typo', tag: 'natural', heavy: false, needsModel: false });
    expect(Object.keys(keyboard!.severities)).toEqual(['1', '2', '3']);
    // only the declared levels, and the tag
    const reorder = rows.find((x) => x.name === 'paraphrase.reorder');
    expect(Object.keys(reorder!.severities)).toEqual(['1']);
    expect(rows.find((x) => x.name === 'typo.homoglyph')).toMatchObject({ tag: 'synthetic' });
  });

  it('prints a table for humans', () => {
    const r = run(['perturbations']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^typo$/m);
    expect(r.stdout).toMatch(/typo\.misspelling\s+Writes a word/);
    expect(r.stdout).toMatch(/1: one edit in the text/);
    expect(r.stdout).toMatch(
      /typo\.ocr [\s\S]*?\n\s+tag: synthetic · meaning check: exempt \(character\s+noise does not change meaning\)\n/,
    );
    // paraphrase.reorder lists level 1 only, and its calibrated threshold
    expect(r.stdout).toMatch(
      /paraphrase\.reorder [\s\S]*?\n\s+tag: natural · meaning check: similarity ≥ 0\.96\n\s+1: one sentence reordered\n\n/,
    );
  });
});
