/**
 * JSON Lines in and out: one writer (file or stream, with back-pressure; a file appears whole, through
 * a temp file and a rename) and one reader, used by every command that writes records (audit
 * --examples-out, merge, perturb) or reads them back.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream, openSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { InputError, UsageError } from '../errors.ts';
import { type StagedFile, stageFile } from './atomic-write.ts';

/**
 * An append-as-you-go JSON Lines output with back-pressure; write errors surface on the next call.
 * A file target is written to a temp file beside it and renamed into place by `close()`, so a run
 * that fails or is interrupted leaves the previous file (or none), never a truncated one.
 */
export interface JsonlWriter {
  write(value: unknown): Promise<void>;
  /** appends text as it is (a human view on the same output: `perturb --view table`) */
  writeText(text: string): Promise<void>;
  /** sha256 (hex) of every line written so far: a report names the exact examples file it belongs to */
  digest(): string;
  /** finishes the output; a file is renamed into place only now */
  close(): Promise<void>;
  /** gives up: a file's temp is removed and the target keeps its previous content */
  abort(): Promise<void>;
}

/** Opens `path` for writing (through a temp file), or wraps an already-open stream such as stdout. */
export function openJsonlWriter(target: string | NodeJS.WritableStream): JsonlWriter {
  let stream: NodeJS.WritableStream;
  let staged: StagedFile | undefined;
  if (typeof target === 'string') {
    staged = stageFile(target);
    let fd: number;
    try {
      // Opened synchronously so a bad path is a clear usage error now, not a stream error later.
      fd = openSync(staged.path, 'w');
    } catch (err) {
      staged.discard();
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
  const hash = createHash('sha256');
  const flush = async (): Promise<void> => {
    if (buffer === '') return;
    const chunk = buffer;
    buffer = '';
    if (!stream.write(chunk)) await once(stream as NodeJS.EventEmitter, 'drain');
  };
  const finishFile = async (): Promise<void> => {
    const file = stream as NodeJS.WritableStream & { writableFinished?: boolean; destroyed?: boolean };
    if (!file.writableFinished && !file.destroyed) {
      file.end();
      await once(file as NodeJS.EventEmitter, 'finish');
    }
  };
  let settled = false;
  const append = async (text: string): Promise<void> => {
    if (failure) throw failure;
    if (settled) throw new Error('JSONL writer used after close');
    hash.update(text, 'utf8');
    buffer += text;
    if (buffer.length >= 1 << 16) await flush();
  };
  return {
    async write(value) {
      await append(`${JSON.stringify(value)}\n`);
    },
    writeText: append,
    digest: () => hash.copy().digest('hex'),
    async close() {
      if (settled) return;
      settled = true;
      try {
        await flush();
        if (staged) await finishFile();
        if (failure) throw failure;
      } catch (err) {
        staged?.discard();
        throw staged ? new UsageError(`cannot write ${staged.target}: ${(err as Error).message}`) : err;
      } finally {
        stream.off('error', onError);
      }
      staged?.commit();
    },
    async abort() {
      if (settled) return;
      settled = true;
      buffer = '';
      if (staged) {
        await finishFile().catch(() => undefined);
        staged.discard();
      }
      stream.off('error', onError);
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

/** sha256 (hex) of a file's bytes, streamed: what `JsonlWriter.digest()` gave when it wrote the file. */
export async function fileDigest(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
