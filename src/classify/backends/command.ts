/**
 * Command backend (`--model 'cmd:python predict.py --device cpu'`): one long-lived child process,
 * started WITHOUT a shell (the command string is split into argv here, with '…' / "…" quoting and
 * backslash escapes), speaking JSON Lines on stdin/stdout:
 *
 *   tailcheck → stdin                           child → stdout (exactly one line per request)
 *   {"id": 1, "labels": true}                   {"id": 1, "labels": ["label a", "label b", …]}
 *   {"id": 2, "texts": ["text 1", "text 2"]}    {"id": 2, "predictions": [answer 1, answer 2]}
 *                                               {"id": 2, "error": "message"}  → the run stops with it
 *
 * Each answer is [{"label","score"}…], {"label","scores":[…]}, {"label","score"} or {"label"} (see
 * predictions.ts). The labels handshake is skipped when labels are given (`--labels`). One request is in
 * flight at a time; a request carries up to `batchSize` texts; ids count up from 1 over the run.
 *
 * Why ids: answers are matched to requests by position, so ONE extra stdout line (a duplicated
 * answer, a log line that happens to be JSON) would shift every later prediction onto another text.
 * So: a stdout line that arrives while no request is pending, an answer whose "id" is not the pending
 * request's, or an id-less answer after answers with ids, stops the run (ModelError, exit 2). Answers
 * without "id" (and bare lists) are still accepted for older scripts — only the one pending request
 * can be meant — but then a late duplicate that arrives after the next request was sent cannot be
 * told from the real answer; the README asks for ids.
 *
 * stderr is free for logs (its tail is quoted in errors); end of stdin means "exit now". Failures: no
 * answer within `timeoutMs` (`startTimeoutMs` for the first answer of a new process) → the process is
 * killed and a ModelError raised; the process dies during a request (also in the middle of an answer
 * line) → it is restarted and the batch retried once, then a ModelError that says it died, its exit
 * code or signal, and its stderr tail; a stdout line that is not JSON → ModelError quoting it and its
 * line number.
 * Fingerprint (the cache key): the argv, the content of every argument that names an existing file
 * ≤ 64 MB (the script), the labels, `--model-version` and the `--model-files` digest — NOT the files the
 * script loads (weights), the interpreter, its packages or the environment: declare the weights with
 * `--model-files` (or bump `--model-version`).
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { ModelError, UsageError } from '../../errors.ts';
import type { Classifier, Prediction } from '../../types.ts';
import { stripControls } from '../../util/strings.ts';
import { defineBackend } from '../backend.ts';
import { classifyInBatches, createLimiter } from '../limit.ts';
import { AnswerError, checkLabelList, fileHash, labelIndex, sha256, toPredictions } from '../predictions.ts';
import {
  batchSizeOption,
  EVERY_BACKEND_OPTIONS,
  identityParts,
  labelsOption,
  type ModelIdentity,
  modelFilesDigest,
  resolveLabels,
} from './common.ts';

export interface CommandClassifierOptions extends ModelIdentity {
  labels?: readonly string[];
  /** texts per request, default 32 */
  batchSize?: number;
  /** per request, default 60 000 ms */
  timeoutMs?: number;
  /** for the first answer of a freshly started process (it may be loading a model), default 120 000 ms */
  startTimeoutMs?: number;
  /** working directory of the child, default process.cwd() */
  cwd?: string;
  /** extra environment variables for the child */
  env?: Record<string, string>;
}

/** Splits a command line into argv like a POSIX shell would, without expansions. */
export function parseCommand(command: string): string[] {
  const argv: string[] = [];
  let current = '';
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
      else current += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && i + 1 < command.length && '"\\$`\n'.includes(command[i + 1]!))
        current += command[++i];
      else current += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\') {
      if (i + 1 < command.length) current += command[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) argv.push(current);
      current = '';
      inWord = false;
    } else {
      current += c;
      inWord = true;
    }
  }
  if (quote !== null) throw new UsageError(`unclosed ${quote} quote in the model command: ${command}`);
  if (inWord) argv.push(current);
  if (argv.length === 0) throw new UsageError('empty model command (expected cmd:<program> [args…])');
  return argv;
}

/** The child died while a request was in flight: worth one restart. */
class ChildExited extends Error {}

interface Line {
  text: string;
  number: number;
}

interface Waiter {
  resolve(line: Line): void;
  reject(err: Error): void;
}

/** A stdout line shortened for a message. */
function quoteLine(text: string): string {
  return JSON.stringify(text.length > 200 ? `${text.slice(0, 197)}…` : text);
}

/** One running child process with a line reader on its stdout. */
class ChildSession {
  readonly child: ChildProcessWithoutNullStreams;
  private waiter: Waiter | null = null;
  private lineNumber = 0;
  /** stdout text after the last newline: left over when the process dies mid-line */
  private partial = '';
  private closing = false;
  /** answers received so far; the first one may take the process's start-up time */
  answered = 0;
  /** whether this process has answered with an "id" (then every answer must carry one) */
  private usesIds = false;
  /** said once per process: id-less answers are accepted, but a late duplicate cannot be caught */
  private warnedNoIds = false;
  private stderrTail = '';
  exit: { code: number | null; signal: string | null; error?: Error } | null = null;
  readonly exited: Promise<void>;

  constructor(
    argv: readonly string[],
    private readonly display: string,
    opts: CommandClassifierOptions,
    /** a stdout line with no request pending: the classifier stops the run with it */
    private readonly onStray: (error: ModelError) => void,
  ) {
    this.child = spawn(argv[0]!, argv.slice(1), {
      shell: false,
      stdio: ['pipe', 'pipe', 'pipe'],
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
    });
    this.child.stdin.on('error', () => {}); // EPIPE after a crash: reported through the exit instead
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (data: string) => {
      this.stderrTail = (this.stderrTail + data).slice(-2000);
    });
    // Lines are split here rather than by readline, which hands over an unterminated last line as
    // if it were complete: a process that dies mid-line must not look like one that printed garbage.
    const decoder = new StringDecoder('utf8');
    this.child.stdout.on('data', (data: Buffer) => {
      const lines = (this.partial + decoder.write(data)).split('\n');
      this.partial = lines.pop()!;
      for (const text of lines) this.onLine(text.endsWith('\r') ? text.slice(0, -1) : text);
    });
    this.exited = new Promise((done) => {
      this.child.on('error', (error) => {
        this.exit ??= { code: null, signal: null, error };
        this.failWaiter();
        done();
      });
      // 'close' (not 'exit') fires after stdout is drained, so a last answer is never lost.
      this.child.on('close', (code, signal) => {
        this.partial += decoder.end();
        this.exit ??= { code, signal };
        this.failWaiter();
        done();
      });
    });
  }

  private onLine(text: string): void {
    const line = { text, number: ++this.lineNumber };
    if (this.waiter) {
      const { resolve } = this.waiter;
      this.waiter = null;
      resolve(line);
    } else if (!this.closing) {
      this.onStray(
        new ModelError(
          `${this.display}: stdout line ${line.number} arrived while no request was pending: ${quoteLine(text)} ` +
            '(a duplicated answer or a log line on stdout would shift every later prediction onto another text; ' +
            'print exactly one line per request, logs to stderr)',
        ),
      );
    }
  }

  describeExit(): string {
    const exit = this.exit;
    if (!exit) return 'is running';
    if (exit.error) {
      return `could not be started (${(exit.error as NodeJS.ErrnoException).code ?? exit.error.message})`;
    }
    const how = exit.signal ? `it was killed by ${exit.signal}` : `it exited with code ${exit.code}`;
    const midLine =
      this.partial === ''
        ? ''
        : ` in the middle of an answer line (stdout ended with ${quoteLine(this.partial)} and no newline)`;
    const tail = this.stderrTail.trim();
    const stderr = tail ? `; its stderr ended with:\n${tail.split('\n').slice(-8).join('\n')}` : '';
    return `died${midLine}: ${how}${stderr}`;
  }

  private failWaiter(): void {
    if (this.waiter) {
      const { reject } = this.waiter;
      this.waiter = null;
      reject(new ChildExited(`${this.display} ${this.describeExit()}`));
    }
  }

  private nextLine(timeoutMs: number): Promise<Line> {
    if (this.exit) return Promise.reject(new ChildExited(`${this.display} ${this.describeExit()}`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        this.child.kill('SIGKILL');
        reject(new ModelError(`${this.display} did not answer within ${timeoutMs} ms; it was stopped`));
      }, timeoutMs);
      this.waiter = {
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      };
    });
  }

  /** Sends one request line (with its id) and parses the one answer line, matched by id. */
  async request(
    id: number,
    message: Record<string, unknown>,
    timeoutMs: number,
  ): Promise<Record<string, unknown> | unknown[]> {
    if (this.exit) throw new ChildExited(`${this.display} ${this.describeExit()}`);
    this.child.stdin.write(`${JSON.stringify({ id, ...message })}\n`);
    const line = await this.nextLine(timeoutMs);
    this.answered++;
    let value: unknown;
    try {
      value = JSON.parse(line.text);
    } catch {
      const nonFinite = /\b(NaN|-?Infinity)\b/.test(line.text)
        ? ' (NaN and Infinity are not JSON, and a score must be a finite number)'
        : ' (the command must print exactly one JSON line per request; send logs to stderr)';
      throw new ModelError(
        `${this.display}: stdout line ${line.number} is not JSON: ${quoteLine(line.text)}${nonFinite}`,
      );
    }
    if (value === null || typeof value !== 'object') {
      throw new ModelError(`${this.display}: stdout line ${line.number} is not a JSON object or array`);
    }
    const answerId = Array.isArray(value) ? undefined : (value as { id?: unknown }).id;
    if (answerId !== undefined) {
      if (answerId !== id) {
        throw new ModelError(
          `${this.display}: stdout line ${line.number} answers request id ${JSON.stringify(answerId)}, but request ${id} is the one pending ` +
            '(a duplicated, late or out-of-order answer: every later prediction would belong to another text)',
        );
      }
      this.usesIds = true;
    } else if (this.usesIds) {
      throw new ModelError(
        `${this.display}: stdout line ${line.number} has no "id", unlike the earlier answers (request ${id} is pending); ` +
          'echo the request\'s "id" in every answer',
      );
    } else if (!this.warnedNoIds) {
      this.warnedNoIds = true;
      process.stderr.write(
        `tailcheck: warning: ${stripControls(this.display)}: answers carry no "id": a duplicated answer that arrives after the next request cannot be told from the real one; echo each request's "id" (see README, Command)\n`,
      );
    }
    if (!Array.isArray(value) && typeof (value as { error?: unknown }).error === 'string') {
      throw new ModelError(`${this.display} reported an error: ${(value as { error: string }).error}`);
    }
    return value as Record<string, unknown> | unknown[];
  }

  async close(graceMs = 2000): Promise<void> {
    this.closing = true;
    if (this.exit) return;
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

export async function createCommandClassifier(
  command: string,
  opts: CommandClassifierOptions = {},
): Promise<Classifier> {
  const argv = parseCommand(command);
  const display = `model command "${command}"`;
  const batchSize = opts.batchSize ?? batchSizeOption.default;
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const startTimeoutMs = Math.max(timeoutMs, opts.startTimeoutMs ?? 120_000);
  const serial = createLimiter(1);
  const state: { session: ChildSession | null; nextId: number; stray: ModelError | null } = {
    session: null,
    nextId: 1,
    stray: null,
  };

  const current = (): ChildSession => {
    if (state.session === null || state.session.exit !== null) {
      state.session = new ChildSession(argv, display, opts, (error) => {
        state.stray ??= error;
      });
    }
    return state.session;
  };

  /** A stray stdout line seen so far stops the run: no later answer can be trusted to be in step. */
  const checkInStep = (): void => {
    if (state.stray) throw state.stray;
  };

  /** A request that survives one crash: the process is restarted and the request sent again. */
  async function requestWithRestart(
    message: Record<string, unknown>,
  ): Promise<Record<string, unknown> | unknown[]> {
    checkInStep();
    try {
      const session = current();
      return await session.request(
        state.nextId++,
        message,
        session.answered === 0 ? startTimeoutMs : timeoutMs,
      );
    } catch (err) {
      if (!(err instanceof ChildExited)) throw err;
      checkInStep();
      try {
        return await current().request(state.nextId++, message, startTimeoutMs);
      } catch (again) {
        if (again instanceof ChildExited) {
          throw new ModelError(`${again.message} (after one restart)`);
        }
        throw again;
      }
    }
  }

  let labels: string[];
  try {
    if (opts.labels !== undefined) {
      labels = checkLabelList(opts.labels, 'labels');
    } else {
      const answer = await serial(() => requestWithRestart({ labels: true }));
      const list = Array.isArray(answer) ? answer : answer.labels;
      labels = checkLabelList(list, `${display}: the answer to {"labels": true}`);
    }
  } catch (err) {
    await state.session?.close(200);
    if (err instanceof AnswerError) throw new ModelError(err.message);
    throw err;
  }
  const index = labelIndex(labels);

  const scriptHashes = argv.map((arg) => fileHash(resolve(opts.cwd ?? process.cwd(), arg)) ?? '');
  const fingerprint = sha256(
    'tailcheck/command@1',
    JSON.stringify(argv),
    JSON.stringify(scriptHashes),
    JSON.stringify(labels),
    ...identityParts(opts),
  );

  async function classifyBatch(texts: readonly string[]): Promise<Prediction[]> {
    const answer = await serial(() => requestWithRestart({ texts }));
    const list = Array.isArray(answer) ? answer : answer.predictions;
    if (!Array.isArray(list)) {
      throw new ModelError(
        `${display}: expected {"predictions": […]}, got ${JSON.stringify(answer).slice(0, 200)}`,
      );
    }
    if (list.length !== texts.length) {
      throw new ModelError(`${display}: returned ${list.length} predictions for ${texts.length} texts`);
    }
    return toPredictions(list, texts, labels, index, {
      who: display,
      noun: 'prediction',
      scores: opts.answers?.scores,
    });
  }

  return {
    labels,
    fingerprint,
    id: `cmd:${command}`,
    classify: (texts) => classifyInBatches(texts, batchSize, classifyBatch),
    async close(): Promise<void> {
      await state.session?.close();
      state.session = null;
      // A stray line after the last answer: the run's answers were in step, but the model is not.
      const stray = state.stray;
      state.stray = null;
      if (stray) throw stray;
    },
  };
}

export default defineBackend({
  name: 'cmd',
  matches: (spec) => spec.startsWith('cmd:'),
  options: [labelsOption, ...EVERY_BACKEND_OPTIONS],
  create: async (spec, options) =>
    createCommandClassifier(spec.slice(4), {
      labels: resolveLabels(options.labels),
      batchSize: options.batchSize,
      modelVersion: options.modelVersion,
      modelFilesDigest: await modelFilesDigest(options.modelFiles),
      timeoutMs: options.timeoutMs,
      answers: { prediction: options.prediction, scores: options.scores },
    }),
});
