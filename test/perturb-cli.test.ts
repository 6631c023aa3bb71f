import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultView, NO_INPUT_MESSAGE, perturbInput } from '../src/cli/commands/perturb.ts';

const BIN = fileURLToPath(new URL('../bin/tailcheck.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tailcheck-perturb-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], opts: { input?: string; env?: Record<string, string> } = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    input: opts.input,
    env: { ...process.env, ...opts.env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** util-linux `script` runs a command on a pseudo-terminal: the only way to test what a terminal gets. */
const hasScript = spawnSync('script', ['-qec', 'true', '/dev/null'], { input: '' }).status === 0;

/** Runs the CLI with stdin and stdout on a terminal (a pty), as a user typing the command would. */
function runOnTerminal(args: string[], env: Record<string, string | undefined> = {}) {
  const quote = (a: string) => `'${a.replace(/'/g, "'\\''")}'`;
  const command = [process.execPath, BIN, ...args].map(quote).join(' ');
  const r = spawnSync('script', ['-qec', command, '/dev/null'], {
    encoding: 'utf8',
    timeout: 60_000,
    input: '',
    env: { ...process.env, COLUMNS: '80', ...env },
  });
  // a terminal ends lines with CR LF
  return { code: r.status, output: r.stdout.replace(/\r\n/g, '\n') };
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

describe('tailcheck perturb: texts as arguments, piped, .txt, and the table view', {
  timeout: 180_000,
}, () => {
  const common = [
    '--perturb',
    'typo.swap,typo.homoglyph',
    '--severity',
    '2',
    '--variants',
    '2',
    '--seed',
    '5',
  ];
  const texts = ['Where is my card?', 'I want to cancel my transfer 007'];
  const parse = (stdout: string) =>
    stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  const withoutId = (rows: Record<string, unknown>[]) => rows.map(({ id: _id, ...rest }) => rest);

  it('reads texts from arguments, -, a pipe and a .txt file alike (JSONL when stdout is not a terminal)', () => {
    const args = run(['perturb', ...texts, ...common]);
    expect(args.stderr).toBe('');
    expect(args.code).toBe(0);
    const fromArgs = parse(args.stdout);
    expect(fromArgs).toHaveLength(2 * 2 * 2);
    expect(fromArgs.map((r) => r.id)).toEqual(['0', '0', '0', '0', '1', '1', '1', '1']);
    // numbers in a text stay as typed
    expect(fromArgs[4]!.text).toMatch(/ 007$/);

    // the same texts from a --data JSON Lines file give the same variants
    const jsonl = writeJsonl(
      'same.jsonl',
      texts.map((text, i) => ({ id: String(i), text })),
    );
    expect(parse(run(['perturb', '--data', jsonl, ...common]).stdout)).toEqual(fromArgs);

    // one text per line, blank lines skipped: ids are 0-based line numbers, as in a file
    const lines = `${texts[0]}\n\n${texts[1]}\n`;
    const dash = run(['perturb', '-', ...common], { input: lines });
    expect(dash.code).toBe(0);
    expect(withoutId(parse(dash.stdout))).toEqual(withoutId(fromArgs));
    expect(parse(dash.stdout).map((r) => r.id)).toEqual(['0', '0', '0', '0', '2', '2', '2', '2']);
    const piped = run(['perturb', ...common], { input: lines });
    expect(piped.stdout).toBe(dash.stdout);
    const txt = join(dir, 'texts.txt');
    writeFileSync(txt, lines);
    const file = run(['perturb', '--data', txt, ...common]);
    expect(file.code).toBe(0);
    expect(file.stdout).toBe(dash.stdout);
  });

  it('--view table: original and variant side by side, homoglyphs as code points, within the width', () => {
    const asJsonl = parse(run(['perturb', texts[0]!, ...common]).stdout);
    const r = run(['perturb', texts[0]!, ...common, '--view', 'table'], { env: { COLUMNS: '70' } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('\u001b'); // not a terminal: no colour
    const lines = r.stdout.trimEnd().split('\n');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(70);
    expect(lines[0]).toMatch(/^Edits in ⟦…⟧/);
    for (const v of asJsonl) {
      expect(r.stdout).toContain(`id 0 · ${v.perturbation} · severity 2 · variant ${v.variant}`);
    }
    const homoglyphEdits = asJsonl
      .filter((v) => v.perturbation === 'typo.homoglyph')
      .flatMap((v) => v.edits as { before: string; after: string }[]);
    expect(homoglyphEdits.length).toBeGreaterThan(0);
    for (const edit of homoglyphEdits) {
      const codePoint = `U+${edit.after.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
      expect(r.stdout).toMatch(new RegExp(`⟦${edit.before}⟧.* │ .*⟦${codePoint.replace('+', '\\+')}⟧`));
      expect(r.stdout).not.toContain(edit.after);
    }
    // piped, the default is JSONL: --view jsonl gives the same
    expect(parse(run(['perturb', texts[0]!, ...common, '--view', 'jsonl']).stdout)).toEqual(asJsonl);
  });

  it.each([
    [['Where is my card?', '--data', 'x.jsonl'], /give the texts as arguments or with --data, not both/],
    [['Where is my card?', '-'], /- \(read the texts from standard input\) cannot be mixed/],
    [['Where is my card?', '--format', 'csv'], /--format is the format of --data or of standard input/],
    [['Where is my card?', ''], /text 2 of the arguments is empty/],
  ])('refuses %j (exit 2)', (args, message) => {
    const r = run(['perturb', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('unit: where the texts come from, and the default view of each', () => {
    const tty = { stdinIsTTY: true };
    const piped = { stdinIsTTY: false };
    const texts = perturbInput({ texts: ['a', 'b'], ...tty });
    expect(texts).toEqual({ kind: 'texts', texts: ['a', 'b'] });
    const dash = perturbInput({ texts: ['-'], ...tty });
    expect(dash).toEqual({ kind: 'file', path: '-', format: 'txt', plain: true });
    expect(perturbInput({ texts: [], ...piped })).toEqual(dash);
    expect(perturbInput({ texts: [], format: 'csv', ...piped })).toMatchObject({
      format: 'csv',
      plain: true,
    });
    const data = perturbInput({ texts: [], data: 'q.jsonl', ...tty });
    expect(data).toEqual({ kind: 'file', path: 'q.jsonl', format: undefined, plain: false });
    expect(() => perturbInput({ texts: [], ...tty })).toThrow(NO_INPUT_MESSAGE);
    // the table only for plain texts, written to a terminal
    for (const input of [texts, dash]) {
      expect(defaultView(input, true, true)).toBe('table');
      expect(defaultView(input, true, false)).toBe('jsonl');
      expect(defaultView(input, false, true)).toBe('jsonl'); // --out
    }
    expect(defaultView(data, true, true)).toBe('jsonl');
  });

  it('says why an empty pipe gives nothing to perturb', () => {
    const r = run(['perturb', '--perturb', 'typo.swap'], { input: '\n \n' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/<stdin>: no examples \(the file has only blank lines: 2\)/);
  });

  it.skipIf(!hasScript)('on a terminal without texts, exits 2 with a usage error instead of waiting', () => {
    const started = Date.now();
    const r = runOnTerminal(['perturb', '--perturb', 'typo.swap']);
    expect(r.code).toBe(2);
    expect(r.output).toMatch(
      /nothing to perturb: give texts as arguments .*--data.*pipe texts to standard input/,
    );
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it.skipIf(!hasScript)(
    'on a terminal, texts as arguments are shown as a table: coloured, or bracketed with NO_COLOR',
    () => {
      const args = ['perturb', texts[0]!, '--perturb', 'typo.homoglyph', '--variants', '1', '--seed', '5'];
      const coloured = runOnTerminal(args, { NO_COLOR: undefined });
      expect(coloured.code).toBe(0);
      expect(coloured.output).toMatch(/Edits: red in the original/);
      expect(coloured.output).toMatch(/\u001b\[1;33mU\+04[0-9A-F]{2}\u001b\[0m/);
      expect(coloured.output).not.toContain('⟦');
      const plain = runOnTerminal(args, { NO_COLOR: '1' });
      expect(plain.code).toBe(0);
      expect(plain.output).not.toContain('\u001b');
      expect(plain.output).toMatch(/⟦U\+04[0-9A-F]{2}⟧/);
      for (const line of plain.output.trimEnd().split('\n')) expect(line.length).toBeLessThanOrEqual(80);
      // --data keeps JSONL on a terminal too
      const data = runOnTerminal([
        'perturb',
        '--data',
        writeJsonl('tty.jsonl', [{ text: texts[0] }]),
        ...args.slice(2),
      ]);
      expect(JSON.parse(data.output.trim().split('\n')[0]!)).toMatchObject({
        id: '0',
        perturbation: 'typo.homoglyph',
      });
    },
  );
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
