/**
 * A data file that can be read more than once. The audit reads its data twice (a first pass checks
 * every label and counts the set before anything is classified; the second runs it), which a FIFO,
 * `<(…)`, `/dev/stdin` or `-` (standard input) cannot give: such a source is copied once, byte for
 * byte, to a private temp file, which is read instead and removed by `close()` — after a failure too,
 * and on SIGINT/SIGTERM/SIGHUP. A regular file is read in place.
 */
import { createReadStream, createWriteStream, rmSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { InputError } from '../errors.ts';
import { inputName, STDIN_PATH } from './lines.ts';

export interface RereadableFile {
  /** the file to read (the spooled copy, or the file itself) */
  path: string;
  /** how errors and reports name it: the path given, or <stdin> */
  name: string;
  /** true when `path` is a temp copy */
  spooled: boolean;
  /** removes the temp copy, if any; safe to call twice */
  close(): Promise<void>;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export async function rereadable(source: string): Promise<RereadableFile> {
  const name = inputName(source);
  if (source !== STDIN_PATH) {
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(source);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new InputError(code === 'ENOENT' ? 'file not found' : `cannot read (${(err as Error).message})`, {
        file: name,
      });
    }
    if (info.isDirectory()) throw new InputError('is a directory, not a file', { file: name });
    if (info.isFile()) return { path: source, name, spooled: false, close: async () => undefined };
  }

  const dir = await mkdtemp(join(tmpdir(), 'tailcheck-data-'));
  const removeNow = () => rmSync(dir, { recursive: true, force: true });
  // A signal would end the process without running `close()`: remove the copy, then let the signal
  // take its default course unless someone else handles it.
  const onSignal = (signal: NodeJS.Signals) => {
    removeNow();
    forget();
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const forget = () => {
    for (const s of SIGNALS) process.off(s, onSignal);
    process.off('exit', removeNow);
  };
  for (const s of SIGNALS) process.on(s, onSignal);
  process.on('exit', removeNow);
  const close = async () => {
    forget();
    await rm(dir, { recursive: true, force: true });
  };

  const path = join(dir, 'data');
  try {
    const input = source === STDIN_PATH ? process.stdin : createReadStream(source);
    await pipeline(input, createWriteStream(path, { mode: 0o600 }));
  } catch (err) {
    await close();
    throw new InputError(`cannot read (${(err as Error).message})`, { file: name });
  }
  return { path, name, spooled: true, close };
}
