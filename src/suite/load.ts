/**
 * Reads a suite file, keeping YAML positions so every problem is reported as
 * `file: yaml.path: message (line N)` — the user fixes the file, not a stack trace.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { isCollection, isMap, isPair, isScalar, LineCounter, type Node, parseDocument } from 'yaml';
import { UsageError } from '../errors.ts';
import { parseBucketSpec } from '../measure/buckets.ts';
import { type Suite, type SuiteTest, suiteSchema } from './schema.ts';
import { defaultTestName, testProblems } from './tests/index.ts';

export type YamlPath = ReadonlyArray<string | number>;

export interface SuiteProblem {
  path: YamlPath;
  message: string;
  line?: number;
}

/** An invalid suite: exit 2, with every problem's YAML path and line. */
export class SuiteError extends UsageError {
  readonly file: string;
  readonly problems: SuiteProblem[];
  constructor(file: string, problems: SuiteProblem[]) {
    super(problems.map((p) => formatProblem(file, p)).join('\n'));
    this.name = 'SuiteError';
    this.file = file;
    this.problems = problems;
  }
}

export interface LoadedSuite {
  suite: Suite;
  /** absolute path of the suite file */
  file: string;
  /** relative paths in the suite resolve against this folder */
  dir: string;
  /** the file as given / relative to the working directory, for messages */
  displayName: string;
  /** 1-based line of the YAML node at `path` (or its nearest existing parent) */
  locate(path: YamlPath): number | undefined;
  /** a SuiteError for a problem found after validation (e.g. an unknown label) */
  problem(path: YamlPath, message: string): SuiteError;
}

/** `['tests', 2, 'thresholds', 'maxDrop']` → `tests[2].thresholds.maxDrop` */
export function formatPath(path: YamlPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(part)) out += out ? `.${part}` : part;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out || '(top level)';
}

export function formatProblem(file: string, p: SuiteProblem): string {
  return `${file}: ${formatPath(p.path)}: ${p.message}${p.line !== undefined ? ` (line ${p.line})` : ''}`;
}

/** zod's "Invalid input: expected number, received string" → "Expected number, received string" */
function tidy(message: string): string {
  const m = /^Invalid input: (.*)$/.exec(message);
  const text = m ? m[1]! : message;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

/** Cross-field rules zod's per-field schema cannot say. */
function semanticProblems(suite: Suite): SuiteProblem[] {
  const problems: SuiteProblem[] = [];
  const names = new Map<string, number>();
  suite.tests.forEach((test: SuiteTest, i) => {
    const at = (...rest: Array<string | number>): YamlPath => ['tests', i, ...rest];
    const name = test.name ?? defaultTestName(test, i);
    if (names.has(name)) {
      problems.push({
        path: at('name'),
        message: `duplicate test name "${name}" (also tests[${names.get(name)}])`,
      });
    }
    names.set(name, i);
    for (const p of testProblems(test, suite)) problems.push({ ...p, path: at(...p.path) });
  });
  if (suite.buckets !== undefined) {
    try {
      parseBucketSpec(suite.buckets);
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      problems.push({ path: ['buckets'], message: err.message });
    }
  }
  return problems;
}

/** Parse and validate suite text; `file` is used for positions and messages only. */
export function parseSuite(source: string, file: string): LoadedSuite {
  const absolute = resolve(file);
  const name = displayPath(absolute);
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineOf = (offset: number | undefined): number | undefined =>
    offset === undefined ? undefined : lineCounter.linePos(offset).line;

  if (doc.errors.length) {
    throw new SuiteError(
      name,
      doc.errors.map((e) => ({
        path: [],
        message: `YAML syntax: ${e.message.split('\n')[0]}`,
        line: lineOf(e.pos[0]),
      })),
    );
  }

  const nodeAt = (path: YamlPath): { node: Node | null; exact: boolean } => {
    let node: unknown = doc.contents;
    for (let depth = 0; depth < path.length; depth++) {
      const next = isCollection(node) ? node.get(path[depth], true) : undefined;
      if (next === undefined || next === null) return { node: node as Node, exact: false };
      node = next;
    }
    return { node: node as Node, exact: true };
  };
  /** the line of key `key` inside the map at `path`, undefined when there is no such key */
  const keyLine = (path: YamlPath, key: string | number): number | undefined => {
    const { node, exact } = nodeAt(path);
    if (!exact || !isMap(node)) return undefined;
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
    return pair && isScalar(pair.key) ? lineOf(pair.key.range?.[0]) : undefined;
  };
  // A map entry is located at its key: `rare:` followed by an indented block is found on the
  // key's line, not on the first line of its value.
  const locate = (path: YamlPath): number | undefined => {
    const last = path.at(-1);
    if (typeof last === 'string' && nodeAt(path).exact) {
      const line = keyLine(path.slice(0, -1), last);
      if (line !== undefined) return line;
    }
    return lineOf(nodeAt(path).node?.range?.[0]);
  };
  /** the line of key `key` inside the map at `path` (for unrecognized keys) */
  const locateKey = (path: YamlPath, key: string): number | undefined => keyLine(path, key) ?? locate(path);

  const parsed = suiteSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    const problems: SuiteProblem[] = [];
    for (const issue of parsed.error.issues) {
      const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
          problems.push({ path: [...path, key], message: 'Unknown key', line: locateKey(path, key) });
        }
      } else {
        problems.push({ path, message: tidy(issue.message), line: locate(path) });
      }
    }
    throw new SuiteError(name, problems);
  }

  const suite = parsed.data;
  const semantic = semanticProblems(suite).map((p) => ({ ...p, line: locate(p.path) }));
  if (semantic.length) throw new SuiteError(name, semantic);

  return {
    suite,
    file: absolute,
    dir: dirname(absolute),
    displayName: name,
    locate,
    problem: (path, message) => new SuiteError(name, [{ path, message, line: locate(path) }]),
  };
}

/** Read, parse and validate a suite file. Missing or unreadable files are a UsageError (exit 2). */
export function loadSuite(file: string): LoadedSuite {
  const absolute = resolve(file);
  if (!existsSync(absolute)) throw new UsageError(`suite file not found: ${file}`);
  if (!statSync(absolute).isFile()) throw new UsageError(`suite path is not a file: ${file}`);
  return parseSuite(readFileSync(absolute, 'utf8'), absolute);
}
