/**
 * An append-only JSON Lines cache of a model's answers, keyed by a hash of everything that decides the
 * answer (used by paraphrase.model: generative answers cost money and are not reproducible, so a
 * re-run must read them back instead of asking again).
 *
 * Each line is one JSON object with at least `key` and `output`; other fields are for people reading
 * the file. The file is read once, on first use; every new answer is appended as it arrives (one line
 * per answer, writes chained so lines never interleave), so an interrupted run keeps what it paid
 * for, and a torn last line is skipped on reading (that answer is asked for again) and never
 * continued: the next answer starts on a fresh line. Answers being
 * computed are shared: asking for a key in flight waits for it instead of asking twice.
 * (Not src/util/jsonl.ts: its reader rejects a torn line and its writer truncates.)
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ModelError } from '../errors.ts';

export interface AnswerLine {
  key: string;
  output: string;
  [field: string]: unknown;
}

export class AnswerCache {
  private entries: Promise<Map<string, string>> | null = null;
  private writes: Promise<void> = Promise.resolve();
  /** the file ends in a torn line (no newline): the next append starts a fresh line first */
  private needsNewline = false;
  private readonly inFlight = new Map<string, Promise<string>>();

  /** `owner` names the cache's user in error messages ("paraphrase.model"). */
  constructor(
    readonly file: string,
    private readonly owner: string,
  ) {}

  private load(): Promise<Map<string, string>> {
    this.entries ??= readFile(this.file, 'utf8').then(
      (body) => {
        this.needsNewline = body !== '' && !body.endsWith('\n');
        const map = new Map<string, string>();
        for (const line of body.split('\n')) {
          if (line.trim() === '') continue;
          try {
            const entry = JSON.parse(line) as Partial<AnswerLine>;
            if (typeof entry.key === 'string' && typeof entry.output === 'string')
              map.set(entry.key, entry.output);
          } catch {
            // a line cut short by an interrupted run: the answer is asked for again
          }
        }
        return map;
      },
      (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return new Map<string, string>();
        throw new ModelError(`${this.owner}: cannot read the cache ${this.file}: ${err.message}`);
      },
    );
    return this.entries;
  }

  /**
   * The cached output for `key`, else `compute()`'s line, appended to the file before it is returned.
   * Concurrent asks for the same key share one computation.
   */
  async answer(key: string, compute: () => Promise<AnswerLine>): Promise<string> {
    const cached = (await this.load()).get(key);
    if (cached !== undefined) return cached;
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = compute().then(async (line) => {
        await this.append(line);
        return line.output;
      });
      this.inFlight.set(key, pending);
      const forget = () => this.inFlight.delete(key);
      pending.then(forget, forget);
    }
    return pending;
  }

  private async append(line: AnswerLine): Promise<void> {
    (await this.load()).set(line.key, line.output);
    const write = this.writes.then(async () => {
      await mkdir(dirname(this.file), { recursive: true });
      // Never glue an answer onto a torn line: both would be lost to the next reader.
      const lead = this.needsNewline ? '\n' : '';
      this.needsNewline = false;
      await appendFile(this.file, `${lead}${JSON.stringify(line)}\n`, 'utf8');
    });
    this.writes = write.catch(() => undefined);
    await write;
  }
}
