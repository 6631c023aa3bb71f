import { createReadStream } from 'node:fs';
import { InputError } from '../errors.ts';

/** The path that means standard input (`--data -`). */
export const STDIN_PATH = '-';
/** How errors and reports name standard input. */
export const STDIN_NAME = '<stdin>';

/** How errors name `path` when the caller gives no name: `-` is standard input. */
export function inputName(path: string, name?: string): string {
  return name ?? (path === STDIN_PATH ? STDIN_NAME : path);
}

/**
 * Byte-level reading of text files: strict UTF-8 and exact line numbers.
 * readline (or a decoding stream) would silently turn invalid bytes into U+FFFD,
 * so we split on the 0x0A byte ourselves — it never occurs inside a multi-byte
 * UTF-8 sequence — and decode whole lines with a fatal decoder.
 */

const NEWLINE = 0x0a;
// ignoreBOM keeps U+FEFF in the output so only the one at the very start of the file is stripped.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A run of complete lines, decoded; `firstLine` is the 1-based number of its first line. */
export interface TextBlock {
  text: string;
  firstLine: number;
}

function openError(path: string, err: unknown): InputError {
  const code = (err as NodeJS.ErrnoException).code;
  const reason =
    code === 'ENOENT'
      ? 'file not found'
      : code === 'EISDIR'
        ? 'is a directory, not a file'
        : code === 'EACCES'
          ? 'permission denied'
          : `cannot read (${(err as Error).message})`;
  return new InputError(reason, { file: path });
}

/** Finds the first line of `bytes` that is not valid UTF-8 and throws for it. */
function throwInvalidUtf8(path: string, bytes: Buffer, firstLine: number): never {
  let start = 0;
  let line = firstLine;
  while (start <= bytes.length) {
    let end = bytes.indexOf(NEWLINE, start);
    if (end === -1) end = bytes.length;
    try {
      strictUtf8.decode(bytes.subarray(start, end));
    } catch {
      throw new InputError('invalid UTF-8 byte sequence (the file must be UTF-8 encoded)', {
        file: path,
        line,
      });
    }
    start = end + 1;
    line++;
  }
  throw new InputError('invalid UTF-8 byte sequence (the file must be UTF-8 encoded)', { file: path });
}

function decodeBlock(path: string, bytes: Buffer, firstLine: number): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return throwInvalidUtf8(path, bytes, firstLine);
  }
}

function countNewlines(bytes: Buffer): number {
  let n = 0;
  let i = bytes.indexOf(NEWLINE);
  while (i !== -1) {
    n++;
    i = bytes.indexOf(NEWLINE, i + 1);
  }
  return n;
}

/**
 * Streams a file (`-`: standard input) as decoded blocks that each end just after a '\n' (the last
 * block may not). Memory is bounded by the read chunk plus the longest line. A leading BOM is removed.
 * The file is read once, front to back, so a FIFO or a pipe works. Errors name the file `name`.
 */
export async function* readTextBlocks(path: string, name?: string): AsyncGenerator<TextBlock> {
  const stream = path === STDIN_PATH ? process.stdin : createReadStream(path, { highWaterMark: 1 << 16 });
  const file = inputName(path, name);
  let carry: Buffer[] = [];
  let carryBytes = 0;
  let nextLine = 1;
  let first = true;
  const emit = (bytes: Buffer): TextBlock => {
    let text = decodeBlock(file, bytes, nextLine);
    if (first) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    const block = { text, firstLine: nextLine };
    nextLine += countNewlines(bytes);
    return block;
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const lastNewline = chunk.lastIndexOf(NEWLINE);
      if (lastNewline === -1) {
        carry.push(chunk);
        carryBytes += chunk.length;
        continue;
      }
      const head = chunk.subarray(0, lastNewline + 1);
      const bytes = carryBytes > 0 ? Buffer.concat([...carry, head]) : head;
      carry = [chunk.subarray(lastNewline + 1)];
      carryBytes = carry[0]!.length;
      yield emit(bytes);
    }
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw openError(file, err);
  } finally {
    stream.destroy();
  }
  if (carryBytes > 0) yield emit(Buffer.concat(carry));
  else if (first) yield { text: '', firstLine: 1 };
}

/** One line of a text file without its line terminator ('\n' or '\r\n'). */
export interface TextLine {
  text: string;
  /** 1-based */
  line: number;
}

/** Streams the lines of a UTF-8 file. A final line terminator does not start an extra line. */
export function readLines(path: string, name?: string): AsyncGenerator<TextLine> {
  return linesOf(readTextBlocks(path, name));
}

/** The lines of blocks from readTextBlocks. */
export async function* linesOf(blocks: AsyncIterable<TextBlock>): AsyncGenerator<TextLine> {
  for await (const block of blocks) {
    const parts = block.text.split('\n');
    // Blocks end just after a '\n', so the last part is the empty rest (or an unterminated last line).
    const last = parts.length - 1;
    for (let i = 0; i < parts.length; i++) {
      let text = parts[i]!;
      if (i === last && text === '') break;
      if (text.endsWith('\r')) text = text.slice(0, -1);
      yield { text, line: block.firstLine + i };
    }
  }
}
