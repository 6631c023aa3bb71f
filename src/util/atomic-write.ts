/**
 * Every output file is written to a temp file in its own folder and renamed into place once
 * complete, so an interrupted or failed run never leaves a half-written report, nor a new examples
 * file beside an old report (or the reverse): the target holds either its previous content or the
 * whole new one. A temp file is `.<name>.<pid>.<n>.tmp` beside the target (same file system, so the
 * rename is atomic); it is removed when the write is discarded and, as a last resort, when the
 * process exits. A kill -9 can still leave one behind — never a truncated target.
 *
 * A target that exists and is not a regular file (/dev/null, a FIFO, /dev/stdout) cannot be replaced
 * by a rename: it is written directly.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../errors.ts';

/** A file being written: `path` is where to write now; `commit` moves it into place. */
export interface StagedFile {
  /** the file to write: the temp file, or the target itself when it cannot be renamed onto */
  readonly path: string;
  /** the final name */
  readonly target: string;
  /** flushes the temp file to disk and renames it onto the target */
  commit(): void;
  /** removes the temp file; the target keeps its previous content */
  discard(): void;
}

const pending = new Set<string>();
let counter = 0;
let exitHookInstalled = false;

function removeAllPending(): void {
  for (const tmp of pending) rmSync(tmp, { force: true });
  pending.clear();
}

function isSpecialFile(path: string): boolean {
  try {
    return !statSync(path).isFile();
  } catch {
    return false; // does not exist yet
  }
}

/** Reserves a temp file beside `target` (nothing is created yet). */
export function stageFile(target: string): StagedFile {
  if (isSpecialFile(target)) {
    return { path: target, target, commit: () => undefined, discard: () => undefined };
  }
  if (!exitHookInstalled) {
    process.on('exit', removeAllPending);
    exitHookInstalled = true;
  }
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.${++counter}.tmp`);
  pending.add(tmp);
  return {
    path: tmp,
    target,
    commit() {
      try {
        // fsync before the rename: after a crash the new name must not point at unwritten blocks.
        const fd = openSync(tmp, 'r+');
        try {
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
        renameSync(tmp, target);
      } catch (err) {
        rmSync(tmp, { force: true });
        pending.delete(tmp);
        throw new UsageError(`cannot write ${target}: ${(err as Error).message}`);
      }
      pending.delete(tmp);
    },
    discard() {
      rmSync(tmp, { force: true });
      pending.delete(tmp);
    },
  };
}

/**
 * Writes several files so that none is replaced until all are written, then renames them in the
 * given order (put the files others point to first: the examples file before its report).
 */
export function writeFilesAtomic(files: readonly { path: string; text: string }[]): void {
  const staged: StagedFile[] = [];
  try {
    for (const { path, text } of files) {
      const file = stageFile(path);
      staged.push(file);
      try {
        writeFileSync(file.path, text);
      } catch (err) {
        throw new UsageError(`cannot write ${path}: ${(err as Error).message}`);
      }
    }
  } catch (err) {
    for (const file of staged) file.discard();
    throw err;
  }
  for (const [i, file] of staged.entries()) {
    try {
      file.commit();
    } catch (err) {
      for (const rest of staged.slice(i + 1)) rest.discard();
      throw err;
    }
  }
}

/** One file, written whole or not at all. */
export function writeFileAtomic(path: string, text: string): void {
  writeFilesAtomic([{ path, text }]);
}
