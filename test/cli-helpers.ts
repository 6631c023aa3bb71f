/**
 * Shared by the cli-*.test.ts files: runs the CLI in a scratch folder with a tiny module model whose
 * calls can be counted (to prove a usage error came before any work) and which can be made to fail
 * after N calls with a given message (an interrupted or failing run).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/tailcheck.js', import.meta.url));
const BUNDLED_QUERIES = fileURLToPath(new URL('../data/bank-queries.jsonl', import.meta.url));

/** Writes the first `n` bundled bank queries to `path` (a small labelled set for CLI runs). */
export function writeBundledQueries(path: string, n: number): void {
  const rows = readFileSync(BUNDLED_QUERIES, 'utf8').split('\n').filter(Boolean).slice(0, n);
  writeFileSync(path, `${rows.join('\n')}\n`);
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function scratch(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `tailcheck-${prefix}-`));
}

export function runCli(cwd: string, args: readonly string[], env: Record<string, string> = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, CI: '1', NO_COLOR: '1', ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A two-label module model: "good/great/fine" → pos. Env: T10_CALLS (a file counting calls), T10_FAIL_AFTER, T10_MESSAGE. */
export const MODEL_SOURCE = `import { appendFileSync } from 'node:fs';
export const labels = ['pos', 'neg'];
let calls = 0;
export async function classify(texts) {
  if (process.env.T10_CALLS) appendFileSync(process.env.T10_CALLS, 'call\\n');
  if (process.env.T10_FAIL_AFTER && ++calls > Number(process.env.T10_FAIL_AFTER)) {
    throw new Error(process.env.T10_MESSAGE ?? 'model failed');
  }
  return texts.map((t) => {
    const p = /good|great|fine/.test(t) ? 0.9 : 0.2;
    return { label: p > 0.5 ? 'pos' : 'neg', scores: [p, 1 - p] };
  });
}
`;

/** Writes model.mjs and data.jsonl (n rows) into `dir`. */
export function writeFixtures(dir: string, n = 30): { model: string; data: string } {
  const model = join(dir, 'model.mjs');
  writeFileSync(model, MODEL_SOURCE);
  const data = join(dir, 'data.jsonl');
  const rows = Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      id: `r${i}`,
      text: i % 3 ? `this is good stuff number ${i}` : `this is bad stuff number ${i}`,
      label: i % 3 ? 'pos' : 'neg',
    }),
  );
  writeFileSync(data, `${rows.join('\n')}\n`);
  return { model, data };
}

/** The audit arguments of a quick run on the fixtures. */
export function auditArgs(fx: { model: string; data: string }): string[] {
  return ['audit', '--model', fx.model, '--data', fx.data, '--perturb', 'typo.keyboard', '--no-cache'];
}

/** Temp files an atomic write left behind (none, after any run that ended). */
export function leftoverTemps(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.tmp'));
}

/** True when the output looks like a Node stack trace rather than a message. */
export function hasStackTrace(text: string): boolean {
  return /^\s+at .+:\d+:\d+\)?$/m.test(text) || text.includes('node:internal');
}
