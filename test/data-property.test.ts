import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { readExamples } from '../src/data/load.ts';
import type { DataFormat } from '../src/data/records.ts';
import { InputError } from '../src/errors.ts';
import type { Example } from '../src/types.ts';

const dir = mkdtempSync(join(tmpdir(), 'tailcheck-data-prop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;

async function load(path: string, format?: DataFormat): Promise<Example[]> {
  const out: Example[] = [];
  for await (const example of readExamples(path, { format })) out.push(example);
  return out;
}

// Pieces that break naive loaders: ZWJ emoji, flags, CJK, RTL, combining marks, delimiters, line breaks.
const tricky = fc.constantFrom(
  '👩‍👩‍👧',
  '🏳️‍🌈',
  '👍🏽',
  '我的卡',
  'カード',
  'עברית',
  'مرحبا',
  'e\u0301',
  'n\u0303\u0308',
  '\u202Eabc\u202C',
  '\u200B',
  '\u2028',
  '\uFEFF',
  '"',
  "'",
  ',',
  ';',
  '\t',
  '\n',
  '\r\n',
  '\r',
  ' ',
  '\\',
  '{"a":1}',
  '£20',
);
const piece = fc.oneof(
  tricky,
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.string({ unit: 'binary', maxLength: 4 }),
);
const text = fc
  .array(piece, { minLength: 1, maxLength: 8 })
  .map((parts) => parts.join(''))
  .filter((t) => t.trim() !== '');
const label = fc.oneof(fc.constantFrom('card_arrival', 'top up', 'Ünïcode', '退款'), text);

interface Row {
  id: string;
  text: string;
  label: string;
  note: string;
}
const rows = fc.uniqueArray(
  fc.record({
    id: fc.string({ minLength: 1, maxLength: 8 }),
    text,
    label,
    note: fc.string({ unit: 'grapheme' }),
  }),
  { minLength: 1, maxLength: 15, selector: (r) => r.id },
);

function quoteField(value: string, delimiter: string): string {
  return value.includes(delimiter) || /["\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

const LINE_BREAKS = /\r\n|\r|\n/g;

describe('loader round trips (property)', () => {
  it('JSONL: returns exactly what was written, with line numbers', async () => {
    await fc.assert(
      fc.asyncProperty(
        rows,
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        fc.array(fc.boolean(), { minLength: 15, maxLength: 15 }),
        async (data, eol, bom, blankAfter) => {
          let content = bom ? '\uFEFF' : '';
          const lines: number[] = [];
          let line = 1;
          data.forEach((row, i) => {
            content += JSON.stringify(row) + eol;
            lines.push(line++);
            if (blankAfter[i]) {
              content += eol;
              line++;
            }
          });
          const path = join(dir, `${fileNo++}.jsonl`);
          writeFileSync(path, content);
          const examples = await load(path);
          expect(examples).toEqual(
            data.map((row, i) => ({
              id: row.id,
              text: row.text,
              label: row.label,
              line: lines[i],
              extra: { note: row.note },
            })),
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it('CSV and TSV: quoted delimiters, quotes and line breaks survive; lines point at record starts', async () => {
    await fc.assert(
      fc.asyncProperty(
        rows,
        fc.constantFrom<DataFormat>('csv', 'tsv'),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        async (data, format, eol, bom) => {
          const delimiter = format === 'csv' ? ',' : '\t';
          const header = ['id', 'text', 'label', 'note'];
          let content = (bom ? '\uFEFF' : '') + header.join(delimiter) + eol;
          const lines: number[] = [];
          for (const row of data as Row[]) {
            lines.push(1 + (content.match(LINE_BREAKS)?.length ?? 0));
            content += header.map((h) => quoteField(row[h as keyof Row], delimiter)).join(delimiter) + eol;
          }
          const path = join(dir, `${fileNo++}.${format}`);
          writeFileSync(path, content);
          const examples = await load(path);
          expect(examples).toEqual(
            data.map((row, i) => ({
              id: row.id,
              text: row.text,
              label: row.label,
              line: lines[i],
              extra: { note: row.note },
            })),
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it('mangled files either load or fail with an InputError, never anything else', async () => {
    const mangle = fc.record({
      format: fc.constantFrom<DataFormat>('jsonl', 'csv', 'tsv'),
      edits: fc.array(
        fc.record({
          at: fc.nat(),
          kind: fc.constantFrom('flip', 'insert', 'delete', 'truncate'),
          byte: fc.nat(255),
        }),
        { minLength: 1, maxLength: 6 },
      ),
    });
    await fc.assert(
      fc.asyncProperty(rows, mangle, async (data, { format, edits }) => {
        const delimiter = format === 'tsv' ? '\t' : ',';
        const content =
          format === 'jsonl'
            ? data.map((r) => JSON.stringify(r)).join('\n')
            : `id${delimiter}text${delimiter}label\n${data
                .map((r) => [r.id, r.text, r.label].map((v) => quoteField(v, delimiter)).join(delimiter))
                .join('\n')}`;
        let bytes = [...Buffer.from(content)];
        for (const edit of edits) {
          const at = bytes.length === 0 ? 0 : edit.at % bytes.length;
          if (edit.kind === 'flip') bytes[at] = edit.byte;
          else if (edit.kind === 'insert') bytes.splice(at, 0, edit.byte);
          else if (edit.kind === 'delete') bytes.splice(at, 1);
          else bytes = bytes.slice(0, at);
        }
        const path = join(dir, `${fileNo++}.${format}`);
        writeFileSync(path, Buffer.from(bytes));
        try {
          for await (const example of readExamples(path)) {
            expect(typeof example.text).toBe('string');
            expect(example.text.trim()).not.toBe('');
          }
        } catch (err) {
          if (!(err instanceof InputError)) throw err;
          expect(err.message).toContain(path);
        }
      }),
      { numRuns: 300 },
    );
  });
});
