/**
 * `--examples-out` on failure (audit and merge): the JSONL writer is aborted — its descriptor
 * closed, its temp file removed, no examples file written — whatever fails after it was opened.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { audit } from '../src/audit.ts';
import { mergeReports } from '../src/merge.ts';
import type { Classifier, Report } from '../src/types.ts';
import { BANK_COUNTS, BANK_ROWS } from './fixtures/bank-rows.ts';
import { keywordClassifier } from './fixtures/suite-classifier.ts';

const work = mkdtempSync(join(tmpdir(), 'tailcheck-examples-out-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const rows = BANK_ROWS.slice(0, 4);
const run = {
  data: rows,
  perturb: 'typo.delete',
  variants: 1,
  cacheDir: null,
  classCounts: BANK_COUNTS,
};

/** Open descriptors of this process on files in `dir` (Linux; none elsewhere). */
function openIn(dir: string): string[] {
  if (!existsSync('/proc/self/fd')) return [];
  const out: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      if (target.startsWith(dir)) out.push(target);
    } catch {
      // closed meanwhile
    }
  }
  return out;
}

function freshDir(name: string): string {
  const dir = join(work, name);
  mkdirSync(dir);
  return dir;
}

async function expectNothingLeft(dir: string): Promise<void> {
  // a stream's close is asynchronous: give it a turn
  await new Promise((r) => setTimeout(r, 50));
  expect(readdirSync(dir)).toEqual([]);
  expect(openIn(dir)).toEqual([]);
}

describe('--examples-out on failure', () => {
  it('audit: a failure before the first record leaves no file and no open descriptor', async () => {
    const dir = freshDir('audit-progress');
    const examplesOut = join(dir, 'examples.jsonl');
    await expect(
      audit({
        ...run,
        model: keywordClassifier(),
        examplesOut,
        onProgress: () => {
          throw new Error('progress sink failed');
        },
      }),
    ).rejects.toThrow('progress sink failed');
    await expectNothingLeft(dir);
  });

  it('audit: a model failure mid-run leaves no file and no open descriptor', async () => {
    const dir = freshDir('audit-model');
    const inner = keywordClassifier();
    let calls = 0;
    const failing: Classifier = {
      ...inner,
      async classify(texts) {
        if (++calls > 1) throw new Error('model went away');
        return inner.classify(texts);
      },
    };
    await expect(
      audit({ ...run, model: failing, batchSize: 2, examplesOut: join(dir, 'examples.jsonl') }),
    ).rejects.toThrow('model went away');
    await expectNothingLeft(dir);
  });

  it('merge: a refused shard leaves no file and no open descriptor', async () => {
    const dir = freshDir('merge');
    const shards: Report[] = [];
    for (const i of [1, 2])
      shards.push(await audit({ ...run, model: keywordClassifier(), shard: { index: i, count: 2 } }));
    // The second shard declares more examples than it holds: refused after the first was streamed.
    const bad = { ...shards[1]!, config: { ...shards[1]!.config, data: { ...shards[1]!.config.data } } };
    bad.config.data.n += 1;
    await expect(mergeReports([shards[0]!, bad], { examplesOut: join(dir, 'merged.jsonl') })).rejects.toThrow(
      /declares/,
    );
    await expectNothingLeft(dir);
    // and the same merge, unbroken, writes the file
    await mergeReports(shards, { examplesOut: join(dir, 'merged.jsonl') });
    expect(readdirSync(dir)).toEqual(['merged.jsonl']);
  });
});
