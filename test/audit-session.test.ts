/**
 * The model session (issue 9): audits handed one session classify through its runner (one cache
 * file, one memo), leave it open, and report exactly what an audit with its own runner reports.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { audit } from '../src/audit.ts';
import { openModelSession } from '../src/classify/session.ts';
import { UsageError } from '../src/errors.ts';
import { mergeReports } from '../src/merge.ts';
import { BUNDLED_MODEL_DIR } from '../src/paths.ts';
import type { Classifier } from '../src/types.ts';
import { BANK_COUNTS, BANK_ROWS } from './fixtures/bank-rows.ts';
import { keywordClassifier } from './fixtures/suite-classifier.ts';

const work = mkdtempSync(join(tmpdir(), 'tailcheck-session-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const rows = BANK_ROWS;
const run = {
  data: rows,
  perturb: 'typo',
  variants: 2,
  classCounts: BANK_COUNTS,
};

/** A classifier that counts its calls and whether it was closed. */
function counted(): Classifier & { calls: number; closed: boolean } {
  const inner = keywordClassifier();
  const clf = {
    ...inner,
    calls: 0,
    closed: false,
    async classify(texts: readonly string[]) {
      clf.calls++;
      return inner.classify(texts);
    },
    async close() {
      clf.closed = true;
    },
  };
  return clf;
}

describe('audit with a model session', () => {
  it('classifies through the session runner, reuses it across audits and leaves the session open', async () => {
    const clf = counted();
    const session = await openModelSession(clf, { cacheDir: join(work, 'cache-a') });
    try {
      const first = await audit({ ...run, session });
      const classified = session.runner.stats.classified;
      expect(classified).toBeGreaterThan(0);
      const calls = clf.calls;
      const second = await audit({ ...run, session });
      expect(JSON.stringify(second)).toBe(JSON.stringify(first));
      // The second audit asked the same runner: every text was known, the model saw nothing new.
      expect(session.runner.stats.classified).toBe(classified);
      expect(clf.calls).toBe(calls);
      expect(session.runner.stats.cacheHits).toBeGreaterThan(0);
      const again = await session.runner.predict([rows[0]!.text]);
      expect(again[0]!.label).toBe('card_arrival');
    } finally {
      await session.close();
    }
    // A session around an instance leaves the instance to its owner.
    expect(clf.closed).toBe(false);
  });

  it('reports exactly what an audit with its own runner reports', async () => {
    const session = await openModelSession(keywordClassifier(), { cacheDir: null });
    try {
      const viaSession = await audit({ ...run, session, logitAdjust: 1 });
      const own = await audit({ ...run, model: keywordClassifier(), cacheDir: null, logitAdjust: 1 });
      expect(JSON.stringify(viaSession)).toBe(JSON.stringify(own));
    } finally {
      await session.close();
    }
  });

  it('rejects a model and a session together', async () => {
    const session = await openModelSession(keywordClassifier(), { cacheDir: null });
    try {
      await expect(audit({ ...run, session, model: keywordClassifier() })).rejects.toThrow(UsageError);
    } finally {
      await session.close();
    }
  });

  it('finds label_counts.json beside a model folder, not beside an instance', async () => {
    const bundled = await openModelSession(undefined, { cacheDir: null });
    try {
      expect(bundled.classCountsFile).toBe(join(BUNDLED_MODEL_DIR, 'label_counts.json'));
    } finally {
      await bundled.close();
    }
    const instance = await openModelSession(keywordClassifier(), { cacheDir: null });
    expect(instance.classCountsFile).toBeUndefined();
    await instance.close();
  });
});

describe('merge and the data warnings', () => {
  it('keeps run-level warnings and recomputes the record-derived ones on the union', async () => {
    // Typo has no site in a one-letter text: most variants of a shard of them stay unchanged.
    const tiny = [
      ...rows,
      ...['I', 'a', 'x', 'y', 'z', 'q'].map((text, i) => ({ id: `t${i}`, text, label: 'change_pin' })),
    ];
    const common = { ...run, data: tiny, model: keywordClassifier(), cacheDir: null, classCounts: undefined };
    const whole = await audit(common);
    const shards = await Promise.all([1, 2].map((index) => audit({ ...common, shard: { index, count: 2 } })));
    const merged = await mergeReports(shards);
    expect(merged.warnings).toEqual(whole.warnings);
    // The evaluation-set fallback warning holds for the whole run; the typo one is derived from records.
    expect(whole.warnings[0]).toMatch(/^No training class frequencies/);
    expect(whole.warnings.some((w) => w.startsWith('typo.'))).toBe(true);
  });
});
