/**
 * A suite's path-valued modelOptions (labels, httpMap, modelFiles) resolve against the suite's folder,
 * like its `model`, `data` and `train`, whatever the working directory (review r1, item 1): before,
 * `labels: ./labels.txt` run from another folder was taken as the comma list "./labels.txt".
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { modelOptionFiles, resolveModelOptionPaths } from '../src/suite/context.ts';
import { loadSuite } from '../src/suite/load.ts';
import { runSuite } from '../src/suite/run.ts';

const dir = mkdtempSync(join(tmpdir(), 'tailcheck-suite-option-paths-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const suiteDir = join(dir, 'suite');
mkdirSync(join(suiteDir, 'weights'), { recursive: true });
writeFileSync(join(suiteDir, 'labels.txt'), 'card\nother\n');
writeFileSync(join(suiteDir, 'weights', 'w.bin'), 'w');
// A module model without a `labels` export: its labels come from modelOptions.labels only.
writeFileSync(
  join(suiteDir, 'model.mjs'),
  `export async function classify(texts) {
  return texts.map((t) => (t.includes('card') ? { label: 'card', scores: [0.9, 0.1] } : { label: 'other', scores: [0.1, 0.9] }));
}
`,
);
writeFileSync(
  join(suiteDir, 'suite.yaml'),
  `name: option paths
model: ./model.mjs
modelOptions:
  labels: ./labels.txt
  modelFiles: [./weights]
tests:
  - type: expect
    texts: ['my card', 'a card again']
    label: card
`,
);

describe('suite modelOptions paths', { timeout: 60_000 }, () => {
  it('reads labels: ./labels.txt and modelFiles from the suite folder, run from another cwd', async () => {
    expect(process.cwd()).not.toBe(suiteDir);
    const outcome = await runSuite(loadSuite(join(suiteDir, 'suite.yaml')), { cacheDir: null });
    expect(outcome.tests.map((t) => [t.status, t.summary])).toEqual([
      ['passed', expect.stringContaining('2 of 2 classified as card')],
    ]);
  });

  it("an absent command-line option (undefined) leaves the suite's modelOptions value", async () => {
    const outcome = await runSuite(loadSuite(join(suiteDir, 'suite.yaml')), {
      cacheDir: null,
      classifierOptions: { labels: undefined, dtype: undefined },
    });
    expect(outcome.tests[0]!.status).toBe('passed');
  });

  it('resolves file-or-text values only when the file exists; lists the files they name', () => {
    const resolved = resolveModelOptionPaths(
      { labels: 'card,other', httpMap: './labels.txt', modelFiles: ['./weights', '/abs/w'], timeoutMs: 5 },
      suiteDir,
    );
    expect(resolved).toEqual({
      labels: 'card,other',
      httpMap: join(suiteDir, 'labels.txt'),
      modelFiles: [join(suiteDir, 'weights'), '/abs/w'],
      timeoutMs: 5,
    });
    expect(modelOptionFiles(resolved)).toEqual([
      join(suiteDir, 'labels.txt'),
      join(suiteDir, 'weights'),
      '/abs/w',
    ]);
    expect(resolveModelOptionPaths(undefined, suiteDir)).toBeUndefined();
  });
});
