import { once } from 'node:events';
import { createWriteStream, openSync } from 'node:fs';
import { UsageError } from '../errors.ts';

/** An append-as-you-go JSON Lines file with back-pressure; write errors surface on the next call. */
export interface JsonlWriter {
  write(value: unknown): Promise<void>;
  close(): Promise<void>;
}

export function openJsonlWriter(path: string): JsonlWriter {
  let fd: number;
  try {
    // Opened synchronously so a bad path is a clear usage error now, not a stream error later.
    fd = openSync(path, 'w');
  } catch (err) {
    throw new UsageError(`cannot write ${path}: ${(err as Error).message}`);
  }
  const stream = createWriteStream('', { fd, encoding: 'utf8' });
  let failure: Error | undefined;
  stream.on('error', (err) => {
    failure ??= err;
  });
  return {
    async write(value) {
      if (failure) throw failure;
      if (!stream.write(`${JSON.stringify(value)}\n`)) await once(stream, 'drain');
    },
    async close() {
      if (!stream.writableFinished) {
        stream.end();
        await once(stream, 'finish');
      }
      if (failure) throw failure;
    },
  };
}
