/**
 * Backend fuzzing (issue 10, Targets): a model that answers honestly except for one random fault on
 * one random call — wrong counts, an extra line, bad scores, a label that contradicts its scores, an
 * unknown label, a hang — reached as a module, over HTTP and as a `cmd:` process, through the real
 * audit. The properties: a run that was served a fault never resolves (every fault makes an answer
 * wrong), and one that resolves has only the honest model's predictions; every failure is a tailcheck
 * error (exit code 2, no stack trace); no run outlives its timeout by much.
 * Seeded (fast-check), tens of runs, 300 ms timeouts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit } from '../src/audit.ts';
import type { ClassifierOptions } from '../src/classify/load.ts';
import { PACKAGE_ROOT } from '../src/paths.ts';
import type { Report } from '../src/types.ts';
import { predict } from './fixtures/backends/_model.mjs';
import { answer, FAULTS, type Fault, LABELS, looseJson } from './fixtures/backends/faulty.mjs';

const backends = fileURLToPath(new URL('./fixtures/backends/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tailcheck-fuzz-'));
const TIMEOUT_MS = 300;
/** the longest a run may take: the timeout, a process start and the audit around it */
const RUN_BOUND_MS = 8000;

const rows = [
  { text: 'great service, love it', label: 'positive' },
  { text: 'awful fees again', label: 'negative' },
  { text: 'where is my card', label: 'neutral' },
  { text: 'the app is good but slow', label: 'positive' },
];
const data = join(dir, 'data.jsonl');
writeFileSync(data, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);

// ─── the HTTP model: /<run>/predict, each run with its own call counter and fault ───
const httpFaults = new Map<string, { fault: Fault; calls: number }>();
const hanging: ServerResponse[] = [];
let server: Server;
let base: string;

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  let raw = '';
  for await (const chunk of req) raw += chunk;
  const run = httpFaults.get((req.url ?? '').split('/')[1] ?? '');
  if (!run) {
    res.writeHead(404).end();
    return;
  }
  const texts = (JSON.parse(raw) as { inputs: string[] }).inputs;
  const out = answer(run.fault, ++run.calls, texts);
  if (out.hang) {
    hanging.push(res);
    return;
  }
  const answers = out.extraLine ? [...out.answers, out.answers[0]] : out.answers;
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(looseJson({ predictions: answers }));
}

beforeAll(async () => {
  server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const res of hanging) res.destroy();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

let runNo = 0;

/** The model spec and options for one fuzz run of a backend. */
function modelFor(
  backend: 'module' | 'http' | 'cmd',
  fault: Fault,
): { model: string; options: ClassifierOptions } {
  const n = runNo++;
  const options: ClassifierOptions = { timeoutMs: TIMEOUT_MS };
  if (backend === 'module') {
    const file = join(dir, `model-${n}.mjs`);
    const fixture = JSON.stringify(new URL('./fixtures/backends/faulty.mjs', import.meta.url).href);
    writeFileSync(
      file,
      `import { faultyClassify, LABELS } from ${fixture};\nexport const labels = LABELS;\nexport const classify = faultyClassify(${JSON.stringify(fault)});\n`,
    );
    return { model: file, options };
  }
  if (backend === 'http') {
    httpFaults.set(`run${n}`, { fault, calls: 0 });
    return { model: `${base}/run${n}/predict`, options: { ...options, labels: LABELS, retries: 0 } };
  }
  const argv = [process.execPath, join(backends, 'faulty-cmd.mjs'), JSON.stringify(fault)];
  return { model: `cmd:${argv.map((a) => `'${a}'`).join(' ')}`, options };
}

/** Every prediction in the report is the honest model's for that text. */
function honest(report: Report): boolean {
  return (report.examples ?? []).every(
    (r) =>
      r.prediction === predict(r.text).label &&
      r.variants.every((v) => v.prediction === predict(v.text).label),
  );
}

let markerNo = 0;
const fault = fc
  .record({
    kind: fc.constantFrom(...FAULTS),
    at: fc.integer({ min: 1, max: 6 }),
    item: fc.integer({ min: 0, max: 7 }),
  })
  .map((f): Fault => ({ ...f, marker: join(dir, `served-${markerNo++}.txt`) }));

/** Whether the model served its fault during the run. */
const served = (f: Fault): boolean => existsSync(f.marker);

describe.each([
  ['module', 11],
  ['http', 12],
  ['cmd', 13],
] as const)('fuzzing the %s backend through audit()', (backend, seed) => {
  it('never resolves with a wrong prediction, fails only with tailcheck errors, never hangs', async () => {
    const outcomes: string[] = [];
    await fc.assert(
      fc.asyncProperty(fault, async (f) => {
        const { model, options } = modelFor(backend, f);
        const started = Date.now();
        const result = await audit({
          model,
          data,
          perturb: 'typo',
          variants: 1,
          cacheDir: null,
          batchSize: 4,
          classifierOptions: options,
        }).then(
          (report) => ({ report }),
          (error: unknown) => ({ error }),
        );
        const elapsed = Date.now() - started;
        expect(elapsed, `${JSON.stringify(f)} took ${elapsed} ms`).toBeLessThan(RUN_BOUND_MS);
        if ('report' in result) {
          expect(served(f), `${JSON.stringify(f)} resolved although the model served its fault`).toBe(false);
          expect(honest(result.report), `${JSON.stringify(f)} resolved with a wrong prediction`).toBe(true);
          outcomes.push(`${f.kind}: ok`);
        } else {
          const error = result.error as Error & { exitCode?: unknown };
          expect(error.exitCode, `${JSON.stringify(f)}: ${error.stack}`).toBe(2);
          expect(error.message).not.toMatch(/\n\s+at /);
          outcomes.push(`${f.kind}: ${error.name}`);
        }
      }),
      { numRuns: 16, seed, endOnFailure: true },
    );
    // The runs met faults, not only honest calls (a fuzz that never fails proves nothing).
    expect(outcomes.filter((o) => o.endsWith('ModelError')).length).toBeGreaterThan(3);
  });
});

describe('the CLI on faulty backends', () => {
  const bin = join(PACKAGE_ROOT, 'bin/tailcheck.js');
  const cli = (args: string[]) =>
    spawnSync(
      process.execPath,
      [
        bin,
        'audit',
        '--data',
        data,
        '--perturb',
        'typo',
        '--variants',
        '1',
        '--no-cache',
        '--quiet',
        ...args,
      ],
      {
        encoding: 'utf8',
        timeout: 60_000,
      },
    );

  it.each([
    ['a module that calls process.exit(0)', 'exit', /the model module called process\.exit\(0\)/],
    ['a cmd: model that duplicates an answer', 'cmd-dup', /arrived while no request was pending/],
    ['scores that contradict the label', 'disagree', /disagrees with the highest score.*data\.jsonl:line \d/],
  ])('exits 2 with a message for %s', (_what, kind, pattern) => {
    const model =
      kind === 'cmd-dup'
        ? modelFor('cmd', { kind: 'extra-line', at: 1, item: 0, marker: join(dir, 'cli-1.txt') }).model
        : kind === 'disagree'
          ? modelFor('module', { kind: 'disagree', at: 1, item: 0, marker: join(dir, 'cli-2.txt') }).model
          : join(dir, 'exit.mjs');
    if (kind === 'exit') {
      writeFileSync(
        model,
        'export const labels = ["negative", "neutral", "positive"];\nexport async function classify() { process.exit(0); }\n',
      );
    }
    const r = cli(['--model', model, '--timeout', String(TIMEOUT_MS)]);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(pattern);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses --prediction label with --logit-adjust (exit 2)', () => {
    const model = join(backends, 'module-model.ts');
    const refused = cli(['--model', model, '--prediction', 'label', '--logit-adjust']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/--logit-adjust needs predictions that are the argmax/);
  });
});
