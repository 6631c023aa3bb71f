import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ReadExamplesOptions, readExamples } from '../src/data/load.ts';
import { InputError } from '../src/errors.ts';
import type { Example } from '../src/types.ts';

const dir = mkdtempSync(join(tmpdir(), 'tailcheck-data-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileNo = 0;
function file(name: string, content: string | Buffer): string {
  const path = join(dir, `${fileNo++}-${name}`);
  writeFileSync(path, content);
  return path;
}

async function load(path: string, opts: ReadExamplesOptions = {}): Promise<Example[]> {
  const out: Example[] = [];
  for await (const example of readExamples(path, opts)) out.push(example);
  return out;
}

/** Loads `path` expecting an InputError that names the file, the line and (optionally) the field. */
async function loadError(
  path: string,
  where: { line?: number; field?: string },
  opts: ReadExamplesOptions = {},
) {
  const err = await load(path, opts).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InputError);
  const error = err as InputError;
  expect(error.message).toContain(path);
  expect(error.file).toBe(path);
  if (where.line !== undefined) {
    expect(error.line).toBe(where.line);
    expect(error.message).toContain(`line ${where.line}`);
  }
  if (where.field !== undefined) {
    expect(error.field).toBe(where.field);
    expect(error.message).toContain(`"${where.field}"`);
  }
  return error;
}

describe('readExamples: JSONL', () => {
  it('reads ids, labels, line numbers and extra fields', async () => {
    const path = file(
      'ok.jsonl',
      [
        '{"id": "q1", "text": "Where is my card?", "label": "card_arrival", "lang": "en"}',
        '',
        '{"text": "Cancel the transfer", "label": 7, "meta": {"src": "chat"}}',
        '{"id": 42, "text": "top up failed", "label": true}',
      ].join('\n'),
    );
    expect(await load(path)).toEqual([
      { id: 'q1', text: 'Where is my card?', label: 'card_arrival', line: 1, extra: { lang: 'en' } },
      { id: '2', text: 'Cancel the transfer', label: '7', line: 3, extra: { meta: { src: 'chat' } } },
      { id: '42', text: 'top up failed', label: 'true', line: 4, extra: {} },
    ]);
  });

  it('uses custom field names', async () => {
    const path = file(
      'fields.jsonl',
      '{"key": "a", "query": "hello there", "intent": "greet", "text": "x"}\n',
    );
    const [example] = await load(path, { textField: 'query', labelField: 'intent', idField: 'key' });
    expect(example).toEqual({ id: 'a', text: 'hello there', label: 'greet', line: 1, extra: { text: 'x' } });
  });

  it('strips a BOM, handles CRLF and a missing final newline', async () => {
    const path = file('bom.jsonl', '\uFEFF{"text": "a", "label": "x"}\r\n{"text": "b\\r\\n", "label": "y"}');
    const examples = await load(path);
    expect(examples.map((e) => e.text)).toEqual(['a', 'b\r\n']);
    expect(examples.map((e) => e.line)).toEqual([1, 2]);
  });

  it('keeps a BOM-like character that is not at the start of the file', async () => {
    const path = file('inner-bom.jsonl', '{"text": "a", "label": "x"}\n{"text": "\uFEFFb", "label": "y"}\n');
    expect((await load(path))[1]!.text).toBe('\uFEFFb');
  });

  it('passes emoji, ZWJ sequences, CJK, RTL and combining marks through unchanged', async () => {
    const texts = [
      '👩‍👩‍👧 family',
      '我的卡在哪里',
      'مرحبا بالعالم',
      'e\u0301e\u0301 cafe\u0301',
      '\u202Eflip\u202C',
      '🏳️‍🌈 ok',
    ];
    const path = file(
      'unicode.jsonl',
      `${texts.map((text) => JSON.stringify({ text, label: 'u' })).join('\n')}\n`,
    );
    expect((await load(path)).map((e) => e.text)).toEqual(texts);
  });

  it('reads a 1 MB line', async () => {
    const text = 'money '.repeat(180_000);
    const path = file(
      'long.jsonl',
      `{"text": "short", "label": "a"}\n${JSON.stringify({ text, label: 'b' })}\n`,
    );
    const examples = await load(path);
    expect(examples[1]!.text).toBe(text);
    expect(examples[1]!.line).toBe(2);
  });

  it('skips empty and whitespace-only texts, reporting each through onSkip', async () => {
    const path = file(
      'empty-text.jsonl',
      '{"text": "ok", "label": "a"}\n{"text": "", "label": "a"}\n{"text": " \\t\\n", "label": "a"}\n',
    );
    const skipped: [string, number][] = [];
    const examples = await load(path, { onSkip: (reason, line) => skipped.push([reason, line]) });
    expect(examples.map((e) => e.line)).toEqual([1]);
    expect(skipped).toEqual([
      ['empty-text', 2],
      ['empty-text', 3],
    ]);
  });

  it('allows unlabelled rows when labels are not required', async () => {
    const path = file('nolabel.jsonl', '{"text": "a"}\n{"text": "b", "label": null}\n');
    const examples = await load(path, { requireLabel: false });
    expect(examples.map((e) => e.label)).toEqual([undefined, undefined]);
    expect(examples[0]).not.toHaveProperty('label');
  });

  it('streams: the first example arrives before a later bad line is read', async () => {
    const path = file('stream.jsonl', '{"text": "first", "label": "a"}\n{not json\n');
    const iterator = readExamples(path);
    const first = await iterator.next();
    expect(first.value).toMatchObject({ text: 'first' });
    await expect(iterator.next()).rejects.toThrow(InputError);
  });

  it.each([
    [
      'malformed JSON',
      '{"text": "a", "label": "x"}\n{"text": "b", "label": }\n',
      2,
      undefined,
      /malformed JSON/,
    ],
    [
      'a non-object line',
      '{"text": "a", "label": "x"}\n["b", "x"]\n',
      2,
      undefined,
      /expected a JSON object, got an array/,
    ],
    ['a string line', '"just text"\n', 1, undefined, /got a string/],
    [
      'a missing text',
      '{"label": "x", "body": "b"}\n',
      1,
      'text',
      /missing text field \(fields present: label, body\)/,
    ],
    ['a null text', '{"text": null, "label": "x"}\n', 1, 'text', /text is null/],
    ['a numeric text', '{"text": 12, "label": "x"}\n', 1, 'text', /must be a string, got number/],
    ['a missing label', '{"text": "a", "label": "x"}\n{"text": "b"}\n', 2, 'label', /missing label/],
    ['a null label', '{"text": "a", "label": null}\n', 1, 'label', /null or empty/],
    ['an object label', '{"text": "a", "label": {"name": "x"}}\n', 1, 'label', /string or a number/],
    ['an object id', '{"id": {}, "text": "a", "label": "x"}\n', 1, 'id', /id must be/],
  ])('rejects %s with file, line and field', async (_what, content, line, field, pattern) => {
    const error = await loadError(file('bad.jsonl', content), { line, field });
    expect(error.message).toMatch(pattern);
  });

  it('rejects duplicate ids, naming both lines', async () => {
    const path = file(
      'dup.jsonl',
      '{"id": "a", "text": "x", "label": "l"}\n\n{"id": "a", "text": "y", "label": "l"}\n',
    );
    const error = await loadError(path, { line: 3, field: 'id' });
    expect(error.message).toMatch(/duplicate id "a" \(first used on line 1\)/);
  });

  it('rejects a duplicate between an explicit id and a row-number id', async () => {
    const path = file('dup2.jsonl', '{"text": "x", "label": "l"}\n{"id": "0", "text": "y", "label": "l"}\n');
    await loadError(path, { line: 2, field: 'id' });
  });

  it('idField null: ids are row numbers and an id field passes through like any other (augment)', async () => {
    const path = file(
      'ids-as-fields.jsonl',
      '{"id": "a", "text": "x", "label": "l"}\n{"id": "a", "text": "y", "label": "l"}\n{"text": "z", "label": "l"}\n',
    );
    const rows = await load(path, { idField: null });
    expect(rows.map((r) => r.id)).toEqual(['0', '1', '2']);
    expect(rows.map((r) => r.extra)).toEqual([{ id: 'a' }, { id: 'a' }, {}]);
  });

  it('rejects invalid UTF-8 with its line', async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"text": "fine", "label": "a"}\n{"text": "caf'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('", "label": "a"}\n'),
    ]);
    const error = await loadError(file('latin.jsonl', bytes), { line: 2 });
    expect(error.message).toMatch(/invalid UTF-8/);
  });

  it('finds invalid UTF-8 far into a large file', async () => {
    const good = '{"text": "a normal line of text", "label": "a"}\n'.repeat(5000);
    const bytes = Buffer.concat([Buffer.from(good), Buffer.from([0xff, 0x0a])]);
    await loadError(file('late.jsonl', bytes), { line: 5001 });
  });

  it('rejects an empty file and a file of blank lines, saying which', async () => {
    expect((await loadError(file('empty.jsonl', ''), {})).message).toMatch(
      /no examples \(the file is empty\)/,
    );
    expect((await loadError(file('bom.jsonl', '\ufeff'), {})).message).toMatch(/the file is empty/);
    const blank = await loadError(file('blank.jsonl', '\n\n  \n'), {});
    expect(blank.message).toMatch(/no examples \(the file has only blank lines: 3\)/);
    expect(blank.message).not.toMatch(/empty/);
    expect((await loadError(file('blank.csv', '\r\n\r\n'), {})).message).toMatch(/only blank lines: 2/);
    expect((await loadError(file('blank.json', '\r\n \n'), {})).message).toMatch(/only blank lines: 2/);
    expect((await loadError(file('header.csv', 'text,label\n\n'), {})).message).toMatch(
      /no examples \(the file has a header row but no data rows\)/,
    );
  });

  it('rejects a file whose texts are all empty', async () => {
    const error = await loadError(file('allempty.jsonl', '{"text": " ", "label": "a"}\n'), {});
    expect(error.message).toMatch(/all 1 rows had empty text/);
  });

  it('rejects a missing file; an unknown extension is read as JSON Lines, and a parse error says so', async () => {
    expect((await loadError(join(dir, 'nope.jsonl'), {})).message).toMatch(/file not found/);
    const error = await loadError(file('data.dat', 'x'), { line: 1 });
    expect(error.message).toMatch(/read as JSON Lines.*--format/);
    const rows = await load(file('data.dat', '{"text": "hi", "label": "a"}\n'));
    expect(rows.map((e) => e.text)).toEqual(['hi']);
    // A known format is not a guess: no such note.
    expect((await loadError(file('bad.jsonl', 'x'), { line: 1 })).message).not.toMatch(/read as/);
  });
});

describe('readExamples: .ndjson and .json', () => {
  const rows = [
    { id: 'a', text: 'first', label: 'x' },
    { text: 'second', label: 'y', note: 1 },
    { id: 'c', text: 'third', label: 'x' },
  ];
  const fromJsonl = async () => load(file('ref.jsonl', `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`));

  it('reads .ndjson as JSON Lines', async () => {
    const nd = await load(file('d.ndjson', `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`));
    expect(nd).toEqual(await fromJsonl());
  });

  it('reads a .json array of objects: ids default to the index, lines are where elements start', async () => {
    const compact = await load(file('d.json', `[${rows.map((r) => JSON.stringify(r)).join(',\n')}]\n`));
    expect(compact).toEqual(await fromJsonl());
    const pretty = await load(file('pretty.json', JSON.stringify(rows, null, 2)));
    expect(pretty.map((e) => [e.id, e.text, e.line])).toEqual([
      ['a', 'first', 2],
      ['1', 'second', 7],
      ['c', 'third', 12],
    ]);
    // strings holding brackets, braces, commas and escaped quotes do not end an element
    const tricky = await load(
      file(
        'tricky.json',
        ' \n [ {"text": "a ] b } c, \\"q\\" [", "label": "x"} , {"text": "d", "label": "y"} ] \n',
      ),
    );
    expect(tricky.map((e) => [e.id, e.text, e.line])).toEqual([
      ['0', 'a ] b } c, "q" [', 2],
      ['1', 'd', 2],
    ]);
  });

  it('reads JSON Lines inside a .json file, and --format json on any name', async () => {
    const inside = await load(file('lines.json', `\n${rows.map((r) => JSON.stringify(r)).join('\n')}\n`));
    expect(inside.map((e) => e.text)).toEqual(['first', 'second', 'third']);
    const named = await load(file('data.txt', JSON.stringify(rows)), { format: 'json' });
    expect(named.map((e) => e.text)).toEqual(['first', 'second', 'third']);
  });

  it('names the line of a bad element of a .json array', async () => {
    const bad = (content: string, line: number, pattern: RegExp) =>
      loadError(file('bad.json', content), { line }).then((e) => expect(e.message).toMatch(pattern));
    await bad('[\n{"text": "a", "label": "x"},\n3\n]', 3, /expected a JSON object, got a number/);
    await bad('[\n{"text": "a", "label": "x"},\n{"text": }\n]', 3, /malformed JSON/);
    await bad('[{"text": "a", "label": "x"},\n]', 2, /a value is missing/);
    await bad('[{"text": "a", "label": "x"}\n\n', 1, /unterminated JSON array/);
    await bad('[{"text": "a", "label": "x"}] x', 1, /unexpected text after the JSON array/);
    expect((await loadError(file('empty.json', '[\n]\n'), {})).message).toMatch(/the JSON array is empty/);
    await bad('[{"text": "a"}]', 1, /missing label/);
  });
});

describe('readExamples: CSV and TSV', () => {
  it('reads quoted fields with commas, quotes and newlines, with CRLF records', async () => {
    const path = file(
      'ok.csv',
      'id,text,label,source\r\nr1,"Hello, ""bank""\r\nsecond line",greeting,web\r\n\r\nr2,plain,other,app\r\n',
    );
    expect(await load(path)).toEqual([
      {
        id: 'r1',
        text: 'Hello, "bank"\r\nsecond line',
        label: 'greeting',
        line: 2,
        extra: { source: 'web' },
      },
      { id: 'r2', text: 'plain', label: 'other', line: 5, extra: { source: 'app' } },
    ]);
  });

  it('numbers rows from 0 without the header when there is no id column', async () => {
    const path = file('noid.csv', '\uFEFFtext,label\na,x\nb,y\n');
    const examples = await load(path);
    expect(examples.map((e) => [e.id, e.line])).toEqual([
      ['0', 2],
      ['1', 3],
    ]);
  });

  it('reads TSV, including a quote inside an unquoted field', async () => {
    const path = file('ok.tsv', 'text\tlabel\nhe said "hi" to me\tgreet\n"tab\there"\tx\n');
    expect((await load(path)).map((e) => e.text)).toEqual(['he said "hi" to me', 'tab\there']);
  });

  it('rejects a ragged row with the line where the record starts', async () => {
    const path = file('ragged.csv', 'text,label\n"multi\nline",a\nb,c,d\n');
    const error = await loadError(path, { line: 4 });
    expect(error.message).toMatch(/expected 2 columns/);
  });

  it('rejects an unterminated quote at the line where the record starts', async () => {
    const path = file('quote.csv', 'text,label\nfine,a\n"never closed,a\nmore,b\nand more,c\n');
    const error = await loadError(path, { line: 3 });
    expect(error.message).toMatch(/malformed CSV record: Quote Not Closed/);
  });

  it('rejects a header without the text or label column', async () => {
    await loadError(file('nocol.csv', 'body,label\na,b\n'), { line: 1, field: 'text' });
    await loadError(file('nolabelcol.csv', 'text,tag\na,b\n'), { line: 1, field: 'label' });
  });

  it('rejects duplicate column names', async () => {
    const error = await loadError(file('dupcol.csv', 'text,label,text\na,b,c\n'), { line: 1 });
    expect(error.message).toMatch(/duplicate column name "text"/);
  });

  it('rejects an empty label cell and skips an empty text cell', async () => {
    await loadError(file('emptylabel.csv', 'text,label\na,x\nb,\n'), { line: 3, field: 'label' });
    const skipped: number[] = [];
    const examples = await load(file('emptytext.csv', 'text,label\n,x\nb,y\n'), {
      onSkip: (_r, line) => skipped.push(line),
    });
    expect(examples.map((e) => e.text)).toEqual(['b']);
    expect(skipped).toEqual([2]);
  });

  it('rejects invalid UTF-8 in CSV with its line', async () => {
    const bytes = Buffer.concat([
      Buffer.from('text,label\nok,a\n"two\nline'),
      Buffer.from([0xe2, 0x82]),
      Buffer.from('",b\n'),
    ]);
    await loadError(file('bad.csv', bytes), { line: 4 });
  });

  it('rejects a header-only CSV as having no examples', async () => {
    expect((await loadError(file('header.csv', 'text,label\n'), {})).message).toMatch(/no examples/);
  });

  it('honours an explicit format over the extension', async () => {
    const path = file('data.txt', 'text\tlabel\nhello\tx\n');
    expect((await load(path, { format: 'tsv' })).map((e) => e.text)).toEqual(['hello']);
  });
});

describe('readExamples: plain text (.txt)', () => {
  it('reads one unlabelled example per non-blank line, ids from the line number, text unchanged', async () => {
    const path = file(
      'texts.txt',
      '\ufeffWhere is my card?\r\n\n   \n  keep my spaces  \nc\u0430rd \u200b ok',
    );
    const rows = await load(path, { requireLabel: false });
    expect(rows.map((e) => [e.id, e.line, e.text, e.label])).toEqual([
      ['0', 1, 'Where is my card?', undefined],
      ['3', 4, '  keep my spaces  ', undefined],
      ['4', 5, 'c\u0430rd \u200b ok', undefined],
    ]);
    expect(rows.every((e) => Object.keys(e.extra).length === 0)).toBe(true);
  });

  it('reads a JSON-looking or comma-separated line as text, and --format txt on any name', async () => {
    const rows = await load(file('lines.dat', '{"text": "hi"}\na,b\tc\n'), {
      format: 'txt',
      requireLabel: false,
      textField: 'body',
    });
    expect(rows.map((e) => e.text)).toEqual(['{"text": "hi"}', 'a,b\tc']);
  });

  it('refuses plain text where labels are needed, before reading, saying what to use', async () => {
    const named = await loadError(file('labelled.txt', 'hello\n'), {});
    expect(named.message).toMatch(/plain text .* no labels.*\.jsonl.*--format jsonl/);
    const given = await loadError(file('data.dat', 'hello\n'), {}, { format: 'txt' });
    expect(given.message).toMatch(/no labels/);
    expect(given.message).not.toMatch(/--format/);
    // nothing was read: a missing file gets the same answer, not "file not found"
    expect((await loadError(join(dir, 'missing.txt'), {})).message).toMatch(/no labels/);
  });

  it('says why a file has no texts', async () => {
    const blank = await loadError(file('blank.txt', '\n  \n'), {}, { requireLabel: false });
    expect(blank.message).toMatch(/no examples \(the file has only blank lines: 2\)/);
    const empty = await loadError(file('empty.txt', ''), {}, { requireLabel: false });
    expect(empty.message).toMatch(/no examples \(the file is empty\)/);
  });
});
