/**
 * JSON Lines in and out: one writer (file or stream, with back-pressure) and one reader, used by every
 * command that writes records (audit --examples-out, merge, perturb) or reads them back.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream, openSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { InputError, UsageError } from '../errors.ts';

/** An append-as-you-go JSON Lines output with back-pressure; write errors surface on the next call. */
export interface JsonlWriter {
  write(value: unknown): Promise<void>;
  close(): Promise<void>;
}

/** Opens `path` for writing (truncating it), or wraps an already-open stream such as stdout. */
export function openJsonlWriter(target: string | NodeJS.WritableStream): JsonlWriter {
  let stream: NodeJS.WritableStream;
  const ownsStream = typeof target === 'string';
  if (typeof target === 'string') {
    let fd: number;
    try {
      // Opened synchronously so a bad path is a clear usage error now, not a stream error later.
      fd = openSync(target, 'w');
    } catch (err) {
      throw new UsageError(`cannot write ${target}: ${(err as Error).message}`);
    }
    stream = createWriteStream('', { fd, encoding: 'utf8' });
  } else {
    stream = target;
  }
  let failure: Error | undefined;
  const onError = (err: Error) => {
    failure ??= err;
  };
  stream.on('error', onError);
  // Lines are gathered into 64 KiB writes: one syscall per line would dominate large outputs.
  let buffer = '';
  const flush = async (): Promise<void> => {
    if (buffer === '') return;
    const chunk = buffer;
    buffer = '';
    if (!stream.write(chunk)) await once(stream as NodeJS.EventEmitter, 'drain');
  };
  return {
    async write(value) {
      if (failure) throw failure;
      buffer += `${JSON.stringify(value)}\n`;
      if (buffer.length >= 1 << 16) await flush();
    },
    async close() {
      await flush();
      if (ownsStream) {
        const file = stream as NodeJS.WritableStream & { writableFinished?: boolean };
        if (!file.writableFinished) {
          file.end();
          await once(file as NodeJS.EventEmitter, 'finish');
        }
      }
      stream.off('error', onError);
      if (failure) throw failure;
    },
  };
}

/**
 * Parsed lines of a JSON Lines file, blank lines skipped. A line that is not JSON is an InputError
 * naming the file and line (1-based).
 */
export async function* readJsonl<T = unknown>(path: string): AsyncGenerator<T> {
  let line = 0;
  for await (const text of createInterface({
    input: createReadStream(path, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  })) {
    line++;
    if (text.trim() === '') continue;
    let value: T;
    try {
      value = JSON.parse(text) as T;
    } catch (err) {
      throw new InputError(`not a JSON record: ${(err as Error).message}`, { file: path, line });
    }
    yield value;
  }
}
